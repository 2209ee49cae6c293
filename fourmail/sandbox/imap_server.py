"""The sandbox IMAP server: pymap (pinned in pyproject) on the shared Maildir store.

pymap's maildir backend already speaks the store's format (Maildir++ folders, dovecot-uidlist
UIDs, its lock file); what this module adds is the small interface the sandbox needs:
`start_imap(...)` -> an asyncio server, logins checked by `accounts.py`, sessions opened on the
store's account directories (created and seeded on first login). Nothing else of pymap is used:
no pymap users file, no admin service, no command line. pymap's own faults are fixed beside it:
its maildir backend in imap_maildir.py, its protocol layer under hostile input in imap_protocol.py.
"""
from __future__ import annotations

import asyncio
import ssl
from argparse import Namespace
from contextlib import asynccontextmanager

from . import imap_maildir, imap_protocol
from .accounts import Accounts
from .limits import MESSAGE_SIZE_LIMIT, start_capped_server
from .store import Store, account_name

def _classes():
    """pymap imported on first use only (`fourmail run` without --sandbox never loads it)."""
    from pymap.backend.maildir import Config, FilterSet, Session
    from pymap.backend.maildir.layout import MaildirLayout
    from pymap.backend.maildir.mailbox import MailboxSet, Maildir
    from pymap.concurrent import Subsystem
    from pymap.exceptions import AuthorizationFailure, InvalidAuth
    from pymap.interfaces.login import IdentityInterface, LoginInterface
    from pymap.token import AllTokens
    from pysasl import SASLAuth
    from pysasl.creds.external import ExternalCredentials, ExternalVerificationRequired
    from pysasl.identity import ClearIdentity
    from proxyprotocol.reader import ProxyProtocolReader

    class SandboxConfig(Config):
        """No DNS look-up for the greeting (there may be no network), the four mechanisms."""

        @property
        def greeting(self) -> bytes:
            return b"fourmail sandbox IMAP ready"

        @property
        def tls_auth(self):
            return SASLAuth.named([b"PLAIN", b"LOGIN", b"CRAM-MD5", b"XOAUTH2"])

    class Identity(IdentityInterface):
        def __init__(self, store: Store, config, name: str):
            self.store, self.config, self._name = store, config, name

        @property
        def name(self) -> str:
            return self._name

        @property
        def roles(self) -> frozenset[str]:
            return frozenset()

        @asynccontextmanager
        async def new_session(self):
            path = str(self.store.ensure_account(self._name))
            layout = MaildirLayout.get(path, "++", Maildir)
            yield Session(self._name, self.config, MailboxSet(Maildir(path, create=False), layout),
                          FilterSet(layout.path))

        async def new_token(self, *, expiration=None):
            return None

        async def get(self):
            raise InvalidAuth()

        async def set(self, metadata):
            raise InvalidAuth()

        async def delete(self):
            raise InvalidAuth()

    class Login(LoginInterface):
        def __init__(self, store: Store, accounts: Accounts, config):
            self.store, self.accounts, self.config = store, accounts, config
            self._tokens = AllTokens(config)

        @property
        def tokens(self):
            return self._tokens

        def _valid(self, creds) -> bool:
            if isinstance(creds, ExternalCredentials):          # XOAUTH2
                try:
                    creds.verify(None)
                except ExternalVerificationRequired as e:
                    return self.accounts.check_token(creds.authzid, e.token or "")
                return False
            user = creds.authcid
            if not self.accounts.strict:
                return bool(user)
            password = self.accounts.clear_password(user)
            return password is not None and creds.verify(ClearIdentity(user, password))

        async def authenticate(self, credentials):
            ok = self._valid(credentials)
            self._record(credentials, ok)
            if not ok:
                await asyncio.sleep(0.2)      # as servers do: slow down password guessing
                raise InvalidAuth()
            return Identity(self.store, self.config, account_name(credentials.authcid or credentials.authzid))

        def xoauth2_refused(self, creds) -> bool:
            """Is this an XOAUTH2 sign-in that will fail? (the protocol then sends the JSON error)"""
            return isinstance(creds, ExternalCredentials) and not self._valid(creds)

        def _record(self, creds, ok: bool) -> None:
            if isinstance(creds, ExternalCredentials):
                token = None
                try:
                    creds.verify(None)
                except ExternalVerificationRequired as e:
                    token = e.token
                except Exception:
                    pass
                return self.accounts.record("IMAP", creds.authzid or "", "XOAUTH2", ok, token=token)
            # pysasl says which mechanism only by the credentials' kind: LOGIN (the command or
            # SASL) and PLAIN both give plain credentials
            mechanism = "CRAM-MD5" if type(creds).__name__ == "CramMD5Result" else "PLAIN/LOGIN"
            self.accounts.record("IMAP", creds.authcid or "", mechanism, ok)

        async def authorize(self, authenticated, authzid: str):
            if authzid and account_name(authzid) != authenticated.name:
                raise AuthorizationFailure()
            return authenticated

    return SandboxConfig, Login, imap_protocol.server_class(), ProxyProtocolReader, Subsystem


async def start_imap(store: Store, accounts: Accounts, host: str, port: int, tls: ssl.SSLContext,
                     implicit_tls: bool, transcripts=None) -> asyncio.AbstractServer:
    """An IMAP listener: IMAPS (`implicit_tls`) or IMAP offering STARTTLS."""
    imap_maildir.patch()
    SandboxConfig, Login, IMAPServer, ProxyProtocolReader, Subsystem = _classes()
    args = Namespace(passlib_cfg=None, proxy_protocol=None, debug=False)
    config = SandboxConfig(args, host=host, port=port, base_dir=str(store.mail), layout="++", colon=None,
                           ssl_context=tls, tls_enabled=not implicit_tls, reject_dnsbl=False,
                           invalid_user_sleep=0.2, max_append_len=MESSAGE_SIZE_LIMIT, subsystem=Subsystem.for_asyncio(),
                           cpu_subsystem=Subsystem.for_asyncio())
    config.apply_context()
    server = IMAPServer(Login(store, accounts, config), config)
    server.transcripts = transcripts
    if transcripts is not None:
        transcripts.decode_mailbox = imap_protocol.modutf7_decode      # APPEND's folder, as the store names it
    callback = ProxyProtocolReader(config.proxy_protocol).get_callback(server)
    return await start_capped_server(callback, host, port, b"* BYE Too many connections, try again later\r\n",
                                     ssl=tls if implicit_tls else None)
