# A bucket nobody outside the account can read: public access blocked, ACLs
# off, SSE-S3, versioned, reachable over TLS only. What differs between buckets
# (who else may use it, where its access logs go) comes in through the
# variables. Lifecycle rules stay with the caller: checkov cannot render rules
# passed into dynamic blocks, so it would no longer see the upload clean-up.
#
# checkov reports its checks on these resources once per module call: skip one
# on the module block of the bucket it does not fit, with that bucket's reason.

resource "aws_s3_bucket" "this" {
  bucket        = var.bucket
  bucket_prefix = var.bucket_prefix
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "this" {
  count         = var.access_logs == null ? 0 : 1
  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_logs.bucket
  target_prefix = var.access_logs.prefix
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }],
      [for grant in var.allow : merge(
        {
          Sid       = grant.sid
          Effect    = "Allow"
          Principal = grant.principal
          Action    = grant.action
          Resource  = "${aws_s3_bucket.this.arn}/${grant.objects}"
        },
        grant.condition == null ? {} : { Condition = grant.condition },
      )],
    )
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}
