output "assets_bucket" {
  value = module.assets.id
}

output "assets_bucket_arn" {
  value = module.assets.arn
}

output "logs_bucket" {
  value = module.logs.id
}
