variable "prefix" {
  description = "Prefix of every name (the environment)."
  type        = string
}

variable "region" {
  type = string
}

variable "services" {
  description = "services.json: size, scaling and permissions by service."
  type        = any
}

variable "backlog_wait_seconds" {
  description = "How long a message may wait for a worker: each task may hold the messages it clears in this time (services.json's seconds_per_message), and more add tasks."
  type        = number
  default     = 30
}

variable "gateway_requests_per_target" {
  description = "Requests a minute one gateway task takes before another is added (ALB request count per target)."
  type        = number
  default     = 600
}

variable "queues" {
  description = "topology.json queues: which services are workers, and their visibility timeouts."
  type        = any
}

variable "image_tag" {
  description = "The image tag every task runs (a git sha; ECR tags are immutable)."
  type        = string
}

variable "telemetry_collector_image" {
  description = "The AWS Distro for OpenTelemetry collector run beside each service (public ECR; pinned, bumped deliberately)."
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"
}

variable "log_retention_days" {
  type = number
}

variable "topic_arn" {
  type = string
}

variable "queue_arns" {
  type = map(string)
}

variable "dead_letter_arns" {
  type = map(string)
}

variable "table_arns" {
  type = map(string)
}

variable "assets_bucket" {
  type = string
}

variable "assets_bucket_arn" {
  type = string
}

variable "logs_bucket" {
  description = "Where the ALB writes its access logs (under alb/)."
  type        = string
}

variable "user_pool_id" {
  type = string
}

variable "user_pool_arn" {
  description = "The pool whose accounts the gateway deletes when a parent deletes theirs."
  type        = string
}

variable "client_id" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "api_domain" {
  description = "The ALB's DNS name, with certificate_arn's certificate."
  type        = string
}

variable "certificate_arn" {
  type = string
}

variable "dns_zone_id" {
  type = string
}

variable "alb_deletion_protection" {
  type = bool
}

variable "app_url" {
  description = "Where parents and family open the app (https://app_domain): the base of family links (NOCOMELON_PUBLIC_URL)."
  type        = string
}

variable "hsts_max_age_seconds" {
  description = "The gateway's Strict-Transport-Security max-age (NOCOMELON_HSTS_MAX_AGE_SECONDS)."
  type        = number
}

variable "origin_secret_generation" {
  description = "The generation of the origin secret CloudFront sends."
  type        = string
}

variable "previous_origin_secret_generation" {
  description = "A generation the ALB still accepts during a rotation, or null."
  type        = string
}

variable "stage_providers" {
  description = "Who does each stage: 'local' (offline, in the task), 'bedrock' (vision, story, illustration), 'polly' (voice) or 'openai' (any). Only what is chosen is granted."
  type        = map(string)
  default     = { vision = "local", story = "local", illustration = "local", voice = "local" }
}

variable "bedrock_models" {
  description = "The Bedrock model (or inference profile, e.g. us.stability...) each cloud stage calls; the task role may invoke only these."
  type        = map(string)
  default = {
    vision       = "amazon.nova-lite-v1:0"
    story        = "amazon.nova-lite-v1:0"
    illustration = "us.stability.stable-image-control-sketch-v1:0"
  }
}

variable "openai_base_url" {
  description = "The OpenAI-compatible endpoint of the stages set to 'openai': OpenAI's, or a model server's (e.g. http://10.0.3.7:8000/v1)."
  type        = string
  default     = "https://api.openai.com/v1"
}

variable "openai_models" {
  description = "The model each 'openai' stage asks for; the endpoint must serve it (the workers check at start-up)."
  type        = map(string)
  default     = { vision = "gpt-4o-mini", story = "gpt-4o-mini", illustration = "gpt-image-1", voice = "tts-1" }
}

variable "model_server" {
  description = "A self-hosted OpenAI-compatible model server in the VPC (e.g. vLLM on a GPU instance): its security group and port. The worker tasks may reach it there, and it lets them in; null when there is none."
  type = object({
    security_group_id = string
    port              = number
  })
  default = null
}

variable "polly_engine" {
  description = "Polly's engine for the narration: neural, or generative (more natural, dearer)."
  type        = string
  default     = "neural"
}
