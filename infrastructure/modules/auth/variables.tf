variable "user_pool_name" {
  type = string
}

variable "client_name" {
  type = string
}

variable "identity_pool_name" {
  type = string
}

variable "password_policy" {
  description = "topology.json password_policy, the one devstack's Provisioner sets locally."
  type = object({
    MinimumLength    = number
    RequireUppercase = bool
    RequireLowercase = bool
    RequireNumbers   = bool
    RequireSymbols   = bool
  })
}

variable "password_sign_in" {
  description = "Also allow USER_PASSWORD_AUTH (the CLI); the SPA uses SRP."
  type        = bool
}

variable "assets_bucket_arn" {
  description = "The bucket whose <sub>/ prefix a signed-in parent may read."
  type        = string
}
