"""Autoscaling on AWS: workers on backlog per task (against a target derived from how long a message takes), woken
from zero by a step alarm, and the gateway on requests per task. The alarms' metric math is evaluated here on sample
points, as CloudWatch would, so a guard that stops working fails a test."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

from tests.infrastructure.terraform import INFRASTRUCTURE, ResourceInstance
from tests.infrastructure.test_task_roles import compute

SERVICES = json.loads((INFRASTRUCTURE / "services.json").read_text())["services"]
WORKERS = sorted(name for name, service in SERVICES.items() if "seconds_per_message" in service)


def alarms() -> dict[str, ResourceInstance]:
    return {str(key): alarm for key, alarm in compute().resource("aws_cloudwatch_metric_alarm", "backlog").instances.items()}


def policy(name: str, key: str | None = None) -> ResourceInstance:
    instances = compute().resource("aws_appautoscaling_policy", name).instances
    return instances[key] if key is not None else next(iter(instances.values()))


def evaluate(expression: str, points: dict[str, float | None]) -> float | None:
    """CloudWatch metric math for the functions the alarms use (IF, FILL, AND, comparisons, + - * /), on one point per
    metric (None: no data). A division by zero is no value, as CloudWatch has it, which IF's other branch can stand in for."""
    tokens = re.findall(r"\d+(?:\.\d+)?|[A-Za-z_]+|==|!=|>=|<=|[()+\-*/<>,]", expression)
    position = 0

    def take(expected: str | None = None) -> str:
        nonlocal position
        token = tokens[position]
        assert expected is None or token == expected, (expected, token, expression)
        position += 1
        return token

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def conjunction() -> float | None:
        left = comparison()
        while peek() == "AND":
            take()
            right = comparison()
            left = None if left is None or right is None else float(bool(left) and bool(right))
        return left

    def comparison() -> float | None:
        left = total()
        if peek() in ("==", "!=", ">", "<", ">=", "<="):
            operator, right = take(), total()
            if left is None or right is None:
                return None
            return float(
                {"==": left == right, "!=": left != right, ">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[
                    operator
                ]
            )
        return left

    def total() -> float | None:
        left = product()
        while peek() in ("+", "-"):
            operator, right = take(), product()
            left = None if left is None or right is None else left + right if operator == "+" else left - right
        return left

    def product() -> float | None:
        left = atom()
        while peek() in ("*", "/"):
            operator, right = take(), atom()
            if left is None or right is None or (operator == "/" and right == 0):
                left = None
            else:
                left = left * right if operator == "*" else left / right
        return left

    def atom() -> float | None:
        token = take()
        if token == "(":
            value = conjunction()
            take(")")
            return value
        if token == "IF":
            take("(")
            condition = conjunction()
            take(",")
            chosen = conjunction()
            take(",")
            otherwise = conjunction()
            take(")")
            return None if condition is None else chosen if condition else otherwise
        if token == "FILL":
            take("(")
            value = conjunction()
            take(",")
            filler = conjunction()
            take(")")
            return filler if value is None else value
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
        return points[token]

    value = conjunction()
    assert position == len(tokens), expression
    return value


@pytest.mark.parametrize("worker", WORKERS)
def test_each_task_may_hold_the_backlog_it_clears_in_the_wait_a_message_is_allowed(worker: str) -> None:
    seconds = SERVICES[worker]["seconds_per_message"]
    target = max(1, math.floor(30 / seconds))
    high = alarms()[f"{worker}-backlog-high"]

    assert high.argument("threshold") == target
    assert high.argument("alarm_actions") == [policy("worker_out", worker)["arn"]]
    steps = policy("worker_out", worker).nested("step_scaling_policy_configuration")[0]["step_adjustment"]
    assert [(step.get("metric_interval_lower_bound"), step.get("metric_interval_upper_bound")) for step in steps] == [
        (0, target),
        (target, None),
    ]
    assert compute(backlog_wait_seconds=120).resource("aws_cloudwatch_metric_alarm", "backlog").instances[
        f"{worker}-backlog-high"
    ].argument("threshold") == max(1, math.floor(120 / seconds))


@pytest.mark.parametrize("worker", WORKERS)
def test_the_backlog_per_task_is_messages_over_running_tasks_and_guarded_against_none_running(worker: str) -> None:
    high, low = alarms()[f"{worker}-backlog-high"], alarms()[f"{worker}-backlog-low"]
    (shown,) = [query for query in high.nested("metric_query") if query.get("return_data")]
    expression = shown["expression"]
    assert [query for query in low.nested("metric_query") if query.get("return_data")][0]["expression"] == expression

    assert evaluate(expression, {"waiting": 10, "in_hand": 2, "tasks": 3}) == 4
    assert evaluate(expression, {"waiting": 5, "in_hand": 1, "tasks": 0}) == 6  # no task: the messages themselves
    assert evaluate(expression, {"waiting": 5, "in_hand": None, "tasks": None}) == 5  # no data is none
    assert evaluate(expression, {"waiting": None, "in_hand": None, "tasks": 2}) == 0
    metrics = {query["id"]: query["metric"][0] for query in high.nested("metric_query") if query.get("metric")}
    assert {name: (metric["namespace"], metric["metric_name"]) for name, metric in metrics.items()} == {
        "waiting": ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        "in_hand": ("AWS/SQS", "ApproximateNumberOfMessagesNotVisible"),
        "tasks": ("ECS/ContainerInsights", "RunningTaskCount"),
    }
    assert metrics["waiting"]["dimensions"] == {"QueueName": f"nocomelon-{worker}"}
    assert (low.argument("comparison_operator"), low.argument("threshold"), low.argument("evaluation_periods")) == (
        "LessThanThreshold",
        1,
        10,
    )
    assert low.argument("alarm_actions") == [policy("worker_in", worker)["arn"]]


@pytest.mark.parametrize("worker", WORKERS)
def test_one_waiting_message_wakes_a_service_at_zero_with_one_task(worker: str) -> None:
    wake = alarms()[f"{worker}-wake"]
    (shown,) = [query for query in wake.nested("metric_query") if query.get("return_data")]
    expression = shown["expression"]

    assert evaluate(expression, {"waiting": 1, "in_hand": None, "tasks": 0}) == 1  # far under the target, and still woken
    assert evaluate(expression, {"waiting": 1, "in_hand": None, "tasks": None}) == 1  # a stopped service reports nothing
    assert evaluate(expression, {"waiting": 40, "in_hand": 0, "tasks": 1}) == 0  # running: the backlog alarm's call
    assert evaluate(expression, {"waiting": 0, "in_hand": 0, "tasks": 0}) == 0
    assert (wake.argument("comparison_operator"), wake.argument("threshold"), wake.argument("evaluation_periods")) == (
        "GreaterThanOrEqualToThreshold",
        1,
        1,
    )
    assert wake.argument("alarm_actions") == [policy("worker_wake", worker)["arn"]]
    configuration = policy("worker_wake", worker).nested("step_scaling_policy_configuration")[0]
    assert configuration["adjustment_type"] == "ExactCapacity" and configuration["step_adjustment"][0]["scaling_adjustment"] == 1


def test_every_worker_scales_from_zero_to_its_most_and_has_its_three_alarms() -> None:
    targets = compute().resource("aws_appautoscaling_target", "service").instances
    for worker in WORKERS:
        assert (targets[worker].argument("min_capacity"), targets[worker].argument("max_capacity")) == (0, SERVICES[worker]["max_count"])
    assert sorted(alarms()) == sorted(f"{worker}-{kind}" for worker in WORKERS for kind in ("backlog-high", "backlog-low", "wake"))


def test_the_gateway_scales_on_requests_per_task_behind_its_load_balancer() -> None:
    requests = policy("gateway_requests")
    configuration: dict[str, Any] = requests.nested("target_tracking_scaling_policy_configuration")[0]
    metric = configuration["predefined_metric_specification"][0]

    assert metric["predefined_metric_type"] == "ALBRequestCountPerTarget"
    evaluator = compute()
    (balancer,) = evaluator.resource("aws_lb", "gateway").instances.values()
    (group,) = evaluator.resource("aws_lb_target_group", "gateway").instances.values()
    assert metric["resource_label"] == f"{balancer['arn_suffix']}/{group['arn_suffix']}"
    assert configuration["target_value"] == 600
    gateway = compute().resource("aws_appautoscaling_target", "service").instances["gateway"]
    assert (gateway.argument("min_capacity"), gateway.argument("max_capacity")) == (
        SERVICES["gateway"]["min_count"],
        SERVICES["gateway"]["max_count"],
    )
