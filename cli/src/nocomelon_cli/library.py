"""`nocomelon library`: list the saved storybooks, download one (video and book), and share it with family or end a link."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nocomelon_cli.api import NoComelonApi
from nocomelon_cli.signin import ClientError, Credentials

PAPERS = ("a4", "letter")


def _days(value: str) -> int:
    days = int(value)
    if not 1 <= days <= 90:
        raise argparse.ArgumentTypeError("a link lasts 1 to 90 days")
    return days


def add_library_commands(commands: Any) -> list[argparse.ArgumentParser]:  # noqa: ANN401 - argparse's private subparsers action
    """The `library` command and its own commands; returns those that talk to the gateway, to be told where it is."""
    library = commands.add_parser("library", help="your saved storybooks: list, download, share, revoke")
    actions = library.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the saved storybooks, newest first")
    download = actions.add_parser("download", help="save a storybook's video, and its picture book with --book")
    download.add_argument("id", help="the storybook's id, from `nocomelon library list`")
    download.add_argument("-o", "--output", type=Path, default=Path("storybook.mp4"), help="where to save the MP4")
    download.add_argument("--book", type=Path, help="also save the printable picture book (PDF) here")
    download.add_argument("--paper", choices=PAPERS, default="a4", help="the book's paper size (default: a4)")
    share = actions.add_parser("share", help="make a link family can open without signing in")
    share.add_argument("id", help="the storybook's id")
    share.add_argument("--days", type=_days, default=30, help="how long the link works, 1 to 90 days (default: 30)")
    share.add_argument("--label", help='who it is for, shown only to you, e.g. "Grandma"')
    links = actions.add_parser("links", help="a storybook's open links and how often each was opened")
    links.add_argument("id", help="the storybook's id")
    revoke = actions.add_parser("revoke", help="end a link at once")
    revoke.add_argument("id", help="the storybook's id")
    revoke.add_argument("link", help="the link's id, from `nocomelon library links`")
    return [listing, download, share, links, revoke]


def library_command(arguments: argparse.Namespace) -> int:
    api = NoComelonApi(arguments.api_url)
    try:
        api.sign_in(Credentials.from_environment())
        return ACTIONS[arguments.action](api, arguments)
    finally:
        api.close()


def _list(api: NoComelonApi, arguments: argparse.Namespace) -> int:
    entries = api.library()
    if not entries:
        print("No saved storybooks yet.")
    for entry in entries:
        print(f"{entry['id']}  {entry['created_at'][:10]}  {entry['duration_sec']:5.1f} s  {entry['title']}")
    return 0


def _entry(api: NoComelonApi, entry_id: str) -> dict[str, Any]:
    for entry in api.library():
        if entry["id"] == entry_id:
            return entry
    raise ClientError(f"There is no saved storybook {entry_id}. `nocomelon library list` shows their ids.")


def _download(api: NoComelonApi, arguments: argparse.Namespace) -> int:
    entry = _entry(api, arguments.id)
    book = entry.get("book_keys", {}).get(arguments.paper) if arguments.book else None
    if arguments.book and book is None:
        raise ClientError("This storybook was made before picture books, so it has none to download. Its video can be.")
    api.download(entry["video_key"], arguments.output)
    print(arguments.output)
    if arguments.book and book:
        api.download(book, arguments.book, what="the picture book")
        print(arguments.book)
    return 0


def _share(api: NoComelonApi, arguments: argparse.Namespace) -> int:
    made = api.share(arguments.id, days=arguments.days, label=arguments.label)
    print(made["url"])
    print(f"link {made['id']}, works until {made['expires_at'][:10]}; it is shown only now, so keep it somewhere safe.")
    return 0


def _links(api: NoComelonApi, arguments: argparse.Namespace) -> int:
    found = api.links(arguments.id)
    if not found:
        print("No open links.")
    for link in found:
        print(f"{link['id']}  until {link['expires_at'][:10]}  {link['views']} views  {link['label'] or ''}".rstrip())
    return 0


def _revoke(api: NoComelonApi, arguments: argparse.Namespace) -> int:
    api.revoke(arguments.id, arguments.link)
    print(f"link {arguments.link} no longer works.")
    return 0


ACTIONS = {"list": _list, "download": _download, "share": _share, "links": _links, "revoke": _revoke}
