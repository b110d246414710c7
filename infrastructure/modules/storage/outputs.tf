output "assets_bucket" {
  value = aws_s3_bucket.assets.id
}

output "assets_bucket_arn" {
  value = aws_s3_bucket.assets.arn
}

output "logs_bucket" {
  value = aws_s3_bucket.logs.id
}
