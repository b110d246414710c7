# The SPA bucket's resources now live in modules/private_bucket. Without these an
# existing deployment would plan to replace the bucket, under a new generated name.

moved {
  from = aws_s3_bucket.spa
  to   = module.spa.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.spa
  to   = module.spa.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.spa
  to   = module.spa.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.spa
  to   = module.spa.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.spa
  to   = module.spa.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_policy.spa
  to   = module.spa.aws_s3_bucket_policy.this
}

# The security headers policy is one of two now (the share pages have their own).
moved {
  from = aws_cloudfront_response_headers_policy.security
  to   = aws_cloudfront_response_headers_policy.app["security"]
}
