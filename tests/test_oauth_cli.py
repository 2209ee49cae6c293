"""The OAuth 2.0 provider as `fourmail sandbox` serves it, and `--token-lifetime`."""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import secrets
import socket
import ssl
from urllib.parse import parse_qsl, urlencode, urlsplit

from sandbox_util import cli_sandbox
from test_sandbox_cli import fourmail


def _https(ca, port, method, path, body=None, headers=None, name="login.microsoftonline.com"):
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection(name, timeout=10, context=ctx)
    conn.sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname=name)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def test_standalone_sandbox_serves_oauth_with_the_token_lifetime_given(tmp_path):
    with cli_sandbox(tmp_path, "--token-lifetime", "7") as (p, printed):
        port = int(re.search(r"OAuth 2.0 https\s+127\.0\.0\.1:(\d+)", printed).group(1))
        ca = str(tmp_path / "tls" / "ca.pem")
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        redirect = "http://127.0.0.1:8765/"
        query = urlencode({"response_type": "code", "client_id": "cli", "redirect_uri": redirect, "state": "s",
                           "code_challenge": challenge, "code_challenge_method": "S256"})
        status, headers, _ = _https(ca, port, "GET", "/common/oauth2/v2.0/authorize?" + query)
        assert status == 302
        code = dict(parse_qsl(urlsplit(headers["Location"]).query))["code"]
        form = urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                          "client_id": "cli", "client_secret": "x", "code_verifier": verifier})
        status, _, body = _https(ca, port, "POST", "/common/oauth2/v2.0/token", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        answer = json.loads(body)
        assert status == 200 and answer["expires_in"] == 7
    out, err = p.rest
    assert p.returncode == 0, err
    assert "OAuth: authorization_code grant for client 'cli': access token for 7 s" in err
    assert code not in out + err and answer["access_token"] not in out + err


def test_token_lifetime_option_is_checked(tmp_path):
    r = fourmail("sandbox", "--sandbox-dir", str(tmp_path), "--token-lifetime", "soon")
    assert r.returncode == 64 and "'soon' is not a number of seconds" in r.stderr
    script = tmp_path / "a.4dm"
    script.write_text('ALERT("x")\n')
    r = fourmail("run", "--token-lifetime", "5", str(script))
    assert r.returncode == 64 and "--token-lifetime go with --sandbox" in r.stderr
    r = fourmail("run", "--sandbox", "--sandbox-dir", str(tmp_path), "--token-lifetime", "5", str(script))
    assert r.returncode == 0 and r.stdout == "x\n", r.stderr
