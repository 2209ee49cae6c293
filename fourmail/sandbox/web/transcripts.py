"""The transcripts in the sandbox's web server (`add_routes(app)`; handlers read the sandbox from
`app["sandbox"]`). Pages, in the inbox's layout:

    GET /transcripts[?account=A]                      the sessions, newest first
    GET /transcript/{id}                              one session's dialogue

and on each message's page, the sessions that produced the message. JSON:

    GET /api/v1/transcripts[?account=A][&message=M][&folder=F&uid=N]
                                                      the sessions, newest first: {total, transcripts}
    GET /api/v1/transcript/{id}                       one session: its summary and its text
    GET /api/v1/transcript/{id}/raw                   its text, text/plain

`account` keeps the sessions that signed in as the account or delivered mail to it; `message`
those that produced the message (its Message-ID, with or without <>, or its file name; or
message N of the account's folder F). The
singular/plural and /raw follow Mailpit's /api/v1/messages and /api/v1/message/{ID}/raw.
"""
from __future__ import annotations

import asyncio

from aiohttp import web


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/transcripts", list_transcripts)
    app.router.add_get("/api/v1/transcript/{id}", get_transcript)
    app.router.add_get("/api/v1/transcript/{id}/raw", get_transcript_raw)
    app.router.add_get("/transcripts", transcripts_page)
    app.router.add_get("/transcript/{id}", transcript_page)
    app["header_links"].append(("/transcripts", "Session transcripts"))
    app["message_sections"].append(message_section)


async def _off_loop(fn, *args):
    # reading transcript files is disk work: not on the loop the servers answer on
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def list_transcripts(request: web.Request) -> web.Response:
    transcripts = request.app["sandbox"].transcripts
    uid = request.query.get("uid", "")
    if uid and not uid.isdigit():
        return web.json_response({"error": "uid is a number"}, status=400)
    found = await _off_loop(lambda: transcripts.list(account=request.query.get("account") or None,
                                                     message=request.query.get("message") or None,
                                                     folder=request.query.get("folder") or None,
                                                     uid=int(uid) if uid else None))
    return web.json_response({"total": len(found), "transcripts": [t.to_json() for t in reversed(found)]})


def _not_found(tid: str) -> web.Response:
    return web.json_response({"error": f"no transcript {tid!r}"}, status=404)


async def get_transcript(request: web.Request) -> web.Response:
    transcripts, tid = request.app["sandbox"].transcripts, request.match_info["id"]
    info, text = await _off_loop(lambda: (transcripts.info(tid), transcripts.get(tid)))
    if info is None or text is None:
        return _not_found(tid)
    return web.json_response({**info.to_json(), "text": text})


async def get_transcript_raw(request: web.Request) -> web.Response:
    transcripts, tid = request.app["sandbox"].transcripts, request.match_info["id"]
    text = await _off_loop(transcripts.get, tid)
    if text is None:
        return _not_found(tid)
    return web.Response(text=text, content_type="text/plain", charset="utf-8")


# ---------------------------------------------------------------- pages
def _rows(found) -> str:
    from .inbox import esc
    rows = []
    for t in found:
        made = ", ".join(f"{m.account} {m.folder} #{m.uid}" for m in t.messages)
        rows.append(f'<tr><td><a href="/transcript/{esc(t.id)}">{esc(t.start[:19].replace("T", " "))}</a></td>'
                    f"<td>{esc(t.protocol)} ({esc(t.listener)})</td><td>{esc(t.user)}</td><td>{esc(t.client)}</td>"
                    f"<td>{esc(t.ended or 'open')}</td><td>{esc(made)}</td></tr>")
    return ('<table class="transcripts"><tr><th>started (UTC)</th><th>protocol</th><th>user</th><th>client</th>'
            f'<th>ended</th><th>messages stored</th></tr>{"".join(rows)}</table>')


async def _nav(request) -> str:
    from .inbox import nav_html
    accounts = await asyncio.to_thread(request.app["messages"].with_counts)
    return nav_html(accounts, None, None)


async def transcripts_page(request: web.Request) -> web.Response:
    from .inbox import esc, page
    account = request.query.get("account") or None
    found = await _off_loop(lambda: request.app["sandbox"].transcripts.list(account=account))
    title = "Session transcripts" + (f" of {account}" if account else "")
    main = (f"<h1>{esc(title)}</h1><p>Every SMTP, IMAP and POP3 session as the server saw it, passwords and "
            f"tokens redacted. {len(found)} kept.</p>" + _rows(list(reversed(found))))
    return page(request, title, "transcripts", main, await _nav(request))


async def transcript_page(request: web.Request) -> web.Response:
    from .inbox import esc, page
    transcripts, tid = request.app["sandbox"].transcripts, request.match_info["id"]
    info, text = await _off_loop(lambda: (transcripts.info(tid), transcripts.get(tid)))
    if info is None or text is None:
        raise web.HTTPNotFound(text=f"No transcript {tid!r}.\n")
    main = (f"<h1>{esc(info.protocol)} session of {esc(info.user or 'nobody signed in')}</h1>"
            f'<p><a href="/api/v1/transcript/{esc(tid)}/raw">as text</a></p><pre class="transcript">{esc(text)}</pre>')
    return page(request, f"{info.protocol} session {tid}", "transcript", main, await _nav(request))


async def message_section(request: web.Request, summary) -> str:
    """On a message's page: the sessions that stored it (an SMTP delivery, an IMAP APPEND)."""
    found = await _off_loop(lambda: request.app["sandbox"].transcripts.list(
        account=summary.account, folder=summary.folder, uid=summary.uid))
    if not found:
        return ('<section class="transcripts"><h2>Sessions</h2><p>No transcript of the session that stored this '
                "message is kept.</p></section>")
    return f'<section class="transcripts"><h2>Sessions that stored it</h2>{_rows(found)}</section>'
