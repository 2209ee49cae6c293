"""The sandbox driven through its Mailpit-compatible API as a Mailpit client would: list, fetch,
raw, parts, search, mark read, delete; each answer's shape checked against the fields Mailpit's
API v1 documents (its swagger: MessagesSummary, MessageSummary, Message, Attachment, Address),
and each change checked where it matters: in what IMAP and POP3 then serve."""
from __future__ import annotations

import hashlib
import re
import urllib.parse

from sandbox_util import fresh, imaps, message, pop3s, sandbox, smtps  # noqa: F401
from web_util import http, png, rich_message, send

# Mailpit API v1's documented shapes (swagger.json "definitions"), the fields this API promises.
MESSAGES_SUMMARY = {"total": (int,), "unread": (int,), "count": (int,), "messages_count": (int,),
                    "messages_unread": (int,), "start": (int,), "tags": (list,), "messages": (list,)}
ADDRESS = {"Name": (str,), "Address": (str,)}
MESSAGE_SUMMARY = {"ID": (str,), "MessageID": (str,), "Read": (bool,), "From": (dict, type(None)), "To": (list,),
                   "Cc": (list,), "Bcc": (list,), "ReplyTo": (list,), "Subject": (str,), "Created": (str,),
                   "Tags": (list,), "Size": (int,), "Attachments": (int,), "Snippet": (str,)}
MESSAGE = {"ID": (str,), "MessageID": (str,), "From": (dict, type(None)), "To": (list,), "Cc": (list,),
           "Bcc": (list,), "ReplyTo": (list,), "ReturnPath": (str,), "Subject": (str,), "Date": (str,),
           "Tags": (list,), "Text": (str,), "HTML": (str,), "Size": (int,), "Inline": (list,), "Attachments": (list,)}
ATTACHMENT = {"PartID": (str,), "FileName": (str,), "ContentType": (str,), "ContentID": (str,), "Size": (int,)}
WHERE = {"Account": (str,), "Folder": (str,)}            # what Mailpit cannot have
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def shaped(obj: dict, shape: dict) -> None:
    for name, types in shape.items():
        assert name in obj, f"{name} missing from {sorted(obj)}"
        assert isinstance(obj[name], types) and not (bool in map(type, [obj[name]]) and bool not in types), \
            (name, obj[name])


def summary_shaped(s: dict) -> None:
    shaped(s, MESSAGE_SUMMARY | WHERE)
    for a in ([s["From"]] if s["From"] else []) + s["To"] + s["Cc"] + s["Bcc"] + s["ReplyTo"]:
        shaped(a, ADDRESS)
    assert RFC3339.match(s["Created"]), s["Created"]


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_list_fetch_raw_and_parts(sandbox):
    who = fresh("api")
    attachment = bytes(range(256)) * 40
    image = png(3, 2)
    send(sandbox, rich_message("Quarterly <numbers> & more", who, "<p>Hello <b>HTML</b> <img src='cid:logo@fourmail'></p>",
                               attachment, image))
    listed = http(sandbox, "GET", f"/api/v1/messages?account={q(who)}&limit=5")
    assert listed.status == 200 and listed.headers["Content-Type"].startswith("application/json")
    body = listed.json()
    shaped(body, MESSAGES_SUMMARY)
    assert body["messages_count"] == 13 and body["count"] == 5 and body["start"] == 0       # 12 demo + 1
    for s in body["messages"]:
        summary_shaped(s)
    newest = body["messages"][0]
    assert newest["Subject"] == "Quarterly <numbers> & more" and newest["Account"] == who and newest["Folder"] == "INBOX"
    assert newest["From"] == {"Name": "", "Address": "4d@gmail.com"} and newest["To"] == [{"Name": "", "Address": who}]
    assert newest["Attachments"] == 1 and newest["Read"] is False and newest["Snippet"] == "The text part."
    assert body["messages"][1]["Created"] <= newest["Created"]                  # newest first
    page2 = http(sandbox, "GET", f"/api/v1/messages?account={q(who)}&start=5&limit=5").json()
    assert page2["start"] == 5 and not {m["ID"] for m in page2["messages"]} & {m["ID"] for m in body["messages"]}

    got = http(sandbox, "GET", f"/api/v1/message/{newest['ID']}")
    assert got.status == 200
    m = got.json()
    shaped(m, MESSAGE | WHERE)
    assert m["Text"].strip() == "The text part." and "<b>HTML</b>" in m["HTML"]
    assert RFC3339.match(m["Date"])
    assert [a["FileName"] for a in m["Attachments"]] == ["data.bin"] and [a["FileName"] for a in m["Inline"]] == ["logo.png"]
    for a in m["Attachments"] + m["Inline"]:
        shaped(a, ATTACHMENT)
    assert m["Inline"][0]["ContentID"] == "logo@fourmail"
    assert m["Attachments"][0]["Size"] == len(attachment)
    assert m["Attachments"][0]["Checksums"]["SHA256"] == hashlib.sha256(attachment).hexdigest()
    # fetching a message marks it read, as Mailpit does; IMAP sees \Seen
    assert http(sandbox, "GET", f"/api/v1/message/{newest['ID']}").json()["Read"] is True

    part = http(sandbox, "GET", f"/api/v1/message/{newest['ID']}/part/{m['Attachments'][0]['PartID']}")
    assert part.status == 200 and part.body == attachment
    assert "sandbox" in part.headers["Content-Security-Policy"]
    img = http(sandbox, "GET", f"/api/v1/message/{newest['ID']}/part/{m['Inline'][0]['PartID']}")
    assert img.body == image and img.headers["Content-Type"] == "image/png"

    raw = http(sandbox, "GET", f"/api/v1/message/{newest['ID']}/raw")
    assert raw.status == 200 and raw.headers["Content-Type"].startswith("text/plain")
    imap = imaps(sandbox, who)
    imap.select("INBOX")
    typ, data = imap.uid("FETCH", str(newest["UID"]), "(FLAGS BODY.PEEK[])")
    assert raw.body == data[0][1]                         # byte for byte what IMAP serves
    assert b"\\Seen" in data[0][0]
    imap.logout()
    headers = http(sandbox, "GET", f"/api/v1/message/{newest['ID']}/headers").json()
    assert headers["Subject"] == ["Quarterly <numbers> & more"] and list(headers) == sorted(headers)

    view = http(sandbox, "GET", f"/view/{newest['ID']}.html")
    assert "<b>HTML</b>" in view.text and view.headers["Content-Security-Policy"].startswith("sandbox;")
    assert http(sandbox, "GET", "/view/latest.txt").text.strip() == "The text part."
    assert http(sandbox, "GET", "/api/v1/message/latest").json()["ID"] == newest["ID"]
    assert http(sandbox, "GET", "/api/v1/message/nonsense").status == 404
    assert http(sandbox, "GET", f"/api/v1/message/{newest['ID']}/part/p9999").status == 404
    assert http(sandbox, "GET", "/api/v1/messages?start=x").status == 400


def test_search_mark_read_and_delete_reach_imap_and_pop3(sandbox):
    who = fresh("search")
    for i in range(3):
        send(sandbox, message(f"Receipt {i}", sender=f"billing{i}@zephyr.example", to=who, body=f"Amount {i}00 EUR"))
    found = http(sandbox, "GET", f"/api/v1/search?query={q('from:zephyr receipt')}&account={q(who)}")
    body = found.json()
    shaped(body, MESSAGES_SUMMARY)
    assert sorted(s["Subject"] for s in body["messages"]) == ["Receipt 0", "Receipt 1", "Receipt 2"]
    assert body["messages_count"] == 3 and body["total"] > 3
    words = http(sandbox, "GET", f"/api/v1/search?query={q('amount 100')}&account={q(who)}").json()
    assert [s["Subject"] for s in words["messages"]] == ["Receipt 1"]
    assert http(sandbox, "GET", f"/api/v1/search?query={q('subject:receipt -subject:2')}&account={q(who)}"
                ).json()["messages_count"] == 2
    demo = http(sandbox, "GET", f"/api/v1/search?query={q('has:attachment')}&account={q(who)}").json()
    assert demo["messages_count"] >= 1 and all(s["Attachments"] > 0 for s in demo["messages"])
    assert http(sandbox, "GET", "/api/v1/search?query=").status == 400

    ids = [s["ID"] for s in body["messages"]]
    assert http(sandbox, "PUT", "/api/v1/messages", {"IDs": ids[:2], "Read": True}).text == "ok"
    read = http(sandbox, "GET", f"/api/v1/search?query={q('is:read from:zephyr')}&account={q(who)}").json()
    assert sorted(s["ID"] for s in read["messages"]) == sorted(ids[:2])
    unread = http(sandbox, "GET", f"/api/v1/search?query={q('is:unread from:zephyr')}&account={q(who)}").json()
    assert [s["ID"] for s in unread["messages"]] == ids[2:]
    imap = imaps(sandbox, who)
    imap.select("INBOX")
    assert len(imap.search(None, "SEEN", "FROM", "zephyr")[1][0].split()) == 2
    imap.logout()
    assert http(sandbox, "PUT", "/api/v1/messages", {"IDs": ids[:1], "Read": False}).status == 200
    assert http(sandbox, "PUT", "/api/v1/messages", {"IDs": ["nope"], "Read": True}).status == 400

    assert http(sandbox, "DELETE", "/api/v1/messages", {"IDs": ids[:1]}).text == "ok"
    left = http(sandbox, "GET", f"/api/v1/search?query={q('from:zephyr')}&account={q(who)}").json()
    assert sorted(s["ID"] for s in left["messages"]) == sorted(ids[1:])
    assert http(sandbox, "DELETE", f"/api/v1/search?query={q('from:zephyr')}&account={q(who)}").status == 200
    pop = pop3s(sandbox, who)
    subjects = [b"\n".join(pop.top(n, 0)[1]) for n in range(1, pop.stat()[0] + 1)]
    pop.quit()
    assert not any(b"Receipt" in s for s in subjects) and subjects           # the demo mail is still there
    # DELETE with no IDs: every message in scope (here one account's)
    assert http(sandbox, "DELETE", f"/api/v1/messages?account={q(who)}").status == 200
    assert http(sandbox, "GET", f"/api/v1/messages?account={q(who)}").json()["messages_count"] == 0
    pop = pop3s(sandbox, who)
    assert pop.stat()[0] == 0
    pop.quit()


def test_accounts_and_info(sandbox):
    who = fresh("info")
    send(sandbox, message("Counted", to=who))
    accounts = {a["Account"]: a for a in http(sandbox, "GET", "/api/v1/accounts").json()}
    folders = {f["Name"]: f for f in accounts[who]["Folders"]}
    assert folders["INBOX"]["Total"] == 9 and folders["Bills/Atlas Corp"]["Total"] >= 0
    info = http(sandbox, "GET", "/api/v1/info").json()
    assert info["Messages"] >= 9 and isinstance(info["Unread"], int) and info["Database"] == str(sandbox.store_dir)


# Mailpit API v1's ChaosTriggers: each trigger an object of ErrorCode and Probability
CHAOS_TRIGGER = {"ErrorCode": (int,), "Probability": (int,)}


def test_chaos_as_a_mailpit_client_sets_it(sandbox):
    """PUT /api/v1/chaos with Mailpit's triggers: the SMTP server then refuses as set; GET answers
    Mailpit's shape; {} turns it off again."""
    sandbox.faults.clear()
    try:
        answer = http(sandbox, "PUT", "/api/v1/chaos", {"Recipient": {"ErrorCode": 551, "Probability": 100}})
        assert answer.status == 200
        triggers = http(sandbox, "GET", "/api/v1/chaos").json()
        for name in ("Sender", "Recipient", "Authentication"):
            shaped(triggers[name], CHAOS_TRIGGER)
        assert triggers["Recipient"] == {"ErrorCode": 551, "Probability": 100}
        assert triggers["Sender"]["Probability"] == 0
        with smtps(sandbox) as s:
            s.login(fresh("chaos"), "a password")
            s.mail("a@b.c")
            assert s.rcpt(fresh("to"))[0] == 551
        assert http(sandbox, "PUT", "/api/v1/chaos", {}).status == 200
        assert http(sandbox, "GET", "/api/v1/chaos").json()["Recipient"]["Probability"] == 0
        with smtps(sandbox) as s:
            s.login(fresh("chaos"), "a password")
            s.mail("a@b.c")
            assert s.rcpt(fresh("to"))[0] == 250
    finally:
        sandbox.faults.clear()


def test_bodies_that_are_not_json_are_400(sandbox):
    """Bytes that are not UTF-8 and nesting too deep for the parser are the client's error."""
    for path, method in (("/api/v1/messages", "PUT"), ("/api/v1/messages", "DELETE"), ("/api/v1/chaos", "PUT")):
        for body in (b'{"IDs": ["\xff"]}', b"[" * 100_000 + b"]" * 100_000):
            answer = http(sandbox, method, path, body, {"Content-Type": "application/json"})
            assert answer.status == 400, (path, method, answer.status, answer.body[:200])


def test_a_page_of_another_site_cannot_make_the_browser_read_or_change_mail(sandbox):
    """What a browser sends for an <img src> or a form of another site is refused, so a GET that
    marks a message read cannot be made from elsewhere; the inbox's own pages and clients that
    are no browser are served."""
    who = fresh("xsite")
    send(sandbox, rich_message("Not read from elsewhere", who, '<p>Hi<img src="cid:logo"></p>', b"file", png(2, 2)))
    summary = next(s for s in http(sandbox, "GET", f"/api/v1/search?query=to:{who}").json()["messages"])
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                    {"Origin": "https://evil.example"}):
        assert http(sandbox, "GET", f"/api/v1/message/{summary['ID']}", headers=headers).status == 403
        assert http(sandbox, "GET", f"/message/{summary['ID']}", headers=headers).status == 403
    assert http(sandbox, "GET", f"/api/v1/search?query=to:{who}").json()["messages"][0]["Read"] is False
    mine = http(sandbox, "GET", f"/api/v1/message/{summary['ID']}", headers={"Sec-Fetch-Site": "same-origin"})
    assert mine.status == 200
    assert http(sandbox, "GET", f"/api/v1/search?query=to:{who}").json()["messages"][0]["Read"] is True
    # a part is only read: the sandboxed frame of the message's HTML (an origin of its own) loads it
    image = mine.json()["Inline"][0]["PartID"]
    part = http(sandbox, "GET", f"/api/v1/message/{summary['ID']}/part/{image}", headers={"Sec-Fetch-Site": "cross-site"})
    assert part.status == 200
