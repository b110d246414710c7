"""What goes wrong, said plainly, with a way on: sign-in mistakes, a file that is not a picture, a run that is not there,
a drawing the analysis cannot name, and the first sign-in of a new account (its temporary password replaced)."""

from __future__ import annotations

import uuid
from io import BytesIO

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from nocomelon_cli.signin import Credentials
from tests.browser.pages import WebApp

pytestmark = pytest.mark.stack


def test_wrong_password_and_unknown_email_say_what_is_wrong(phone: WebApp, browser_parent: Credentials) -> None:
    page = phone.page
    phone.go("/library")
    phone.expect_path(r"/sign-in$")
    phone.sign_in(browser_parent.email, "Not4TheRightOne")
    expect(page.get_by_role("alert")).to_contain_text("email and password don't match")
    phone.check("wrong-password")
    phone.sign_in("nobody.here@nocomelon.local", "Whatever4You")
    expect(page.get_by_role("alert")).to_contain_text("We don't know that email address")
    phone.check("unknown-email")
    phone.expect_path(r"/sign-in$")
    # Cognito's refusals are 400s, which the browser reports as failed loads; nothing else may be logged.
    phone.assert_no_console_errors(expected=("status of 400",))


def test_a_file_that_is_not_a_picture_and_a_missing_run_are_explained(phone: WebApp, browser_parent: Credentials) -> None:
    page = phone.page
    phone.go("/sign-in")
    phone.sign_in(browser_parent.email, browser_parent.password)
    phone.expect_path(r"/new$")
    page.get_by_test_id("drawing-file").set_input_files(
        files=[{"name": "drawing.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.7 this is a document, not a photo"}]
    )
    page.get_by_role("button", name="Use this drawing").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please upload a photo of the drawing as a JPEG, PNG, WebP or HEIC image.")
    expect(alert.get_by_role("button", name="Choose a different photo")).to_be_visible()
    phone.check("unsupported-file")
    phone.expect_path(r"/new$")

    phone.go(f"/runs/{uuid.uuid4()}/script")
    expect(page.get_by_role("alert")).to_contain_text("We couldn't find that story")
    page.get_by_role("link", name="Start a new storybook").click()
    phone.expect_path(r"/new$")
    assert phone.posts == ["vision/analyze"]
    phone.assert_no_console_errors(expected=("status of 415", "status of 404"))


def test_a_drawing_it_cannot_name_asks_what_the_child_drew(phone: WebApp, browser_parent: Credentials) -> None:
    page = phone.page
    scribble = Image.new("RGB", (800, 600), (250, 250, 246))
    ImageDraw.Draw(scribble).line([(250, 300), (320, 180), (380, 320), (450, 170), (520, 330), (600, 200)], fill=(25, 25, 25), width=6)
    png = BytesIO()
    scribble.save(png, "PNG")
    phone.go("/sign-in")
    phone.sign_in(browser_parent.email, browser_parent.password)
    phone.expect_path(r"/new$")
    page.get_by_test_id("drawing-file").set_input_files(files=[{"name": "scribble.png", "mimeType": "image/png", "buffer": png.getvalue()}])
    page.get_by_role("button", name="Use this drawing").click()
    phone.expect_path(r"/runs/[0-9a-f-]{36}/recognise$")
    subject = page.get_by_label("What it is")
    expect(subject).to_be_visible(timeout=60_000)
    expect(page.get_by_text("What did your child draw?")).to_be_visible()
    expect(page.locator(".field--highlighted").get_by_label("What it is")).to_be_visible()
    phone.check("recognise-unsure")
    subject.fill("a red rocket named Zoom")
    expect(page.locator(".field--highlighted")).to_have_count(0)
    page.get_by_role("button", name="Looks good").click()
    phone.expect_path(r"/customise/style$")
    phone.assert_no_console_errors()


def test_a_new_account_chooses_its_own_password_at_first_sign_in(phone: WebApp, new_parent: tuple[str, str]) -> None:
    email, temporary = new_parent
    page = phone.page
    phone.go("/sign-in")
    phone.sign_in(email, temporary)
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    phone.check("new-password")
    page.get_by_label("New password", exact=True).fill("MyOwn4Password")
    page.get_by_label("New password again").fill("MyOwn4Password")
    page.get_by_role("button", name="Save and continue").click()
    phone.expect_path(r"/new$")
    expect(page.get_by_role("heading", name="Make a storybook")).to_be_visible()
    phone.assert_no_console_errors()
