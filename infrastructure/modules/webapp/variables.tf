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

variable "region" {
  description = "Where the user pool is: the web app signs in at cognito-idp.<region>.amazonaws.com."
  type        = string
}

variable "origin_header" {
  description = "The secret header CloudFront adds to requests to the ALB (compute's origin_header)."
  type = object({
    name  = string
    value = string
  })
  sensitive = true
}

variable "assets_origin" {
  description = "Where the gateway's presigned links point (the assets bucket): the web app shows and plays them."
  type        = string
}

variable "hsts_max_age_seconds" {
  type = number
}

variable "requests_per_ip" {
  description = "Requests one address may make in 5 minutes before the WAF answers 429."
  type        = number
}

variable "log_retention_days" {
  description = "How long the WAF's log of blocked and counted requests is kept."
  type        = number
}
