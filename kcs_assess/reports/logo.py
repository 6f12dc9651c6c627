"""An organisation's logo for its PDFs: checked and re-encoded before anything else reads it.

The upload is never used as sent. Only PNG and JPEG are accepted, recognised by their content
(not by the file's name or the browser's word), the picture's size is checked before it is
decoded (a small file can claim billions of pixels), and what is kept is a fresh PNG drawn
from the decoded pixels: no metadata (names, places, dates), no trailing data, no chunks
that a PDF library might read in its own way.
"""

from __future__ import annotations

import io
import warnings

MAX_BYTES = 300 * 1024  # the file as sent
MAX_PIXELS = 25_000_000  # decoded (5000 x 5000)
KEPT_SIDE = 800  # the longer side of what is kept: sharp on a printed cover, and small
ACCEPTED = {"PNG", "JPEG"}


class LogoRefused(ValueError):
    """The upload cannot be used; reason is one of: empty, too_large, not_png_or_jpeg,
    too_many_pixels, damaged."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencode(data: bytes) -> bytes:
    """Return the logo as a fresh PNG at most KEPT_SIDE pixels on its longer side, or raise
    LogoRefused."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise LogoRefused("empty")
    if len(data) > MAX_BYTES:
        raise LogoRefused("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise LogoRefused("too_many_pixels")
                image.load()
                picture = ImageOps.exif_transpose(image)
    except LogoRefused:
        raise
    except UnidentifiedImageError:
        raise LogoRefused("not_png_or_jpeg") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoRefused("too_many_pixels") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise LogoRefused("damaged") from None
    transparent = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.thumbnail((KEPT_SIDE, KEPT_SIDE))
    output = io.BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()
