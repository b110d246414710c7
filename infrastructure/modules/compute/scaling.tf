# Workers scale on backlog per task: messages waiting or in hand divided by the running tasks, against a target
# derived from how long a message takes (services.json) and how long one may wait (backlog_wait_seconds). With no
# task running the division is guarded (the backlog is the messages themselves), and a step alarm of its own wakes a
# service at zero on its first message, however far under the target that one message is. Below one message per task
# a task is idle and goes, down to zero. The gateway scales on requests per task (and on CPU, for slow requests).

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

resource "aws_appautoscaling_policy" "gateway_requests" {
  name               = "${var.prefix}-${local.web_service}-requests"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.service[local.web_service].resource_id
  scalable_dimension = aws_appautoscaling_target.service[local.web_service].scalable_dimension
  policy_type        = "TargetTrackingScaling"

  target_tracking_scaling_policy_configuration {
    target_value = var.gateway_requests_per_target
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.gateway.arn_suffix}/${aws_lb_target_group.gateway.arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_policy" "worker_wake" {
  for_each           = local.workers
  name               = "${var.prefix}-${each.key}-wake"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.service[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.service[each.key].scalable_dimension
  policy_type        = "StepScaling"

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
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
      metric_interval_upper_bound = local.backlog_per_task[each.key]
      scaling_adjustment          = 1
    }
    step_adjustment {
      metric_interval_lower_bound = local.backlog_per_task[each.key]
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
    id          = "alarmed"
    label       = each.value.label
    expression  = each.value.expression
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
  backlog_per_task = { for name, worker in local.workers : name => max(1, floor(var.backlog_wait_seconds / worker.seconds_per_message)) }

  # CloudWatch metric math over the queue's messages and the service's running tasks (each missing point is 0).
  per_task_backlog = "IF(FILL(tasks, 0) > 0, (FILL(waiting, 0) + FILL(in_hand, 0)) / FILL(tasks, 0), FILL(waiting, 0) + FILL(in_hand, 0))"
  asleep_with_work = "IF(FILL(tasks, 0) == 0 AND FILL(waiting, 0) > 0, 1, 0)"

  backlog_alarms = merge(
    {
      for name, worker in local.workers : "${name}-wake" => {
        worker      = name
        queue       = "${var.prefix}-${name}"
        description = "A ${name} message waits and no task runs: start one."
        label       = "a message waits and no task runs (1) or not (0)"
        expression  = local.asleep_with_work
        comparison  = "GreaterThanOrEqualToThreshold"
        threshold   = 1
        periods     = 1
        policy_arn  = aws_appautoscaling_policy.worker_wake[name].arn
      }
    },
    {
      for name, worker in local.workers : "${name}-backlog-high" => {
        worker      = name
        queue       = "${var.prefix}-${name}"
        description = "${local.backlog_per_task[name]} or more ${name} messages per task (${var.backlog_wait_seconds} s of work at ${worker.seconds_per_message} s each): add tasks."
        label       = "messages waiting or in hand per running task"
        expression  = local.per_task_backlog
        comparison  = "GreaterThanOrEqualToThreshold"
        threshold   = local.backlog_per_task[name]
        periods     = 1
        policy_arn  = aws_appautoscaling_policy.worker_out[name].arn
      }
    },
    {
      for name, worker in local.workers : "${name}-backlog-low" => {
        worker      = name
        queue       = "${var.prefix}-${name}"
        description = "Fewer ${name} messages than tasks for 10 minutes: remove a task."
        label       = "messages waiting or in hand per running task"
        expression  = local.per_task_backlog
        comparison  = "LessThanThreshold"
        threshold   = 1
        periods     = 10
        policy_arn  = aws_appautoscaling_policy.worker_in[name].arn
      }
    },
  )
}
