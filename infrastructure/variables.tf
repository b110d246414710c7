variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Prefix of every resource name; the services' NOCOMELON_ENVIRONMENT."
  type        = string
  default     = "nocomelon"
}
