# The messaging and data layer, named from the same topology file the local
# provisioner reads (shared/src/shared/topology.json), so local and cloud
# cannot drift apart. Compute, auth and the SPA come in later modules.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  topology = jsondecode(file("${path.module}/../shared/src/shared/topology.json"))
  prefix   = var.environment
}

resource "aws_sns_topic" "events" {
  name              = "${local.prefix}-${local.topology.topic}"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sqs_queue" "dead_letter" {
  for_each                  = local.topology.queues
  name                      = "${local.prefix}-${each.key}${local.topology.dead_letter_suffix}"
  message_retention_seconds = local.topology.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "worker" {
  for_each                   = local.topology.queues
  name                       = "${local.prefix}-${each.key}"
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = local.topology.message_retention_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })
}

resource "aws_sqs_queue_policy" "only_the_topic" {
  for_each  = local.topology.queues
  queue_url = aws_sqs_queue.worker[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.worker[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } }
    }]
  })
}

resource "aws_sns_topic_subscription" "worker" {
  for_each             = local.topology.queues
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.worker[each.key].arn
  raw_message_delivery = true
  filter_policy        = jsonencode({ type = sort(each.value.event_types) })
}

resource "aws_dynamodb_table" "checkpoints" {
  name         = "${local.prefix}-checkpoints"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = local.topology.tables.checkpoints.hash_key
  range_key    = local.topology.tables.checkpoints.range_key

  attribute {
    name = local.topology.tables.checkpoints.hash_key
    type = "S"
  }
  attribute {
    name = local.topology.tables.checkpoints.range_key
    type = "S"
  }
  ttl {
    attribute_name = local.topology.tables.checkpoints.ttl_attribute
    enabled        = true
  }
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "library" {
  name         = "${local.prefix}-library"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = local.topology.tables.library.hash_key
  range_key    = local.topology.tables.library.range_key

  attribute {
    name = local.topology.tables.library.hash_key
    type = "S"
  }
  attribute {
    name = local.topology.tables.library.range_key
    type = "S"
  }
  attribute {
    name = local.topology.tables.library.indexes.by_created_at.range_key
    type = "S"
  }
  global_secondary_index {
    name            = "by_created_at"
    hash_key        = local.topology.tables.library.indexes.by_created_at.hash_key
    range_key       = local.topology.tables.library.indexes.by_created_at.range_key
    projection_type = "ALL"
  }
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled = true
  }
}
