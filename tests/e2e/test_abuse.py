"""Attacks on the running gateway: refused before the work is done, without harm to anyone else.

Bodies are sent over raw sockets, so the client counts exactly how much the gateway let in before it answered.
Each figure the suite measures is printed on a `limits:` line (`pytest -s`), which the README quotes.
"""

from __future__ import annotations

import io
import json
import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image, ImageDraw

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from nocomelon_cli.signin import Credentials
from tests.e2e.system import Parent, gateway, sign_in
from tests.test_drawings import tiny_drawing

CHUNK = 64 * 1024


def _connect(stack: Stack) -> socket.socket:
    address = urlsplit(stack.gateway_url)
    return socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=30)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def send_until_answered(stack: Stack, head: str, chunks: int, *, chunked: bool = False) -> tuple[int, int]:
    """Sends `head`, then up to `chunks` chunks of body, stopping as soon as the gateway answers: (status, bytes sent)."""
    with _connect(stack) as connection:
        connection.sendall(head.encode())
        sent = 0
        piece = (f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n") if chunked else b"x" * CHUNK
        for _ in range(chunks):
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        connection.settimeout(30)
        answer = connection.recv(65536)
    return _status(answer), sent


def _rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) * 1024


def test_an_unsigned_30_mb_upload_is_answered_before_its_body_is_read(stack: Stack, settings: GatewaySettings) -> None:
    thirty_megabytes = 30 * 1024 * 1024
    head = (
        "POST /api/v1/runs HTTP/1.1\r\nHost: gateway\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {thirty_megabytes}\r\n\r\n"
    )
    status, sent = send_until_answered(stack, head, thirty_megabytes // CHUNK)
    print(f"limits: unsigned 30 MB upload answered {status} after {sent / 2**20:.1f} MB sent")
    assert status in (401, 413)
    assert sent <= settings.max_upload_bytes


def test_a_2_gb_json_body_is_cut_off_without_the_gateway_growing(stack: Stack, parent: Parent) -> None:
    pid = stack.processes["gateway"].pid
    before = _rss_bytes(pid)
    head = (
        "POST /api/v1/vision/analyze HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {parent.token}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    status, sent = send_until_answered(stack, head, 2 * 1024**3 // CHUNK, chunked=True)
    grew = _rss_bytes(pid) - before
    print(f"limits: 2 GB streamed JSON answered {status} after {sent / 2**20:.1f} MB sent; the gateway grew {grew / 2**20:.0f} MB")
    assert status == 413
    assert sent < 64 * 1024**2
    assert grew < 200 * 1024**2


def _big_drawing(side: int = 6000) -> bytes:
    """A 36-megapixel photo of a line drawing: small as a PNG, heavy to decode and re-encode."""
    page = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(page)
    for offset in range(0, side, 150):
        draw.line((offset, 0, side - offset, side), fill=(30, 60, 200), width=9)
    output = io.BytesIO()
    page.save(output, format="PNG")
    return output.getvalue()


def test_a_huge_photo_being_decoded_does_not_hold_up_anyone_else(stack: Stack) -> None:
    uploader = sign_in(stack, Credentials(email="big.photo@nocomelon.local", password="Megapixels4Kids"))
    drawing = _big_drawing()
    finished = threading.Event()
    answers: list[int] = []

    def upload() -> None:
        with gateway(stack, uploader) as client:
            answers.append(
                client.post("/api/v1/vision/analyze", files={"drawing": ("big.png", drawing, "image/png")}, timeout=120).status_code
            )
        finished.set()

    def answer_time(health: httpx.Client) -> float:
        started = time.perf_counter()
        assert health.get("/health").status_code == 200
        time.sleep(0.02)
        return time.perf_counter() - started - 0.02

    with httpx.Client(base_url=stack.gateway_url, timeout=10) as health:
        # The same machine's answer times with nothing decoding: what a busy 2-core runner adds is not the gateway's doing.
        quiet = [answer_time(health) for _ in range(50)]
        thread = threading.Thread(target=upload)
        thread.start()
        delays: list[float] = []
        while not finished.is_set():
            delays.append(answer_time(health))
        thread.join()
    quiet_p95, busy_p95 = _p95(quiet), _p95(delays)
    print(
        f"limits: while a 6000x6000 PNG was decoded, /health answered {len(delays)} times: 95% within {busy_p95 * 1000:.0f} ms "
        f"(without it: {quiet_p95 * 1000:.0f} ms), slowest {max(delays) * 1000:.0f} ms"
    )
    assert answers == [202]
    assert busy_p95 < quiet_p95 + 0.1


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95)]


def test_twenty_starts_at_once_get_exactly_the_budget(stack: Stack, settings: GatewaySettings) -> None:
    eager = sign_in(stack, Credentials(email="eager.parent@nocomelon.local", password="TwentyAtOnce4"))

    def start(_: int) -> httpx.Response:
        with gateway(stack, eager) as client:
            return client.post("/api/v1/vision/analyze", files={"drawing": ("kite.png", tiny_drawing(), "image/png")})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(start, range(20)))
    accepted = [answer.json()["run_id"] for answer in answers if answer.status_code == 202]
    refused = [answer for answer in answers if answer.status_code == 429]
    print(f"limits: 20 simultaneous starts by one parent: {len(accepted)} accepted, {len(refused)} asked to wait")
    assert len(accepted) == settings.max_running_runs
    assert len(refused) == 20 - settings.max_running_runs
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in refused)
    with gateway(stack, eager) as client:
        for run_id in accepted:
            assert client.post(f"/api/v1/runs/{run_id}/cancel").json()["status"] == "failed"
        # Cancelled runs give their places back.
        assert client.post("/api/v1/vision/analyze", files={"drawing": ("kite.png", tiny_drawing(), "image/png")}).status_code == 202


UNSAFE = {
    "full-width": "ｋｉｌｌ ｔｈｅ ｂａｂｙ",
    "leetspeak": "the dog will k1ll the cat",
    "zero-width": "then they k\u200bill it",
    "profanity": "what the fuck",
}


def test_no_disguise_gets_a_banned_word_past_a_parents_edit(stack: Stack) -> None:
    editor = sign_in(stack, Credentials(email="editing.parent@nocomelon.local", password="Gentle4Words"))
    with gateway(stack, editor) as client:
        run_id = client.post("/api/v1/vision/analyze", files={"drawing": ("kite.png", tiny_drawing(), "image/png")}).json()["run_id"]
        run = client.get(f"/api/v1/runs/{run_id}", params={"wait": 30}).json()
        assert run["status"] == "waiting", run
        options = {"theme": "adventure", "age": 5, "voice": "cheerful", "style": "storybook"}
        for disguise, words in UNSAFE.items():
            for body in (
                {"run_id": run_id, "drawing_analysis": run["drawing_analysis"], **options, "personal_context": words},
                {"run_id": run_id, "drawing_analysis": {**run["drawing_analysis"], "subject": words}, **options},
            ):
                refused = client.post("/api/v1/story/generate", json=body)
                assert refused.status_code == 422, (disguise, refused.text)
                assert json.loads(refused.text)["error"]["message"], disguise
        client.post("/api/v1/story/generate", json={"run_id": run_id, "drawing_analysis": run["drawing_analysis"], **options})
        written = client.get(f"/api/v1/runs/{run_id}", params={"wait": 30}).json()
        while written["status"] == "running":
            written = client.get(f"/api/v1/runs/{run_id}", params={"wait": 30}).json()
        script = written["story_script"]
        for disguise, words in UNSAFE.items():
            edited = {**script, "scenes": [{**script["scenes"][0], "text": f"And then {words}."}, *script["scenes"][1:]]}
            refused = client.post(
                "/api/v1/pipeline/generate",
                json={
                    "run_id": run_id,
                    "story": edited,
                    "drawing": written["drawing_analysis"],
                    "style": "storybook",
                    "voice_type": "cheerful",
                },
            )
            assert refused.status_code == 422, (disguise, refused.text)
        assert client.get(f"/api/v1/runs/{run_id}").json()["story_script"] == script
        client.post(f"/api/v1/runs/{run_id}/cancel")
