# The four services on ECS Fargate: images from ECR, one task role each with
# exactly the permissions services.json lists, logs in CloudWatch, the gateway
# behind an HTTPS ALB, and workers scaled on their queue's backlog per task.
# Beside each service runs the ADOT collector, which takes its spans over OTLP
# and sends them to X-Ray.

locals {
  # A worker is a service with a queue; the gateway is the one with a port.
  workers     = { for name, service in var.services : name => service if contains(keys(var.queues), name) }
  web         = { for name, service in var.services : name => service if try(service.port, null) != null }
  web_service = one(keys(local.web))

  # What the permission tokens of services.json name, per service.
  resource_arns = {
    for name in keys(var.services) : name => merge(
      { topic = var.topic_arn, bucket = var.assets_bucket_arn, user_pool = var.user_pool_arn },
      { for table, arn in var.table_arns : "table:${table}" => arn },
      { for table, arn in var.table_arns : "index:${table}" => "${arn}/index/*" },
      { queue = lookup(var.queue_arns, name, null), "dead-letter" = lookup(var.dead_letter_arns, name, null) },
    )
  }

  common_environment = {
    NOCOMELON_ENVIRONMENT      = var.prefix
    NOCOMELON_AWS_REGION       = var.region
    NOCOMELON_EVENTS_TOPIC_ARN = var.topic_arn
    NOCOMELON_BUCKET_NAME      = var.assets_bucket
    NOCOMELON_LOG_LEVEL        = "INFO"
    # The ADOT sidecar (same task, same network namespace) takes the spans over OTLP/HTTP.
    OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4318"
  }
  # Each worker is told its stages' providers and models; the gateway the writer's and the voice's (for the languages it offers).
  provider_environment = {
    gateway = { NOCOMELON_STORY_PROVIDER = var.stage_providers.story, NOCOMELON_VOICE_PROVIDER = var.stage_providers.voice }
    vision  = { NOCOMELON_VISION_PROVIDER = var.stage_providers.vision, NOCOMELON_BEDROCK_VISION_MODEL = var.bedrock_models.vision }
    story   = { NOCOMELON_STORY_PROVIDER = var.stage_providers.story, NOCOMELON_BEDROCK_STORY_MODEL = var.bedrock_models.story }
    media = {
      NOCOMELON_ILLUSTRATION_PROVIDER = var.stage_providers.illustration
      NOCOMELON_BEDROCK_IMAGE_MODEL   = var.bedrock_models.illustration
      NOCOMELON_VOICE_PROVIDER        = var.stage_providers.voice
      NOCOMELON_POLLY_ENGINE          = var.polly_engine
    }
  }

  # The service that runs each stage's provider.
  stage_service = { vision = "vision", story = "story", illustration = "media", voice = "media" }
  # The services with a stage on an OpenAI-compatible endpoint: only they are told its address and given its key.
  openai_services = toset([for stage, service in local.stage_service : service if var.stage_providers[stage] == "openai"])
  openai_environment = {
    vision = { NOCOMELON_OPENAI_VISION_MODEL = var.openai_models.vision }
    story  = { NOCOMELON_OPENAI_STORY_MODEL = var.openai_models.story }
    media  = { NOCOMELON_OPENAI_IMAGE_MODEL = var.openai_models.illustration, NOCOMELON_OPENAI_VOICE_MODEL = var.openai_models.voice }
  }
  # What bedrock:InvokeModel (which Converse needs too) is granted on for a model id: the foundation model in this
  # region; for an inference profile ("us.", "eu.", "apac.", "global."), the profile and its model in the regions it routes to.
  bedrock_arns = {
    for stage, model in var.bedrock_models : stage => (
      contains([for prefix in ["us.", "eu.", "apac.", "global."] : startswith(model, prefix)], true) ? [
        "arn:aws:bedrock:${var.region}:${data.aws_caller_identity.current.account_id}:inference-profile/${model}",
        "arn:aws:bedrock:*::foundation-model/${trimprefix(trimprefix(trimprefix(trimprefix(model, "us."), "eu."), "apac."), "global.")}",
      ] : ["arn:aws:bedrock:${var.region}::foundation-model/${model}"]
    )
  }
  # The cloud providers' grants, beside services.json's: only for the stages set to a cloud provider, only on their models.
  generative_grants = {
    for name in keys(var.services) : name => concat(
      [
        for stage, service in local.stage_service : { actions = ["bedrock:InvokeModel"], arns = local.bedrock_arns[stage] }
        if service == name && var.stage_providers[stage] == "bedrock"
      ],
      # SynthesizeSpeech's only resource type is the lexicon: this is "any speech, no lexicon of another account's".
      # DescribeVoices (the start-up check of the configured voices) has no resource type at all.
      name == "media" && var.stage_providers.voice == "polly" ? [
        { actions = ["polly:SynthesizeSpeech"], arns = ["arn:aws:polly:${var.region}:${data.aws_caller_identity.current.account_id}:lexicon/*"] },
        { actions = ["polly:DescribeVoices"], arns = ["*"] },
      ] : [],
    )
  }
  service_environment = {
    for name, service in var.services : name => merge(
      local.common_environment,
      lookup(local.provider_environment, name, {}),
      contains(local.openai_services, name) ? merge({ NOCOMELON_OPENAI_BASE_URL = var.openai_base_url }, local.openai_environment[name]) : {},
      contains(keys(local.web), name) ? {
        NOCOMELON_COGNITO_USER_POOL_ID = var.user_pool_id
        NOCOMELON_COGNITO_CLIENT_ID    = var.client_id
        NOCOMELON_GATEWAY_HOST         = "0.0.0.0"
        NOCOMELON_GATEWAY_PORT         = tostring(service.port)
        NOCOMELON_HSTS_MAX_AGE_SECONDS = tostring(var.hsts_max_age_seconds)
        # Family links point at the app's own domain (the gateway sees the ALB's name), and the client a share
        # page's rate limit counts is the one CloudFront saw: X-Forwarded-For's entry before CloudFront's own.
        NOCOMELON_PUBLIC_URL     = var.app_url
        NOCOMELON_FORWARDED_HOPS = "2"
      } : {},
      contains(keys(local.workers), name) ? {
        NOCOMELON_VISIBILITY_TIMEOUT_SECONDS = tostring(var.queues[name].visibility_timeout_seconds)
        NOCOMELON_RECEIVE_WAIT_SECONDS       = "20"
      } : {},
    )
  }
}

data "aws_caller_identity" "current" {}

resource "aws_ecr_repository" "service" {
  for_each             = var.services
  name                 = "${var.prefix}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  encryption_configuration {
    encryption_type = "KMS"
  }
}

resource "aws_ecr_lifecycle_policy" "service" {
  for_each   = var.services
  repository = aws_ecr_repository.service[each.key].name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 30 images: enough to roll back."
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_ecs_cluster" "this" {
  name = var.prefix
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "service" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch's own key; logs hold ids and event types, never drawings or tokens.
  for_each          = var.services
  name              = "/ecs/${var.prefix}/${each.key}"
  retention_in_days = var.log_retention_days
}

# Lets ECS pull the image and write logs; the code never sees these permissions.
resource "aws_iam_role" "execution" {
  for_each           = var.services
  name               = "${var.prefix}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

# The API key of the stages on an OpenAI-compatible endpoint. Terraform makes the secret and the operator puts the key
# in it (runbook), so the key is in neither the code nor the Terraform state; ECS hands it to the tasks that need it.
resource "aws_secretsmanager_secret" "openai_api_key" {
  #checkov:skip=CKV_AWS_149:Encrypted with Secrets Manager's own key; only the execution roles of the tasks that use it may read it.
  #checkov:skip=CKV2_AWS_57:The key is issued by the model's provider and rotated there; the runbook puts the new one here.
  count                   = length(local.openai_services) > 0 ? 1 : 0
  name                    = "${var.prefix}/openai-api-key"
  recovery_window_in_days = 7
}

resource "aws_iam_role_policy" "execution" {
  for_each = var.services
  name     = "pull-image-write-logs"
  role     = aws_iam_role.execution[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      { Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      {
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = aws_ecr_repository.service[each.key].arn
      },
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.service[each.key].arn}:*"
      },
      ], contains(local.openai_services, each.key) ? [
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.openai_api_key[0].arn }
    ] : [])
  })
}

# The collector's metrics exporter (awsemf) writes them as embedded-metric-format log lines here, which CloudWatch
# turns into metrics in the environment's namespace. A group of the environment's own, so two environments in one
# account never share one (ADOT's default configuration writes every task's to one fixed group).
resource "aws_cloudwatch_log_group" "application_metrics" {
  #checkov:skip=CKV_AWS_158:Encrypted by CloudWatch's own key; the lines hold stage timings and queue depths, nothing of a child.
  name              = "/ecs/${var.prefix}/metrics"
  retention_in_days = var.log_retention_days
}

locals {
  # The sidecar's whole configuration: OTLP over HTTP from the task's own containers only (they share localhost),
  # spans to X-Ray, metrics to CloudWatch.
  telemetry_collector_config = yamlencode({
    receivers  = { otlp = { protocols = { http = { endpoint = "localhost:4318" } } } }
    processors = { batch = {} }
    exporters = {
      awsxray = {}
      awsemf  = { namespace = "NoComelon/${var.prefix}", log_group_name = aws_cloudwatch_log_group.application_metrics.name }
    }
    service = {
      pipelines = {
        traces  = { receivers = ["otlp"], processors = ["batch"], exporters = ["awsxray"] }
        metrics = { receivers = ["otlp"], processors = ["batch"], exporters = ["awsemf"] }
      }
    }
  })
}

# The collector sidecar's, not the code's: it sends the task's spans to X-Ray, whose write actions name no resource,
# and its metrics to the log group above.
resource "aws_iam_role_policy" "telemetry_export" {
  for_each = var.services
  name     = "send-traces-and-metrics"
  role     = aws_iam_role.task[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        Resource = "${aws_cloudwatch_log_group.application_metrics.arn}:*"
      },
    ]
  })
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# What the code calls, and nothing else: the statements of services.json.
resource "aws_iam_role" "task" {
  for_each           = var.services
  name               = "${var.prefix}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy" "task" {
  for_each = var.services
  name     = "what-${each.key}-calls"
  role     = aws_iam_role.task[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        for grant in each.value.permissions : {
          Effect = "Allow"
          Action = grant.actions
          Resource = concat(
            [for token in try(grant.resources, []) : local.resource_arns[each.key][token]],
            [for pattern in try(grant.objects, []) : "${var.assets_bucket_arn}/${pattern}"],
          )
        }
      ],
      [for grant in local.generative_grants[each.key] : { Effect = "Allow", Action = grant.actions, Resource = grant.arns }],
    )
  })
}

resource "aws_ecs_task_definition" "service" {
  for_each                 = var.services
  family                   = "${var.prefix}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The root file system is read-only; scratch files (videos being rendered) go here.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([{
    name                   = each.key
    dependsOn              = [{ containerName = "telemetry-collector", condition = "START" }]
    image                  = "${aws_ecr_repository.service[each.key].repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    stopTimeout            = 120
    environment            = [for key, value in local.service_environment[each.key] : { name = key, value = value }]
    secrets = contains(local.openai_services, each.key) ? [
      { name = "NOCOMELON_OPENAI_API_KEY", valueFrom = aws_secretsmanager_secret.openai_api_key[0].arn }
    ] : []
    portMappings = try([{ containerPort = each.value.port, protocol = "tcp" }], [])
    mountPoints  = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    healthCheck = {
      command     = ["CMD", "python", "-m", "shared.runtime.health", each.key]
      interval    = 30
      timeout     = 10
      retries     = 3
      startPeriod = 60
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
        awslogs-region        = var.region
        awslogs-stream-prefix = each.key
      }
    }
    }, {
    # Not essential: a collector that stops loses spans, never a storybook.
    name                   = "telemetry-collector"
    image                  = var.telemetry_collector_image
    essential              = false
    readonlyRootFilesystem = true
    environment            = [{ name = "AOT_CONFIG_CONTENT", value = local.telemetry_collector_config }] # ADOT reads its config here
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.service[each.key].name
        awslogs-region        = var.region
        awslogs-stream-prefix = "telemetry-collector"
      }
    }
  }])
}

resource "aws_ecs_service" "service" {
  for_each               = var.services
  name                   = "${var.prefix}-${each.key}"
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.service[each.key].arn
  desired_count          = try(each.value.min_count, 0)
  launch_type            = "FARGATE"
  platform_version       = "LATEST"
  propagate_tags         = "SERVICE"
  enable_execute_command = false

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [contains(keys(local.web), each.key) ? aws_security_group.gateway.id : aws_security_group.workers.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = contains(keys(local.web), each.key) ? [each.value.port] : []
    content {
      target_group_arn = aws_lb_target_group.gateway.arn
      container_name   = each.key
      container_port   = load_balancer.value
    }
  }

  health_check_grace_period_seconds = contains(keys(local.web), each.key) ? 60 : null

  # Autoscaling owns the count after the first apply.
  lifecycle {
    ignore_changes = [desired_count]
  }

  # The target group reaches the ALB through the listener rule.
  depends_on = [aws_lb_listener_rule.from_cloudfront]
}
