output "bucket" {
  value = aws_s3_bucket.spa.id
}

output "distribution_id" {
  value = aws_cloudfront_distribution.app.id
}
