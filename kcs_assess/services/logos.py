"""An organisation's logo: kept re-encoded, changed and removed by its admins, in the audit log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..extensions import db
from ..models import Organisation, OrganisationLogo, User, utcnow
from ..reports.logo import LogoRefused, reencode
from . import audit

__all__ = ["LogoRefused", "Prepared", "current", "png", "prepare", "remove", "replace"]


def current(organisation_id: int) -> OrganisationLogo | None:
    return db.session.get(OrganisationLogo, organisation_id)


def png(organisation_id: int) -> bytes | None:
    """The logo to draw on the organisation's PDFs, if it has one."""
    logo = current(organisation_id)
    return logo.png if logo else None


@dataclass(frozen=True)
class Prepared:
    """An upload checked and re-encoded, ready to store."""

    png: bytes


def prepare(upload: bytes) -> Prepared:
    """Check and re-encode an upload, outside any transaction (decoding takes a moment);
    raise LogoRefused when it cannot be used."""
    return Prepared(reencode(upload))


def replace(actor: User, organisation: Organisation, picture: Prepared) -> OrganisationLogo:
    """Make a prepared picture the organisation's logo."""
    logo = current(organisation.id) or OrganisationLogo(organisation_id=organisation.id)
    logo.png = picture.png
    logo.digest = hashlib.sha256(picture.png).hexdigest()
    logo.updated_at = utcnow()
    db.session.add(logo)
    audit.record(actor, "logo_changed", organisation_id=organisation.id,
                 object_type="organisation", object_id=organisation.id)
    return logo


def remove(actor: User, organisation: Organisation) -> bool:
    logo = current(organisation.id)
    if logo is None:
        return False
    db.session.delete(logo)
    audit.record(actor, "logo_removed", organisation_id=organisation.id,
                 object_type="organisation", object_id=organisation.id)
    return True
