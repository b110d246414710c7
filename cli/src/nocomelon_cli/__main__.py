"""`nocomelon make DRAWING -o OUT.mp4`: a drawing in, a storybook video (and its printable book) out;
`nocomelon library`: the saved storybooks, their downloads and their family links;
`nocomelon trace RUN_ID`: where a run spent its time."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from nocomelon_cli.api import NoComelonApi
from nocomelon_cli.library import PAPERS, add_library_commands, library_command
from nocomelon_cli.signin import ClientError, Credentials
from nocomelon_cli.trace import add_trace_command, trace_command

STAGES = {
    "vision": "Looking at the drawing",
    "story": "Writing the story",
    "images": "Painting the pictures",
    "voice": "Recording the narration",
    "video": "Making the video",
}
# The --theme, --voice, --style and --language values are checked against what the gateway offers (GET /api/v1/options), so a choice
# added on the server is usable here without a new CLI.
CHOICES = {"theme": "themes", "voice": "voices", "style": "styles", "language": "languages"}
# How long one look at a run waits on the gateway for its next stage.
_GATE_WAIT_SECONDS = 20

console = Console(stderr=True, soft_wrap=True)


def _age(value: str) -> int:
    age = int(value)
    if not 2 <= age <= 9:
        raise argparse.ArgumentTypeError("the child's age must be between 2 and 9")
    return age


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nocomelon", description="Turn a child's drawing into a narrated storybook video.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("make", help="make a storybook video from a drawing")
    make.add_argument("drawing", type=Path, help="a photo of the drawing (JPEG, PNG, WebP or HEIC)")
    make.add_argument("-o", "--output", type=Path, default=Path("storybook.mp4"), help="where to save the MP4")
    for option, listed in CHOICES.items():
        make.add_argument(f"--{option}", help=f"one of the {listed} `nocomelon options` lists (default: recommended for the drawing)")
    make.add_argument("--age", type=_age, help="the child's age, 2 to 9")
    make.add_argument("--context", default="", help="something about the child's life the story may use")
    make.add_argument("--subject", help='what the child drew, in place of what is recognised, e.g. "a red rocket named Zoom"')
    make.add_argument("--name", help="the hero's name, e.g. Zoom")
    make.add_argument(
        "--read-along",
        action=argparse.BooleanOptionalAction,
        help="light up each word in the captions as it is said (default: on for ages 4 to 7)",
    )
    make.add_argument("--book", type=Path, help="also save the printable picture book (PDF) here")
    make.add_argument("--paper", choices=PAPERS, default="a4", help="the book's paper size (default: a4)")
    make.add_argument("--timeout", type=float, default=900, help="seconds to wait for the video")
    listing = commands.add_parser("options", help="list the styles, themes, voices and languages to choose from")
    library = add_library_commands(commands)
    add_trace_command(commands)
    for command in (make, listing, *library):
        command.add_argument("--api-url", default=os.environ.get("NOCOMELON_API_URL", "http://127.0.0.1:8000"))
    return parser.parse_args(argv)


def _chosen(arguments: argparse.Namespace, offered: dict[str, Any]) -> dict[str, str]:
    """The choices given on the command line, each checked against what the gateway offers."""
    chosen = {}
    for option, listed in CHOICES.items():
        value = getattr(arguments, option)
        if value is None:
            continue
        values = [choice["value"] for choice in offered[listed]]
        if value not in values:
            raise ClientError(f"{value!r} is not one of the {listed}: choose one of {', '.join(values)}.")
        chosen[option] = value
    return chosen


def list_options(arguments: argparse.Namespace) -> int:
    api = NoComelonApi(arguments.api_url)
    try:
        api.sign_in(Credentials.from_environment())
        offered = api.options()
    finally:
        api.close()
    for option, listed in CHOICES.items():
        print(f"--{option}")
        for choice in offered[listed]:
            print(f"  {choice['value']:<12} {choice['label']}: {choice['description']}")
    age = offered["age"]
    print(f"--age\n  {age['min']} to {age['max']} (default {age['default']})")
    return 0


def make_storybook(arguments: argparse.Namespace) -> int:
    if not arguments.drawing.is_file():
        raise ClientError(f"There is no file at {arguments.drawing}.")
    api = NoComelonApi(arguments.api_url)
    try:
        credentials = Credentials.from_environment()
        api.sign_in(credentials)
        options = _chosen(arguments, api.options())
        if arguments.age:
            options["age"] = str(arguments.age)
        if arguments.context:
            options["personal_context"] = arguments.context
        if arguments.read_along is not None:
            options["read_along"] = "true" if arguments.read_along else "false"
        if arguments.subject or arguments.name:
            run_id = _start_with_the_parents_subject(api, arguments, options)
        else:
            run_id = api.start_run(arguments.drawing, options)
        console.print(f"Signed in as {credentials.email}; run {run_id} started.", highlight=False)
        run = _follow(api, run_id, arguments.timeout)
        if run["status"] == "failed":
            error = run.get("error") or {}
            raise ClientError(f"The storybook could not be made: {error.get('message', 'unknown error')}")
        api.download(run["video_result"]["video_key"], arguments.output)
        if arguments.book:
            book = run["video_result"].get("book_keys", {}).get(arguments.paper)
            if book is None:
                raise ClientError("The video is saved, but this storybook has no picture book to download.")
            api.download(book, arguments.book, what="the picture book")
    finally:
        api.close()
    title = (run.get("story_script") or {}).get("title", "")
    console.print(f"[green]Saved[/green] “{title}” ({run['video_result']['duration_sec']:.1f} s) to {arguments.output}")
    print(arguments.output)
    if arguments.book:
        console.print(f"[green]Saved[/green] the picture book ({arguments.paper}) to {arguments.book}")
        print(arguments.book)
    return 0


def hero_subject(recognised: str, unsure: bool, subject: str | None, name: str | None) -> str:
    """The subject the story is written about: the parent's words over the analyser's, with the hero's name.

    A placeholder the analyser gave when it was unsure is dropped for the name alone.
    """
    base = subject or ("" if unsure else recognised)
    if not name or re.search(rf"\b{re.escape(name)}\b", base, re.IGNORECASE):
        return base or recognised
    return f"{base} named {name}" if base else name


def _start_with_the_parents_subject(api: NoComelonApi, arguments: argparse.Namespace, chosen: dict[str, str]) -> str:
    """An interactive run through its gates: the analysis, corrected with the parent's subject, then the story, then the video.

    The gateway checks the parent's words with the same safety policy as every other edit of the analysis.
    """
    run_id = api.analyse(arguments.drawing)
    console.print("Looking at the drawing…", highlight=False)
    analysis = _at_gate(api, run_id, arguments.timeout)["drawing_analysis"]
    subject = hero_subject(analysis["subject"], analysis.get("subject_unsure", False), arguments.subject, arguments.name)
    analysis = {**analysis, "subject": subject, "subject_unsure": False, "subject_confidence": 1.0}
    options: dict[str, object] = {**api.options(run_id)["recommended"], **chosen}
    if arguments.age:
        options["age"] = arguments.age
    if "read_along" in chosen:
        options["read_along"] = chosen["read_along"] == "true"
    api.generate_story(run_id, analysis, options)
    console.print(f"Writing the story of {subject}…", highlight=False)
    story = _at_gate(api, run_id, arguments.timeout)["story_script"]
    api.generate_pipeline(run_id, story, analysis, style=str(options["style"]), voice=str(options["voice"]))
    return run_id


def _at_gate(api: NoComelonApi, run_id: str, timeout: float) -> dict:
    """The run once it waits for the parent again, or fails."""
    deadline = time.monotonic() + timeout
    while True:
        run = api.run(run_id, wait=_GATE_WAIT_SECONDS)
        if run["status"] == "failed":
            error = run.get("error") or {}
            raise ClientError(f"The storybook could not be made: {error.get('message', 'unknown error')}")
        if run["status"] == "waiting":
            return run
        if time.monotonic() > deadline:
            raise ClientError(f"Run {run_id} did not reach its next step within {timeout:.0f} s.")


def _follow(api: NoComelonApi, run_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    columns = (SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.fields[state]}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bars = {stage: progress.add_task(label, total=1, state="waiting", start=False) for stage, label in STAGES.items()}
        while True:
            run = api.run(run_id)
            for stage, state in run["stages"].items():
                bar = bars[stage]
                if state["status"] in ("running", "done", "failed"):
                    progress.start_task(bar)
                progress.update(bar, completed=1 if state["status"] == "done" else 0, state=state["status"])
            if run["status"] in ("complete", "failed"):
                return run
            if time.monotonic() > deadline:
                raise ClientError(f"The storybook wasn't ready within {timeout:.0f} s; run {run_id} is still at {run['current_stage']}.")
            time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        if arguments.command == "make":
            return make_storybook(arguments)
        if arguments.command == "library":
            return library_command(arguments)
        if arguments.command == "trace":
            return trace_command(arguments)
        return list_options(arguments)
    except ClientError as error:
        console.print(f"[red]nocomelon:[/red] {error}")
        return 1
    except KeyboardInterrupt:
        console.print("Stopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
