"""The EN/中文 choice is kept: a ``?lang=`` link sets a cookie the next pages read, and the links
that switch language keep the page's query (a search, a comparison)."""
from __future__ import annotations

import html
from urllib.parse import quote

from flask.testing import FlaskClient

ZH_FIRST = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
ORG = "/id/org/" + quote("天津市教育委员会")


def test_a_choice_of_language_is_kept_for_the_next_pages(client: FlaskClient) -> None:
    chosen = client.get("/search?q=" + quote("双高计划") + "&lang=en", headers=ZH_FIRST)
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("vetkg_lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert 'lang="en"' in chosen.get_data(as_text=True)
    following = client.get(ORG, headers=ZH_FIRST)  # no ?lang=, a browser asking for Chinese
    assert following.status_code == 200 and '<html lang="en">' in following.get_data(as_text=True)
    assert "Cookie" in following.headers["Vary"]
    back = client.get(ORG + "?lang=zh", headers=ZH_FIRST)
    assert back.headers["Set-Cookie"].startswith("vetkg_lang=zh;")
    assert '<html lang="zh-Hans">' in client.get(ORG, headers={"Accept": "text/html", "Accept-Language": "en"}).get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client: FlaskClient) -> None:
    response = client.get(ORG + "?lang=fr", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert "Set-Cookie" not in response.headers and '<html lang="en">' in response.get_data(as_text=True)
    ignored = client.get(ORG, headers={"Accept": "text/html", "Accept-Language": "en",
                                       "Cookie": "vetkg_lang=<script>"})
    assert '<html lang="en">' in ignored.get_data(as_text=True)


def test_the_language_links_keep_the_query(client: FlaskClient) -> None:
    page = client.get("/search?q=" + quote("双高计划") + "&kind=Measure", headers=ZH_FIRST).get_data(as_text=True)
    links = [html.unescape(part.split('"', 1)[0]) for part in page.split('<a href="?')[1:3]]
    assert all("q=%E5%8F%8C%E9%AB%98%E8%AE%A1%E5%88%92" in link and "kind=Measure" in link for link in links)
    assert links[0].endswith("lang=zh") and links[1].endswith("lang=en")
