variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Prefix of every resource name; the services' NOCOMELON_ENVIRONMENT."
  type        = string
  default     = "nocomelon"
}

variable "image_tag" {
  description = "The tag of every service image in ECR: the git sha `deploy.sh` built and pushed."
  type        = string
}

variable "app_domain" {
  description = "Where parents open the app (CloudFront), e.g. stories.example.com."
  type        = string
}

variable "api_domain" {
  description = "The ALB's name, which CloudFront forwards /api/* and /auth/* to, e.g. api.stories.example.com."
  type        = string
}

variable "dns_zone_id" {
  description = "The Route 53 hosted zone holding app_domain and api_domain."
  type        = string
}

variable "alb_certificate_arn" {
  description = "ACM certificate for api_domain, in var.region."
  type        = string
}

variable "cloudfront_certificate_arn" {
  description = "ACM certificate for app_domain, in us-east-1 (CloudFront only reads certificates there)."
  type        = string
}

variable "vpc_id" {
  description = "The VPC the ALB and the tasks run in."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing ALB."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks: no public IPs, a NAT gateway or VPC endpoints reach AWS APIs and ECR."
  type        = list(string)
}

variable "assets_bucket_name" {
  description = "Bucket names are global: set one when <environment>-assets is taken. The services get it as NOCOMELON_BUCKET_NAME."
  type        = string
  default     = null
}

variable "password_sign_in" {
  description = "Also allow USER_PASSWORD_AUTH on the app client, for the `nocomelon` CLI; the SPA needs only SRP."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "How long the services' CloudWatch logs are kept."
  type        = number
  default     = 365
}

variable "oldest_message_alarm_seconds" {
  description = "Alarm when a worker queue's oldest message has waited longer than this."
  type        = number
  default     = 900
}

variable "alarm_email" {
  description = "Who hears about dead letters and stuck queues; null subscribes nobody (see the alarms topic output)."
  type        = string
  default     = null
}

variable "alb_deletion_protection" {
  description = "Keep the ALB from being destroyed by accident; turn off only to tear an environment down."
  type        = bool
  default     = true
}

variable "origin_secret_generation" {
  description = "Which generated secret CloudFront sends the ALB in its origin header; a new value makes a new secret (the runbook's rotation)."
  type        = string
  default     = "1"
}

variable "previous_origin_secret_generation" {
  description = "During a rotation, the generation the ALB still accepts while CloudFront deploys the new one; null otherwise."
  type        = string
  default     = null
}

variable "waf_requests_per_ip" {
  description = "Requests one address may make in 5 minutes before the WAF answers 429: a family uses a few hundred; many share a carrier's address."
  type        = number
  default     = 2000
}

variable "stage_providers" {
  description = "Who does each stage: 'local' (offline, the default), 'bedrock' (vision, story, illustration) or 'polly' (voice). Enable the models' access in the Bedrock console first."
  type        = map(string)
  default     = { vision = "local", story = "local", illustration = "local", voice = "local" }
}

variable "bedrock_models" {
  description = "The Bedrock model id or inference profile each cloud stage calls; the task roles may invoke these only."
  type        = map(string)
  default = {
    vision       = "amazon.nova-lite-v1:0"
    story        = "amazon.nova-lite-v1:0"
    illustration = "us.stability.stable-image-control-sketch-v1:0"
  }
}

variable "openai_base_url" {
  description = "The OpenAI-compatible endpoint of the stages set to 'openai' (OpenAI's by default, or a model server in the VPC)."
  type        = string
  default     = "https://api.openai.com/v1"
}

variable "openai_models" {
  description = "The model each 'openai' stage asks for."
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
  description = "Polly's engine for the narration: neural, or generative."
  type        = string
  default     = "neural"
}
