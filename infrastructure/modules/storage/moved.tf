# The buckets' resources now live in modules/private_bucket. Without these an
# existing deployment would plan to replace both buckets, which still hold the
# assets and the logs.

moved {
  from = aws_s3_bucket.assets
  to   = module.assets.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.assets
  to   = module.assets.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.assets
  to   = module.assets.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.assets
  to   = module.assets.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.assets
  to   = module.assets.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_logging.assets
  to   = module.assets.aws_s3_bucket_logging.this[0]
}

moved {
  from = aws_s3_bucket_policy.assets
  to   = module.assets.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket.logs
  to   = module.logs.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.logs
  to   = module.logs.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.logs
  to   = module.logs.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.logs
  to   = module.logs.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.logs
  to   = module.logs.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_policy.logs
  to   = module.logs.aws_s3_bucket_policy.this
}
