variable "prefix" {
  description = "Prefix of every name (the environment)."
  type        = string
}

variable "tables" {
  description = "The tables of topology.json: keys, TTL attribute and indexes by table name."
  type        = any
}
