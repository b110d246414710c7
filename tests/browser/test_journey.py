"""A parent's whole journey in the browser, at a phone's and a desktop's size:
sign in → upload → correct → choose (read-along too) → edit → approve → watch → redo a page → save → library (the book,
a family link) → delete."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from devstack.stack import Stack
from nocomelon_cli.signin import Credentials
from tests.browser.pages import WebApp
from tests.paths import sample

pytestmark = pytest.mark.stack

CORRECTED_SUBJECT = "a purple dragon named Max"
EDITED_SCENE = "Max the purple dragon found a tiny red door at the bottom of the garden."


def run_of(stack: Stack, user: Credentials, run_id: str) -> dict:
    token = stack.access_token(user)
    response = httpx.get(f"{stack.gateway_url}/api/v1/runs/{run_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return response.raise_for_status().json()


def pick_other_than_recommended(app: WebApp, group: str) -> str:
    """Checks the recommended choice is the one selected, then picks another; returns the picked value."""
    radios = app.page.locator(f"input[type=radio][name={group}]")
    expect(radios.first).to_be_attached()
    selected = app.page.locator(f"input[type=radio][name={group}]:checked")
    recommended = app.page.locator(f".choice:has(.badge) input[name={group}]")
    assert selected.get_attribute("value") == recommended.get_attribute("value")
    values = [radios.nth(index).get_attribute("value") for index in range(radios.count())]
    picked = next(value for value in values if value != selected.get_attribute("value"))
    assert picked is not None, f"a {group} choice without a value"
    app.page.locator(f"label[for={group}-{picked}]").click()
    expect(app.page.locator(f"input[name={group}][value={picked}]")).to_be_checked()
    return picked


def test_the_whole_journey(app: WebApp, web_stack: Stack, browser_parent: Credentials) -> None:
    page = app.page
    started = time.monotonic()

    # Every route is guarded: the app opens on sign-in, and says how to get an account.
    app.go("/")
    app.expect_path(r"/sign-in$")
    expect(page.get_by_role("heading", name="No account yet?")).to_be_visible()
    app.check("01-sign-in")
    app.sign_in(browser_parent.email, browser_parent.password)

    app.expect_path(r"/new$")
    expect(page.get_by_role("heading", name="Make a storybook")).to_be_visible()
    app.check("02-upload")
    page.get_by_test_id("drawing-file").set_input_files(str(sample("image-002.jpg")))
    expect(page.get_by_role("img", name="The drawing you chose")).to_be_visible()
    app.check("03-upload-preview")
    page.get_by_role("button", name="Use this drawing").click()

    app.expect_path(r"/runs/[0-9a-f-]{36}/recognise$")
    found = re.search(r"/runs/([0-9a-f-]{36})/", page.url)
    assert found, page.url
    run_id = found.group(1)
    subject = page.get_by_label("What it is")
    expect(subject).to_be_visible(timeout=60_000)
    expect(subject).not_to_have_value("")
    app.check("04-recognise")
    subject.fill("")
    expect(page.get_by_role("button", name="Looks good")).to_be_disabled()
    subject.fill(CORRECTED_SUBJECT)
    page.get_by_role("button", name="Looks good").click()

    app.expect_path(r"/customise/style$")
    style = pick_other_than_recommended(app, "style")
    app.check("05-style")
    page.get_by_role("button", name="Next").click()
    app.expect_path(r"/customise/theme$")
    theme = pick_other_than_recommended(app, "theme")
    app.check("06-theme")
    page.get_by_role("button", name="Next").click()
    app.expect_path(r"/customise/voice$")
    voice = pick_other_than_recommended(app, "voice")
    expect(page.get_by_role("button", name=re.compile(r"Listen to the \w+ voice")).first).to_be_visible()
    app.check("07-voice")
    page.get_by_role("button", name="Next").click()
    app.expect_path(r"/customise/age$")
    read_along = page.get_by_role("checkbox", name=re.compile("^Read-along"))
    expect(read_along).to_be_checked()  # the recommended age reads along
    page.locator("label[for=age-3]").click()
    expect(read_along).not_to_be_checked()  # a three-year-old listens: the words are shown whole
    read_along.check()  # this parent's child is learning letters early
    app.check("08-age")
    page.get_by_role("button", name="Next").click()
    app.expect_path(r"/customise/context$")
    page.get_by_label("Something from your child's life (optional)").fill("a new baby sister")
    app.check("09-context")
    page.get_by_role("button", name="Write the story").click()

    app.expect_path(r"/script$")
    first_scene = page.get_by_label("Scene 1")
    expect(first_scene).to_be_visible(timeout=60_000)
    app.check("10-script")
    first_scene.fill(EDITED_SCENE)
    expect(page.locator("#scene-1-count")).to_have_text(f"{len(EDITED_SCENE)}/600")  # scene 1's own count

    # A refresh in the middle of the script keeps the run and the edit, and starts nothing new.
    page.reload()
    app.expect_path(rf"/runs/{run_id}/script$")
    expect(page.get_by_label("Scene 1")).to_have_value(EDITED_SCENE, timeout=30_000)
    page.get_by_role("button", name="Approve and make the video").click()

    app.expect_path(r"/preview$")
    expect(page.get_by_role("progressbar")).to_be_visible()
    app.check("11-progress")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100", timeout=240_000)
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1 && v.duration > 0 }")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play() }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0", timeout=30_000)
    # The video's captions track is there for the player's captions button, with the story's words.
    page.evaluate("() => { const track = document.querySelector('video').textTracks[0]; track.mode = 'hidden' }")
    page.wait_for_function("() => document.querySelector('video').textTracks[0].cues?.length > 0", timeout=30_000)
    for paper in ("A4", "US Letter"):
        book = page.get_by_role("link", name=re.compile(f"^{paper} PDF"))
        expect(book).to_be_visible()
        assert httpx.get(book.get_attribute("href") or "", timeout=30).content.startswith(b"%PDF")
    app.check("12-preview")

    # One page made again: a new picture for page 2, the rest kept.
    before_redo = run_of(web_stack, browser_parent, run_id)
    page.get_by_role("button", name="Change one page").click()
    page.get_by_label("Which page").select_option("2")
    expect(page.get_by_label("The page's words")).to_have_value(before_redo["story_script"]["scenes"][1]["text"])
    page.get_by_role("checkbox", name="Paint a new picture for this page").check()
    app.check("12b-redo")
    page.get_by_role("button", name="Make this page again").click()
    expect(page.get_by_role("heading", name="Making your storybook")).to_be_visible()
    expect(page.get_by_role("button", name="Save to my library")).to_be_visible(timeout=240_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1 && v.duration > 0 }")

    # What the parent chose and wrote is what the system made.
    run = run_of(web_stack, browser_parent, run_id)
    assert run["status"] == "complete"
    assert run["stages"]["video"]["attempt"] != before_redo["stages"]["video"]["attempt"]  # a new video, of the same story
    assert run["story_script"] == before_redo["story_script"]
    assert (run["options"]["age"], run["options"]["read_along"]) == (3, True)
    assert run["drawing_analysis"]["subject"] == CORRECTED_SUBJECT
    assert (run["options"]["style"], run["options"]["theme"], run["options"]["voice"]) == (style, theme, voice)
    assert run["options"]["personal_context"] == "a new baby sister"
    assert run["story_script"]["scenes"][0]["text"] == EDITED_SCENE
    title = run["story_script"]["title"]

    page.get_by_role("button", name="Save to my library").click()
    page.get_by_role("link", name="Open the library").click()
    app.expect_path(r"/library$")
    book = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))
    expect(book).to_have_count(1)
    expect(book.locator("img")).to_be_visible()
    expect(book.get_by_text(re.compile(r"\d+:\d\d")).first).to_be_visible()
    expect(book.get_by_role("link", name=re.compile("^A4 PDF"))).to_be_visible()
    app.check("13-library")

    # A family link: made for Grandma for a week, opened once, then ended.
    book.get_by_role("button", name=re.compile("^Share")).click()
    sharing = page.get_by_role("dialog", name=f"Share “{title}” with family")
    sharing.get_by_label("Who is it for? (optional)").fill("Grandma")
    sharing.get_by_label("How long it works").select_option("7")
    sharing.get_by_role("button", name="Make a link").click()
    link = sharing.get_by_label("The link (shown only now: copy it)")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{43}$"))
    url = link.input_value()
    app.check("13b-share")
    assert httpx.get(url, timeout=10).status_code == 200
    sharing.get_by_role("button", name="Done").click()
    expect(sharing).to_have_count(0)
    book.get_by_role("button", name=re.compile("^Share")).click()
    expect(sharing.get_by_text(re.compile(r"Grandma · opened 1 time · until"))).to_be_visible()
    sharing.get_by_role("button", name="End the link for Grandma").click()
    expect(sharing.get_by_text(re.compile("Grandma · opened"))).to_have_count(0)
    assert httpx.get(url, timeout=10).status_code == 410
    page.keyboard.press("Escape")
    expect(sharing).to_have_count(0)

    book.get_by_role("button", name=re.compile("^Play")).click()
    player = page.get_by_role("dialog", name=title)
    expect(player).to_be_visible()
    page.wait_for_function("() => { const v = document.querySelector('.player video'); return v && v.duration > 0 }")
    page.evaluate("() => document.fullscreenElement && document.exitFullscreen()")
    app.check("14-player")
    player.get_by_role("button", name="Close").click()

    book.get_by_role("button", name=re.compile("^Delete")).click()
    app.check("15-delete-confirm")
    book.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name=title)).to_have_count(0)
    expect(page.get_by_role("link", name="Make your first storybook")).to_be_visible()
    app.check("16-library-empty")

    # Each step's POST happened once, for the one click that asked for it.
    generation = [post for post in app.posts if not post.startswith("storage/")]
    entry_id = next(post for post in generation if post.startswith("library/")).split("/")[1]
    assert generation == [
        "vision/analyze",
        "story/generate",
        "pipeline/generate",
        f"runs/{run_id}/scenes/2/redo",
        "library",
        f"library/{entry_id}/shares",
    ], app.posts

    # Signed out, a run's URL leads to sign-in, not to the run.
    page.get_by_role("button", name="Sign out").click()
    app.expect_path(r"/sign-in$")
    app.go(f"/runs/{run_id}/script")
    app.expect_path(r"/sign-in$")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    app.assert_no_console_errors()
    print(f"journey at {app.viewport.name} size: {time.monotonic() - started:.1f} s")
