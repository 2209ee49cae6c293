"""The sandbox's web inbox and its Mailpit-compatible REST API: one aiohttp application, served
over plain HTTP on 127.0.0.1 by the sandbox's HTTPS loop (server.py, INBOX_LISTENER).

Each module of ROUTE_MODULES adds its routes with `add_routes(app)`; its handlers find the
Sandbox in `app["sandbox"]` and the store's messages in `app["messages"]` (messages.Messages).
A module that needs to start or stop something uses app.on_startup / app.on_shutdown; one that
adds to the pages appends to app["header_links"] ((href, label): a link in every page's header)
or app["message_sections"] (async fn(request, summary) -> HTML it has escaped: a section at the
end of a message's page), and builds pages of its own with inbox.page().

Every answer carries a Content-Security-Policy (pages set their own; the default lets nothing
load), `nosniff` and no referrer; a request whose Host is not this loopback listener is refused
(a web page elsewhere cannot reach the inbox through a DNS name that points here), and the pages'
forms carry a token only the inbox's own pages know.
"""
from __future__ import annotations

import importlib
import re
import secrets
import warnings

from aiohttp import web

ROUTE_MODULES = ("inbox", "api", "live", "transcripts", "chaos")         # modules of this package, each with add_routes(app)
MAX_REQUEST = 1024 * 1024                        # a request body (the API's JSON) is small
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def make_app(sandbox) -> web.Application:
    from .messages import Messages
    app = web.Application(client_max_size=MAX_REQUEST, middlewares=[_guard])
    with warnings.catch_warnings():      # plain names: the route modules share them, app["sandbox"]...
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["sandbox"] = sandbox
        app["messages"] = Messages(sandbox.store)
        app["form_token"] = secrets.token_urlsafe(32)
        app["header_links"] = []          # [(href, label)] in every page's header
        app["message_sections"] = []      # async fn(request, summary) -> HTML, after a message's page
        for name in ROUTE_MODULES:
            importlib.import_module(f"{__name__}.{name}").add_routes(app)
    return app


async def read_json(request):
    """A request's JSON body (None when it is empty). ValueError when it is not JSON: bytes that are
    not UTF-8, bad syntax, or nesting too deep for the parser."""
    import json
    try:
        text = await request.text()
        return json.loads(text) if text.strip() else None
    except UnicodeDecodeError:
        raise ValueError("the request body is not JSON: it is not UTF-8") from None
    except RecursionError:
        raise ValueError("the request body is not JSON this server reads: it is nested too deeply") from None
    except ValueError as e:                      # json.JSONDecodeError: what and where
        raise ValueError(f"the request body is not JSON: {e}") from None


async def start_web(sandbox, host: str, port: int):
    """The inbox's listener on the running loop: the aiohttp runner (runner.addresses says where)."""
    runner = web.AppRunner(make_app(sandbox), access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def allowed_hosts(request) -> set[str]:
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    port = sock[1] if sock else None
    return {f"127.0.0.1:{port}", f"localhost:{port}"}


def origin(request) -> str:
    """This listener's own origin, as the browser sees it (http://127.0.0.1:PORT)."""
    return f"http://{request.host}"


@web.middleware
async def _guard(request, handler):
    from .messages import NotFound
    if (request.host or "").lower() not in allowed_hosts(request):
        return _secure(web.Response(status=403, text="The sandbox's inbox answers on 127.0.0.1 only.\n"))
    if _from_another_site(request) and not (request.method == "GET" and _PART.fullmatch(request.path)):
        # even a GET changes something (reading a message marks it seen, as in Mailpit): a page
        # elsewhere must not make the browser do it (an <img src> at /api/v1/message/latest).
        # A message's parts are only read: the sandboxed frame showing its HTML (an origin of its
        # own) loads its inline images from there.
        return _secure(web.Response(status=403, text="A page of another site asked for this: open the inbox "
                                                     "from its own address.\n"))
    try:
        response = await handler(request)
    except web.HTTPException as e:
        _secure(e)
        raise
    except NotFound:
        response = web.Response(status=404, text="Not found\n")
    if not getattr(response, "prepared", False):      # a websocket or stream is already under way
        _secure(response)
    return response


_PART = re.compile(r"/api/v1/message/[^/]+/part/[^/]+")


def _from_another_site(request) -> bool:
    """A browser's request that another site's page made (Fetch Metadata, else Origin). Clients
    that are no browser (curl, a Mailpit client) send neither header."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    sent = request.headers.get("Origin")
    return sent is not None and sent != origin(request)


def _secure(response):
    for name, value in (("Content-Security-Policy", DEFAULT_CSP), ("X-Content-Type-Options", "nosniff"),
                        ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store")):
        response.headers.setdefault(name, value)
    return response
