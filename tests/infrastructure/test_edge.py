"""The edge on AWS: only our CloudFront distribution reaches the gateway, a WAF stands in front of it, and the
SPA from S3 gets the gateway's security headers.

Evaluated from the Terraform (tests/infrastructure/terraform.py) and compared with the gateway's own code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import ErrorResponse
from gateway.guards import UPLOAD_PATHS, body_limit
from gateway.headers import content_security_policy, security_headers, share_page_headers
from gateway.settings import GatewaySettings
from gateway.shares.page import SHARE_PREFIX
from tests.infrastructure.terraform import Evaluator, ResourceInstance, attributes, module, root
from tests.infrastructure.test_task_roles import APP_URL, compute

WEBAPP_INPUTS = {"api_domain": "api.example.com"}  # the ALB's name, which needs root variables that have no default


def webapp(**inputs: Any) -> Evaluator:
    return module("webapp", **WEBAPP_INPUTS | inputs)


def the(evaluator: Evaluator, resource_type: str, name: str) -> ResourceInstance:
    (instance,) = evaluator.resource(resource_type, name).instances.values()
    return instance


def distribution() -> ResourceInstance:
    return the(webapp(), "aws_cloudfront_distribution", "app")


def api_origin() -> dict[str, Any]:
    return next(origin for origin in distribution().nested("origin") if origin["origin_id"] == "api")


def web_acl() -> ResourceInstance:
    return the(webapp(), "aws_wafv2_web_acl", "app")


def rules() -> dict[str, dict[str, Any]]:
    return {rule["name"]: rule for rule in web_acl().nested("rule")}


def test_the_alb_forwards_only_requests_carrying_the_header_cloudfront_sends() -> None:
    listener = the(compute(), "aws_lb_listener", "https")
    rule = the(compute(), "aws_lb_listener_rule", "from_cloudfront")
    (sent,) = api_origin()["custom_header"]
    (condition,) = rule.nested("condition")
    (header,) = condition["http_header"]

    assert rule["listener_arn"] == listener["arn"]
    assert rule.nested("action") == [{"type": "forward", "target_group_arn": the(compute(), "aws_lb_target_group", "gateway")["arn"]}]
    assert (header["http_header_name"], header["values"]) == (sent["name"], [sent["value"]])
    (refusal,) = listener.nested("default_action")
    assert refusal["type"] == "fixed-response" and refusal["fixed_response"][0]["status_code"] == "403"


def test_the_origin_secret_is_generated_kept_out_of_outputs_and_safe_in_a_header_condition() -> None:
    (secret,) = compute().resource("random_password", "origin_secret").instances.values()
    (sent,) = api_origin()["custom_header"]
    assert sent["value"] == secret["result"]  # no literal: the generated password, which lives in the state only
    assert secret["length"] >= 32
    assert secret["special"] is False, "the ALB reads * and ? in a header condition as wildcards"
    output = compute().module.outputs["origin_header"]
    assert compute().evaluate(attributes(output.body)["sensitive"], {}) is True


def test_during_a_rotation_the_alb_accepts_both_secrets_and_cloudfront_sends_the_new_one() -> None:
    rotating = module("compute", origin_secret_generation="2", previous_origin_secret_generation="1")
    secrets = rotating.resource("random_password", "origin_secret").instances
    (condition,) = the(rotating, "aws_lb_listener_rule", "from_cloudfront").nested("condition")
    assert sorted(secrets) == ["1", "2"]
    assert sorted(condition["http_header"][0]["values"]) == sorted(secret["result"] for secret in secrets.values())
    assert rotating.output("origin_header")["value"] == secrets["2"]["result"]


def test_the_web_acl_is_made_in_us_east_1_and_guards_the_distribution() -> None:
    acl = web_acl()
    assert acl["scope"] == "CLOUDFRONT"
    assert distribution()["web_acl_id"] == acl["arn"]
    assert acl.provider() == "aws.us_east_1"
    assert root().providers_of("webapp")["aws.us_east_1"] == "aws.us_east_1"
    assert root().evaluate(attributes(root().module.providers["aws.us_east_1"].body)["region"], {}) == "us-east-1"
    logs = the(webapp(), "aws_wafv2_web_acl_logging_configuration", "app")
    log_group = the(webapp(), "aws_cloudwatch_log_group", "waf")
    assert logs["resource_arn"] == acl["arn"] and logs["log_destination_configs"] == [log_group["arn"]]
    assert {logs.provider(), log_group.provider()} == {"aws.us_east_1"} and log_group["name"].startswith("aws-waf-logs-")
    assert logs.nested("redacted_fields") == [{"single_header": [{"name": "authorization"}]}]


def test_the_web_acl_limits_each_address_and_blocks_known_bad_inputs_and_the_common_attacks() -> None:
    acl_rules = rules()
    assert list(acl_rules) == ["rate-per-ip", "body-size", "known-bad-inputs", "common"]
    (rate,) = acl_rules["rate-per-ip"]["statement"][0]["rate_based_statement"]
    assert (rate["aggregate_key_type"], rate["limit"]) == ("IP", root().variables["waf_requests_per_ip"])
    assert acl_rules["rate-per-ip"]["action"][0]["block"][0]["custom_response"][0]["response_code"] == 429
    managed = {name: acl_rules[name]["statement"][0]["managed_rule_group_statement"][0] for name in ("known-bad-inputs", "common")}
    assert [group["name"] for group in managed.values()] == ["AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"]
    assert all(acl_rules[name]["override_action"] == [{"none": [{}]}] for name in managed), "the groups block"
    counted = {override["name"] for override in managed["common"]["rule_action_override"]}
    assert counted and all(name.endswith("_BODY") for name in counted), "only rules reading the body (a photo) only count"
    assert "rule_action_override" not in managed["known-bad-inputs"]


def body_size_pattern() -> re.Pattern[str]:
    (statement,) = rules()["body-size"]["statement"][0]["regex_match_statement"]
    assert statement["field_to_match"] == [{"single_header": [{"name": "content-length"}]}]
    return re.compile(statement["regex_string"])


WAF_BODY_LIMIT = 15_000_000


def test_the_body_size_rule_blocks_only_bodies_the_gateway_would_refuse_too() -> None:
    gateway_largest = max(body_limit(GatewaySettings(), path)[0] for path in UPLOAD_PATHS)
    assert gateway_largest < WAF_BODY_LIMIT <= gateway_largest * 1.1, "a margin over the gateway's limit, not a second limit"
    pattern = body_size_pattern()
    assert not pattern.search(str(gateway_largest)) and pattern.search(str(WAF_BODY_LIMIT))
    assert rules()["body-size"]["action"][0]["block"][0]["custom_response"][0]["response_code"] == 413


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=2))
def test_the_body_size_pattern_reads_content_length_as_a_number(length: int, leading_zeros: int) -> None:
    assert bool(body_size_pattern().search("0" * leading_zeros + str(length))) == (length >= WAF_BODY_LIMIT)


def test_the_waf_inspects_the_bodies_first_16_kb_as_the_comments_say() -> None:
    (association,) = web_acl().nested("association_config")
    assert association["request_body"][0]["cloudfront"] == [{"default_size_inspection_limit": "KB_16"}]


def gateway_on_aws(monkeypatch: pytest.MonkeyPatch) -> GatewaySettings:
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(variable, raising=False)
    gateway_environment = compute().local("service_environment")["gateway"]
    return GatewaySettings(
        aws_region=root().variables["region"],
        bucket_name=root().local("assets_bucket"),
        cognito_public_endpoint=None,
        hsts_max_age_seconds=int(gateway_environment["NOCOMELON_HSTS_MAX_AGE_SECONDS"]),
    )


def headers_policy(name: str) -> ResourceInstance:
    return webapp().resource("aws_cloudfront_response_headers_policy", "app").instances[name]


def headers_sent(policy: ResourceInstance) -> dict[str, str]:
    """What a response headers policy makes CloudFront send, as the gateway names the headers."""
    (config,) = policy.nested("security_headers_config")
    (hsts,) = config["strict_transport_security"]
    assert hsts["include_subdomains"] is True and hsts["preload"] is False
    assert all(header[0]["override"] is True for header in config.values())
    custom = [item for block in policy.nested("custom_headers_config") for item in block["items"]]
    assert all(item["override"] is True for item in custom)
    return {
        "Content-Security-Policy": config["content_security_policy"][0]["content_security_policy"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": config["frame_options"][0]["frame_option"],
        "Referrer-Policy": config["referrer_policy"][0]["referrer_policy"],
        "Strict-Transport-Security": f"max-age={hsts['access_control_max_age_sec']}; includeSubDomains",
        **{item["header"]: item["value"] for item in custom},
    }


def behaviours() -> dict[str, dict[str, Any]]:
    return {
        behaviour.get("path_pattern", "default"): behaviour
        for behaviour in [*distribution().nested("default_cache_behavior"), *distribution().nested("ordered_cache_behavior")]
    }


def test_cloudfront_sends_the_gateways_security_headers_on_the_spa_and_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    on_aws = gateway_on_aws(monkeypatch)
    policy = headers_policy("security")
    assert headers_sent(policy) == security_headers(on_aws, content_security_policy(on_aws))
    assert {path: behaviour["response_headers_policy_id"] for path, behaviour in behaviours().items() if path != "/s/*"} == dict.fromkeys(
        ("default", "/api/*", "/auth/*"), policy["id"]
    )


def test_family_links_reach_the_gateway_uncached_with_the_share_pages_own_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = headers_policy("share")
    assert headers_sent(policy) == share_page_headers(gateway_on_aws(monkeypatch))  # the style's hash included
    shares = behaviours()[SHARE_PREFIX + "*"]
    assert shares["target_origin_id"] == "api" and shares["response_headers_policy_id"] == policy["id"]
    assert (
        shares["allowed_methods"] == ["GET", "HEAD", "OPTIONS"] and shares["cache_policy_id"] == behaviours()["/api/*"]["cache_policy_id"]
    )


def test_family_links_point_at_the_app_and_their_limit_counts_the_client_cloudfront_saw() -> None:
    gateway = compute().local("service_environment")["gateway"]
    assert gateway["NOCOMELON_PUBLIC_URL"] == APP_URL  # the root passes its app_url: https:// and app_domain
    # The two proxies that add an X-Forwarded-For entry: CloudFront (the viewer's address), then the ALB (CloudFront's).
    proxies = [origin for origin in distribution().nested("origin") if origin["origin_id"] == "api"] + [the(compute(), "aws_lb", "gateway")]
    assert int(gateway["NOCOMELON_FORWARDED_HOPS"]) == len(proxies) == 2
    assert "NOCOMELON_PUBLIC_URL" not in compute().local("service_environment")["media"]


def test_the_edges_own_refusals_are_in_the_one_error_shape() -> None:
    (refusal,) = the(compute(), "aws_lb_listener", "https").nested("default_action")
    bodies = [refusal["fixed_response"][0]["message_body"], *(body["content"] for body in web_acl().nested("custom_response_body"))]
    assert len(bodies) == 3
    for body in bodies:
        ErrorResponse.model_validate_json(body)
    answers = {rule["name"]: rule["action"][0]["block"][0]["custom_response"][0] for rule in web_acl().nested("rule") if "action" in rule}
    assert {answer["custom_response_body_key"] for answer in answers.values()} == {
        body["key"] for body in web_acl().nested("custom_response_body")
    }
