"""The web app as a test sees it: a page, the console errors it logged, accessibility checks and screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Request, expect


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool


# What axe reports at these impacts is a barrier for someone; minor and moderate ones are reported but not failed on.
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class WebApp:
    page: Page
    viewport: Viewport
    axe_script: Path
    shots: Path
    console_errors: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        self.page.on("request", self._on_request)
        # Before every page's own scripts: the app's content security policy refuses a script tag added later.
        self.page.add_init_script(path=str(self.axe_script))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request: Request) -> None:
        if request.method == "POST" and "/api/v1/" in request.url:
            self.posts.append(request.url.split("/api/v1/", 1)[1])

    def check(self, screen: str) -> None:
        """A screen as the parent sees it: a screenshot kept as an artefact, and no serious accessibility problem."""
        # Not "networkidle": a page following a run holds its event stream open.
        self.page.wait_for_function("() => Array.from(document.images).every((image) => image.complete)")
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.shots / f"{screen}.png", full_page=True)
        result = self.page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at {[node['target'] for node in violation['nodes']][:3]}"
            for violation in result["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, f"{screen} at {self.viewport.name} size: " + "; ".join(blocking)

    def go(self, path: str) -> None:
        self.page.goto(path)

    def sign_in(self, email: str, password: str) -> None:
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    def expect_path(self, pattern: str) -> None:
        expect(self.page).to_have_url(re.compile(pattern))

    def assert_no_console_errors(self, *, expected: tuple[str, ...] = ()) -> None:
        """Fails on any console error but those a test provoked on purpose (matched by a substring)."""
        unexpected = [text for text in self.console_errors if not any(allowed in text for allowed in expected)]
        assert not unexpected, f"console errors at {self.viewport.name} size: {unexpected}"
