# The access-log bucket. It has a file of its own because checkov tells two
# calls of one module apart by the file that makes them: in main.tf beside the
# assets bucket, module.logs.id would be the assets bucket's id to checkov.

data "aws_elb_service_account" "this" {}

data "aws_partition" "current" {}

module "logs" {
  source = "../private_bucket"
  #checkov:skip=CKV_AWS_18:This is the access-log bucket; logging it into itself would loop.
  #checkov:skip=CKV_AWS_144:Access logs are not worth a second region.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new log files.
  #checkov:skip=CKV_AWS_145:ALB access logs can only be written to an SSE-S3 bucket.

  bucket = "${var.bucket_name}-logs"

  # S3 server access logs of the assets bucket and the ALB's access logs; nothing else may write.
  allow = [
    {
      sid       = "S3ServerAccessLogs"
      principal = { Service = "logging.s3.amazonaws.com" }
      action    = "s3:PutObject"
      objects   = "s3/*"
      # The assets bucket's ARN from its name: module.assets.arn would make the two
      # module calls depend on each other, a cycle in checkov's graph.
      condition = { ArnLike = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}" } }
    },
    {
      sid       = "AlbAccessLogs"
      principal = { AWS = data.aws_elb_service_account.this.arn }
      action    = "s3:PutObject"
      objects   = "alb/*"
    },
  ]
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = module.logs.id
  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.log_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
  # After the module's versioning, which rules on noncurrent versions need.
  depends_on = [module.logs]
}
