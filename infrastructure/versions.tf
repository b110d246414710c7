terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    # The secret CloudFront sends the ALB is generated, and kept only in the state.
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
  # State lives in S3; `deploy.sh` passes the bucket, key and region to `terraform init -backend-config`.
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

# CloudFront's web ACL (scope CLOUDFRONT) and its logs can only be made in us-east-1, whatever var.region is.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = local.tags
  }
}
