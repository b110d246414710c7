output "app_url" {
  description = "Where parents open NoComelon."
  value       = "https://${var.app_domain}"
}

output "events_topic_arn" {
  description = "NOCOMELON_EVENTS_TOPIC_ARN of every service."
  value       = module.messaging.topic_arn
}

output "alarms_topic_arn" {
  description = "Subscribe on-call here to hear about dead letters and stuck queues."
  value       = module.messaging.alarms_topic_arn
}

output "queue_urls" {
  description = "Each worker's queue."
  value       = module.messaging.queue_urls
}

output "dead_letter_urls" {
  description = "Each worker's dead-letter queue (see the runbook)."
  value       = module.messaging.dead_letter_urls
}

output "tables" {
  description = "DynamoDB table names by topology name."
  value       = module.data.table_names
}

output "assets_bucket" {
  value = module.storage.assets_bucket
}

output "user_pool_id" {
  value = module.auth.user_pool_id
}

output "client_id" {
  value = module.auth.client_id
}

output "identity_pool_id" {
  value = module.auth.identity_pool_id
}

output "cluster" {
  description = "The ECS cluster (for `aws ecs update-service` and `wait services-stable`)."
  value       = module.compute.cluster
}

output "service_names" {
  description = "ECS service names by NoComelon service."
  value       = module.compute.service_names
}

output "repository_urls" {
  description = "ECR repository of each service, where deploy.sh pushes images."
  value       = module.compute.repository_urls
}

output "spa_bucket" {
  description = "Where deploy.sh uploads frontend/dist."
  value       = module.webapp.bucket
}

output "distribution_id" {
  description = "CloudFront distribution to invalidate after an SPA upload."
  value       = module.webapp.distribution_id
}
