"""The fake Polly (and the wire layer every fake service shares), driven by botocore's own clients."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import httpx
import numpy as np
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from devstack.generative_fake.server import REALISTIC_LATENCY_SECONDS, make_server
from devstack.stack import free_port

TEXT = "The little fox found a star. It was shiny!"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = make_server(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def polly(endpoint: str):
    return boto3.client(
        "polly",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )


def error_code(error: ClientError) -> str | None:
    return error.response.get("Error", {}).get("Code")


def speak(polly, **params) -> bytes:
    return polly.synthesize_speech(VoiceId="Joanna", Engine="neural", Text=TEXT, **params)["AudioStream"].read()


def test_the_marks_match_the_audio(polly) -> None:
    audio = np.frombuffer(speak(polly, OutputFormat="pcm", SampleRate="16000"), dtype="<i2").astype(float)
    marks = [json.loads(line) for line in speak(polly, OutputFormat="json", SpeechMarkTypes=["sentence", "word"]).splitlines()]
    words = [mark for mark in marks if mark["type"] == "word"]
    sentences = [mark for mark in marks if mark["type"] == "sentence"]

    assert [word["value"] for word in words] == ["The", "little", "fox", "found", "a", "star", "It", "was", "shiny"]
    assert [sentence["value"] for sentence in sentences] == ["The little fox found a star.", "It was shiny!"]
    assert all(TEXT.encode()[mark["start"] : mark["end"]].decode().startswith(mark["value"]) for mark in marks)
    for word in words:  # each word is heard from its mark on, and the moment before it is quiet
        at = word["time"] * 16
        assert np.abs(audio[at + 80 : at + 400]).mean() > 1000, word
        assert np.abs(audio[at - 200 : at - 40]).mean() < 50, word
    assert sentences[1]["time"] == words[6]["time"]


def test_ssml_is_read_by_its_text_and_its_rate(polly) -> None:
    ssml = '<speak><prosody rate="50%">Hello &amp; goodbye.</prosody></speak>'
    marks = [json.loads(line) for line in speak(polly, OutputFormat="json", SpeechMarkTypes=["word"]).splitlines()]
    assert len(marks) == 9
    slow = polly.synthesize_speech(VoiceId="Joanna", Text=ssml, TextType="ssml", OutputFormat="json", SpeechMarkTypes=["word"])
    values = [json.loads(line)["value"] for line in slow["AudioStream"].read().splitlines()]
    assert values == ["Hello", "&", "goodbye"]
    assert slow["RequestCharacters"] == len("Hello & goodbye.")


def test_voices_languages_and_engines_are_checked_as_polly_checks_them(polly) -> None:
    with pytest.raises(ClientError) as refused:
        polly.synthesize_speech(VoiceId="Kevin", Engine="standard", Text="Hi.", OutputFormat="pcm")
    assert error_code(refused.value) == "EngineNotSupportedException"
    with pytest.raises(ClientError) as refused:
        polly.synthesize_speech(VoiceId="Joanna", LanguageCode="es-ES", Text="Hola.", OutputFormat="pcm")
    assert error_code(refused.value) == "LanguageNotSupportedException"
    spanish = polly.describe_voices(LanguageCode="es-ES", Engine="neural")["Voices"]
    assert {voice["Id"] for voice in spanish} == {"Lucia", "Sergio"}


def test_a_throttled_call_is_retried_by_botocore(polly, endpoint: str) -> None:
    httpx.post(f"{endpoint}/_fake/faults", json={"throttle": 1}).raise_for_status()
    assert speak(polly, OutputFormat="pcm")  # botocore's standard retry mode takes the ThrottlingException
    assert httpx.post(f"{endpoint}/_fake/faults", json={"throttle": 3}).status_code == 204
    with pytest.raises(ClientError) as refused:
        speak(polly, OutputFormat="pcm")
    assert error_code(refused.value) == "ThrottlingException"


def signed(endpoint: str, service: str, path: str, body: dict) -> httpx.Response:
    """A request botocore would never send (its own client validates first), signed as one would be."""
    request = botocore.awsrequest.AWSRequest(
        method="POST", url=f"{endpoint}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), service, "eu-west-1").add_auth(request)
    return httpx.post(f"{endpoint}{path}", content=request.body, headers=dict(request.headers.items()))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"Text": "Hi.", "OutputFormat": "pcm"}, "ValidationException"),  # no VoiceId
        ({"Text": "Hi.", "OutputFormat": "pcm", "VoiceId": "Joanna", "Volume": 11}, "ValidationException"),  # no such member
        ({"Text": 42, "OutputFormat": "pcm", "VoiceId": "Joanna"}, "ValidationException"),  # the wrong type
        ({"Text": "<speak>Hi", "TextType": "ssml", "OutputFormat": "pcm", "VoiceId": "Joanna"}, "InvalidSsmlException"),
    ],
)
def test_what_the_model_does_not_allow_is_refused_in_the_services_error_shape(endpoint: str, body: dict, code: str) -> None:
    answer = signed(endpoint, "polly", "/v1/speech", body)
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == code and answer.json()["message"]


def test_unsigned_or_missigned_requests_are_refused(endpoint: str) -> None:
    assert httpx.post(f"{endpoint}/v1/speech", json={"Text": "Hi."}).status_code == 403
    answer = signed(endpoint, "s3", "/v1/speech", {"Text": "Hi.", "OutputFormat": "pcm", "VoiceId": "Joanna"})
    assert answer.status_code == 403


def test_with_realistic_latency_an_answer_takes_about_as_long_as_the_real_service_s() -> None:
    server = make_server(free_port(), realistic_latency=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        slow = boto3.client(
            "polly",
            endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        began = time.monotonic()
        assert speak(slow, OutputFormat="mp3")
        assert time.monotonic() - began >= REALISTIC_LATENCY_SECONDS["SynthesizeSpeech"]
    finally:
        server.shutdown()
        server.server_close()
