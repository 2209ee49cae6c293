"""The web inbox's pages: plain server-rendered HTML (templates/page.html) with a little
JavaScript (static/inbox.js: live updates only; every page works without it).

    /                          the messages of every account, newest first
    /?account=A&folder=F&q=Q   one account, one folder, a search (Mailpit's syntax)
    /message/{ID}              a message: its HTML (in a sandboxed frame), text, attachments and
                               inline images, headers, MIME tree (bodyStructure as 4D gives it),
                               raw source; opening it marks it seen, as a mail client does
    /message/{ID}/body.html    the HTML part alone, for that frame: no script runs (the frame's
                               sandbox and the answer's CSP both forbid it), images only from the
                               message's own parts (cid:) unless ?remote=1 asks for remote ones
    /view/{ID}.html, .txt      the same HTML, and the text part, under Mailpit's names
    POST /message/{ID}/delete  /message/{ID}/seen (read=1|0): through the store the servers use
    /row/{ID}, /nav            pieces of a page, for the live updates

Every value shown is escaped (subjects, names and headers are the sender's text); the pages
carry a CSP that lets only the inbox's own script, style, frames and websocket in.
"""
from __future__ import annotations

import asyncio
import html
import json
import re
import string
from importlib import resources
from urllib.parse import quote, unquote, urlencode

from aiohttp import web

from . import origin
from .messages import Account, NotFound, Summary, body_parts, iso

LIST_ROWS = 500                 # rows a list shows; a search narrows the rest
RAW_SHOWN = 1024 * 1024         # bytes of source shown in the page (the raw link has it all)
_STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", list_page)
    app.router.add_get("/message/{id}", message_page)
    app.router.add_get("/message/{id}/body.html", message_html)
    app.router.add_get(r"/view/{id:[A-Za-z0-9_-]+}.html", message_html)      # Mailpit's names for them
    app.router.add_get(r"/view/{id:[A-Za-z0-9_-]+}.txt", message_text)
    app.router.add_post("/message/{id}/delete", delete)
    app.router.add_post("/message/{id}/seen", seen)
    app.router.add_get("/row/{id}", row)
    app.router.add_get("/nav", nav)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/favicon.ico", no_icon)


# ---------------------------------------------------------------- helpers
def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _template(name: str) -> string.Template:
    return string.Template(resources.files(__package__).joinpath("templates", name).read_text("utf-8"))


def page_csp(request) -> str:
    ws = "ws://" + request.host
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src 'self' {ws}; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def page(request, title: str, view: str, main: str, nav_html: str, account="", folder="", query="",
          id="") -> web.Response:
    links = " ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in request.app["header_links"])
    text = _template("page.html").substitute(title=esc(title), view=esc(view), account=esc(account),
                                             folder=esc(folder), query=esc(query), id=esc(id), nav=nav_html, main=main,
                                             links=links)
    response = web.Response(text=text, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = page_csp(request)
    return response


def size_text(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def date_text(ts: float) -> str:
    return iso(ts)[:19].replace("T", " ")


def _who(a: dict | None) -> str:
    if not a:
        return ""
    name, email = a.get("name"), a.get("email") or ""
    return f"{name} <{email}>" if name else email


def _list_url(account=None, folder=None, q=None) -> str:
    params = {k: v for k, v in (("account", account), ("folder", folder), ("q", q)) if v}
    return "/" + ("?" + urlencode(params) if params else "")


def _form(request, action: str, fields: dict, label: str, css: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in fields.items())
    return (f'<form method="post" action="{esc(action)}" class="inline {css}">'
            f'<input type="hidden" name="token" value="{esc(request.app["form_token"])}">{hidden}'
            f'<button type="submit">{esc(label)}</button></form>')


async def _checked_form(request) -> dict:
    form = await request.post()
    if form.get("token") != request.app["form_token"]:
        raise web.HTTPForbidden(text="This form did not come from the inbox's own page.\n")
    return form


# ---------------------------------------------------------------- the accounts and folders
def nav_html(accounts: list[Account], account: str | None, folder: str | None) -> str:
    out = [f'<a class="all{" current" if not account else ""}" href="/">All mail</a>']
    for a in accounts:
        out.append(f'<section class="account"><h2 title="{esc(a.name)}">{esc(a.name)}</h2><ul>')
        for f in a.folders:
            current = " current" if a.name == account and f.name == folder else ""
            key = esc(json.dumps([a.name, f.name], ensure_ascii=False, separators=(",", ":")))   # as JSON.stringify
            out.append(f'<li><a class="folder{current}" href="{esc(_list_url(a.name, f.name))}">{esc(f.name)}</a> '
                       f'<span class="count" data-folder="{key}">{f.unread}/{f.total}</span></li>')
        out.append("</ul></section>")
    if not accounts:
        out.append('<p class="empty">No account yet: the first login or delivery makes one.</p>')
    return "\n".join(out)


async def nav(request) -> web.Response:
    accounts = await asyncio.to_thread(request.app["messages"].with_counts)
    return web.Response(text=nav_html(accounts, request.query.get("account"), request.query.get("folder")),
                        content_type="text/html", charset="utf-8")


# ---------------------------------------------------------------- the message list
def row_html(s: Summary, where: bool) -> str:
    i = s.info
    flags = "".join(f'<span class="flag {esc(f.lower())}" title="{esc(f)}"></span>' for f in s.flag_names)
    clip = (f'<span class="clip">{i.attachments} file{"s" if i.attachments > 1 else ""}</span>'
            if i.attachments else "")
    place = f'<td class="where">{esc(s.account)} · {esc(s.folder)}</td>' if where else ""
    return (f'<tr data-id="{esc(s.id)}" class="{"read" if s.read else "unread"}">'
            f'<td class="flags">{flags}</td>'
            f'<td class="from">{esc(_who(i.sender))}</td>'
            f'<td class="subject"><a href="/message/{esc(quote(s.id))}">{esc(i.subject) or "(no subject)"}</a>'
            f' <span class="snippet">{esc(i.snippet[:120])}</span></td>'
            f'<td class="attachments">{clip}</td>{place}'
            f'<td class="date">{esc(date_text(s.created))}</td>'
            f'<td class="size">{esc(size_text(s.size))}</td></tr>')


async def list_page(request) -> web.Response:
    model = request.app["messages"]
    account = request.query.get("account") or None
    folder = request.query.get("folder") or None
    q = request.query.get("q", "")
    if q.strip():
        found = await asyncio.to_thread(model.search, q, account, folder)
    else:
        found = await asyncio.to_thread(model.summaries, account, folder)
    accounts = await asyncio.to_thread(model.with_counts)
    where = account is None or folder is None
    heading = f"{account} · {folder}" if account and folder else account or "All mail"
    rows = "\n".join(row_html(s, where) for s in found[:LIST_ROWS])
    more = (f'<p class="more">{len(found) - LIST_ROWS} older messages not shown: search to narrow the list.</p>'
            if len(found) > LIST_ROWS else "")
    main = (f'<h1>{esc(heading)}{(" · search: " + esc(q)) if q.strip() else ""}</h1>'
            f'<p class="summary"><span id="count">{len(found)}</span> messages</p>'
            '<table id="messages"><thead><tr><th class="flags">Flags</th><th>From</th><th>Subject</th>'
            f'<th class="attachments">Att.</th>{"<th>Where</th>" if where else ""}<th>Received (UTC)</th>'
            f'<th>Size</th></tr></thead><tbody>{rows}</tbody></table>{more}')
    return page(request, heading, "list", main, nav_html(accounts, account, folder), account or "", folder or "", q)


async def row(request) -> web.Response:
    s = await asyncio.to_thread(request.app["messages"].get, request.match_info["id"])
    where = not (request.query.get("account") and request.query.get("folder"))
    return web.Response(text=row_html(s, where), content_type="text/html", charset="utf-8")


# ---------------------------------------------------------------- one message
_REMOTE = re.compile(r"""(?:\bsrc|\bbackground|\bposter)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)


def mime_tree(node: dict, base: str) -> str:
    """bodyStructure as 4D gives it, as nested lists; each leaf downloadable."""
    bits = [f"<code>{esc(node.get('type'))}</code>"]
    for key in ("partID", "charset", "disposition", "encoding", "location"):
        if node.get(key):
            bits.append(f'<span class="k">{key}</span> {esc(node[key])}')
    if "subParts" in node:
        subs = "".join(f"<li>{mime_tree(sub, base)}</li>" for sub in node["subParts"])
        return " ".join(bits) + f"<ul>{subs}</ul>"
    if node.get("partID"):
        bits.append(f'<a href="{base}/part/{esc(quote(node["partID"]))}?download=1" download>download</a>')
    return " ".join(bits)


async def message_page(request) -> web.Response:
    model = request.app["messages"]
    s = await asyncio.to_thread(model.get, request.match_info["id"])
    if not s.read:
        await model.set_read([s], True)
        s = await asyncio.to_thread(model.get, s.id)
    mail = await asyncio.to_thread(model.email, s)
    raw = await asyncio.to_thread(model.raw, s)
    accounts = await asyncio.to_thread(model.with_counts)
    text, markup = body_parts(mail)
    i = s.info
    api = f"/api/v1/message/{quote(s.id)}"
    remote = request.query.get("remote") == "1"
    out = [f'<h1>{esc(i.subject) or "(no subject)"}</h1>', '<dl class="envelope">']
    for label, value in (("From", _who(i.sender)), ("To", ", ".join(_who(a) for a in i.to)),
                         ("Cc", ", ".join(_who(a) for a in i.cc)), ("Bcc", ", ".join(_who(a) for a in i.bcc)),
                         ("Date", i.sent_at or ""), ("Received", date_text(s.created) + " UTC"),
                         ("Mailbox", f"{s.account} · {s.folder} · UID {s.uid}"),
                         ("Flags", " ".join(s.flag_names) or "(none)"), ("Size", size_text(s.size))):
        if value:
            out.append(f"<dt>{label}</dt><dd>{esc(value)}</dd>")
    out.append("</dl>")
    back = _list_url(s.account, s.folder)
    out.append('<div class="actions">'
               + (_form(request, f"/message/{quote(s.id)}/seen", {"read": "0"}, "Mark unseen")
                  if s.read else _form(request, f"/message/{quote(s.id)}/seen", {"read": "1"}, "Mark seen"))
               + _form(request, f"/message/{quote(s.id)}/delete", {}, "Delete", "danger")
               + f'<a href="{esc(api)}/raw">Raw</a> <a href="{esc(api)}/raw?dl=1" download>Download .eml</a>'
               + f' <a href="{esc(back)}">Back to {esc(s.folder)}</a></div>')
    out.append('<p class="gone" hidden>This message was deleted or moved.</p>')
    if markup:
        src = f"/message/{quote(s.id)}/body.html" + ("?remote=1" if remote else "")
        note = ""
        if _REMOTE.search(markup):
            note = ('<p class="remote">Remote images are shown.</p>' if remote else
                    f'<p class="remote">Remote images are blocked. <a href="/message/{esc(quote(s.id))}?remote=1">'
                    'Load remote images</a></p>')
        out.append(f'<section class="html"><h2>HTML</h2>{note}'
                   f'<iframe id="html-body" title="The message\'s HTML" sandbox src="{esc(src)}"></iframe></section>')
    if text or not markup:
        out.append(f'<section class="text"><h2>Text</h2><pre id="text-body">{esc(text)}</pre></section>')
    atts = mail.get("attachments") or []
    if atts:
        items = "".join(
            f'<li><a href="{esc(api)}/part/{esc(quote(a.part_id))}?download=1" download="{esc(a.name or a.part_id)}">'
            f'{esc(a.name or a.part_id)}</a> <code>{esc(a.type)}</code> {esc(a.disposition)}'
            f'{(" cid:" + esc(a.cid)) if a.cid else ""}</li>' for a in atts)
        out.append(f'<section class="attachments"><h2>Attachments and inline parts</h2><ul>{items}</ul></section>')
    headers = "".join(f"<tr><th>{esc(h['name'])}</th><td>{esc(h['value'])}</td></tr>" for h in mail.get("headers", []))
    out.append(f'<details class="headers"><summary>Headers</summary><table>{headers}</table></details>')
    structure = mail.get("bodyStructure", {})
    out.append('<details class="mime" open><summary>MIME tree (<code>bodyStructure</code>, as 4D reads it)</summary>'
               f'<ul class="tree"><li>{mime_tree(structure, esc(api))}</li></ul>'
               f'<details><summary>bodyStructure as JSON</summary><pre>{esc(json.dumps(structure, indent=2, ensure_ascii=False))}</pre></details>'
               '</details>')
    shown = raw[:RAW_SHOWN].decode("utf-8", "replace")
    cut = f'<p>The first {RAW_SHOWN} bytes; <a href="{esc(api)}/raw">the whole source</a>.</p>' if len(raw) > RAW_SHOWN else ""
    out.append(f'<details class="raw"><summary>Raw source</summary>{cut}<pre id="raw">{esc(shown)}</pre></details>')
    for section in request.app["message_sections"]:
        out.append(await section(request, s))
    return page(request, i.subject or "(no subject)", "message", "\n".join(out),
                 nav_html(accounts, s.account, s.folder), s.account, s.folder, "", s.id)


def _with_parts(markup: str, s: Summary, mail: dict) -> str:
    """cid: references to the message's own inline parts point at those parts."""
    cids = {a.cid: a.part_id for a in mail.get("attachments") or [] if a.cid}
    base = f"/api/v1/message/{quote(s.id)}/part/"

    def swap(m: re.Match) -> str:
        cid = html.unescape(m.group(1))
        part = cids.get(cid) or cids.get(unquote(cid))
        return base + quote(part) if part else m.group(0)
    return re.sub(r"cid:([^\"'\s>)]+)", swap, markup, flags=re.I)


async def message_html(request) -> web.Response:
    model = request.app["messages"]
    s = await asyncio.to_thread(model.get, request.match_info["id"])
    mail = await asyncio.to_thread(model.email, s)
    _, markup = body_parts(mail)
    if not markup:
        raise NotFound(s.id)
    here = origin(request)
    images = f"{here} data:" + (" http: https:" if request.query.get("remote") == "1" else "")
    response = web.Response(text=_with_parts(markup, s, mail), content_type="text/html", charset="utf-8")
    # No script, no form, no plugin, no remote style or font; frames only in the inbox's page.
    response.headers["Content-Security-Policy"] = (
        f"sandbox; default-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src data:; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {here}")
    return response


async def message_text(request) -> web.Response:
    model = request.app["messages"]
    s = await asyncio.to_thread(model.get, request.match_info["id"])
    text, _ = body_parts(await asyncio.to_thread(model.email, s))
    if not text:
        raise NotFound(s.id)
    return web.Response(text=text, content_type="text/plain", charset="utf-8")


async def delete(request) -> web.Response:
    await _checked_form(request)
    model = request.app["messages"]
    s = await asyncio.to_thread(model.get, request.match_info["id"])
    await model.delete([s])
    raise web.HTTPSeeOther(_list_url(s.account, s.folder))


async def seen(request) -> web.Response:
    form = await _checked_form(request)
    model = request.app["messages"]
    s = await asyncio.to_thread(model.get, request.match_info["id"])
    read = form.get("read") == "1"
    await model.set_read([s], read)
    # back to the list after "unseen": opening the message again would mark it seen
    raise web.HTTPSeeOther(f"/message/{quote(s.id)}" if read else _list_url(s.account, s.folder))


async def no_icon(request) -> web.Response:
    return web.Response(status=204)            # none: no 404 in the browser's console


async def static(request) -> web.Response:
    name = request.match_info["name"]
    kind = _STATIC_TYPES.get(name[name.rfind("."):]) if "." in name else None
    if kind is None or "/" in name or name.startswith("."):
        raise NotFound(name)
    try:
        text = resources.files(__package__).joinpath("static", name).read_text("utf-8")
    except FileNotFoundError:
        raise NotFound(name) from None
    return web.Response(text=text, content_type=kind, charset="utf-8")

