"""Family links on the ports' fakes: made, listed, revoked and opened through the gateway's routes, the public page's
contents and headers, its media in byte ranges, the ends of a link (410) and the per-client limit."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from gateway.app import create_app
from gateway.auth.verifier import Caller
from gateway.library.service import LibraryService
from gateway.settings import GatewaySettings
from gateway.shares.rate_limit import RequestsPerClient, client_address
from gateway.shares.service import ShareService
from shared.domain.assets import Retention
from shared.domain.models import LibraryEntry, Paper, Style
from shared.domain.shares import token_hash
from tests.fakes import InMemoryAssetStore, InMemoryCheckpointStore, InMemoryLibraryStore, InMemoryShareStore

PARENT, OTHER = "user-4f1c9e", "user-other"
CAPTIONS = "WEBVTT\n\n00:00:02.500 --> 00:00:03.708\nZoom <00:00:02.917>woke <00:00:03.292>up.\n"
VIDEO = bytes(range(256)) * 40  # 10,240 bytes
ENTRY = LibraryEntry(
    id="entry-1",
    title="Zoom & the <Moon>",
    video_key=f"{PARENT}/videos/entry-1_final.mp4",
    thumbnail_key=f"{PARENT}/videos/entry-1_thumb.jpg",
    captions_key=f"{PARENT}/videos/entry-1_captions.vtt",
    book_keys={Paper.A4: f"{PARENT}/videos/entry-1_book_a4.pdf", Paper.LETTER: f"{PARENT}/videos/entry-1_book_letter.pdf"},
    duration_sec=31.0,
    style=Style.WATERCOLOR,
    created_at="2026-12-03T10:00:00+00:00",
)


class TokenIsTheUser:
    """The bearer token names the caller, so a test can be either parent."""

    async def verify(self, token: str) -> Caller:
        return Caller(user_id=token, username=token)


class Gateway:
    def __init__(self, **settings: object) -> None:
        self.shares = InMemoryShareStore()
        self.library = InMemoryLibraryStore()
        self.assets = InMemoryAssetStore()
        self.settings = GatewaySettings.model_validate(
            {"cognito_user_pool_id": "us-east-1_test", "cognito_client_id": "client", **settings}
        )
        app = create_app(self.settings)
        app.state.verifier = TokenIsTheUser()
        app.state.assets = self.assets
        app.state.shares = ShareService(shares=self.shares, library=self.library, max_open_links=self.settings.max_open_links)
        app.state.library = LibraryService(
            checkpoints=InMemoryCheckpointStore(), library=self.library, shares=self.shares, assets=self.assets
        )
        self.client = TestClient(app, raise_server_exceptions=False)

    async def saved(self) -> None:
        await self.library.add(PARENT, ENTRY, run_id="run-1")
        await self.assets.put(ENTRY.video_key, VIDEO, "video/mp4", retention=Retention.LIBRARY)
        await self.assets.put(ENTRY.thumbnail_key, b"\xff\xd8cover", "image/jpeg", retention=Retention.LIBRARY)
        assert ENTRY.captions_key
        await self.assets.put(ENTRY.captions_key, CAPTIONS.encode(), "text/vtt", retention=Retention.LIBRARY)
        for paper, key in ENTRY.book_keys.items():
            await self.assets.put(key, f"%PDF-1.7 {paper}".encode(), "application/pdf", retention=Retention.LIBRARY)

    def as_parent(self, user_id: str = PARENT) -> dict[str, str]:
        return {"Authorization": f"Bearer {user_id}"}

    def share(self, **body: object) -> dict:
        made = self.client.post(f"/api/v1/library/{ENTRY.id}/shares", json=body, headers=self.as_parent())
        assert made.status_code == 201, made.text
        return made.json()


@pytest.fixture
async def gateway() -> Gateway:
    made = Gateway()
    await made.saved()
    return made


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


async def test_a_link_is_made_with_its_expiry_and_label_and_only_its_hash_is_kept(gateway: Gateway) -> None:
    made = gateway.share(expires_in_days=7, label="Grandma")
    assert made["url"].startswith("http://testserver/s/") and made["label"] == "Grandma" and made["views"] == 0
    token = made["url"].rsplit("/", 1)[1]
    assert len(token) == 43
    ((link, kept_hash),) = gateway.shares.links.values()
    assert kept_hash == token_hash(token) and token not in repr(link)
    assert link.expires_at - link.created_at == timedelta(days=7)
    default = gateway.share()
    assert default["label"] is None
    assert gateway.shares.links[(PARENT, default["id"])][0].expires_at - gateway.shares.links[(PARENT, default["id"])][
        0
    ].created_at == timedelta(days=30)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 91}, "expires_in_days"),
        ({"label": "x" * 41}, "label"),
        ({"label": "<b>"}, "label"),
        ({"owner": PARENT}, "owner"),
    ],
)
async def test_a_link_out_of_bounds_is_refused_before_anything_is_made(gateway: Gateway, body: dict, field: str) -> None:
    refused = gateway.client.post(f"/api/v1/library/{ENTRY.id}/shares", json=body, headers=gateway.as_parent())
    assert refused.status_code == 422 and field in refused.json()["error"]["message"]
    assert gateway.shares.links == {}


async def test_another_parent_can_neither_share_nor_list_nor_revoke_the_storybook(gateway: Gateway) -> None:
    made = gateway.share()
    theirs = gateway.as_parent(OTHER)
    assert gateway.client.post(f"/api/v1/library/{ENTRY.id}/shares", json={}, headers=theirs).status_code == 404
    assert gateway.client.get(f"/api/v1/library/{ENTRY.id}/shares", headers=theirs).status_code == 404
    assert gateway.client.delete(f"/api/v1/library/{ENTRY.id}/shares/{made['id']}", headers=theirs).status_code == 404
    assert gateway.client.get(path_of(made["url"])).status_code == 200  # still open
    assert gateway.client.get(f"/api/v1/library/{ENTRY.id}/shares").status_code == 401


async def test_a_link_is_revoked_only_through_its_own_storybook(gateway: Gateway) -> None:
    made = gateway.share()
    other = ENTRY.model_copy(update={"id": "entry-2"})
    await gateway.library.add(PARENT, other, run_id="run-2")
    refused = gateway.client.delete(f"/api/v1/library/{other.id}/shares/{made['id']}", headers=gateway.as_parent())
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "share_not_found"
    assert gateway.client.get(path_of(made["url"])).status_code == 200


async def test_the_list_shows_open_links_with_their_views_and_never_a_token(gateway: Gateway) -> None:
    first, second = gateway.share(label="Grandma"), gateway.share(label="Uncle Sam")
    for _ in range(3):
        assert gateway.client.get(path_of(first["url"])).status_code == 200
    gateway.client.get(path_of(first["url"]) + "/video.mp4")  # media are not views
    listed = gateway.client.get(f"/api/v1/library/{ENTRY.id}/shares", headers=gateway.as_parent()).json()["items"]
    assert [(link["label"], link["views"]) for link in listed] == [("Grandma", 3), ("Uncle Sam", 0)]
    assert "url" not in listed[0] and first["url"].rsplit("/", 1)[1] not in str(listed)
    gateway.client.delete(f"/api/v1/library/{ENTRY.id}/shares/{second['id']}", headers=gateway.as_parent())
    listed = gateway.client.get(f"/api/v1/library/{ENTRY.id}/shares", headers=gateway.as_parent()).json()["items"]
    assert [link["label"] for link in listed] == ["Grandma"]


async def test_a_parent_has_only_so_many_open_links(gateway: Gateway) -> None:
    limited = Gateway(max_open_links=2)
    await limited.saved()
    first = limited.share()
    limited.share()
    refused = limited.client.post(f"/api/v1/library/{ENTRY.id}/shares", json={}, headers=limited.as_parent())
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "too_many_links"
    assert "revoke one" in refused.json()["error"]["message"]
    limited.client.delete(f"/api/v1/library/{ENTRY.id}/shares/{first['id']}", headers=limited.as_parent())
    assert limited.client.post(f"/api/v1/library/{ENTRY.id}/shares", json={}, headers=limited.as_parent()).status_code == 201


async def test_the_page_shows_the_title_and_the_player_and_nothing_of_the_parent(gateway: Gateway) -> None:
    page = gateway.client.get(path_of(gateway.share()["url"]))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>Zoom &amp; the &lt;Moon&gt;</h1>" in text and "<script" not in text
    assert re.search(r'<video controls playsinline preload="metadata" src="/s/[A-Za-z0-9_-]{43}/video.mp4"', text)
    assert re.search(r'<track kind="captions" src="/s/[A-Za-z0-9_-]{43}/captions.vtt" label="Captions">', text)
    assert re.search(r'<meta property="og:image" content="http://testserver/s/[A-Za-z0-9_-]{43}/cover.jpg">', text)
    assert '<meta property="og:title" content="Zoom &amp; the &lt;Moon&gt;">' in text and "og:video" not in text
    assert '<meta name="robots" content="noindex, nofollow">' in text
    books = re.findall(r'<a href="(/s/[A-Za-z0-9_-]{43}/book.pdf\?paper=(\w+))" download>([^<]+)</a>', text)
    assert [(paper, label) for _, paper, label in books] == [("a4", "A4"), ("letter", "US Letter")]
    for secret in (PARENT, ENTRY.id, ENTRY.video_key, ENTRY.thumbnail_key, "videos/", "user"):
        assert secret not in text and secret not in str(page.headers)


async def test_the_page_s_policy_runs_no_script_and_allows_its_own_style_and_media_only(gateway: Gateway) -> None:
    page = gateway.client.get(path_of(gateway.share()["url"]))
    policy = {name: sources for name, *sources in (part.split() for part in page.headers["content-security-policy"].split(";"))}
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy
    assert policy["media-src"] == policy["img-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    (style,) = re.findall(r"<style>(.*?)</style>", page.text, re.DOTALL)
    assert policy["style-src"] == [f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"]
    assert page.headers["x-robots-tag"] == "noindex, nofollow" and page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "private, no-store"


async def test_the_video_is_streamed_whole_or_in_the_range_a_player_asks_for(gateway: Gateway) -> None:
    video = path_of(gateway.share()["url"]) + "/video.mp4"
    whole = gateway.client.get(video)
    assert whole.status_code == 200 and whole.content == VIDEO and whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    part = gateway.client.get(video, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == VIDEO[100:200] and part.headers["content-range"] == f"bytes 100-199/{len(VIDEO)}"
    rest = gateway.client.get(video, headers={"Range": "bytes=10000-"})
    assert rest.status_code == 206 and rest.content == VIDEO[10000:] and rest.headers["content-length"] == "240"
    past = gateway.client.get(video, headers={"Range": "bytes=20000-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(VIDEO)}"
    odd = gateway.client.get(video, headers={"Range": "bytes=-5"})
    assert odd.status_code == 200 and odd.content == VIDEO  # a range players do not send is ignored
    captions = gateway.client.get(path_of(gateway.share()["url"]) + "/captions.vtt")
    assert captions.status_code == 200 and captions.text == CAPTIONS and captions.headers["content-type"].startswith("text/vtt")
    for paper in Paper:
        book = gateway.client.get(path_of(gateway.share()["url"]) + f"/book.pdf?paper={paper}")
        assert book.status_code == 200 and book.content == f"%PDF-1.7 {paper}".encode()
        assert book.headers["content-type"] == "application/pdf"
        assert (
            book.headers["content-disposition"]
            == "attachment; filename=\"Zoom the Moon.pdf\"; filename*=UTF-8''Zoom%20%26%20the%20%3CMoon%3E.pdf"
        )
    assert gateway.client.get(path_of(gateway.share()["url"]) + "/book.pdf?paper=a5").status_code == 422
    cover = gateway.client.get(path_of(gateway.share()["url"]) + "/cover.jpg")
    assert cover.status_code == 200 and cover.content == b"\xff\xd8cover" and cover.headers["content-type"] == "image/jpeg"


async def test_a_revoked_link_answers_410_at_once_for_the_page_and_its_media(gateway: Gateway) -> None:
    made = gateway.share()
    page = path_of(made["url"])
    assert gateway.client.get(page + "/video.mp4", headers={"Range": "bytes=0-99"}).status_code == 206
    assert gateway.client.delete(f"/api/v1/library/{ENTRY.id}/shares/{made['id']}", headers=gateway.as_parent()).status_code == 204
    for path in (page, page + "/video.mp4", page + "/cover.jpg", page + "/captions.vtt", page + "/book.pdf?paper=letter"):
        ended = gateway.client.get(path, headers={"Range": "bytes=100-199"})
        assert ended.status_code == 410 and "This storybook link has ended" in ended.text
        assert ended.headers["content-type"].startswith("text/html") and ended.headers["x-robots-tag"] == "noindex, nofollow"
    assert gateway.client.delete(f"/api/v1/library/{ENTRY.id}/shares/{made['id']}", headers=gateway.as_parent()).status_code == 204


async def test_an_expired_link_answers_410_and_a_token_never_made_404(gateway: Gateway) -> None:
    made = gateway.share(expires_in_days=1)
    key = (PARENT, made["id"])
    link, kept = gateway.shares.links[key]
    gateway.shares.links[key] = (link.model_copy(update={"expires_at": link.created_at - timedelta(seconds=1)}), kept)
    assert gateway.client.get(path_of(made["url"])).status_code == 410
    assert gateway.client.get(path_of(made["url"]) + "/video.mp4").status_code == 410
    unknown = gateway.client.get("/s/" + "A" * 43)
    assert unknown.status_code == 404 and "This link doesn't work" in unknown.text
    for odd in ("/s/short", "/s/" + "A" * 43 + "/secrets.txt", "/s/"):
        assert gateway.client.get(odd).status_code == 404


async def test_deleting_the_storybook_ends_its_links(gateway: Gateway) -> None:
    made = gateway.share()
    assert gateway.client.delete(f"/api/v1/library/{ENTRY.id}", headers=gateway.as_parent()).status_code == 204
    assert gateway.client.get(path_of(made["url"])).status_code == 410
    ((link, _),) = gateway.shares.links.values()
    assert link.revoked_at is not None


async def test_one_client_may_open_only_so_many_share_pages_a_minute() -> None:
    limited = Gateway(share_requests_per_minute=3)
    await limited.saved()
    page = path_of(limited.share()["url"])
    assert [limited.client.get(page).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = limited.client.get(page + "/video.mp4")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1 and "wait a minute" in refused.text
    assert limited.shares.links and next(iter(limited.shares.links.values()))[0].views == 3


def test_the_limit_is_per_client_and_a_minute_long() -> None:
    moment = [0.0]
    limit = RequestsPerClient(per_minute=2, clock=lambda: moment[0])
    assert [limit.retry_after("a"), limit.retry_after("a"), limit.retry_after("b")] == [None, None, None]
    assert limit.retry_after("a") == 61
    moment[0] = 30.0
    assert limit.retry_after("a") == 31
    moment[0] = 60.5
    assert limit.retry_after("a") is None


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [(0, "6.6.6.6", "peer"), (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"), (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"), (2, "1.2.3.4", "peer")],
    ids=["no-proxy-trusts-no-header", "behind-one", "behind-two-a-forged-entry-first", "too-few-entries"],
)
def test_the_client_is_who_the_first_trusted_proxy_saw(hops: int, forwarded: str, client: str) -> None:
    request = Request({"type": "http", "headers": [(b"x-forwarded-for", forwarded.encode())], "client": ("peer", 1234)})
    assert client_address(request, hops) == client
