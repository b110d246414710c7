variable "prefix" {
  description = "Prefix of every name (the environment)."
  type        = string
}

variable "topology" {
  description = "shared/src/shared/topology.json, decoded."
  type        = any
}

variable "oldest_message_alarm_seconds" {
  description = "Alarm when a worker queue's oldest message is older than this."
  type        = number
}

variable "alarm_email" {
  description = "Subscribed to the alarms topic when set."
  type        = string
  default     = null
}
