# NoComelon on AWS: one module per concern, wired here.
#
# Every name of a topic, queue, filter policy, table, bucket and user pool comes
# from shared/src/shared/topology.json, the file the local provisioner reads too,
# and each service's size, scaling and AWS permissions from services.json
# (tests/infrastructure checks the permissions against the code).

locals {
  topology = jsondecode(file("${path.module}/../shared/src/shared/topology.json"))
  services = jsondecode(file("${path.module}/services.json")).services
  prefix   = var.environment
  app_url  = "https://${var.app_domain}"
  tags     = { Project = "nocomelon", Environment = var.environment }
  # Bucket names are global: var.assets_bucket_name when <environment>-assets is taken.
  assets_bucket = coalesce(var.assets_bucket_name, "${local.prefix}-${local.topology.bucket}")
  # Strict-Transport-Security of every answer, from CloudFront and from the gateway behind it: two years.
  hsts_max_age_seconds = 63072000
}

module "messaging" {
  source = "./modules/messaging"

  prefix                       = local.prefix
  topology                     = local.topology
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_email                  = var.alarm_email
}

module "data" {
  source = "./modules/data"

  prefix = local.prefix
  tables = local.topology.tables
}

module "storage" {
  source = "./modules/storage"

  bucket_name     = local.assets_bucket
  app_origin      = local.app_url
  asset_retention = local.topology.asset_retention
}

module "auth" {
  source = "./modules/auth"

  user_pool_name     = "${local.prefix}-${local.topology.user_pool}"
  client_name        = "${local.prefix}-${local.topology.user_pool_client}"
  identity_pool_name = "${local.prefix}-${local.topology.identity_pool}"
  password_policy    = local.topology.password_policy
  password_sign_in   = var.password_sign_in
  assets_bucket_arn  = module.storage.assets_bucket_arn
}

module "compute" {
  source = "./modules/compute"

  prefix             = local.prefix
  region             = var.region
  services           = local.services
  queues             = local.topology.queues
  image_tag          = var.image_tag
  log_retention_days = var.log_retention_days

  topic_arn         = module.messaging.topic_arn
  queue_arns        = module.messaging.queue_arns
  dead_letter_arns  = module.messaging.dead_letter_arns
  table_arns        = module.data.table_arns
  assets_bucket     = module.storage.assets_bucket
  assets_bucket_arn = module.storage.assets_bucket_arn
  logs_bucket       = module.storage.logs_bucket
  user_pool_id      = module.auth.user_pool_id
  user_pool_arn     = module.auth.user_pool_arn
  client_id         = module.auth.client_id

  vpc_id                  = var.vpc_id
  public_subnet_ids       = var.public_subnet_ids
  private_subnet_ids      = var.private_subnet_ids
  api_domain              = var.api_domain
  certificate_arn         = var.alb_certificate_arn
  dns_zone_id             = var.dns_zone_id
  alb_deletion_protection = var.alb_deletion_protection

  hsts_max_age_seconds              = local.hsts_max_age_seconds
  app_url                           = local.app_url
  origin_secret_generation          = var.origin_secret_generation
  previous_origin_secret_generation = var.previous_origin_secret_generation

  stage_providers = var.stage_providers
  bedrock_models  = var.bedrock_models
  polly_engine    = var.polly_engine
  openai_base_url = var.openai_base_url
  openai_models   = var.openai_models
  model_server    = var.model_server
}

module "webapp" {
  source = "./modules/webapp"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  prefix          = local.prefix
  region          = var.region
  app_domain      = var.app_domain
  api_domain      = module.compute.api_domain
  origin_header   = module.compute.origin_header
  certificate_arn = var.cloudfront_certificate_arn
  dns_zone_id     = var.dns_zone_id
  # The host botocore presigns the gateway's links for (virtual-hosted, AWS's global S3 name);
  # tests/infrastructure checks it against the gateway's own policy.
  assets_origin        = "https://${local.assets_bucket}.s3.amazonaws.com"
  hsts_max_age_seconds = local.hsts_max_age_seconds
  requests_per_ip      = var.waf_requests_per_ip
  log_retention_days   = var.log_retention_days
}
