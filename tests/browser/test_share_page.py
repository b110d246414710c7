"""A family link through the real system: a saved storybook shared, opened in chromium with no sign-in, then revoked
or expired. The page, its headers and its media name nothing of the parent; the player plays; an ended link answers
410 at once, for a page already open too."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import boto3
import httpx
import pytest
from playwright.sync_api import Browser, Page

from devstack.stack import Stack
from nocomelon_cli.signin import Credentials
from tests.browser.conftest import VIEWPORTS
from tests.e2e.system import Parent, gateway, outputs_of, saved_storybook, sign_in
from tests.paths import ARTEFACTS, sample


@pytest.fixture(scope="module")
def family_parent(web_stack: Stack) -> Parent:
    user = Credentials(email="sharing.parent@nocomelon.local", password="Grandma4Ever")
    assert web_stack.outputs is not None
    web_stack.provisioner().ensure_user(web_stack.outputs.user_pool_id, user)
    return sign_in(web_stack, user)


@pytest.fixture(scope="module")
def storybook(web_stack: Stack, family_parent: Parent) -> tuple[str, dict]:
    with gateway(web_stack, family_parent) as client:
        return saved_storybook(client, ("rocket.png", sample("image-001.png").read_bytes(), "image/png"))


def until(page: Page, condition: str, timeout: float = 20) -> None:
    """Polls from outside the page: the page's policy allows no eval, which Playwright's wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"not within {timeout} s: {condition}"
        time.sleep(0.1)


def story_texts(stack: Stack, parent: Parent, run_id: str) -> str:
    with gateway(stack, parent) as client:
        return " ".join(scene["text"] for scene in client.get(f"/api/v1/runs/{run_id}").json()["story_script"]["scenes"])


def share(stack: Stack, parent: Parent, entry_id: str, **body: object) -> dict:
    with gateway(stack, parent) as client:
        made = client.post(f"/api/v1/library/{entry_id}/shares", json=body)
        assert made.status_code == 201, made.text
        return made.json()


def test_a_link_plays_in_chromium_with_no_sign_in_and_shows_nothing_of_the_parent(
    browser: Browser, web_stack: Stack, family_parent: Parent, storybook: tuple[str, dict]
) -> None:
    run_id, entry = storybook
    made = share(web_stack, family_parent, entry["id"], label="Grandma", expires_in_days=7)
    assert made["url"].startswith(f"{web_stack.gateway_url}/s/")

    page_answer = httpx.get(made["url"], timeout=10)
    video_answer = httpx.get(made["url"] + "/video.mp4", headers={"Range": "bytes=0-1023"}, timeout=10)
    assert page_answer.status_code == 200 and video_answer.status_code == 206 and len(video_answer.content) == 1024
    seen = page_answer.text + str(page_answer.headers) + str(video_answer.headers)
    for secret in (family_parent.user_id, "sharing.parent", run_id, entry["id"], entry["video_key"], entry["thumbnail_key"], "amazonaws"):
        assert secret not in seen

    context = browser.new_context(viewport={"width": VIEWPORTS["phone"].width, "height": VIEWPORTS["phone"].height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(made["url"])
    assert page.locator("h1").inner_text() == entry["title"]
    until(page, "document.querySelector('video').readyState >= 3")
    page.evaluate("document.querySelector('video').play()")
    until(page, "document.querySelector('video').currentTime > 1")
    # The captions track is there, off (the words are in the picture); switched on, its cues are the story's words.
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "disabled"
    page.evaluate("document.querySelector('video').textTracks[0].mode = 'showing'")
    until(page, "document.querySelector('video').textTracks[0].cues?.length > 0")
    first_cue = page.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
    assert re.sub(r"<[^>]*>", "", first_cue) in story_texts(web_stack, family_parent, run_id)
    page.evaluate("document.querySelector('video').pause()")
    # The printable book, on either paper, from the page's own links.
    for label, paper in (("A4", "a4"), ("US Letter", "letter")):
        href = page.get_by_role("link", name=label).get_attribute("href") or ""
        assert href == made["url"].removeprefix(web_stack.gateway_url) + f"/book.pdf?paper={paper}"
        book = httpx.get(web_stack.gateway_url + href, timeout=10)
        assert book.status_code == 200 and book.content.startswith(b"%PDF") and "attachment" in book.headers["content-disposition"]
    page.screenshot(path=str(ARTEFACTS / "share-page-phone.png"), full_page=True)
    assert errors == []
    assert all(url.startswith(made["url"]) for url in asked)  # nothing but the link's own page, cover and video
    assert not any(family_parent.user_id in url for url in asked)

    with gateway(web_stack, family_parent) as client:
        (listed,) = client.get(f"/api/v1/library/{entry['id']}/shares").json()["items"]
        assert listed["label"] == "Grandma" and listed["views"] == 2  # httpx's visit and chromium's
        assert client.delete(f"/api/v1/library/{entry['id']}/shares/{made['id']}").status_code == 204

    # The page is still open: the player's next request for the video fails, and so does the page. (The whole short
    # video is in chromium's media buffer by now, so the player is sent to it again by a new address it cannot have.)
    answered: list[int] = []
    page.on("response", lambda response: answered.append(response.status) if "/video.mp4" in response.url else None)
    page.evaluate("document.querySelector('video').src += '?again'")
    until(page, "document.querySelector('video').error !== null")
    assert answered and set(answered) == {410}
    ended = page.goto(made["url"])
    assert (
        ended is not None
        and ended.status == 410
        and "This storybook link has ended" in page.content()
        and page.locator("h1").inner_text() == "This link has ended"
    )
    page.screenshot(path=str(ARTEFACTS / "share-page-ended.png"))
    context.close()


def test_an_expired_link_answers_410(web_stack: Stack, family_parent: Parent, storybook: tuple[str, dict]) -> None:
    made = share(web_stack, family_parent, storybook[1]["id"], expires_in_days=1)
    assert httpx.get(made["url"], timeout=10).status_code == 200
    dynamodb = boto3.client("dynamodb", endpoint_url=web_stack.aws_endpoint, region_name=web_stack.region)
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    dynamodb.update_item(
        TableName=web_stack.provisioner().topology.shares.name,
        Key={"user_id": {"S": family_parent.user_id}, "id": {"S": made["id"]}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"S": past}},
    )
    assert httpx.get(made["url"], timeout=10).status_code == 410
    assert httpx.get(made["url"] + "/cover.jpg", timeout=10).status_code == 410
    assert outputs_of(web_stack).bucket not in httpx.get(made["url"], timeout=10).text
