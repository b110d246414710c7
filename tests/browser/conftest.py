"""The web app in Debian's chromium, driven by Playwright, against the shared running system.

Each test gets a fresh browser context (its own storage, so its own sign-in) at
a phone's or a desktop's size; every console error is collected and a test
fails on one it did not expect.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from devstack.stack import WEBAPP_DIR, Stack
from nocomelon_cli.signin import Credentials
from tests.browser.pages import Viewport, WebApp
from tests.paths import ARTEFACTS

CHROMIUM = Path("/usr/bin/chromium")
# The browser Debian ships (never one downloaded at run time), quiet: no updates, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--autoplay-policy=no-user-gesture-required",
]
VIEWPORTS = {
    "phone": Viewport(name="phone", width=390, height=844, mobile=True),
    "desktop": Viewport(name="desktop", width=1280, height=800, mobile=False),
}
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser_prerequisites() -> None:
    missing = [str(path) for path in (CHROMIUM, WEBAPP_DIR / "index.html", AXE) if not path.exists()]
    if missing:
        pytest.skip(f"the browser tests need {', '.join(missing)}: `make test` installs and builds them")


@pytest.fixture(scope="session")
def web_stack(browser_prerequisites: None, stack: Stack) -> Stack:
    """The shared stack (started only once the prerequisites are there), known to serve the built app."""
    page = httpx.get(f"{stack.gateway_url}/sign-in", timeout=10)
    assert page.status_code == 200 and '<div id="root">' in page.text, "the gateway does not serve the web app"
    return stack


@pytest.fixture(scope="module")
def browser(web_stack: Stack) -> Iterator[Browser]:
    # Per module, not per session: sync Playwright holds an event loop open on this thread while it runs,
    # which the asyncio tests collected after these must not find.
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_parent(web_stack: Stack) -> Credentials:
    """A parent of the browser tests' own, so their library and runs are theirs alone."""
    user = Credentials(email="browser.parent@nocomelon.local", password="Crayons4Everyone")
    assert web_stack.outputs is not None
    web_stack.provisioner().ensure_user(web_stack.outputs.user_pool_id, user)
    return user


@pytest.fixture
def new_parent(web_stack: Stack) -> tuple[str, str]:
    """An account just made by an operator: a temporary password that must be changed at first sign-in."""
    assert web_stack.outputs is not None
    email, temporary = f"new.parent.{uuid.uuid4().hex[:8]}@nocomelon.local", "Temporary4Now!"
    web_stack.provisioner().cognito.admin_create_user(
        UserPoolId=web_stack.outputs.user_pool_id,
        Username=email,
        TemporaryPassword=temporary,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    return email, temporary


def open_app(browser: Browser, stack: Stack, viewport: Viewport, test_name: str) -> tuple[BrowserContext, WebApp]:
    context = browser.new_context(
        base_url=stack.gateway_url,
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
    )
    page: Page = context.new_page()
    page.set_default_timeout(30_000)
    return context, WebApp(page=page, viewport=viewport, axe_script=AXE, shots=ARTEFACTS / "browser" / test_name)


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def app(request: pytest.FixtureRequest, browser: Browser, web_stack: Stack) -> Iterator[WebApp]:
    context, web_app = open_app(browser, web_stack, VIEWPORTS[request.param], request.node.name.replace("[", "-").rstrip("]"))
    yield web_app
    context.close()


@pytest.fixture
def phone(request: pytest.FixtureRequest, browser: Browser, web_stack: Stack) -> Iterator[WebApp]:
    context, web_app = open_app(browser, web_stack, VIEWPORTS["phone"], request.node.name)
    yield web_app
    context.close()
