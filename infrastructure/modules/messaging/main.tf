# The event bus: one SNS topic, and per worker an SQS queue subscribed to the
# event types it handles, with a dead-letter queue behind it. Attributes match
# what devstack's Provisioner creates locally (tests/infrastructure checks it).

locals {
  queues = var.topology.queues
}

resource "aws_sns_topic" "events" {
  name              = "${var.prefix}-${var.topology.topic}"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sqs_queue" "dead_letter" {
  for_each                  = local.queues
  name                      = "${var.prefix}-${each.key}${var.topology.dead_letter_suffix}"
  message_retention_seconds = var.topology.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "worker" {
  for_each                   = local.queues
  name                       = "${var.prefix}-${each.key}"
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = var.topology.message_retention_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })
}

# Only a dead-letter queue's own source queue may move messages into it.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  for_each  = local.queues
  queue_url = aws_sqs_queue.dead_letter[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.worker[each.key].arn]
  })
}

resource "aws_sqs_queue_policy" "only_the_topic" {
  for_each  = local.queues
  queue_url = aws_sqs_queue.worker[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.worker[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } }
    }]
  })
}

resource "aws_sns_topic_subscription" "worker" {
  for_each             = local.queues
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.worker[each.key].arn
  raw_message_delivery = true
  filter_policy        = jsonencode({ type = sort(each.value.event_types) })
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.prefix}-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count     = var.alarm_email == null ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# A message in a dead-letter queue is a run that failed for good: someone should look.
resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  for_each            = local.queues
  alarm_name          = "${aws_sqs_queue.dead_letter[each.key].name}-not-empty"
  alarm_description   = "Messages ${each.key} could not handle are waiting in ${aws_sqs_queue.dead_letter[each.key].name}; see the runbook."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letter[each.key].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

# An old message means the worker is not keeping up or not running at all.
resource "aws_cloudwatch_metric_alarm" "oldest_message" {
  for_each            = local.queues
  alarm_name          = "${aws_sqs_queue.worker[each.key].name}-oldest-message"
  alarm_description   = "A ${each.key} message has waited over ${var.oldest_message_alarm_seconds} s: the workers are stuck or scaled too low."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.worker[each.key].name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = var.oldest_message_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}
