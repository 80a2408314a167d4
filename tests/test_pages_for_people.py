"""Pages read by people show words, not IRIs: the seed built by the real pipeline."""
from __future__ import annotations

import re
from urllib.parse import quote

from flask.testing import FlaskClient
from ingest_helpers import SEED, build_store

from vetkg.server.app import create_app
from vetkg.server.config import Settings


def test_the_spans_citing_a_notice_read_as_their_words() -> None:
    client: FlaskClient = create_app(Settings(store="memory"), build_store(SEED)).test_client()
    page = client.get("/doc/" + quote("津教职函-2025-1号"), headers={"Accept": "text/html"}).get_data(as_text=True)
    inbound = page.split('class="inbound"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(r'<a href="(/doc/[^"]*/span/[^"]*)">([^<]*)</a>', inbound)
    assert len(shown) > 100  # every span of the text points to it
    assert not [label for _, label in shown if "/span/" in label]
    assert "13 所市级高水平高职学校" in {label for _, label in shown}
