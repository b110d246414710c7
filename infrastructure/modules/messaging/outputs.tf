output "topic_arn" {
  value = aws_sns_topic.events.arn
}

output "alarms_topic_arn" {
  value = aws_sns_topic.alarms.arn
}

output "queue_arns" {
  value = { for service, queue in aws_sqs_queue.worker : service => queue.arn }
}

output "queue_urls" {
  value = { for service, queue in aws_sqs_queue.worker : service => queue.id }
}

output "dead_letter_arns" {
  value = { for service, queue in aws_sqs_queue.dead_letter : service => queue.arn }
}

output "dead_letter_urls" {
  value = { for service, queue in aws_sqs_queue.dead_letter : service => queue.id }
}
