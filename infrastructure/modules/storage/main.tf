# The assets bucket (drawings, pictures, narration, videos under each parent's
# user-pool sub) and the bucket the access logs of S3, the ALB go to.

module "assets" {
  source = "../private_bucket"
  #checkov:skip=CKV_AWS_144:One region is enough: runs are re-creatable and the library is versioned; replication would double storage for no recovery objective we have.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to object events: the services announce new files on the event bus.
  #checkov:skip=CKV_AWS_145:SSE-S3: presigned links and the identity pool's browser reads would each need kms:Decrypt grants with a KMS key.

  bucket      = var.bucket_name
  access_logs = { bucket = module.logs.id, prefix = "s3/${var.bucket_name}/" }
}

# The browser plays videos and shows pictures from presigned links.
resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = module.assets.id
  cors_rule {
    allowed_origins = [var.app_origin]
    allowed_methods = ["GET", "HEAD"]
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "Content-Length", "Content-Range", "Accept-Ranges"]
    max_age_seconds = 3600
  }
}

# Keys begin with the parent's sub, so a prefix cannot pick out pictures or
# audio: objects carry a retention tag instead (topology.json asset_retention).
# Intermediate files go once their run's checkpoint has expired, a run's drawing
# and video some weeks later; what a parent saved to the library is tagged to
# stay and has no rule.
resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = module.assets.id

  dynamic "rule" {
    for_each = var.asset_retention.expire_after_days
    content {
      id     = "expire-${rule.key}"
      status = "Enabled"
      filter {
        tag {
          key   = var.asset_retention.tag
          value = rule.key
        }
      }
      expiration {
        days = rule.value
      }
    }
  }

  rule {
    id     = "tidy-versions-and-uploads"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    expiration {
      expired_object_delete_marker = true
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  # After the module's versioning, which rules on noncurrent versions need.
  depends_on = [module.assets]
}
