# The SPA (frontend/dist) in a private bucket behind CloudFront, which also
# forwards /api/* and /auth/* to the gateway's ALB: one origin for the browser.
# Family links' pages (/s/*) are the gateway's too, with headers of their own.

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

data "aws_cloudfront_origin_request_policy" "all_but_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

module "spa" {
  source = "../private_bucket"
  #checkov:skip=CKV_AWS_18:CloudFront is the only reader; its requests are the ones worth logging, not the bucket's.
  #checkov:skip=CKV_AWS_144:The SPA is rebuilt from the repository by deploy.sh; nothing to replicate.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new files of a build.
  #checkov:skip=CKV_AWS_145:SSE-S3: a KMS key would need a grant for CloudFront for public JavaScript.

  bucket_prefix = "${var.prefix}-spa-"

  # The distribution names this bucket, so to checkov this is a cycle too; the
  # rest still renders, as only this module's resources and outputs use the bucket.
  allow = [{
    sid       = "CloudFrontOnly"
    principal = { Service = "cloudfront.amazonaws.com" }
    action    = "s3:GetObject"
    objects   = "*"
    condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.app.arn } }
  }]
}

# Old builds stay restorable for a while, then go.
resource "aws_s3_bucket_lifecycle_configuration" "spa" {
  bucket = module.spa.id
  rule {
    id     = "expire-old-builds"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
  # After the module's versioning, which rules on noncurrent versions need.
  depends_on = [module.spa]
}

resource "aws_cloudfront_origin_access_control" "spa" {
  name                              = "${var.prefix}-spa"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# The SPA routes in the browser: a path without a file extension is a page,
# served by index.html. (A distribution-wide 404 -> index.html rule would also
# rewrite the API's own 404s.)
resource "aws_cloudfront_function" "spa_routes" {
  name    = "${var.prefix}-spa-routes"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      var last = request.uri.split("/").pop();
      if (last.indexOf(".") === -1) {
        request.uri = "/index.html";
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_distribution" "app" {
  #checkov:skip=CKV2_AWS_47:The web ACL has the Log4j rules (AWSManagedRulesKnownBadInputsRuleSet); this check also wants AWSManagedRulesAnonymousIpList, which would block families behind VPNs and iCloud Private Relay.
  #checkov:skip=CKV_AWS_86:Standard logs need an ACL-enabled bucket; the ALB's access logs already record every API request.
  #checkov:skip=CKV_AWS_310:One origin each for the SPA and the API; a failover origin would be a second region we do not run.
  #checkov:skip=CKV_AWS_374:Families anywhere may use the app; there is no country to block.
  enabled             = true
  is_ipv6_enabled     = true
  comment             = "NoComelon: the SPA and its API"
  aliases             = [var.app_domain]
  default_root_object = "index.html"
  price_class         = "PriceClass_100"
  http_version        = "http2and3"
  web_acl_id          = aws_wafv2_web_acl.app.arn

  origin {
    origin_id                = "spa"
    domain_name              = module.spa.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.spa.id
  }

  origin {
    origin_id   = "api"
    domain_name = var.api_domain
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      # Long polls (GET /runs/{id}?wait=) and the event stream stay open up to a minute between bytes.
      origin_read_timeout = 60
    }
    # The ALB forwards only requests carrying it (modules/compute): CloudFront's addresses are every distribution's.
    custom_header {
      name  = var.origin_header.name
      value = var.origin_header.value
    }
  }

  default_cache_behavior {
    target_origin_id           = "spa"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.app["security"].id
    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_routes.arn
    }
  }

  # The API and sign-in, and a family link's page and its media (read-only, with headers of their own): all the
  # gateway's, never cached (the gateway checks a link on every request, so a revoked one fails at the next).
  dynamic "ordered_cache_behavior" {
    for_each = {
      "/api/*"  = { methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], headers = "security" }
      "/auth/*" = { methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], headers = "security" }
      "/s/*"    = { methods = ["GET", "HEAD", "OPTIONS"], headers = "share" }
    }
    content {
      path_pattern               = ordered_cache_behavior.key
      target_origin_id           = "api"
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ordered_cache_behavior.value.methods
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = data.aws_cloudfront_cache_policy.disabled.id
      origin_request_policy_id   = data.aws_cloudfront_origin_request_policy.all_but_host.id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.app[ordered_cache_behavior.value.headers].id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_route53_record" "app" {
  for_each = toset(["A", "AAAA"])
  zone_id  = var.dns_zone_id
  name     = var.app_domain
  type     = each.value
  alias {
    name                   = aws_cloudfront_distribution.app.domain_name
    zone_id                = aws_cloudfront_distribution.app.hosted_zone_id
    evaluate_target_health = false
  }
}
