"""The web inbox's pages and live updates, over HTTP and the websocket (the browser's view is in
test_web_browser.py): what the sender wrote is escaped, the HTML part is served for a sandboxed
frame under a CSP that runs no script and loads no remote image unless asked, cid: images point
at the message's own parts, the page's delete and seen/unseen go through the store (IMAP and
POP3 see them), and every change of the store reaches the page within a second."""
from __future__ import annotations

import re
import time
import urllib.parse

from sandbox_util import fresh, imaps, message, pop3s, sandbox  # noqa: F401
from web_util import Events, http, png, rich_message, send

EVIL_SUBJECT = '<script>document.title="pwned"</script>Quarterly'
EVIL_NAME = '"<img src=x onerror=alert(1)>" <mallory@evil.example>'


def newest(sb, who: str) -> dict:
    return http(sb, "GET", f"/api/v1/messages?account={urllib.parse.quote(who)}&limit=1").json()["messages"][0]


def form_token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_pages_escape_what_the_sender_wrote(sandbox):
    who = fresh("escape")
    send(sandbox, message(EVIL_SUBJECT, sender=EVIL_NAME, to=who, body="<b>not markup</b>"))
    s = newest(sandbox, who)
    for path in (f"/?account={urllib.parse.quote(who)}", f"/message/{s['ID']}", f"/row/{s['ID']}", "/?q=quarterly"):
        page = http(sandbox, "GET", path).text
        assert "<script>document.title" not in page and "<img src=x" not in page and "<b>not markup" not in page, path
        assert "&lt;script&gt;document.title" in page, path
    page = http(sandbox, "GET", f"/message/{s['ID']}").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;not markup&lt;/b&gt;" in page


def test_the_html_part_runs_no_script_and_shows_its_own_images(sandbox):
    who = fresh("html")
    image = png(4, 4)
    markup = ('<p id="x">Hi</p><script>document.getElementById("x").textContent="ran"</script>'
              '<img src="cid:logo@fourmail" alt="logo"><img src="https://tracker.example/pixel.gif">')
    send(sandbox, rich_message("With HTML", who, markup, b"attached bytes", image))
    s = newest(sandbox, who)
    page = http(sandbox, "GET", f"/message/{s['ID']}")
    frame = re.search(r"<iframe[^>]*>", page.text).group(0)
    assert re.search(r'\ssandbox(\s|>)', frame) and "allow-scripts" not in frame
    assert "Remote images are blocked" in page.text
    body = http(sandbox, "GET", f"/message/{s['ID']}/body.html")
    csp = body.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "script-src" not in csp and "default-src 'none'" in csp
    assert "http:" not in csp.split("img-src")[1].split(";")[0].replace(sandbox.inbox_url.rstrip("/"), "")
    part = re.search(r'<img src="(/api/v1/message/[^"]+/part/[^"]+)"', body.text).group(1)
    assert http(sandbox, "GET", part).body == image
    remote = http(sandbox, "GET", f"/message/{s['ID']}/body.html?remote=1").headers["Content-Security-Policy"]
    assert "https:" in remote.split("img-src")[1].split(";")[0]
    assert "Remote images are shown" in http(sandbox, "GET", f"/message/{s['ID']}?remote=1").text


def test_seen_unseen_and_delete_from_the_page_reach_imap_and_pop3(sandbox):
    who = fresh("page")
    send(sandbox, message("Act on me", to=who))
    s = newest(sandbox, who)
    assert s["Read"] is False
    page = http(sandbox, "GET", f"/message/{s['ID']}").text          # opening it marks it seen
    imap = imaps(sandbox, who)
    imap.select("INBOX")
    assert b"\\Seen" in imap.uid("FETCH", str(s["UID"]), "(FLAGS)")[1][0]
    token = form_token(page)
    seen = f"/message/{s['ID']}/seen"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert http(sandbox, "POST", seen, b"read=0", form).status == 403                    # no token: refused
    assert http(sandbox, "POST", seen, f"read=0&token={token}".encode(), form).status == 200   # 303, followed
    assert b"\\Seen" not in imap.uid("FETCH", str(s["UID"]), "(FLAGS)")[1][0]
    imap.logout()
    assert http(sandbox, "POST", f"/message/{s['ID']}/delete", f"token={token}".encode(), form).status == 200
    assert http(sandbox, "GET", f"/message/{s['ID']}").status == 404
    imap = imaps(sandbox, who)
    imap.select("INBOX")
    assert imap.uid("SEARCH", None, "SUBJECT", '"Act on me"')[1] == [b""]
    imap.logout()
    pop = pop3s(sandbox, who)
    assert not any(b"Act on me" in b"\n".join(pop.top(n, 0)[1]) for n in range(1, pop.stat()[0] + 1))
    pop.quit()


def test_every_change_of_the_store_reaches_the_page_within_a_second(sandbox):
    who = fresh("live")
    send(sandbox, message("Make the account", to=who))
    with Events(sandbox.inbox_url) as events, Events(sandbox.inbox_url, account=who, folder="INBOX") as mine, \
            Events(sandbox.inbox_url, account="someone-else@example.com") as others:
        start = time.monotonic()
        send(sandbox, message("Arrives live", to=who))                                   # SMTP delivery
        new = events.wait(lambda e: e["Type"] == "new" and e["Data"]["Subject"] == "Arrives live", timeout=1)
        assert time.monotonic() - start < 1
        assert new["Data"]["Account"] == who and new["Data"]["Folder"] == "INBOX"
        mine.wait(lambda e: e["Type"] == "new" and e["Data"]["ID"] == new["Data"]["ID"], timeout=1)
        events.wait(lambda e: e["Type"] == "stats" and e["Data"] == {"Account": who, "Folder": "INBOX", "Total": 10,
                                                                      "Unread": e["Data"]["Unread"]}, timeout=1)

        imap = imaps(sandbox, who)
        imap.select("INBOX")
        imap.uid("STORE", str(new["Data"]["UID"]), "+FLAGS", "(\\Seen \\Flagged)")          # IMAP STORE
        up = events.wait(lambda e: e["Type"] == "update" and e["Data"]["ID"] == new["Data"]["ID"], timeout=1)
        assert up["Data"]["Read"] is True and "Flagged" in up["Data"]["Flags"]
        imap.create("Projects")                                                           # a new folder
        events.wait(lambda e: e["Type"] == "folders" and e["Data"]["Account"] == who, timeout=1)
        imap.uid("COPY", str(new["Data"]["UID"]), "Projects")                             # COPY
        events.wait(lambda e: e["Type"] == "new" and e["Data"]["Folder"] == "Projects", timeout=1)
        imap.logout()

        pop = pop3s(sandbox, who)                                                         # POP3 DELE + QUIT
        n = next(n for n in range(1, pop.stat()[0] + 1) if b"Arrives live" in b"\n".join(pop.top(n, 0)[1]))
        pop.dele(n)
        pop.quit()
        events.wait(lambda e: e["Type"] == "delete" and e["Data"]["ID"] == new["Data"]["ID"], timeout=1)
    assert not [e for e in others.events if e["Type"] == "new"]          # a page of another account is not told


def test_another_site_cannot_follow_the_updates(sandbox):
    import http.client as httpclient
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    for origin, status in (("http://attacker.example", 403), (f"http://127.0.0.1:{sandbox.inbox.port}", 101),
                           (None, 101)):
        conn = httpclient.HTTPConnection(sandbox.inbox.host, sandbox.inbox.port, timeout=10)
        conn.request("GET", "/api/events", headers=upgrade | ({"Origin": origin} if origin else {}))
        assert conn.getresponse().status == status, origin
        conn.close()


def test_other_route_modules_add_header_links_and_message_sections(sandbox):
    """A module added to ROUTE_MODULES (fault injection, transcripts) puts a link in every page's
    header and a section in a message's page, through the app the sandbox serves."""
    import asyncio
    from aiohttp import ClientSession, web

    from fourmail.sandbox.web import make_app
    from fourmail.sandbox.web.inbox import esc, page
    who = fresh("hooks")
    send(sandbox, message("Hooked <in>", to=who))
    app = make_app(sandbox)

    async def section(request, s):
        return f'<section id="extra">Session of {esc(s.info.subject)}</section>'

    async def own_page(request):
        return page(request, "Transcripts", "transcripts", "<p id='own'>own page</p>", "")
    app["message_sections"].append(section)
    app["header_links"].append(("/hooked", "Hooked <all>"))
    app.router.add_get("/hooked", own_page)

    async def main():
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with ClientSession() as http_session:
                s = newest(sandbox, who)
                async with http_session.get(f"http://127.0.0.1:{port}/message/{s['ID']}") as r:
                    text = await r.text()
                async with http_session.get(f"http://127.0.0.1:{port}/hooked") as r:
                    own = await r.text()
                    csp = r.headers["Content-Security-Policy"]
            return text, own, csp
        finally:
            await runner.cleanup()
    text, own, csp = asyncio.run(main())
    assert '<section id="extra">Session of Hooked &lt;in&gt;</section>' in text
    assert '<a href="/hooked">Hooked &lt;all&gt;</a>' in text and "<p id='own'>own page</p>" in own
    assert "script-src 'self'" in csp
