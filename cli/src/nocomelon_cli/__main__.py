"""`nocomelon make DRAWING -o OUT.mp4`: a drawing in, a storybook video out."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from nocomelon_cli.api import ClientError, Credentials, NoComelonApi

STAGES = {
    "vision": "Looking at the drawing",
    "story": "Writing the story",
    "images": "Painting the pictures",
    "voice": "Recording the narration",
    "video": "Making the video",
}
THEMES = ["adventure", "kindness", "bravery", "bedtime", "friendship", "counting", "nature"]
VOICES = ["gentle", "cheerful", "silly", "wise"]
STYLES = ["storybook", "watercolor", "cartoon_3d", "anime"]

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
    make.add_argument("--theme", choices=THEMES)
    make.add_argument("--age", type=_age, help="the child's age, 2 to 9")
    make.add_argument("--voice", choices=VOICES)
    make.add_argument("--style", choices=STYLES)
    make.add_argument("--context", default="", help="something about the child's life the story may use")
    make.add_argument("--timeout", type=float, default=900, help="seconds to wait for the video")
    make.add_argument("--api-url", default=os.environ.get("NOCOMELON_API_URL", "http://127.0.0.1:8000"))
    return parser.parse_args(argv)


def make_storybook(arguments: argparse.Namespace) -> int:
    if not arguments.drawing.is_file():
        raise ClientError(f"There is no file at {arguments.drawing}.")
    api = NoComelonApi(arguments.api_url)
    try:
        credentials = Credentials.from_environment()
        api.sign_in(credentials)
        options = {
            name: str(value)
            for name, value in {
                "theme": arguments.theme,
                "age": arguments.age,
                "voice": arguments.voice,
                "style": arguments.style,
                "personal_context": arguments.context,
            }.items()
            if value
        }
        run_id = api.start_run(arguments.drawing, options)
        console.print(f"Signed in as {credentials.email}; run {run_id} started.", highlight=False)
        run = _follow(api, run_id, arguments.timeout)
        if run["status"] == "failed":
            error = run.get("error") or {}
            raise ClientError(f"The storybook could not be made: {error.get('message', 'unknown error')}")
        api.download(run["video_result"]["video_key"], arguments.output)
    finally:
        api.close()
    title = (run.get("story_script") or {}).get("title", "")
    console.print(f"[green]Saved[/green] “{title}” ({run['video_result']['duration_sec']:.1f} s) to {arguments.output}")
    print(arguments.output)
    return 0


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
        return make_storybook(arguments)
    except ClientError as error:
        console.print(f"[red]nocomelon:[/red] {error}")
        return 1
    except KeyboardInterrupt:
        console.print("Stopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
