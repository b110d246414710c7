terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
  # State lives in S3; `deploy.sh` passes the bucket, key and region to `terraform init -backend-config`.
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Project     = "nocomelon"
      Environment = var.environment
    }
  }
}
