output "bucket" {
  value = module.spa.id
}

output "distribution_id" {
  value = aws_cloudfront_distribution.app.id
}
