variable "prefix" {
  description = "Prefix of every name (the environment)."
  type        = string
}

variable "app_domain" {
  description = "The distribution's name, e.g. stories.example.com."
  type        = string
}

variable "api_domain" {
  description = "The gateway ALB's name, the origin of /api/* and /auth/*."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for app_domain in us-east-1."
  type        = string
}

variable "dns_zone_id" {
  type = string
}
