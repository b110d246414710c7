"""The page family open from a link, with no sign-in: the storybook's title, its player, its book, and nothing else.

The page, its media and its printable book are the gateway's own paths under /s/{token}. Nothing in them names the parent: no user
id, no email, no file key. Each request checks the link again, so a revoked or expired link answers 410 at once,
the media of a page already open included. The page has no script. Its policy (headers.share_page_headers)
allows its one inline style and its own media, and search engines are asked not to index it. Crawlers that make
link previews get the title and the cover only.
"""

from __future__ import annotations

import html
import logging
import re
from importlib import resources
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from gateway.dependencies import AssetsDep, SettingsDep, SharesDep
from gateway.shares.rate_limit import RequestsPerClient, client_address
from gateway.shares.service import LinkEnded, LinkUnknown, SharedStorybook
from shared.domain.models import Paper
from shared.domain.ports import AssetStore, ObjectNotFound, RangeNotSatisfiable

log = logging.getLogger(__name__)

SHARE_PREFIX = "/s/"
# A token is 43 URL-safe characters (shared.domain.shares); anything else is no link, and no table is asked.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

# The page's one style block, from a file Terraform reads too: CloudFront sends the same policy, which allows exactly
# this text by its hash (headers.share_page_headers).
PAGE_STYLE = resources.files("gateway.shares").joinpath("page.css").read_text()

NOT_A_LINK = "This link doesn't work. Please check it was copied whole, or ask the family member who sent it for a new one."
LINK_ENDED = "This storybook link has ended. Ask the family member who sent it for a new one."
NO_BOOK = "This storybook was made before picture books, so it has none to print. Its video still plays above."
TOO_OFTEN = "That was a lot of requests at once. Please wait a minute and try again."


def _client_limit(request: Request) -> RequestsPerClient:
    return request.app.state.share_rate_limit


async def within_rate(request: Request, settings: SettingsDep, limit: Annotated[RequestsPerClient, Depends(_client_limit)]) -> None:
    retry_after = limit.retry_after(client_address(request, settings.forwarded_hops))
    if retry_after is not None:
        raise _Refused(429, "Just a moment", TOO_OFTEN, {"Retry-After": str(retry_after)})


class _Refused(Exception):
    def __init__(self, status: int, title: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.title, self.message, self.headers = status, title, message, headers or {}


router = APIRouter(prefix="/s", include_in_schema=False, dependencies=[Depends(within_rate)])
Token = Annotated[str, Path(max_length=64)]


def install_share_pages(app: FastAPI) -> None:
    """The public pages, their per-client limit, and their kind refusals (HTML, not the API's JSON)."""
    app.state.share_rate_limit = RequestsPerClient(per_minute=app.state.settings.share_requests_per_minute)
    app.include_router(router)

    @app.exception_handler(_Refused)
    async def refused(request: Request, error: _Refused) -> Response:
        body = f"<h1>{html.escape(error.title)}</h1><p>{html.escape(error.message, quote=False)}</p>"
        return HTMLResponse(_page(error.title, body), status_code=error.status, headers=error.headers)


async def _shared(shares: SharesDep, token: str, *, counting_a_view: bool) -> SharedStorybook:
    if not _TOKEN.match(token):
        raise _Refused(404, "We couldn't find this storybook", NOT_A_LINK)
    try:
        return await shares.open(token, counting_a_view=counting_a_view)
    except LinkUnknown:
        raise _Refused(404, "We couldn't find this storybook", NOT_A_LINK) from None
    except LinkEnded:
        raise _Refused(410, "This link has ended", LINK_ENDED) from None


@router.get("/{token}")
async def share_page(token: Token, request: Request, shares: SharesDep, settings: SettingsDep) -> HTMLResponse:
    shared = await _shared(shares, token, counting_a_view=True)
    log.info("share page opened", extra={"share_id": shared.link.id, "views": shared.link.views})
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    title = html.escape(shared.entry.title)
    cover = f"{base}{SHARE_PREFIX}{token}/cover.jpg"
    preview = "\n".join(
        [
            f'<link rel="icon" href="{SHARE_PREFIX}{token}/cover.jpg">',  # the browser asks for one: this, not the app's
            f'<meta property="og:title" content="{title}">',
            '<meta property="og:type" content="website">',
            f'<meta property="og:image" content="{cover}">',
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:title" content="{title}">',
            f'<meta name="twitter:image" content="{cover}">',
        ]
    )
    # The words are in the picture already (lit one by one when reading along), so the track starts off: shown as well
    # it would print every line twice. The player's captions button turns it on, larger or as the browser is set to.
    captions = f'<track kind="captions" src="{SHARE_PREFIX}{token}/captions.vtt" label="Captions">' if shared.entry.captions_key else ""
    books = " · ".join(
        f'<a href="{SHARE_PREFIX}{token}/book.pdf?paper={paper.value}" download>{html.escape(paper.label)}</a>'
        for paper in Paper
        if paper in shared.entry.book_keys
    )
    body = (
        f"<h1>{title}</h1>"
        f'<video controls playsinline preload="metadata" src="{SHARE_PREFIX}{token}/video.mp4"'
        f' poster="{SHARE_PREFIX}{token}/cover.jpg" aria-label="{title}">{captions}</video>'
        + (f'<p class="book">Print the picture book: {books}</p>' if books else "")
    )
    return HTMLResponse(_page(shared.entry.title, body, head=preview))


@router.get("/{token}/video.mp4")
async def shared_video(token: Token, request: Request, shares: SharesDep, assets: AssetsDep) -> Response:
    shared = await _shared(shares, token, counting_a_view=False)
    return await _stream(assets, shared.entry.video_key, request.headers.get("range"))


@router.get("/{token}/cover.jpg")
async def shared_cover(token: Token, request: Request, shares: SharesDep, assets: AssetsDep) -> Response:
    shared = await _shared(shares, token, counting_a_view=False)
    return await _stream(assets, shared.entry.thumbnail_key, request.headers.get("range"))


@router.get("/{token}/captions.vtt")
async def shared_captions(token: Token, request: Request, shares: SharesDep, assets: AssetsDep) -> Response:
    shared = await _shared(shares, token, counting_a_view=False)
    if shared.entry.captions_key is None:
        raise _Refused(404, "We couldn't find this storybook", NOT_A_LINK)
    return await _stream(assets, shared.entry.captions_key, request.headers.get("range"))


@router.get("/{token}/book.pdf")
async def shared_book(token: Token, request: Request, shares: SharesDep, assets: AssetsDep, paper: Paper = Paper.A4) -> Response:
    shared = await _shared(shares, token, counting_a_view=False)
    key = shared.entry.book_keys.get(paper)
    if key is None:
        raise _Refused(404, "We couldn't find this picture book", NO_BOOK)
    response = await _stream(assets, key, request.headers.get("range"))
    response.headers["Content-Disposition"] = book_download(shared.entry.title)
    return response


def book_download(title: str) -> str:
    """A Content-Disposition that saves the book under the storybook's title, whatever letters it has."""
    plain = " ".join(re.sub(r"[^A-Za-z0-9 _-]+", "", title).split()) or "storybook"
    return f"attachment; filename=\"{plain}.pdf\"; filename*=UTF-8''{quote(title)}.pdf"


@router.get("/{rest:path}")
async def not_a_share_page(rest: str) -> Response:
    raise _Refused(404, "We couldn't find this storybook", NOT_A_LINK)


async def _stream(assets: AssetStore, key: str, asked: str | None) -> Response:
    """The file, or the part of it a player asked for: one range from a first byte, which is what players send. Any
    other Range is ignored and the whole file sent, as RFC 9110 allows."""
    first, last = 0, None
    matched = _RANGE.match(asked.strip()) if asked else None
    if matched and matched.group(1) and (not matched.group(2) or int(matched.group(2)) >= int(matched.group(1))):
        first, last = int(matched.group(1)), int(matched.group(2)) if matched.group(2) else None
    else:
        matched = None
    try:
        stored = await assets.read(key, first=first, last=last)
    except ObjectNotFound:
        raise _Refused(410, "This link has ended", LINK_ENDED) from None  # the storybook was deleted a moment ago
    except RangeNotSatisfiable as error:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{error.size}"})
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(stored.last - stored.first + 1), "Cache-Control": "private, no-store"}
    if matched:
        headers["Content-Range"] = f"bytes {stored.first}-{stored.last}/{stored.size}"
    return StreamingResponse(stored.chunks, status_code=206 if matched else 200, media_type=stored.content_type, headers=headers)


def _page(title: str, body: str, *, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{html.escape(title)}</title>{head}<style>{PAGE_STYLE}</style></head>"
        f"<body><main>{body}</main><footer>Made with NoComelon</footer></body></html>"
    )
