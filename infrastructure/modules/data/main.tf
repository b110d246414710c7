# The run checkpoints (expiring through TTL) and the parents' libraries, with
# the same keys, attribute types and indexes devstack's Provisioner creates.

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_119:Encrypted with the AWS-managed DynamoDB key; a customer-managed key would add a key policy and kms grants to every task role without isolating anything more.
  for_each = var.tables

  name                        = "${var.prefix}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = true

  # Every key of the table and its indexes is a string, as in the provisioner.
  dynamic "attribute" {
    for_each = toset(concat(
      [each.value.hash_key, each.value.range_key],
      flatten([for index in values(try(each.value.indexes, {})) : [index.hash_key, index.range_key]]),
    ))
    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = try(each.value.indexes, {})
    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  dynamic "ttl" {
    for_each = try([each.value.ttl_attribute], [])
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
