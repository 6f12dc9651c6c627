"""Light on slow connections: compressed pages, static files cached for a year."""

from __future__ import annotations

import gzip
import re

from conftest import start_assessment


def test_pages_are_compressed_for_browsers_that_accept_it(member):
    assessment = start_assessment(member, "quick-check")
    plain = member.get(f"/assessments/{assessment}/steps/policy")
    packed = member.get(f"/assessments/{assessment}/steps/policy",
                        headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data).decode() == plain.get_data(as_text=True)
    assert len(packed.data) < len(plain.data) / 3
    assert packed.headers["Cache-Control"] == "no-store"  # still kept out of shared caches


def test_static_files_are_cached_for_a_year_under_their_digest(client):
    page = client.get("/sign-in").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=\w+)"', page).group(1)
    response = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    response.close()
    stale = client.get("/static/app.css?v=an-old-digest")
    assert stale.headers["Cache-Control"] == "no-cache"
    stale.close()


def test_signed_out_pages_are_kept_out_of_caches_too(client):
    for path in ("/", "/sign-in", "/register", "/join"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
