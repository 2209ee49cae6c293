"""Where a transporter really connects, and how it checks TLS.

A doc example names `smtp.gmail.com`; to run it unchanged against another server (a test
server, the embedded sandbox), a *route* sends a host (and optionally a port) elsewhere:

    fourmail run --route smtp.gmail.com=127.0.0.1:10465 --cafile ca.pem example.4dm
    FOURMAIL_ROUTES="smtp.gmail.com:465=127.0.0.1:10465 imap.gmail.com=127.0.0.1:10993"

A routed connection verifies the certificate of the host it really reaches, unless the route
says to keep the name (`keep_name`, used by the sandbox, whose certificates carry the names the
examples use). Certificates are always verified: system CAs (SSL_CERT_FILE / SSL_CERT_DIR are
honoured), plus `--cafile` / FOURMAIL_CAFILE when given.
"""
from __future__ import annotations

import os
from typing import NamedTuple


class Route(NamedTuple):
    host: str                 # as written in the 4D code, case-insensitive; "*" matches any host
    port: int | None          # None: any port
    target_host: str
    target_port: int | None   # None: same port
    keep_name: bool = False   # verify TLS against the original host name
    protocol: str | None = None   # "SMTP", "IMAP", "POP3": only for that protocol's connections

    def matches(self, host: str, port: int, protocol: str | None = None) -> bool:
        return ((self.host == "*" or self.host.casefold() == host.casefold()) and self.port in (None, port)
                and self.protocol in (None, protocol))


class Endpoint(NamedTuple):
    host: str         # where to connect
    port: int
    tls_name: str     # the name the server certificate must carry
    routed: bool


def parse_route(text: str, keep_name: bool = False) -> Route:
    """`HOST[:PORT]=TARGET[:PORT]`."""
    try:
        left, right = text.split("=", 1)
        host, _, port = left.strip().partition(":")
        thost, _, tport = right.strip().partition(":")
        if not host or not thost:
            raise ValueError
        return Route(host, int(port) if port else None, thost, int(tport) if tport else None, keep_name)
    except ValueError:
        raise ValueError(f"bad route {text!r}: expected HOST[:PORT]=TARGET[:PORT]") from None


def routes_from_env() -> list[Route]:
    text = os.environ.get("FOURMAIL_ROUTES", "")
    return [parse_route(r) for r in text.replace(",", " ").split()]


def resolve(rt, host: str, port: int, protocol: str | None = None) -> Endpoint:
    """Where to connect for host:port. `protocol` (the transporter's) lets a route pick the
    server for a port that does not say which protocol it is (the sandbox's routes do)."""
    for route in getattr(rt, "routes", ()):
        if route.matches(host, port, protocol):
            tport = route.target_port or port
            return Endpoint(route.target_host, tport, host if route.keep_name else route.target_host, True)
    return Endpoint(host, port, host, False)


_CONTEXTS: dict = {}


def _stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def ssl_context(rt):
    """A verifying client context: system CAs plus the run's extra CA files.

    Loading the system store takes ~20 ms, as long as an IMAP FETCH of a thousand messages: a
    context is made once per set of CA files (and SSL_CERT_FILE/SSL_CERT_DIR) and shared, since
    nothing changes a context once made. A CA file that changes on disk gets a new one."""
    import ssl
    files = tuple(str(c) for c in getattr(rt, "cafiles", ()))
    key = (files, tuple(_stamp(f) for f in files), os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        ctx = ssl.create_default_context()
        for cafile in files:
            ctx.load_verify_locations(cafile=cafile)
        if len(_CONTEXTS) >= 32:
            _CONTEXTS.clear()
        _CONTEXTS[key] = ctx
    return ctx
