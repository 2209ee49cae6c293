"""The transcripts in the sandbox's web server: the JSON routes, the pages, and the sessions listed
on the page of each message they stored."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from sandbox_util import fresh, message, pop3s, sandbox, smtp_starttls  # noqa: F401
from test_transcripts import ids, sessions_since


@pytest.fixture(scope="module")
def api(sandbox):
    """The base URL of the sandbox's own web server, which serves the transcripts' routes."""
    return sandbox.inbox_url.rstrip("/")


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get_content_type(), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_content_type(), e.read().decode()


def test_list_filter_and_get(sandbox, api):
    sender, to, mid = fresh("from"), fresh("to"), f"<{uuid.uuid4().hex}@web.test>"
    before = ids(sandbox)
    with smtp_starttls(sandbox) as s:
        s.login(sender, "a password")
        s.send_message(message("Listed", sender=sender, to=to, **{"Message-ID": mid}))
    pop3s(sandbox, to, "a password").quit()
    smtp, pop3 = sorted(sessions_since(sandbox, before, 2), key=lambda i: i.protocol, reverse=True)

    status, kind, body = get(api + "/api/v1/transcripts")
    listed = json.loads(body)
    assert (status, kind) == (200, "application/json")
    assert listed["total"] == len(listed["transcripts"]) >= 2
    starts = [t["start"] for t in listed["transcripts"]]
    assert starts == sorted(starts, reverse=True)            # newest first, as Mailpit lists

    by_account = json.loads(get(api + f"/api/v1/transcripts?account={to}")[2])["transcripts"]
    assert sorted(t["id"] for t in by_account) == sorted([smtp.id, pop3.id])   # delivered to, signed in as
    by_message = json.loads(get(api + "/api/v1/transcripts?message=" + urllib.request.quote(mid))[2])
    assert by_message["total"] == 1
    [one] = by_message["transcripts"]
    assert (one["id"], one["protocol"], one["user"], one["ended"]) == (smtp.id, "SMTP", sender, "QUIT")
    assert one["messages"][0]["account"] == to and one["messages"][0]["message_id"] == mid
    assert set(one) >= {"id", "protocol", "listener", "client", "start", "end", "ended", "user", "messages"}

    produced = one["messages"][0]
    by_uid = json.loads(get(api + f"/api/v1/transcripts?account={to}&folder=INBOX&uid={produced['uid']}")[2])
    assert [t["id"] for t in by_uid["transcripts"]] == [smtp.id]
    assert json.loads(get(api + f"/api/v1/transcripts?account={to}&folder=INBOX&uid={produced['uid'] + 1}")[2]) \
        == {"total": 0, "transcripts": []}
    assert get(api + "/api/v1/transcripts?uid=x")[0] == 400

    status, kind, body = get(api + f"/api/v1/transcript/{pop3.id}")
    full = json.loads(body)
    assert (status, full["id"], full["user"]) == (200, pop3.id, to)
    assert full["text"] == sandbox.transcripts.get(pop3.id) and "PASS [redacted: password]" in full["text"]
    status, kind, body = get(api + f"/api/v1/transcript/{pop3.id}/raw")
    assert (status, kind, body) == (200, "text/plain", sandbox.transcripts.get(pop3.id))


@pytest.mark.parametrize("tid", ["nothing", "..%2F..%2Ftls%2Fca", "20261206-064300.123456-smtp-abcdef"])
def test_an_unknown_transcript_is_404(api, tid):
    for path in (f"/api/v1/transcript/{tid}", f"/api/v1/transcript/{tid}/raw"):
        status, kind, body = get(api + path)
        assert (status, kind) == (404, "application/json") and "error" in json.loads(body)


def test_the_pages_list_the_sessions_and_a_message_names_the_session_that_stored_it(sandbox, api):
    from fourmail.sandbox.web.messages import Messages
    sender, to, password = fresh("page"), fresh("pageto"), "canary-page-pw-41c2"
    before = ids(sandbox)
    with smtp_starttls(sandbox) as s:
        s.login(sender, password)
        s.send_message(message("Shown with its session", sender=sender, to=to))
    (smtp,) = sessions_since(sandbox, before, 1)
    stored = next(m for m in Messages(sandbox.store).summaries(account=to) if m.info.subject == "Shown with its session")

    status, kind, body = get(f"{api}/message/{stored.id}")
    assert (status, kind) == (200, "text/html")
    assert "Sessions that stored it" in body and f'href="/transcript/{smtp.id}"' in body

    status, _, body = get(f"{api}/transcripts?account={to}")
    assert status == 200 and f'href="/transcript/{smtp.id}"' in body and "Session transcripts" in body

    status, _, body = get(f"{api}/transcript/{smtp.id}")
    assert status == 200 and "c: ehlo" in body.lower() and "[redacted:" in body and password not in body
    assert get(f"{api}/transcript/no-such-session")[0] == 404
