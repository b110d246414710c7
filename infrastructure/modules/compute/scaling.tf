# Workers scale on backlog per task: messages waiting or in hand divided by
# the running tasks (one when none run, so an empty service wakes up). Below
# one message per task a task is idle and goes, down to zero.

resource "aws_appautoscaling_target" "service" {
  for_each           = var.services
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.service[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = try(each.value.min_count, 0)
  max_capacity       = each.value.max_count
}

resource "aws_appautoscaling_policy" "gateway_cpu" {
  name               = "${var.prefix}-${local.web_service}-cpu"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.service[local.web_service].resource_id
  scalable_dimension = aws_appautoscaling_target.service[local.web_service].scalable_dimension
  policy_type        = "TargetTrackingScaling"

  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "worker_out" {
  for_each           = local.workers
  name               = "${var.prefix}-${each.key}-backlog-out"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.service[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.service[each.key].scalable_dimension
  policy_type        = "StepScaling"

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = each.value.backlog_per_task
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = each.value.backlog_per_task
      scaling_adjustment          = 2
    }
  }
}

resource "aws_appautoscaling_policy" "worker_in" {
  for_each           = local.workers
  name               = "${var.prefix}-${each.key}-backlog-in"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.service[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.service[each.key].scalable_dimension
  policy_type        = "StepScaling"

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = -1
    }
  }
}

# One alarm drives each policy: high backlog adds tasks, under one message per task removes one.
resource "aws_cloudwatch_metric_alarm" "backlog" {
  for_each            = local.backlog_alarms
  alarm_name          = "${var.prefix}-${each.key}"
  alarm_description   = each.value.description
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = each.value.periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = [each.value.policy_arn]

  metric_query {
    id          = "backlog_per_task"
    label       = "messages waiting or in hand per running task"
    expression  = "IF(FILL(tasks, 0) > 0, (FILL(waiting, 0) + FILL(in_hand, 0)) / FILL(tasks, 0), FILL(waiting, 0) + FILL(in_hand, 0))"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = {
      waiting = { namespace = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", dimensions = { QueueName = each.value.queue } }
      in_hand = { namespace = "AWS/SQS", name = "ApproximateNumberOfMessagesNotVisible", dimensions = { QueueName = each.value.queue } }
      tasks = {
        namespace  = "ECS/ContainerInsights"
        name       = "RunningTaskCount"
        dimensions = { ClusterName = aws_ecs_cluster.this.name, ServiceName = aws_ecs_service.service[each.value.worker].name }
      }
    }
    content {
      id          = metric_query.key
      return_data = false
      metric {
        namespace   = metric_query.value.namespace
        metric_name = metric_query.value.name
        dimensions  = metric_query.value.dimensions
        period      = 60
        stat        = "Maximum"
      }
    }
  }
}

locals {
  backlog_alarms = merge(
    {
      for name, worker in local.workers : "${name}-backlog-high" => {
        worker      = name
        queue       = "${var.prefix}-${name}"
        description = "${worker.backlog_per_task} or more ${name} messages per task: add tasks."
        comparison  = "GreaterThanOrEqualToThreshold"
        threshold   = worker.backlog_per_task
        periods     = 1
        policy_arn  = aws_appautoscaling_policy.worker_out[name].arn
      }
    },
    {
      for name, worker in local.workers : "${name}-backlog-low" => {
        worker      = name
        queue       = "${var.prefix}-${name}"
        description = "Fewer ${name} messages than tasks for 10 minutes: remove a task."
        comparison  = "LessThanThreshold"
        threshold   = 1
        periods     = 10
        policy_arn  = aws_appautoscaling_policy.worker_in[name].arn
      }
    },
  )
}
