"""An organisation's logo: only PNG and JPEG, checked by content and size, redrawn before use,
changed by admins only, drawn on the plan's PDF, in the audit log."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from conftest import colleague, current_organisation_id, post, start_assessment
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from sqlalchemy import func, select

from kcs_assess.extensions import db
from kcs_assess.models import OrganisationLogo
from kcs_assess.reports.logo import KEPT_SIDE, MAX_BYTES, LogoRefused, reencode


def picture(width: int = 300, height: int = 120, kind: str = "PNG", mode: str = "RGB",
            **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (29, 79, 145) if mode == "RGB" else 0).save(
        buffer, kind, **save)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# ----- the check and the redrawing (no database) ------------------------------------------

def test_a_png_is_redrawn_without_its_metadata() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe, 14 Rue des Écoles, Bamako")
    upload = picture(pnginfo=info) + b"<script>trailing data</script>"
    kept = reencode(upload)
    assert kept.startswith(b"\x89PNG") and kept != upload
    assert b"Jane Doe" not in kept and b"script" not in kept
    image = opened(kept)
    assert image.size == (300, 120) and image.format == "PNG" and not image.text


def test_a_jpeg_is_turned_upright_and_kept_as_png() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated by 90 degrees
    exif[0x010F] = "PhoneMaker"
    kept = reencode(picture(400, 100, "JPEG", exif=exif.tobytes()))
    image = opened(kept)
    assert image.format == "PNG" and image.size == (100, 400)
    assert b"PhoneMaker" not in kept


def test_a_large_picture_is_scaled_down_and_transparency_kept() -> None:
    kept = opened(reencode(picture(2400, 600, mode="RGBA")))
    assert kept.size == (KEPT_SIDE, KEPT_SIDE // 4) and kept.mode == "RGBA"


@pytest.mark.parametrize(("upload", "reason"), [
    (b"", "empty"),
    (picture(kind="GIF"), "not_png_or_jpeg"),
    (picture(kind="WEBP"), "not_png_or_jpeg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "not_png_or_jpeg"),
    (b"%PDF-1.4 not a picture at all", "not_png_or_jpeg"),
    (picture()[:200], "damaged"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 1), "too_large"),
])
def test_what_cannot_be_used_is_refused_with_its_reason(upload: bytes, reason: str) -> None:
    with pytest.raises(LogoRefused) as refused:
        reencode(upload)
    assert refused.value.reason == reason


def test_a_small_file_claiming_billions_of_pixels_is_refused_before_decoding() -> None:
    small = picture(10, 10)
    header = struct.pack(">II", 60000, 60000) + small[24:29]  # width, height, the rest of IHDR
    bomb = small[:16] + header + struct.pack(">I", zlib.crc32(small[12:16] + header)) + \
        small[33:]
    assert len(bomb) < 1000
    with pytest.raises(LogoRefused) as refused:
        reencode(bomb)
    assert refused.value.reason == "too_many_pixels"


# ----- on the organisation's page ---------------------------------------------------------

def upload(client, organisation_id: int, data: bytes, name: str = "logo.png"):
    return post(client, f"/organisations/{organisation_id}/logo",
                {"logo": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def stored(app) -> list[OrganisationLogo]:
    with app.app_context():
        return list(db.session.scalars(select(OrganisationLogo)))


def images_on_cover(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_an_admin_uploads_a_logo_that_the_plan_pdf_then_shows(app, member) -> None:
    organisation_id = current_organisation_id(member)
    assessment = start_assessment(member, "quick-check")
    plan = f"/assessments/{assessment}/plan.pdf?lang=en"
    assert images_on_cover(member.get(plan).data) == 0

    response = upload(member, organisation_id, picture(600, 200))
    assert response.status_code == 302 and response.location.endswith("#logo")
    page = member.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert "The logo is saved" in page and 'alt="The current logo"' in page
    [logo] = stored(app)
    served = member.get(f"/organisations/{organisation_id}/logo.png")
    assert served.mimetype == "image/png" and served.data == logo.png
    assert images_on_cover(member.get(plan).data) == 1
    audit = member.get(f"/organisations/{organisation_id}/audit").get_data(as_text=True)
    assert "Changed the logo" in audit

    assert post(member, f"/organisations/{organisation_id}/logo/remove").status_code == 302
    assert stored(app) == []
    assert images_on_cover(member.get(plan).data) == 0
    assert member.get(f"/organisations/{organisation_id}/logo.png").status_code == 404
    assert "Removed the logo" in member.get(
        f"/organisations/{organisation_id}/audit").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    (picture(kind="GIF"), "The file is not a PNG or JPEG picture."),
    (b"<html><script>alert(1)</script></html>", "The file is not a PNG or JPEG picture."),
    (b"\x89PNG" + b"\x00" * (MAX_BYTES + 10), "The file is larger than 300 KB."),
])
def test_a_refused_file_is_explained_and_changes_nothing(app, member, data: bytes,
                                                         message: str) -> None:
    organisation_id = current_organisation_id(member)
    assert upload(member, organisation_id, picture()).status_code == 302
    before = stored(app)[0].png
    response = upload(member, organisation_id, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-describedby="logo-hint logo-error"' in page
    assert [logo.png for logo in stored(app)] == [before]


def test_the_form_without_a_file_asks_for_one(app, member) -> None:
    organisation_id = current_organisation_id(member)
    response = post(member, f"/organisations/{organisation_id}/logo", {},
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a PNG or JPEG file." in response.get_data(as_text=True)


def test_only_admins_change_the_logo(app, member) -> None:
    organisation_id = current_organisation_id(member)
    editor = colleague(app, member, "editor@example.org", "editor")
    assert upload(editor, organisation_id, picture()).status_code == 403
    assert post(editor, f"/organisations/{organisation_id}/logo/remove").status_code == 403
    assert "Upload the logo" not in editor.get(
        f"/organisations/{organisation_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrganisationLogo)) == 0
