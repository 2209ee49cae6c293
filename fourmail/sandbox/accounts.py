"""Who may log in to the sandbox.

Open mode (the default): any user name with any password, token or digest is accepted, and the
account is created on first use, so the doc examples' "4d@gmail.com" / "XXXXXXXX" just work.

Strict mode (`--accounts FILE`): only the accounts the file lists, with their password (or their
OAuth2 token for XOAUTH2), so the examples' authentication-failure paths can be shown. One
account a line, fields separated by blanks; a line starting with `#` is a comment:

    # user              password      [OAuth2 access token]
    4d@gmail.com        XXXXXXXX
    test@gmail.com      secret        ya29.sandbox-token

The file keeps plaintext passwords: CRAM-MD5 and APOP need them on the server side.

XOAUTH2 also accepts the tokens the sandbox's OAuth 2.0 provider issued (`tokens`, an
oauth_provider.TokenStore) while they are valid, in either mode; an expired one is refused even in
open mode. Every sign-in is recorded (`record`, `sign_ins`): protocol, user, mechanism, outcome and
whether the token was one the provider issued, never a password or a token.
"""
from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import threading
from dataclasses import dataclass
from pathlib import Path

from .store import account_name


@dataclass(frozen=True)
class Account:
    user: str
    password: str
    token: str | None = None


class AccountsError(ValueError):
    pass


@dataclass(frozen=True)
class SignIn:
    """One sign-in attempt the sandbox saw (never its secret)."""
    protocol: str            # SMTP, IMAP, POP3
    user: str
    mechanism: str           # PLAIN, LOGIN, CRAM-MD5, XOAUTH2, APOP, USER (POP3 USER/PASS)
    ok: bool
    issued_token: bool       # XOAUTH2 with a token the sandbox's provider issued (valid or not)
    at: dt.datetime


@dataclass(frozen=True)
class SessionEnd:
    """A client that ended its session politely (SMTP QUIT): who, once signed in."""
    protocol: str
    user: str                # "" when it never signed in
    command: str
    at: dt.datetime


SIGN_INS_KEPT = 10_000       # the most recent ones: a long-running sandbox keeps no more


class Accounts:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self.accounts: dict[str, Account] = {}
        self.tokens = None            # the OAuth 2.0 provider's TokenStore, once it runs
        self._sign_ins: collections.deque[SignIn] = collections.deque(maxlen=SIGN_INS_KEPT)
        self._ends: collections.deque[SessionEnd] = collections.deque(maxlen=SIGN_INS_KEPT)
        self._record_lock = threading.Lock()
        if self.path is not None:
            self._load(self.path)

    @property
    def strict(self) -> bool:
        return self.path is not None

    def _load(self, path: Path) -> None:
        from ..source_files import SourceFileError, read_source
        try:
            text = read_source(path)
        except SourceFileError as e:
            raise AccountsError(f"accounts file {e.message}") from None
        for n, line in enumerate(text.splitlines(), 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):     # passwords may hold '#': whole-line comments only
                continue
            if len(fields) not in (2, 3):
                raise AccountsError(f"{path}:{n}: expected 'USER PASSWORD [TOKEN]'")
            self.accounts[account_name(fields[0])] = Account(fields[0], fields[1],
                                                            fields[2] if len(fields) == 3 else None)

    def knows(self, user: str) -> bool:
        """May mail be delivered to this account? (strict mode delivers to listed accounts only)"""
        return not self.strict or account_name(user) in self.accounts

    def key(self, user: str) -> str:
        """The account a login or address names (case-folded)."""
        return account_name(user)

    def users(self) -> list[str]:
        """The listed accounts, as the file writes them (none in open mode)."""
        return [a.user for a in self.accounts.values()]

    def record(self, protocol: str, user: str, mechanism: str, ok: bool, token: str | None = None) -> None:
        issued = bool(token) and self.tokens is not None and self.tokens.issued(token)
        entry = SignIn(protocol, user, mechanism, ok, issued, dt.datetime.now(dt.timezone.utc))
        with self._record_lock:
            self._sign_ins.append(entry)

    @property
    def sign_ins(self) -> list[SignIn]:
        with self._record_lock:
            return list(self._sign_ins)

    def record_end(self, protocol: str, user: str, command: str) -> None:
        entry = SessionEnd(protocol, user, command, dt.datetime.now(dt.timezone.utc))
        with self._record_lock:
            self._ends.append(entry)

    @property
    def session_ends(self) -> list[SessionEnd]:
        with self._record_lock:
            return list(self._ends)

    def _get(self, user: str) -> Account | None:
        return self.accounts.get(account_name(user))

    def check_password(self, user: str, password: str) -> bool:
        if not self.strict:
            return bool(user)
        acct = self._get(user)
        return acct is not None and hmac.compare_digest(acct.password.encode(), password.encode())

    def clear_password(self, user: str) -> str | None:
        acct = self._get(user)
        return acct.password if acct else None

    def check_cram_md5(self, user: str, challenge: bytes, digest: str) -> bool:
        if not self.strict:
            return bool(user)
        acct = self._get(user)
        if acct is None:
            return False
        expected = hmac.new(acct.password.encode(), challenge, hashlib.md5).hexdigest()
        return hmac.compare_digest(expected, digest.lower())

    def check_apop(self, user: str, timestamp: str, digest: str) -> bool:
        if not self.strict:
            return bool(user)
        acct = self._get(user)
        if acct is None:
            return False
        expected = hashlib.md5((timestamp + acct.password).encode()).hexdigest()
        return hmac.compare_digest(expected, digest.lower())

    def check_token(self, user: str, token: str) -> bool:
        verdict = self.tokens.verdict(user, token) if self.tokens is not None else None
        if verdict is not None:           # one the provider issued: its expiry and user decide
            return verdict
        if not self.strict:
            return bool(user)
        acct = self._get(user)
        return acct is not None and acct.token is not None and hmac.compare_digest(acct.token.encode(),
                                                                                   token.encode())


def xoauth2_parse(data: bytes) -> tuple[str, str] | None:
    """The XOAUTH2 initial response `user=U^Aauth=Bearer T^A^A` -> (user, token)."""
    try:
        parts = data.decode("utf-8").split("\x01")
    except UnicodeDecodeError:
        return None
    fields = dict(p.split("=", 1) for p in parts if "=" in p)
    user, auth = fields.get("user"), fields.get("auth", "")
    if not user or not auth.lower().startswith("bearer "):
        return None
    return user, auth[7:].strip()


# What a failed XOAUTH2 answers before the final error, as Gmail does (RFC 7628 section 3.2.2).
XOAUTH2_ERROR = b'{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}'
