"""The transcripts' JSON routes of the sandbox's web server (`add_routes(app)`; handlers read the
sandbox from `app["sandbox"]`):

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
