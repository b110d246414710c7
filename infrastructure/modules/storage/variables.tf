variable "bucket_name" {
  description = "The assets bucket; the logs bucket is named after it."
  type        = string
}

variable "app_origin" {
  description = "The SPA's origin (https://app-domain), the only one CORS lets read assets."
  type        = string
}

variable "asset_retention" {
  description = "topology.json asset_retention: the tag key and, per tag value, the days after which such objects expire."
  type = object({
    tag               = string
    expire_after_days = map(number)
  })
}

variable "noncurrent_version_days" {
  description = "How long an overwritten or deleted asset can still be restored."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "How long access logs are kept."
  type        = number
  default     = 365
}
