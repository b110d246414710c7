"""A drawing becomes a storybook video through the real processes, driven by the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import httpx
import pytest
from pypdf import PdfReader

from devstack.stack import Stack
from media.compose.local import StreamingComposer
from shared.domain.models import Choice, Style, Theme, VoiceType
from tests.e2e.system import Parent, gateway, outputs_of
from tests.media_probe import probe
from tests.paths import ARTEFACTS, sample


def cli(stack: Stack, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nocomelon_cli", *arguments],
        env={**os.environ, "NOCOMELON_API_URL": stack.gateway_url},
        capture_output=True,
        text=True,
        timeout=600,
    )


def make_with_cli(stack: Stack, drawing: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return cli(stack, "make", str(drawing), "-o", str(output), *options)


CHOSEN = ("--style", "watercolor", "--age", "8", "--read-along", "--paper", "letter")


@pytest.mark.parametrize(("drawing", "options"), [("image-002.jpg", ()), ("image-004.jpg", CHOSEN)])
def test_a_drawing_becomes_a_storybook(stack: Stack, parent: Parent, drawing: str, options: tuple[str, ...]) -> None:
    output, book = ARTEFACTS / f"storybook-{Path(drawing).stem}.mp4", ARTEFACTS / f"storybook-{Path(drawing).stem}.pdf"
    output.parent.mkdir(parents=True, exist_ok=True)
    made = make_with_cli(stack, sample(drawing), output, *options, "--book", str(book))
    assert made.returncode == 0, made.stderr
    started = re.search(r"run (\S+) started", made.stderr)
    assert started, made.stderr
    run_id = started.group(1)

    with gateway(stack, parent) as client:
        run = client.get(f"/api/v1/runs/{run_id}").json()
    assert (run["status"], run["current_stage"]) == ("complete", "complete")
    me = parent.user_id
    assert run["drawing_key"] == f"{me}/drawings/{run_id}.jpg"
    assert run["video_result"]["video_key"] == f"{me}/videos/{run_id}_final.mp4"
    assert run["video_result"]["thumbnail_key"] == f"{me}/videos/{run_id}_thumb.jpg"
    scenes = run["story_script"]["scenes"]
    assert len(scenes) >= 3
    assert [image["key"] for image in run["image_result"]["images"]] == [
        f"{me}/images/{run_id}_scene_{n}.png" for n in range(1, len(scenes) + 1)
    ]
    assert [clip["key"] for clip in run["audio_result"]["clips"]] == [
        f"{me}/audio/{run_id}_scene_{n}.mp3" for n in range(1, len(scenes) + 1)
    ]
    assert run["drawing_analysis"]["subject"]
    if options:
        assert (run["options"]["style"], run["options"]["age"], run["options"]["read_along"]) == ("watercolor", 8, True)

    pdf = PdfReader(book)
    assert len(pdf.pages) == len(scenes) + 2  # the cover, a page per scene, the end page
    paper = (612, 792) if options else (595, 842)  # US Letter or A4, in points
    assert (round(float(pdf.pages[0].mediabox.width)), round(float(pdf.pages[0].mediabox.height))) == paper
    for page, scene in zip(pdf.pages[1:-1], scenes, strict=True):
        assert " ".join(page.extract_text().split()).startswith(" ".join(scene["text"].split()))

    info = probe(output)
    assert (info.video_codec, info.width, info.height, info.pixel_format) == ("h264", 1280, 720, "yuv420p")
    assert info.audio_codec == "aac"
    assert info.moov_first
    narration = sum(clip["duration_sec"] for clip in run["audio_result"]["clips"])
    composer = StreamingComposer()
    cards = composer.title_sec + composer.end_sec + composer.max_total_padding_sec
    assert narration - 0.5 <= info.audio_duration <= narration + cards + 0.5
    assert abs(info.video_duration - run["video_result"]["duration_sec"]) < 0.5

    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    thumbnail = s3.get_object(Bucket=outputs_of(stack).bucket, Key=run["video_result"]["thumbnail_key"])["Body"].read()
    assert thumbnail[:3] == b"\xff\xd8\xff"


def test_the_cli_lists_the_library_shares_a_storybook_and_ends_the_link(stack: Stack, parent: Parent, tmp_path: Path) -> None:
    made = make_with_cli(stack, sample("image-001.png"), tmp_path / "made.mp4")
    assert made.returncode == 0, made.stderr
    run_id = re.search(r"run (\S+) started", made.stderr).group(1)  # type: ignore[union-attr]
    with gateway(stack, parent) as client:
        entry = client.post("/api/v1/library", json={"run_id": run_id}).json()

    listed = cli(stack, "library", "list")
    assert listed.returncode == 0 and f"{entry['id']}  " in listed.stdout and entry["title"] in listed.stdout
    downloaded = cli(stack, "library", "download", entry["id"], "-o", str(tmp_path / "again.mp4"), "--book", str(tmp_path / "again.pdf"))
    assert downloaded.returncode == 0, downloaded.stderr
    assert (tmp_path / "again.mp4").read_bytes() == (tmp_path / "made.mp4").read_bytes()
    assert (tmp_path / "again.pdf").read_bytes().startswith(b"%PDF")
    shared = cli(stack, "library", "share", entry["id"], "--days", "3", "--label", "Grandma")
    assert shared.returncode == 0, shared.stderr
    url, about = shared.stdout.splitlines()[:2]
    link_id = about.split()[1].rstrip(",")
    assert httpx.get(url).status_code == 200
    links = cli(stack, "library", "links", entry["id"])
    assert links.stdout.startswith(f"{link_id}  until ") and "1 views  Grandma" in links.stdout
    assert cli(stack, "library", "revoke", entry["id"], link_id).returncode == 0
    assert httpx.get(url).status_code == 410


def test_the_cli_explains_a_failure_and_exits_non_zero(stack: Stack, tmp_path: Path) -> None:
    not_a_drawing = tmp_path / "notes.png"
    not_a_drawing.write_text("shopping list: milk, eggs")
    made = make_with_cli(stack, not_a_drawing, tmp_path / "out.mp4")
    assert made.returncode != 0
    assert "JPEG, PNG, WebP or HEIC" in made.stderr
    assert "Traceback" not in made.stderr


def test_the_cli_says_when_the_service_is_not_running(tmp_path: Path) -> None:
    drawing = tmp_path / "d.png"
    drawing.write_bytes(b"\x89PNG\r\n\x1a\n")
    made = subprocess.run(
        [sys.executable, "-m", "nocomelon_cli", "make", str(drawing), "--api-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode != 0
    assert "Can't reach NoComelon" in made.stderr


def test_the_cli_offers_exactly_the_choices_of_the_domain(stack: Stack) -> None:
    listed = cli(stack, "options")
    assert listed.returncode == 0, listed.stderr
    offered: dict[str, list[str]] = {}
    option: list[str] | None = None
    for line in listed.stdout.splitlines():
        if line.startswith("--"):
            option = offered.setdefault(line, [])
        else:
            assert option is not None, f"a choice before any option: {line!r}"
            option.append(line.split()[0])
    for name, choices in (("--theme", Theme), ("--style", Style), ("--voice", VoiceType)):
        assert offered[name] == [choice.value for choice in choices]
    assert offered["--language"] == ["en"]  # the offline studio tells stories in English


@pytest.mark.parametrize(("option", "choices"), [("--theme", Theme), ("--style", Style), ("--voice", VoiceType)])
def test_a_choice_the_gateway_does_not_offer_is_refused_with_the_ones_it_does(
    stack: Stack, tmp_path: Path, option: str, choices: type[Choice]
) -> None:
    made = make_with_cli(stack, sample("image-002.jpg"), tmp_path / "out.mp4", option, "pirates")
    assert made.returncode == 1
    assert f"choose one of {', '.join(choice.value for choice in choices)}." in made.stderr
    assert "started" not in made.stderr
