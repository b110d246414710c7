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

output "origin_header" {
  description = "The header CloudFront adds to every request it sends the ALB, which forwards only requests carrying it."
  value = {
    name  = local.origin_header
    value = random_password.origin_secret[var.origin_secret_generation].result
  }
  sensitive = true
  # CloudFront sends a new secret only once the ALB accepts it.
  depends_on = [aws_lb_listener_rule.from_cloudfront]
}
