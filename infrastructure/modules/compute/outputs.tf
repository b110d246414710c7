output "cluster" {
  value = aws_ecs_cluster.this.name
}

output "service_names" {
  value = { for name, service in aws_ecs_service.service : name => service.name }
}

output "repository_urls" {
  value = { for name, repository in aws_ecr_repository.service : name => repository.repository_url }
}

output "api_domain" {
  description = "The ALB's name, once its DNS record exists."
  value       = aws_route53_record.api.fqdn
}
