"""Mailpit's chaos API (/api/v1/chaos) and the faults page, served by aiohttp on a real loopback
port over a running sandbox, driven as a Mailpit client and a browser form would drive them;
`apply_faults` sends the command line's faults to a running sandbox through the same API."""
from __future__ import annotations

import json
import re
import smtplib
import urllib.error
import urllib.parse
import urllib.request

import pytest

from fourmail.sandbox.faults import FaultError, apply_faults
from sandbox_util import fresh, message, sandbox, smtps  # noqa: F401


@pytest.fixture(scope="module")
def web_url(sandbox):
    """The sandbox's own web server, which mounts the chaos routes."""
    return sandbox.inbox_url.rstrip("/")


@pytest.fixture(scope="module")
def token(web_url):
    """The form token the faults page carries (a form from elsewhere does not have it)."""
    with urllib.request.urlopen(web_url + "/chaos", timeout=10) as r:
        return re.search(r'name="token" value="([^"]+)"', r.read().decode()).group(1)


@pytest.fixture(autouse=True)
def no_faults(sandbox):
    sandbox.faults.clear()
    yield
    sandbox.faults.clear()


def call(url: str, method: str = "GET", body=None, raw: bytes | None = None, form: dict | None = None):
    """(status, content type, body) of one request."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"}
    if form is not None:
        data, headers = urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_content_type(), e.read().decode()


def check_mailpit_shape(answer: dict) -> None:
    """Mailpit's ChaosTriggers: three triggers, each {ErrorCode: int, Probability: int}."""
    for name in ("Sender", "Recipient", "Authentication"):
        assert set(answer[name]) == {"ErrorCode", "Probability"}
        assert isinstance(answer[name]["ErrorCode"], int) and isinstance(answer[name]["Probability"], int)
    assert set(answer) == {"Sender", "Recipient", "Authentication", "Faults"}


def test_get_gives_mailpit_defaults_when_nothing_is_set(web_url):
    status, kind, body = call(web_url + "/api/v1/chaos")
    assert (status, kind) == (200, "application/json")
    answer = json.loads(body)
    check_mailpit_shape(answer)
    assert answer == {"Sender": {"ErrorCode": 451, "Probability": 0}, "Recipient": {"ErrorCode": 451, "Probability": 0},
                      "Authentication": {"ErrorCode": 535, "Probability": 0}, "Faults": []}


def test_put_as_a_mailpit_client_then_the_smtp_server_obeys(web_url, sandbox):
    status, _, body = call(web_url + "/api/v1/chaos", "PUT", {"Recipient": {"ErrorCode": 550, "Probability": 100}})
    assert status == 200
    answer = json.loads(body)
    check_mailpit_shape(answer)
    assert answer["Recipient"] == {"ErrorCode": 550, "Probability": 100}
    assert answer["Sender"] == {"ErrorCode": 451, "Probability": 0}
    with smtps(sandbox) as s:
        s.ehlo()
        s.login(fresh(), "pw")
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            s.send_message(message("chaos", to=fresh()))
    # a trigger left out is off again; {} turns everything off (Mailpit's rule)
    answer = json.loads(call(web_url + "/api/v1/chaos", "PUT", {"Sender": {"ErrorCode": 451, "Probability": 5}})[2])
    assert (answer["Recipient"]["Probability"], answer["Sender"]["Probability"]) == (0, 5)
    assert json.loads(call(web_url + "/api/v1/chaos", "PUT", {})[2])["Sender"]["Probability"] == 0
    assert not sandbox.faults


def test_richer_faults_go_through_the_extra_field_and_round_trip(web_url, sandbox):
    body = {"Authentication": {"ErrorCode": 454, "Probability": 30},
            "Faults": ["imap:fetch=drop:user=bob@gmail.com", "pop3:retr=delay:35", "smtp:rcpt=550:once"]}
    answer = json.loads(call(web_url + "/api/v1/chaos", "PUT", body)[2])
    assert answer == {"Sender": {"ErrorCode": 451, "Probability": 0}, "Recipient": {"ErrorCode": 451, "Probability": 0},
                      "Authentication": {"ErrorCode": 454, "Probability": 30}, "Faults": body["Faults"]}
    assert sandbox.faults.specs() == ["smtp:auth=454:p=0.3"] + body["Faults"]
    assert json.loads(call(web_url + "/api/v1/chaos", "PUT", answer)[2]) == answer        # GET -> PUT: the same


@pytest.mark.parametrize("raw, says", [
    (b'{"Sender": {"ErrorCode": 200, "Probability": 5}}', "error code must be between 400 and 599"),
    (b'{"Recipient": {"ErrorCode": 451, "Probability": 500}}', "probability must be between 0 and 100"),
    (b'{"Faults": ["smtp:rcpt=99"]}', "from 400 to 599"),
    (b'{"Sender": ', "Expecting value"),
])
def test_bad_triggers_are_400_with_the_reason_and_change_nothing(web_url, sandbox, raw, says):
    sandbox.faults.set(["imap:select=NO"])
    status, kind, body = call(web_url + "/api/v1/chaos", "PUT", raw=raw)
    assert (status, kind) == (400, "text/plain") and says in body
    assert sandbox.faults.specs() == ["imap:select=NO"]


def test_apply_faults_adds_to_a_running_sandbox_through_the_api(web_url, sandbox):
    sandbox.faults.set(["smtp:mail=451:p=0.5"])
    assert apply_faults(web_url, ["smtp:rcpt=550", "imap:fetch=drop"]) == [
        "smtp:mail=451:p=0.5", "smtp:rcpt=550", "imap:fetch=drop"]
    assert sandbox.faults.specs() == ["smtp:mail=451:p=0.5", "smtp:rcpt=550", "imap:fetch=drop"]
    with pytest.raises(FaultError, match="from 400 to 599"):
        apply_faults(web_url, ["smtp:rcpt=600"])
    with pytest.raises(FaultError, match="cannot reach the sandbox"):
        apply_faults("http://127.0.0.1:9", ["smtp:rcpt=550"])
    assert apply_faults(sandbox, ["pop3:dele=ERR"])[-1] == "pop3:dele=ERR"               # or the object itself

    class Running:                       # what another process's sandbox looks like from here
        inbox_url = web_url + "/"
    assert apply_faults(Running(), ["smtp:data=451"])[-1] == "smtp:data=451"
    assert sandbox.faults.specs()[-1] == "smtp:data=451"


def test_the_page_shows_and_sets_faults(web_url, sandbox, token):
    sandbox.faults.set(["smtp:rcpt=550:user=<bob>@gmail.com"])
    status, kind, body = call(web_url + "/chaos")
    assert (status, kind) == (200, "text/html")
    assert "smtp:rcpt=550:user=&lt;bob&gt;@gmail.com</textarea>" in body               # escaped
    status, _, body = call(web_url + "/chaos", "POST", form={"token": token, "action": "set",
                                                              "faults": "imap:fetch=drop\r\n\r\npop3:retr=ERR:once"})
    assert status == 200 and sandbox.faults.specs() == ["imap:fetch=drop", "pop3:retr=ERR:once"]
    status, _, body = call(web_url + "/chaos", "POST", form={"token": token, "faults": "imap:fetch=550"})
    assert status == 400 and "NO, BAD or BYE" in body
    assert sandbox.faults.specs() == ["imap:fetch=drop", "pop3:retr=ERR:once"]
    assert call(web_url + "/chaos", "POST", form={"token": "forged", "action": "clear"})[0] == 403
    assert call(web_url + "/chaos", "POST", form={"token": token, "action": "clear"})[0] == 200
    assert not sandbox.faults.specs()


def test_the_page_expires_the_oauth_tokens_now(web_url, sandbox, token):
    from fourmail.sandbox.oauth_provider import _Grant
    store = sandbox.oauth
    with store._lock:
        access = store._issue(_Grant("cid", "mail", None), None)["access_token"]
    assert store.verdict("someone@gmail.com", access) is True
    status, _, body = call(web_url + "/chaos", "POST", form={"token": token, "action": "expire"})
    assert status == 200 and "have expired" in body
    assert store.verdict("someone@gmail.com", access) is False
    assert sandbox.faults.specs() == []                  # done at once: nothing stays set
