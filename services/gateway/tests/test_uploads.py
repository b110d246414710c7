"""Uploads are judged by their bytes, checked for bombs, and stored without metadata."""

import io

import pytest
from PIL import Image

from gateway.errors import status_of
from gateway.runs.uploads import MAX_PIXELS, prepare_drawing, sniff_format
from shared.domain.errors import DomainError

LIMIT = 10 * 1024 * 1024


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def drawing() -> Image.Image:
    image = Image.new("RGB", (120, 80), "white")
    image.paste((200, 30, 30), (10, 10, 40, 70))
    return image


@pytest.mark.parametrize(("image_format", "media_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/png")])
def test_accepted_formats(image_format: str, media_type: str) -> None:
    prepared = prepare_drawing(encoded(drawing(), image_format), max_bytes=LIMIT)
    assert prepared.media_type == media_type
    assert Image.open(io.BytesIO(prepared.body)).size == (120, 80)


def test_an_iphone_heic_photo_is_stored_as_jpeg() -> None:
    import pillow_heif

    heic = io.BytesIO()
    pillow_heif.from_pillow(drawing()).save(heic, quality=90)
    prepared = prepare_drawing(heic.getvalue(), max_bytes=LIMIT)
    assert prepared.media_type == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.body)).size == (120, 80)


def test_a_tiny_image_has_no_drawing_to_read() -> None:
    with pytest.raises(DomainError) as refused:
        prepare_drawing(encoded(Image.new("RGB", (1, 1)), "PNG"), max_bytes=LIMIT)
    assert status_of(refused.value) == 422


def test_gps_and_camera_metadata_are_removed_and_the_photo_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    prepared = prepare_drawing(encoded(drawing(), "JPEG", exif=exif), max_bytes=LIMIT)
    stored = Image.open(io.BytesIO(prepared.body))
    assert stored.size == (80, 120)
    assert dict(stored.getexif()) == {}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(b"", 422, id="empty"),
        pytest.param(b"just some text, named drawing.png", 415, id="text"),
        pytest.param(b"GIF89a" + b"\x00" * 100, 415, id="gif"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415, id="svg"),
        pytest.param(encoded(drawing(), "JPEG")[:200], 422, id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff" + b"\x00" * (LIMIT + 10), 413, id="too-large"),
    ],
)
def test_bad_files_get_a_clear_error(body: bytes, status: int) -> None:
    with pytest.raises(DomainError) as refused:
        prepare_drawing(body, max_bytes=LIMIT)
    assert status_of(refused.value) == status
    assert refused.value.message


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    side = int(MAX_PIXELS**0.5) + 100
    bomb = encoded(Image.new("1", (side, side)), "PNG")
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DomainError) as refused:
        prepare_drawing(bomb, max_bytes=LIMIT)
    assert status_of(refused.value) == 422


def test_sniffing_ignores_names_and_reads_bytes() -> None:
    assert sniff_format(encoded(drawing(), "PNG")) == "png"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None


def test_what_is_stored_never_exceeds_the_upload_limit() -> None:
    noise = Image.effect_noise((900, 900), 90).convert("RGB")
    webp = encoded(noise, "WEBP", quality=40)
    limit = len(webp) + 1024
    assert len(encoded(noise, "PNG")) > limit  # as PNG, the same picture would be over the limit
    prepared = prepare_drawing(webp, max_bytes=limit)
    assert len(prepared.body) <= limit
    assert prepared.media_type == "image/jpeg"
    assert Image.open(io.BytesIO(prepared.body)).size[0] >= 32
