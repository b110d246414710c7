"""Turns an uploaded file into a drawing safe to store, or a 4xx a parent can act on.

The type is read from the bytes (never the file name or the declared type),
the pixel count is checked before decoding (decompression bombs), the picture
is turned upright and re-encoded without its metadata (GPS, camera).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
from dataclasses import dataclass

import pillow_heif
from fastapi import Request
from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from gateway.runs.schemas import AnalyzeJson
from shared.domain.errors import InvalidInput, TooLarge, UnsupportedType

MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo is far below; a 20000x20000 bomb far above
MIN_SIDE = 32  # smaller than this there is no drawing to read

_SIGNATURES: list[tuple[str, bytes, int]] = [
    ("jpeg", b"\xff\xd8\xff", 0),
    ("png", b"\x89PNG\r\n\x1a\n", 0),
    ("webp", b"WEBP", 8),
]
# iPhones save HEIC: an ISO media file whose brand names the codec.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}

pillow_heif.register_heif_opener()


@dataclass(frozen=True)
class PreparedDrawing:
    body: bytes
    media_type: str
    extension: str


def sniff_format(data: bytes) -> str | None:
    for name, signature, offset in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature and (name != "webp" or data[:4] == b"RIFF"):
            return name
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


def too_large(max_bytes: int) -> TooLarge:
    return TooLarge("file_too_large", f"The photo is larger than {max_bytes // (1024 * 1024)} MB. Please choose a smaller one.")


def prepare_drawing(data: bytes, *, max_bytes: int) -> PreparedDrawing:
    if not data:
        raise InvalidInput("empty_file", "The file is empty. Please choose a photo of the drawing.")
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    image_format = sniff_format(data)
    if image_format is None:
        raise UnsupportedType("unsupported_file", "Please upload a photo of the drawing as a JPEG, PNG, WebP or HEIC image.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise InvalidInput("image_too_big", "This picture has too many pixels. Please take a normal photo of the drawing.")
            if min(width, height) < MIN_SIDE:
                raise InvalidInput("image_too_small", "This picture is too small to see the drawing. Please take a closer photo.")
            probe.load()
            upright = ImageOps.exif_transpose(probe)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidInput("unreadable_image", "We couldn't open this picture; it may be damaged. Please take a new photo.") from error
    return _reencode(upright, image_format, max_bytes)


def _reencode(image: Image.Image, image_format: str, max_bytes: int) -> PreparedDrawing:
    """JPEG and HEIC photos are stored as JPEG, PNG and WebP (which may be transparent) as PNG.

    What is stored never exceeds the upload limit: a drawing that would (a WebP of flat colour grows tenfold as PNG)
    is stored as JPEG on white, then smaller, until it fits.
    """
    if image_format not in ("jpeg", "heic"):
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
        png = _encoded(image.convert(mode), "PNG")
        if len(png) <= max_bytes:
            return PreparedDrawing(png, "image/png", "png")
        image = _on_white(image)
    photo = image.convert("RGB")
    while len(jpeg := _encoded(photo, "JPEG", quality=92)) > max_bytes:
        photo = photo.resize((max(MIN_SIDE, photo.width * 3 // 4), max(MIN_SIDE, photo.height * 3 // 4)), Image.Resampling.LANCZOS)
    return PreparedDrawing(jpeg, "image/jpeg", "jpg")


def _encoded(image: Image.Image, image_format: str, **options: int) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(page, rgba)


def decode_base64(encoded: str, *, max_bytes: int) -> bytes:
    """The seed's JSON form: plain base64 or a data URL."""
    if encoded.startswith("data:"):
        encoded = encoded.partition(",")[2]
    if len(encoded) > (max_bytes + 2) * 4 // 3 + 4:
        raise too_large(max_bytes)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("invalid_base64", "The picture wasn't sent correctly. Please try uploading it again.") from None


class DrawingReader:
    """Reads uploads into drawings off the event loop, a few at a time.

    Decoding a large photo takes a core for a second and a few hundred MB: on the loop it would stall every other
    request, and unbounded it would let a burst of uploads exhaust the gateway's memory.
    """

    def __init__(self, *, max_bytes: int, concurrency: int) -> None:
        self.max_bytes = max_bytes
        self._slots = asyncio.Semaphore(concurrency)

    async def prepare(self, data: bytes) -> PreparedDrawing:
        async with self._slots:
            return await asyncio.to_thread(prepare_drawing, data, max_bytes=self.max_bytes)

    async def read_upload(self, upload: UploadFile) -> PreparedDrawing:
        # One byte past the limit is enough to know it is too big, without reading it all.
        return await self.prepare(await upload.read(self.max_bytes + 1))

    async def read_request(self, request: Request) -> PreparedDrawing:
        """The analyze route's two forms: a multipart upload, or the seed's JSON with image_base64."""
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=5)
            upload = form.get("drawing")
            if upload is None or isinstance(upload, str):
                raise InvalidInput("missing_drawing", "Please attach a photo of the drawing as the 'drawing' field.")
            return await self.read_upload(upload)
        if content_type.startswith("application/json"):
            try:
                payload = AnalyzeJson.model_validate_json(await request.body())
            except ValidationError:
                raise InvalidInput("invalid_request", 'Send the drawing as {"image_base64": "..."}.') from None
            return await self.prepare(decode_base64(payload.image_base64, max_bytes=self.max_bytes))
        raise UnsupportedType("unsupported_request", "Send the drawing as a multipart upload or as JSON with image_base64.")
