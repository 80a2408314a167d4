"""Tokens on write routes: Bearer, or Basic auth with the token's name as user; given plain or
hashed in the settings; checked before the body."""
from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from conftest import BASE, memory_store
from flask import Flask
from werkzeug.security import generate_password_hash

from vetkg.server.app import create_app
from vetkg.server.config import Settings, load_settings
from vetkg.server.sparql.errors import ProtocolError
from vetkg.server.write_endpoints.auth import authorise
from vetkg.server.write_endpoints.token_hashes import hashed, new_token, token_matches

GRAPH = BASE + "graph/auth-test"
TRIPLE = b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _app(**settings: object) -> Flask:
    return create_app(replace(Settings(store="memory"), **settings), memory_store())


def _who(app: Flask, header: str | None) -> str:
    headers = {"Authorization": header} if header is not None else {}
    with app.test_request_context("/store", method="PUT", headers=headers):
        from flask import request

        found = authorise(request, app.extensions["vetkg.settings"])
        return f"{found.name}{' (admin)' if found.admin else ''}"


def test_bearer_and_basic_name_the_same_writer():
    app = _app(update_tokens={"alice": "tok-a", "bob": "tok-b"}, admin_tokens={"root": "tok-r"})
    assert _who(app, "Bearer tok-b") == "bob"
    assert _who(app, basic("bob", "tok-b")) == "bob"
    assert _who(app, basic("root", "tok-r")) == "root (admin)"
    assert _who(app, "bearer   tok-r  ") == "root (admin)"


@pytest.mark.parametrize(
    ("header", "status", "words"),
    [
        (None, 401, "writing needs a token"),
        ("Basic " + base64.b64encode(b"alice").decode(), 401, "writing needs a token"),  # no password
        ("Digest username=alice", 401, "writing needs a token"),
        ("Bearer wrong", 403, "bearer token is not valid"),
        # the right token under another name is not that name's token
        (basic("bob", "tok-a"), 403, "token named 'bob'"),
        (basic("nobody", "tok-a"), 403, "token named 'nobody'"),
        ("Basic %%%not-base64", 400, "not base64"),
    ],
)
def test_refusals_say_what_is_wrong(header, status, words):
    app = _app(update_tokens={"alice": "tok-a", "bob": "tok-b"})
    with pytest.raises(ProtocolError) as caught:
        _who(app, header)
    assert caught.value.status == status
    assert words in caught.value.message


def test_hashed_tokens_in_the_settings():
    token = new_token()
    assert len(token) >= 40 and token != new_token()
    slow = generate_password_hash("a person's pass phrase")
    app = _app(update_tokens={"alice": hashed(token), "carol": slow})
    assert _who(app, "Bearer " + token) == "alice"
    assert _who(app, basic("alice", token)) == "alice"
    assert _who(app, basic("carol", "a person's pass phrase")) == "carol"
    # The hash itself is not a token: a leaked settings file gives no write access.
    for header in ("Bearer " + hashed(token), basic("alice", hashed(token)), basic("carol", slow)):
        with pytest.raises(ProtocolError) as caught:
            _who(app, header)
        assert caught.value.status == 403
    assert token_matches(token, hashed(token).upper().replace("SHA256:", "sha256:"))


def test_hashed_tokens_from_the_environment(monkeypatch):
    monkeypatch.setenv("VETKG_UPDATE_TOKENS", f"alice:{hashed('t1')},bob:t2")
    settings = load_settings()
    assert settings.update_tokens == {"alice": hashed("t1"), "bob": "t2"}


def test_a_write_with_basic_auth_is_committed_and_the_401_is_a_basic_challenge():
    app = _app(update_tokens={"alice": "tok-a"})
    client = app.test_client()
    url = f"/store?graph={GRAPH}"
    refused = client.put(url, data=TRIPLE, content_type="application/n-triples")
    assert refused.status_code == 401
    # Basic alone: Jena fails on any challenge of a scheme it does not know (Bearer clients
    # never wait for one); the message names both ways.
    assert refused.headers.getlist("WWW-Authenticate") == ['Basic realm="vetkg", charset="UTF-8"']
    assert "Bearer" in refused.text and "Basic" in refused.text
    done = client.put(url, data=TRIPLE, content_type="application/n-triples", headers={"Authorization": basic("alice", "tok-a")})
    assert done.status_code in (201, 204), done.text
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and "<urn:x:a> <urn:x:b> <urn:x:c>" in got.text


def test_vetkg_token_prints_a_token_and_a_settings_line_holding_its_hash(tmp_path):
    import tomllib

    from click.testing import CliRunner

    from vetkg.server.cli import main

    out = CliRunner().invoke(main, ["token", "alice"])
    assert out.exit_code == 0, out.output
    drawn, entry = out.output.splitlines()
    config = tmp_path / "settings.toml"
    config.write_text("[update_tokens]\n" + entry + "\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings.update_tokens == tomllib.loads("[t]\n" + entry)["t"]
    assert drawn not in entry
    app = create_app(replace(settings, store="memory"), memory_store())
    assert _who(app, basic("alice", drawn)) == "alice"
    bad = CliRunner().invoke(main, ["token", "a:b"])
    assert bad.exit_code == 2 and "may not hold" in bad.output


def test_the_remote_store_settings_carry_the_credentials():
    options = Settings(store="sparql", store_url="http://h/sparql", store_token="t", store_user="alice").store_options()
    assert options == {"url": "http://h/sparql", "update_url": "http://h/sparql", "token": "t", "user": "alice"}
    from vetkg.store import StoreError
    from vetkg.store.sparql import BearerAuth, credentials_auth

    assert isinstance(credentials_auth("", "t"), BearerAuth)
    assert credentials_auth("alice", "t").username == "alice"
    assert credentials_auth("", "") is None
    with pytest.raises(StoreError, match="store_user is set without store_token"):
        credentials_auth("alice", "")


def test_a_read_only_token_checks_a_change_and_commits_none():
    app = _app(update_tokens={"alice": "tok-a"}, read_tokens={"carol": "tok-c", "alice": "tok-a"})
    client = app.test_client()
    url = f"/store?graph={GRAPH}"
    assert _who(app, basic("alice", "tok-a")) == "alice"  # the writer's role wins for one token in both
    checked = client.put(url + "&dry-run=true", data=TRIPLE, content_type="application/n-triples",
                         headers={"Authorization": "Bearer tok-c", "Accept": "application/json"})
    assert checked.status_code == 200, checked.text
    assert checked.json["conforms"] is True and checked.json["committed"] is False
    refused = client.put(url, data=TRIPLE, content_type="application/n-triples", headers={"Authorization": basic("carol", "tok-c")})
    assert refused.status_code == 403 and "read-only" in refused.text and "dry-run" in refused.text
    assert client.get(url).status_code == 404  # nothing was written
