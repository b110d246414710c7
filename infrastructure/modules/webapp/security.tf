# What protects the distribution: the security headers it adds to every answer
# (the gateway's own, gateway/headers.py, so the SPA from S3 has them too), and
# the web ACL in front of it.

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.us_east_1]
    }
  }
}

locals {
  # The gateway's policy on AWS (tests/infrastructure holds the two to each other).
  content_security_policy = join("; ", [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: ${var.assets_origin}",
    "media-src 'self' blob: ${var.assets_origin}",
    "connect-src 'self' https://cognito-idp.${var.region}.amazonaws.com",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ])

  # A family link's page (gateway/shares/page.py): no script, its one style by hash, its own cover and video.
  share_page_policy = join("; ", [
    "default-src 'none'",
    "style-src 'sha256-${filebase64sha256("${path.module}/../../../services/gateway/src/gateway/shares/page.css")}'",
    "img-src 'self'",
    "media-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ])

  # Managed common rules that read the body: WAF sees its first 16 KB, which for the
  # routes that matter is a photo (multipart or base64) whose bytes these would
  # misread, and a parent's own words. They count (and are logged); the rest block.
  counted_common_rules = ["SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY"]
}

# The gateway's security headers, on what CloudFront serves: the SPA and the API with the app's policy; a family
# link's page and media (the gateway's share_page_headers) with theirs, not indexed and not cached, so a revoked link
# fails at the next request.
resource "aws_cloudfront_response_headers_policy" "app" {
  #checkov:skip=CKV_AWS_259:HSTS is sent for two years with includeSubDomains; preload would enter the whole registrable domain, which app_domain is only part of, in browsers' lists.
  for_each = {
    security = { name = "security-headers", comment = "the gateway's security headers, on the SPA too", policy = local.content_security_policy, custom = {} }
    share = {
      name    = "share-headers"
      comment = "the headers of a family link's page and media"
      policy  = local.share_page_policy
      custom  = { "X-Robots-Tag" = "noindex, nofollow", "Cache-Control" = "private, no-store" }
    }
  }
  name    = "${var.prefix}-${each.value.name}"
  comment = "NoComelon: ${each.value.comment}"

  security_headers_config {
    content_security_policy {
      content_security_policy = each.value.policy
      override                = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      preload                    = false
      override                   = true
    }
  }

  dynamic "custom_headers_config" {
    for_each = length(each.value.custom) > 0 ? [each.value.custom] : []
    content {
      dynamic "items" {
        for_each = custom_headers_config.value
        content {
          header   = items.key
          value    = items.value
          override = true
        }
      }
    }
  }
}

resource "aws_wafv2_web_acl" "app" {
  provider    = aws.us_east_1
  name        = "${var.prefix}-app"
  description = "NoComelon: rate per address, body size, known bad inputs, the common rules"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  # On CloudFront WAF reads at most the first 16 KB of a body (64 KB at extra cost),
  # and the managed rules inspect that much and no more (oversize: CONTINUE).
  association_config {
    request_body {
      cloudfront {
        default_size_inspection_limit = "KB_16"
      }
    }
  }

  custom_response_body {
    key          = "too-many-requests"
    content_type = "APPLICATION_JSON"
    content      = jsonencode({ error = { code = "too_many_requests", message = "Please wait a moment and try again.", request_id = "unknown" } })
  }

  custom_response_body {
    key          = "too-large"
    content_type = "APPLICATION_JSON"
    content = jsonencode({ error = {
      code       = "body_too_large"
      message    = "That is more than we accept in one request. If it is a photo, please choose a smaller one."
      request_id = "unknown"
    } })
  }

  rule {
    name     = "rate-per-ip"
    priority = 0
    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "too-many-requests"
          response_header {
            name  = "Retry-After"
            value = "300"
          }
        }
      }
    }
    statement {
      rate_based_statement {
        limit                 = var.requests_per_ip
        evaluation_window_sec = 300
        aggregate_key_type    = "IP"
      }
    }
    visibility_config {
      metric_name                = "${var.prefix}-rate-per-ip"
      cloudwatch_metrics_enabled = true
      sampled_requests_enabled   = true
    }
  }

  # The biggest body the gateway takes is a 10 MiB photo as base64 in JSON: 4/3 of
  # it, plus framing, is 14,046,549 bytes. A size constraint on the body cannot see
  # past the 16 KB inspected (with oversize_handling MATCH it would block every
  # photo), so this reads the declared Content-Length: 15,000,000 bytes or more.
  # A body sent without one (chunked) is cut off by the gateway at its limit.
  rule {
    name     = "body-size"
    priority = 1
    action {
      block {
        custom_response {
          response_code            = 413
          custom_response_body_key = "too-large"
        }
      }
    }
    statement {
      regex_match_statement {
        regex_string = "^0*([1-9][0-9]{8,}|[2-9][0-9]{7}|1[5-9][0-9]{6})$"
        field_to_match {
          single_header {
            name = "content-length"
          }
        }
        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }
    visibility_config {
      metric_name                = "${var.prefix}-body-size"
      cloudwatch_metrics_enabled = true
      sampled_requests_enabled   = true
    }
  }

  # Log4j lookups, Java deserialisation, exploitable paths: nothing a family sends.
  rule {
    name     = "known-bad-inputs"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      metric_name                = "${var.prefix}-known-bad-inputs"
      cloudwatch_metrics_enabled = true
      sampled_requests_enabled   = true
    }
  }

  # Blocks on paths, query strings, headers and cookies; counts on bodies (counted_common_rules).
  rule {
    name     = "common"
    priority = 3
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
        dynamic "rule_action_override" {
          for_each = local.counted_common_rules
          content {
            name = rule_action_override.value
            action_to_use {
              count {}
            }
          }
        }
      }
    }
    visibility_config {
      metric_name                = "${var.prefix}-common"
      cloudwatch_metrics_enabled = true
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    metric_name                = "${var.prefix}-app"
    cloudwatch_metrics_enabled = true
    sampled_requests_enabled   = true
  }
}

# What the ACL blocked or counted, to tune the counted rules by; WAF wants the aws-waf-logs- prefix.
resource "aws_cloudwatch_log_group" "waf" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch's own key; the Authorization header is redacted and bodies are never logged.
  provider          = aws.us_east_1
  name              = "aws-waf-logs-${var.prefix}"
  retention_in_days = var.log_retention_days
}

resource "aws_wafv2_web_acl_logging_configuration" "app" {
  provider                = aws.us_east_1
  resource_arn            = aws_wafv2_web_acl.app.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  logging_filter {
    default_behavior = "DROP"
    filter {
      behavior    = "KEEP"
      requirement = "MEETS_ANY"
      dynamic "condition" {
        for_each = ["BLOCK", "COUNT", "EXCLUDED_AS_COUNT"]
        content {
          action_condition {
            action = condition.value
          }
        }
      }
    }
  }
}
