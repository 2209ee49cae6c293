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

import ipaddress
import os
import re
import stat
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


# the names of the machine itself: where a native application's OAuth 2.0 redirect may point
# (RFC 8252 7.3), on the client's side and the sandbox provider's
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_HOST_PORT = re.compile(r"\[(?P<v6>[^\]]*)\](?::(?P<v6port>.*))?|(?P<host>[^:]*)(?::(?P<port>.*))?", re.S)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def _host_port(text: str, side: str, star: bool) -> tuple[str, int | None]:
    """`HOST`, `HOST:PORT`, `[IPv6]:PORT`; ValueError naming the bad part."""
    m = _HOST_PORT.fullmatch(text.strip())
    host = m.group("v6") if m.group("v6") is not None else m.group("host")
    port = m.group("v6port") if m.group("v6") is not None else m.group("port")
    if m.group("v6") is not None:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"{side} host [{host}] is not an IPv6 address") from None
    elif not (star and host == "*"):
        if not host:
            raise ValueError(f"{side} host is missing")
        name = host[:-1] if host.endswith(".") else host
        if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
            raise ValueError(f"{side} host {host!r} is not a host name or address")
    if port is None:
        return host, None
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"{side} port {port!r} is not a number from 1 to 65535")
    return host, int(port)


def parse_route(text: str, keep_name: bool = False) -> Route:
    """`HOST[:PORT]=TARGET[:PORT]` (HOST may be `*`, an IPv6 address goes in brackets).
    ValueError names the part that is wrong: a route that is accepted but means nothing would
    send the connection to the real host."""
    left, eq, right = text.partition("=")
    try:
        if not eq:
            raise ValueError("expected HOST[:PORT]=TARGET[:PORT]")
        host, port = _host_port(left, "the", star=True)
        thost, tport = _host_port(right, "the target", star=False)
    except ValueError as e:
        raise ValueError(f"bad route {text!r}: {e}") from None
    return Route(host, port, thost, tport, keep_name)


def routes_from_env() -> list[Route]:
    text = os.environ.get("FOURMAIL_ROUTES", "")
    try:
        return [parse_route(r) for r in text.replace(",", " ").split()]
    except ValueError as e:
        raise ValueError(f"FOURMAIL_ROUTES: {e}") from None


def cafiles_from_env() -> list[str]:
    return [p for p in os.environ.get("FOURMAIL_CAFILE", "").split(os.pathsep) if p]


def check_cafile(path: str) -> None:
    """A CA file given to --cafile or FOURMAIL_CAFILE must load now: a missing or wrong one is
    otherwise reported only at the first connection, as if the server could not be reached."""
    import ssl
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ValueError(f"CA file {path}: not a regular file")
        ssl.create_default_context(cafile=path)
    except ssl.SSLError:       # an OSError too: first
        raise ValueError(f"CA file {path}: holds no PEM certificate") from None
    except OSError as e:
        raise ValueError(f"CA file {path}: {e.strerror or e}") from None


def resolve_route(routes, host: str, port: int, protocol: str | None = None) -> Endpoint:
    """Where to connect for host:port. `protocol` (the session's) lets a route pick the
    server for a port that does not say which protocol it is (the sandbox's routes do)."""
    for route in routes:
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
    """A verifying client context: system CAs plus the run's extra CA files (client_context)."""
    return client_context(getattr(rt, "cafiles", ()))


def client_context(cafiles=()):
    """A verifying client context: system CAs plus the extra CA files `cafiles`.

    Loading the system store takes ~20 ms, as long as an IMAP FETCH of a thousand messages: a
    context is made once per set of CA files (and SSL_CERT_FILE/SSL_CERT_DIR) and shared, since
    nothing changes a context once made. A CA file that changes on disk gets a new one."""
    import ssl
    files = tuple(str(c) for c in cafiles)
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
