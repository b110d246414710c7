output "events_topic_arn" {
  description = "NOCOMELON_EVENTS_TOPIC_ARN for every service."
  value       = aws_sns_topic.events.arn
}

output "queue_urls" {
  description = "Each worker's queue."
  value       = { for service, queue in aws_sqs_queue.worker : service => queue.id }
}

output "dynamodb_checkpoints_table" {
  value = aws_dynamodb_table.checkpoints.name
}

output "dynamodb_library_table" {
  value = aws_dynamodb_table.library.name
}
