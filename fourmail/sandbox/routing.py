"""The routes of `fourmail run --sandbox`: every host a script names goes to the sandbox.

The port says which listener: 465 SMTPS, 587 and 25 SMTP+STARTTLS, 993 IMAPS, 143
IMAP+STARTTLS, 995 POP3S, 110 POP3+STLS. Any other port goes to the STARTTLS listener of the
protocol the transporter speaks (it passes it to `network.resolve_route`), which is what a transporter
does on a non-standard port. The TLS name is kept (`keep_name`): the script's
"smtp.gmail.com" is verified against the sandbox certificate for smtp.gmail.com, signed by the
sandbox CA that `cafiles` adds.

HTTPS (an OAuth 2.0 sign-in, mail/oauth2.py) goes to the sandbox's OAuth 2.0 provider, on port 443
and, for a connection that says it is HTTPS, on any port. `apply` also records the provider's
address in `rt.oauth_sandbox`: an OAuth client whose authorization URL is routed there may follow
that URL itself when no browser is there to do it, since the sandbox approves at once.
"""
from __future__ import annotations

from ..mail.network import Route

PORTS = {465: "smtps", 587: "smtp", 25: "smtp", 993: "imaps", 143: "imap", 995: "pop3s", 110: "pop3"}
OTHER_PORTS = {"SMTP": "smtp", "IMAP": "imap", "POP3": "pop3"}


def sandbox_routes(endpoints, web=None) -> list[Route]:
    by_name = {e.name: e for e in endpoints}
    routes = [Route("*", port, by_name[name].host, by_name[name].port, True) for port, name in PORTS.items()]
    if web is not None:
        routes.append(Route("*", 443, web.host, web.port, True))
    routes += [Route("*", None, by_name[name].host, by_name[name].port, True, protocol)
               for protocol, name in OTHER_PORTS.items()]
    if web is not None:
        routes.append(Route("*", None, web.host, web.port, True, "HTTPS"))
    return routes


def apply(rt, sandbox) -> None:
    """Point a runtime at a started sandbox: its routes come before the environment's
    (FOURMAIL_ROUTES), which its catch-all routes then hide; the CLI puts explicit `--route`s in
    front of them all. Its CA is trusted for this run only."""
    rt.routes = sandbox_routes(sandbox.endpoints, sandbox.web) + list(rt.routes)
    rt.cafiles = list(rt.cafiles) + [str(sandbox.ca_file)]
    if sandbox.web is not None:
        rt.oauth_sandbox = (sandbox.web.host, sandbox.web.port)
