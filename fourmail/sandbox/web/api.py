"""A REST API compatible with Mailpit's (its API v1, swagger "Mailpit API"), for the parts that
make sense for the sandbox, so that tools and test code written for Mailpit work against it:

    GET    /api/v1/messages?start=&limit=        MessagesSummary: total, unread, count,
                                                 messages_count, messages_unread, start, tags,
                                                 messages (MessageSummary: ID, MessageID, Read,
                                                 From, To, Cc, Bcc, ReplyTo, Subject, Created,
                                                 Tags, Size, Attachments, Snippet)
    PUT    /api/v1/messages   {"IDs": [...], "Read": true}    no IDs: every message
    DELETE /api/v1/messages   {"IDs": [...]}                  no IDs: every message
    GET    /api/v1/message/{ID}                  Message (Text, HTML, Attachments, Inline,
                                                 Headers...); marks it read, as Mailpit does
    GET    /api/v1/message/{ID}/headers          {name: [values]}
    GET    /api/v1/message/{ID}/raw              the source (as IMAP serves it)
    GET    /api/v1/message/{ID}/part/{PartID}    an attachment's (or body part's) exact content
    GET    /api/v1/search?query=&start=&limit=   Mailpit's search syntax (messages.parse_query)
    DELETE /api/v1/search?query=
    GET    /api/v1/info                          Version, Database, Messages, Unread, Tags
    GET    /view/{ID}.html, /view/{ID}.txt       the HTML part (no script runs), the text part (inbox.py)

{ID} may be "latest". What Mailpit cannot have: every summary and message also says its
`Account`, `Folder`, `UID` and `Flags` (IMAP's); /messages and /search take `account=` and
`folder=`, the search `account:` and `folder:`; GET /api/v1/accounts lists accounts and folders.
An error is Mailpit's: status 400 (404 for a message that is not there) with a line of text.
"""
from __future__ import annotations

import asyncio
import hashlib
import re

from aiohttp import web

from . import read_json
from .messages import NotFound, Summary, body_parts, iso

DEFAULT_LIMIT = 50                    # Mailpit's


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/messages", list_messages)
    app.router.add_put("/api/v1/messages", set_read)
    app.router.add_delete("/api/v1/messages", delete_messages)
    app.router.add_get("/api/v1/message/{id}", get_message)
    app.router.add_get("/api/v1/message/{id}/headers", get_headers)
    app.router.add_get("/api/v1/message/{id}/raw", get_raw)
    app.router.add_get("/api/v1/message/{id}/part/{part}", get_part)
    app.router.add_get("/api/v1/search", search)
    app.router.add_delete("/api/v1/search", delete_search)
    app.router.add_get("/api/v1/info", info)
    app.router.add_get("/api/v1/accounts", accounts)


# ---------------------------------------------------------------- shapes
def address(a: dict | None) -> dict | None:
    if a is None:
        return None
    return {"Name": a.get("name") or "", "Address": a.get("email") or ""}


def summary_json(s: Summary) -> dict:
    """Mailpit's MessageSummary, and where the message is."""
    i = s.info
    return {"ID": s.id, "MessageID": i.message_id, "Read": s.read, "From": address(i.sender),
            "To": [address(a) for a in i.to], "Cc": [address(a) for a in i.cc],
            "Bcc": [address(a) for a in i.bcc], "ReplyTo": [address(a) for a in i.reply_to],
            "Subject": i.subject, "Created": iso(s.created), "Tags": list(s.keywords), "Size": s.size,
            "Attachments": i.attachments, "Snippet": i.snippet,
            "Account": s.account, "Folder": s.folder, "UID": s.uid, "Flags": s.flag_names}


def attachment_json(a) -> dict:
    data = a.content(None)
    return {"PartID": a.part_id, "FileName": a.name or "", "ContentType": a.type, "ContentID": a.cid or "",
            "Size": len(data), "Checksums": {"MD5": hashlib.md5(data).hexdigest(),
                                             "SHA1": hashlib.sha1(data).hexdigest(),
                                             "SHA256": hashlib.sha256(data).hexdigest()}}


def message_json(s: Summary, mail: dict) -> dict:
    """Mailpit's Message, and where the message is."""
    text, markup = body_parts(mail)
    atts = mail.get("attachments") or []
    return_path = next((h["value"] for h in mail.get("headers", []) if h["name"].lower() == "return-path"), "")
    return {"ID": s.id, "MessageID": s.info.message_id, "From": address(s.info.sender),
            "To": [address(a) for a in s.info.to], "Cc": [address(a) for a in s.info.cc],
            "Bcc": [address(a) for a in s.info.bcc], "ReplyTo": [address(a) for a in s.info.reply_to],
            "ReturnPath": return_path.strip().strip("<>"), "Subject": s.info.subject,
            "Date": s.info.sent_at or iso(s.created), "Created": iso(s.created), "Tags": list(s.keywords),
            "Text": text, "HTML": markup, "Size": s.size,
            "Inline": [attachment_json(a) for a in atts if a.disposition == "inline"],
            "Attachments": [attachment_json(a) for a in atts if a.disposition != "inline"],
            "Read": s.read, "Account": s.account, "Folder": s.folder, "UID": s.uid, "Flags": s.flag_names}


def _bad(text: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=text + "\n")


def _page(request) -> tuple[int, int]:
    try:
        start = int(request.query.get("start") or 0)
        limit = int(request.query.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        raise _bad("start and limit must be numbers") from None
    if start < 0 or limit < 0:
        raise _bad("start and limit must not be negative")
    return start, limit


def _scope(request) -> dict:
    return {"account": request.query.get("account") or None, "folder": request.query.get("folder") or None}


async def _summaries_json(request, found: list[Summary], everything: list[Summary] | None = None) -> web.Response:
    """Mailpit's MessagesSummary of `found`: total and unread count every message."""
    start, limit = _page(request)
    if everything is None:
        everything = await asyncio.to_thread(request.app["messages"].summaries)
    page = found[start:start + limit] if limit else found[start:]
    tags = sorted({t for s in everything for t in s.keywords})
    return web.json_response({
        "total": len(everything), "unread": sum(1 for s in everything if not s.read),
        "count": len(page), "messages_count": len(found), "messages_unread": sum(1 for s in found if not s.read),
        "start": start, "tags": tags, "messages": [summary_json(s) for s in page]})


async def _json_body(request) -> dict:
    if not request.can_read_body:
        return {}
    try:
        body = await read_json(request)
    except ValueError as e:
        raise _bad(str(e)) from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    return body


async def _chosen(request, body: dict, scope: dict) -> list[Summary]:
    """The messages a body's IDs name, or (no IDs) every message in scope."""
    model = request.app["messages"]
    ids = body.get("IDs")
    if ids is None or ids == []:
        return await asyncio.to_thread(model.summaries, scope["account"], scope["folder"])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _bad("IDs must be an array of message IDs")
    found = []
    for i in ids:
        try:
            found.append(await asyncio.to_thread(model.get, i))
        except NotFound:
            raise _bad(f"no message with ID {i}") from None
    return found


# ---------------------------------------------------------------- handlers
async def list_messages(request) -> web.Response:
    scope = _scope(request)
    found = await asyncio.to_thread(request.app["messages"].summaries, scope["account"], scope["folder"])
    return await _summaries_json(request, found, None if scope["account"] or scope["folder"] else found)


async def search(request) -> web.Response:
    query = request.query.get("query", "")
    if not query.strip():
        raise _bad("Error: search query missing")
    scope = _scope(request)
    found = await asyncio.to_thread(request.app["messages"].search, query, scope["account"], scope["folder"])
    return await _summaries_json(request, found)


async def delete_search(request) -> web.Response:
    query = request.query.get("query", "")
    if not query.strip():
        raise _bad("Error: search query missing")
    scope = _scope(request)
    found = await asyncio.to_thread(request.app["messages"].search, query, scope["account"], scope["folder"])
    await request.app["messages"].delete(found)
    return web.Response(text="ok")


async def set_read(request) -> web.Response:
    body = await _json_body(request)
    read = body.get("Read", False)
    if not isinstance(read, bool):
        raise _bad("Read must be true or false")
    chosen = await _chosen(request, body, _scope(request))
    await request.app["messages"].set_read(chosen, read)
    return web.Response(text="ok")


async def delete_messages(request) -> web.Response:
    body = await _json_body(request)
    chosen = await _chosen(request, body, _scope(request))
    await request.app["messages"].delete(chosen)
    return web.Response(text="ok")


async def _message(request) -> Summary:
    return await asyncio.to_thread(request.app["messages"].get, request.match_info["id"])


async def get_message(request) -> web.Response:
    model = request.app["messages"]
    s = await _message(request)
    mail = await asyncio.to_thread(model.email, s)
    body = await asyncio.to_thread(message_json, s, mail)
    if not s.read:
        await model.set_read([s], True)
        body["Read"] = True
        body["Flags"] = ["Seen"] + [f for f in body["Flags"] if f != "Seen"]
    return web.json_response(body)


async def get_headers(request) -> web.Response:
    model = request.app["messages"]
    mail = await asyncio.to_thread(model.email, await _message(request))
    headers: dict[str, list[str]] = {}
    for h in mail.get("headers", []):
        headers.setdefault(h["name"], []).append(h["value"])
    return web.json_response(dict(sorted(headers.items())))


async def get_raw(request) -> web.Response:
    s = await _message(request)
    data = await asyncio.to_thread(request.app["messages"].raw, s)
    response = web.Response(body=data, content_type="text/plain", charset="utf-8")
    if request.query.get("dl"):
        response.headers["Content-Disposition"] = f'attachment; filename="{s.id}.eml"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


async def get_part(request) -> web.Response:
    model = request.app["messages"]
    s = await _message(request)
    part = await asyncio.to_thread(model.part, s, request.match_info["part"])
    content_type = part.content_type if re.fullmatch(r"[\w.+-]+/[\w.+-]+(;.*)?", part.content_type) \
        else "application/octet-stream"
    response = web.Response(body=part.data, headers={"Content-Type": content_type})
    kind = "attachment" if request.query.get("download") else "inline"
    response.headers["Content-Disposition"] = disposition(kind, part.filename)
    # An attachment is the sender's content: whatever its type, it runs nothing on this origin.
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return response


def disposition(kind: str, filename: str | None) -> str:
    if not filename:
        return kind
    from urllib.parse import quote
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def info(request) -> web.Response:
    from importlib.metadata import PackageNotFoundError, version as package_version
    try:
        version = package_version("fourmail")
    except PackageNotFoundError:
        version = "dev"
    found = await asyncio.to_thread(request.app["messages"].summaries)
    return web.json_response({"Version": version, "LatestVersion": "",
                              "Database": str(request.app["messages"].store.root),
                              "DatabaseSize": sum(s.size for s in found), "Messages": len(found),
                              "Unread": sum(1 for s in found if not s.read), "Tags": {}})


async def accounts(request) -> web.Response:
    found = await asyncio.to_thread(request.app["messages"].with_counts)
    return web.json_response([{"Account": a.name, "Folders": [{"Name": f.name, "Total": f.total, "Unread": f.unread}
                                                              for f in a.folders]} for a in found])
