output "table_arns" {
  value = { for name, table in aws_dynamodb_table.this : name => table.arn }
}

output "table_names" {
  value = { for name, table in aws_dynamodb_table.this : name => table.name }
}
