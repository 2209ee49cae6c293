"""Mailpit's chaos API on the sandbox's web server, and a page to set faults by hand.

    GET  /api/v1/chaos   the faults now set, in Mailpit's ChaosTriggers shape:
                         {"Sender": {"ErrorCode": 451, "Probability": 0}, "Recipient": {...},
                          "Authentication": {...}, "Faults": ["imap:fetch=drop", ...]}
    PUT  /api/v1/chaos   sets them all (a trigger left out is off; `{}` turns every fault off) and
                         answers as GET; a bad trigger or spec is 400 with the reason as plain text,
                         as Mailpit answers
    GET  /chaos          the page: the faults as specs, one a line, in a form that sets them
    POST /chaos          the form (its `faults` field; `expire` expires the OAuth tokens now)

`Sender`, `Recipient` and `Authentication` are Mailpit's (SMTP MAIL, RCPT and AUTH, Probability
0-100); `Faults` holds every other fault in the sandbox's readable form (sandbox/faults.py), so a
Mailpit client sees and sets what it knows, and a GET sent back by PUT changes nothing.
Handlers find the Sandbox in `app["sandbox"]` and the page's form token in `app["form_token"]`
(web/__init__.py's contract); every page of the inbox links to this one.
"""
from __future__ import annotations

import html

from aiohttp import web

from . import read_json
from ..faults import CHAOS_PATH, FaultError, from_mailpit, parse, to_mailpit

PAGE_PATH = "/chaos"
_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"


def add_routes(app: web.Application) -> None:
    app.router.add_get(CHAOS_PATH, get_chaos)
    app.router.add_put(CHAOS_PATH, put_chaos)
    app.router.add_get(PAGE_PATH, page)
    app.router.add_post(PAGE_PATH, set_from_page)
    app["header_links"].append((PAGE_PATH, "Faults"))


def _answer(sandbox) -> web.Response:
    return web.json_response(to_mailpit(sandbox.faults.faults))


async def get_chaos(request: web.Request) -> web.Response:
    return _answer(request.app["sandbox"])


async def put_chaos(request: web.Request) -> web.Response:
    try:
        body = await read_json(request)
        faults = from_mailpit({} if body is None else body)
    except (ValueError, FaultError) as e:
        return web.Response(status=400, text=f"{e}\n")
    sandbox = request.app["sandbox"]
    sandbox.faults.set(faults)
    return _answer(sandbox)


async def page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    sandbox = request.app["sandbox"]
    specs = "\n".join(sandbox.faults.specs())
    token = request.app["form_token"]
    body = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Faults - fourmail sandbox</title></head>
<body style="font-family: sans-serif; max-width: 50em; margin: 2em auto">
<h1>Faults on purpose</h1>
<p>One fault a line, e.g. <code>smtp:rcpt=550</code>, <code>smtp:auth=535:p=0.5</code>,
<code>imap:fetch=drop</code>, <code>pop3:retr=delay:35</code>, <code>smtp:mail=421:once</code>,
<code>oauth:expire</code> (options: <code>once</code>, <code>times=N</code>, <code>p=0.5</code>,
<code>user=ACCOUNT</code>, <code>text=TEXT</code>).</p>
{f'<p role="alert"><strong>{html.escape(message)}</strong></p>' if message else ''}
<form method="post" action="{PAGE_PATH}">
<input type="hidden" name="token" value="{html.escape(token)}">
<textarea name="faults" rows="8" cols="60" spellcheck="false">{html.escape(specs)}</textarea>
<p><button type="submit" name="action" value="set">Set these faults</button>
<button type="submit" name="action" value="clear">No faults</button>
<button type="submit" name="action" value="expire">Expire the OAuth tokens now</button></p>
</form>
</body></html>
"""
    response = web.Response(status=status, text=body, content_type="text/html")
    response.headers["Content-Security-Policy"] = _PAGE_CSP
    return response


async def set_from_page(request: web.Request) -> web.Response:
    form = await request.post()
    if form.get("token") != request.app["form_token"]:        # a form from another page
        return web.Response(status=403, text="This form comes from elsewhere.\n")
    sandbox = request.app["sandbox"]
    action = form.get("action", "set")
    if action == "expire":
        sandbox.faults.add([parse("oauth:expire:once")])
        return await page(request, "The OAuth 2.0 tokens issued so far have expired.")
    lines = [] if action == "clear" else [line.strip() for line in str(form.get("faults", "")).splitlines()]
    try:
        faults = [parse(line) for line in lines if line]
    except FaultError as e:
        return await page(request, str(e), status=400)
    sandbox.faults.set(faults)
    raise web.HTTPSeeOther(PAGE_PATH)
