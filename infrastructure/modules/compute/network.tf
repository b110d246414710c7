# Only CloudFront reaches the ALB, only the ALB reaches the gateway, and the
# tasks reach nothing but HTTPS (AWS APIs, ECR), and the workers a model server
# of our own in the VPC when there is one. CloudFront's addresses are
# every distribution's, so the ALB also wants our distribution's secret header.

locals {
  origin_header             = "X-Origin-Verify"
  origin_secret_generations = compact([var.origin_secret_generation, var.previous_origin_secret_generation])
}

# Kept in the Terraform state only: whoever reads the state can read it. One per
# generation: during a rotation the ALB accepts the old and the new secret.
resource "random_password" "origin_secret" {
  for_each = toset(local.origin_secret_generations)
  length   = 48
  # Letters and digits: the ALB reads * and ? in a header condition as wildcards.
  special = false
}

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_security_group" "alb" {
  name        = "${var.prefix}-alb"
  description = "The gateway's load balancer: HTTPS from CloudFront only."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront's origin-facing addresses"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_gateway" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the gateway tasks"
  referenced_security_group_id = aws_security_group.gateway.id
  ip_protocol                  = "tcp"
  from_port                    = local.web[local.web_service].port
  to_port                      = local.web[local.web_service].port
}

resource "aws_security_group" "gateway" {
  name        = "${var.prefix}-gateway"
  description = "Gateway tasks: requests from the ALB, HTTPS out to AWS."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "gateway_from_alb" {
  security_group_id            = aws_security_group.gateway.id
  description                  = "From the ALB"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.web[local.web_service].port
  to_port                      = local.web[local.web_service].port
}

resource "aws_vpc_security_group_egress_rule" "gateway_https" {
  security_group_id = aws_security_group.gateway.id
  description       = "HTTPS to AWS APIs, ECR and Cognito's signing keys"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_security_group" "workers" {
  name        = "${var.prefix}-workers"
  description = "Worker tasks: no inbound traffic, HTTPS out to AWS."
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "workers_https" {
  security_group_id = aws_security_group.workers.id
  description       = "HTTPS to AWS APIs and ECR"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# A self-hosted model server speaks plain HTTP on its own port inside the VPC: the workers may reach that port of
# that security group only, and the server's group lets in the workers only.
resource "aws_vpc_security_group_egress_rule" "workers_to_model_server" {
  count                        = var.model_server == null ? 0 : 1
  security_group_id            = aws_security_group.workers.id
  description                  = "To the self-hosted model server"
  referenced_security_group_id = var.model_server.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.model_server.port
  to_port                      = var.model_server.port
}

resource "aws_vpc_security_group_ingress_rule" "model_server_from_workers" {
  count                        = var.model_server == null ? 0 : 1
  security_group_id            = var.model_server.security_group_id
  description                  = "From the NoComelon worker tasks"
  referenced_security_group_id = aws_security_group.workers.id
  ip_protocol                  = "tcp"
  from_port                    = var.model_server.port
  to_port                      = var.model_server.port
}

resource "aws_lb" "gateway" {
  #checkov:skip=CKV2_AWS_28:The WAF sits on the CloudFront distribution in front of it, and only CloudFront can reach this ALB.
  name                       = "${var.prefix}-gateway"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection

  access_logs {
    bucket  = var.logs_bucket
    prefix  = "alb"
    enabled = true
  }
}

resource "aws_lb_target_group" "gateway" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; the hop to the task stays inside the VPC's private subnets.
  name                 = "${var.prefix}-gateway"
  port                 = local.web[local.web_service].port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = local.web[local.web_service].health_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.gateway.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  # Whoever reaches the ALB without our distribution's secret (another distribution, say) is refused, in the API's error shape.
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "application/json"
      status_code  = "403"
      message_body = jsonencode({ error = { code = "forbidden", message = "You can't open that.", request_id = "unknown" } })
    }
  }
}

resource "aws_lb_listener_rule" "from_cloudfront" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 1

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }

  condition {
    http_header {
      http_header_name = local.origin_header
      values           = [for generation in local.origin_secret_generations : random_password.origin_secret[generation].result]
    }
  }
}

resource "aws_route53_record" "api" {
  zone_id = var.dns_zone_id
  name    = var.api_domain
  type    = "A"
  alias {
    name                   = aws_lb.gateway.dns_name
    zone_id                = aws_lb.gateway.zone_id
    evaluate_target_health = true
  }
}
