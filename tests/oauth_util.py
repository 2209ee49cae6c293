"""Helpers for the OAuth 2.0 tests: plain HTTPS requests to the sandbox's provider (verified with
the sandbox CA against the name the URL gives), PKCE pairs, free loopback ports, and the sign-in
of a token over XOAUTH2 with the stdlib clients."""
from __future__ import annotations

import base64
import hashlib
import http.client
import imaplib
import json
import secrets
import socket
import ssl
from urllib.parse import parse_qsl, urlencode, urlsplit

from sandbox_util import Line, b64, smtps

GOOGLE_AUTH = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"


def pkce(method: str = "S256") -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    if method == "plain":
        return verifier, verifier
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def https(sb, method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request to the provider, as a browser reaching `url`'s host
    would make it: TLS verified for that name with the sandbox CA."""
    parts = urlsplit(url)
    ctx = ssl.create_default_context(cafile=str(sb.ca_file))
    sock = ctx.wrap_socket(socket.create_connection((sb.web.host, sb.web.port), timeout=10),
                           server_hostname=parts.hostname)
    conn = http.client.HTTPSConnection(parts.hostname, timeout=10, context=ctx)
    conn.sock = sock
    try:
        conn.request(method, (parts.path or "/") + ("?" + parts.query if parts.query else ""), body=body,
                     headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def authorize(sb, url: str = GOOGLE_AUTH, **params):
    """GET the authorization endpoint: (status, redirect parameters or None, headers, body)."""
    status, headers, body = https(sb, "GET", url + "?" + urlencode(params))
    location = headers.get("Location")
    return status, (dict(parse_qsl(urlsplit(location).query)) if location else None), headers, body


def request_params(redirect_uri: str, challenge: str, method: str = "S256", **more) -> dict:
    return {"response_type": "code", "client_id": "client-1", "redirect_uri": redirect_uri, "state": "st-1",
            "code_challenge": challenge, "code_challenge_method": method, "scope": "https://mail.google.com/",
            **more}


def token(sb, form: dict, url: str = GOOGLE_TOKEN, basic: tuple[str, str] | None = None):
    """POST to the token endpoint: (status, JSON answer, headers)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    status, h, body = https(sb, "POST", url, urlencode(form).encode(), headers)
    return status, json.loads(body), h


def code_for(sb, redirect_uri: str, method: str = "S256", **more) -> tuple[str, str]:
    """A fresh authorization code and its PKCE verifier."""
    verifier, challenge = pkce(method)
    status, params, *_ = authorize(sb, **request_params(redirect_uri, challenge, method, **more))
    assert status == 302 and "code" in params, params
    return params["code"], verifier


# ---------------------------------------------------------------- XOAUTH2 on the three protocols
def xoauth2(user: str, access_token: str) -> bytes:
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


def smtp_xoauth2(sb, user: str, access_token: str) -> list[tuple[int, bytes]]:
    """The SMTP exchange: [(code, text)...] up to the final answer."""
    with smtps(sb) as s:
        s.ehlo()
        answers = [s.docmd("AUTH", "XOAUTH2 " + b64(xoauth2(user, access_token)))]
        if answers[0][0] == 334:
            answers.append(s.docmd(""))
    return answers


def imap_xoauth2(sb, user: str, access_token: str, challenges: list | None = None) -> str:
    """The IMAP answer: 'OK' or the refusal's text; the server's challenges go to `challenges`."""
    from sandbox_util import imaps
    m = imaps(sb)
    seen = challenges if challenges is not None else []

    def answer(challenge: bytes) -> bytes:
        seen.append(challenge)
        return xoauth2(user, access_token) if len(seen) == 1 else b""
    try:
        return m.authenticate("XOAUTH2", answer)[0]
    except imaplib.IMAP4.error as e:
        return str(e)
    finally:
        m.shutdown()


def pop3_xoauth2(sb, user: str, access_token: str) -> list[str]:
    """The POP3 lines answered: ['+OK ...'] or ['+ <challenge>', '-ERR ...']."""
    c = Line(sb, "pop3s")
    try:
        lines = [c.cmd("AUTH XOAUTH2 " + b64(xoauth2(user, access_token)))]
        if lines[0].startswith("+ "):
            lines.append(c.cmd(""))
        return lines
    finally:
        c.close()
