"""Drawings the tests make themselves (the samples stay outside the repo)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def tiny_drawing() -> bytes:
    """A stick figure under a sun on white paper, as a PNG."""
    image = Image.new("RGB", (480, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((360, 30, 430, 100), fill=(250, 200, 30))
    draw.ellipse((200, 120, 260, 180), outline=(30, 60, 200), width=6)
    draw.line((230, 180, 230, 270), fill=(30, 60, 200), width=6)
    draw.line((180, 210, 280, 210), fill=(30, 60, 200), width=6)
    draw.line((230, 270, 190, 330), fill=(30, 60, 200), width=6)
    draw.line((230, 270, 270, 330), fill=(30, 60, 200), width=6)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()
