"""The sandbox IMAP server: pymap (pinned in pyproject) on the shared Maildir store.

pymap's maildir backend already speaks the store's format (Maildir++ folders, dovecot-uidlist
UIDs, its lock file); what this module adds is the small interface the sandbox needs:
`start_imap(...)` -> an asyncio server, logins checked by `accounts.py`, sessions opened on the
store's account directories (created and seeded on first login). Nothing else of pymap is used:
no pymap users file, no admin service, no command line.
"""
from __future__ import annotations

import asyncio
import os
import ssl
import tempfile
from argparse import Namespace
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from .accounts import Accounts
from .store import Store, account_name, crlf, write_file

_patched = False


def _patch_pymap() -> None:
    """Three fixes to pymap 0.36.7's maildir backend, each the smallest that works:

    - COPY wrote an empty message: it copied a metadata-only MaildirMessage. Copy the file.
    - APPEND re-serialised the message through the `email` package and FETCH served the file's
      LF line ends: IMAP wants the message as sent, with CRLF. Store the literal as is (LF, as
      the rest of the store), serve it with CRLF (the POP3 server does the same).
    - Metadata files were written through a temporary file in the system temp folder and renamed
      into the Maildir: that rename fails (EXDEV) when /tmp is another file system than the
      store, as on many desktops. Write the temporary file beside its target."""
    global _patched
    if _patched:
        return
    from pymap.backend.maildir.io import FileWriteable
    from pymap.backend.maildir.mailbox import LoadedMessage, MailboxData, Message
    from pymap.backend.maildir.uidlist import Record, UidList
    from pymap.mime import MessageContent
    from pymap.parsing.specials import FetchRequirement, ObjectId

    def file_write(self) -> None:
        file_path = self.get_file(self.path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(file_path), prefix=".pymap-")
        with os.fdopen(fd, "w", newline="") as f:
            self.write(f)
        os.replace(tmp, file_path)
        self._touched = False

    async def load_content(self, requirement):
        if self._key is None or self._maildir is None or requirement.has_none(FetchRequirement.CONTENT):
            return LoadedMessage(self, requirement, None)
        try:
            with open(self._maildir._join(self._maildir._lookup(self._key)), "rb") as f:
                data = f.read()
        except (KeyError, FileNotFoundError):
            return LoadedMessage(self, requirement, None)
        return LoadedMessage(self, requirement, MessageContent.parse(crlf(data)))

    async def _add(mbx, data: bytes, flags: str, recent: bool, date: float, fields) -> tuple[int, str]:
        flags = "".join(sorted(set(flags)))         # Maildir wants them in ASCII order
        async with mbx.messages_lock.write_lock():
            key = write_file(Path(mbx._path), data, "new" if recent else "cur", "2," + flags, date)
        async with UidList.with_write(mbx._path) as uidl:
            rec = Record(uidl.next_uid, fields, key + ":2," + flags)
            uidl.next_uid += 1
            uidl.set(rec)
        return rec.uid, key

    async def append(self, append_msg, *, recent=False):
        email_id, thread_id = ObjectId.random_email_id(), ObjectId.random_thread_id()
        when = (append_msg.when or datetime.now()).timestamp()
        uid, key = await _add(self, bytes(append_msg.literal), self.maildir_flags.to_maildir(append_msg.flag_set),
                              recent, when, {"E": str(email_id), "T": str(thread_id)})
        return Message.from_maildir(uid, self._maildir.get_message_metadata(key), self._maildir, key,
                                    email_id, thread_id, self.maildir_flags)

    async def copy(self, uid, destination, *, recent=False):
        try:
            record, meta = await self._get_maildir_msg(uid)
            with open(self._maildir._join(self._maildir._lookup(record.key)), "rb") as f:
                data = f.read()
        except (KeyError, FileNotFoundError):
            return None
        new_uid, _ = await _add(destination, data, meta.get_flags(), recent, meta.get_date(), record.fields)
        return new_uid

    FileWriteable.file_write = file_write
    Message.load_content = load_content
    MailboxData.append = append
    MailboxData.copy = copy
    _patched = True


def _classes():
    """pymap imported on first use only (`fourmail run` without --sandbox never loads it)."""
    from pymap.backend.maildir import Config, FilterSet, Session
    from pymap.backend.maildir.layout import MaildirLayout
    from pymap.backend.maildir.mailbox import MailboxSet, Maildir
    from pymap.concurrent import Subsystem
    from pymap.exceptions import AuthorizationFailure, InvalidAuth
    from pymap.imap import IMAPServer
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
            if not self._valid(credentials):
                await asyncio.sleep(0.2)      # as servers do: slow down password guessing
                raise InvalidAuth()
            return Identity(self.store, self.config, account_name(credentials.authcid or credentials.authzid))

        async def authorize(self, authenticated, authzid: str):
            if authzid and account_name(authzid) != authenticated.name:
                raise AuthorizationFailure()
            return authenticated

    return SandboxConfig, Login, IMAPServer, ProxyProtocolReader, Subsystem


async def start_imap(store: Store, accounts: Accounts, host: str, port: int, tls: ssl.SSLContext,
                     implicit_tls: bool) -> asyncio.AbstractServer:
    """An IMAP listener: IMAPS (`implicit_tls`) or IMAP offering STARTTLS."""
    _patch_pymap()
    SandboxConfig, Login, IMAPServer, ProxyProtocolReader, Subsystem = _classes()
    args = Namespace(passlib_cfg=None, proxy_protocol=None, debug=False)
    config = SandboxConfig(args, host=host, port=port, base_dir=str(store.mail), layout="++", colon=None,
                           ssl_context=tls, tls_enabled=not implicit_tls, reject_dnsbl=False,
                           invalid_user_sleep=0.2, subsystem=Subsystem.for_asyncio(),
                           cpu_subsystem=Subsystem.for_asyncio())
    config.apply_context()
    callback = ProxyProtocolReader(config.proxy_protocol).get_callback(IMAPServer(Login(store, accounts, config),
                                                                                  config))
    return await asyncio.start_server(callback, host, port, ssl=tls if implicit_tls else None)
