variable "bucket" {
  description = "The bucket's name; leave null and set bucket_prefix for a generated one."
  type        = string
  default     = null
}

variable "bucket_prefix" {
  description = "The start of a generated name, when bucket is null."
  type        = string
  default     = null
}

variable "access_logs" {
  description = "The bucket and key prefix this bucket's server access logs go to; null for none."
  type = object({
    bucket = string
    prefix = string
  })
  default = null
}

variable "allow" {
  description = "Who else may do what to which of its objects: an Allow statement each in the bucket policy, beside the TLS-only deny."
  # Each statement's Resource is this bucket's ARN and objects, filled in here: a
  # module block naming its own module's arn is a cycle in checkov's graph, and
  # checkov then stops rendering what uses the bucket (for the logs bucket, the
  # compute module's variables).
  type = list(object({
    sid       = string
    principal = map(string)
    action    = string
    objects   = string
    condition = optional(map(map(string)))
  }))
  default = []
}
