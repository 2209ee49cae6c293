"""Faults the sandbox's servers inject on purpose, so a program's error paths can be seen.

A fault says: at this step of this protocol, answer with this code (or drop the connection, or
answer late), always, a number of times or with a probability, for every account or one. The
servers ask `Faults.decide(protocol, step, user)` where a command is about to be answered; the
answer (`Fault`) says what to do instead, and the server sends what a real one would send there.

The readable form, on the command line (`--fault`) and in the chaos API's `Faults` field:

    PROTOCOL:STEP=ACTION[:OPTION]...      smtp:rcpt=550   imap:fetch=drop   pop3:retr=delay:35
    oauth:expire[:once]

    PROTOCOL  smtp, imap or pop3
    STEP      a command (SMTP_STEPS, IMAP_STEPS, POP3_STEPS), or `connect`: the greeting
    ACTION    a reply: SMTP 400-599, IMAP NO, BAD or BYE, POP3 ERR
              drop: the connection is closed; at smtp:data, imap:fetch, pop3:retr and pop3:top
                    once part of the message went across
              delay:SECONDS: the answer comes that much later
    OPTION    once | times=N | p=PROBABILITY (0 to 1, or 0% to 100%) | user=ACCOUNT
              | text=TEXT (the rest of the spec: the reply's text, colons included)

`oauth:expire` expires every access token the sandbox's OAuth 2.0 provider has issued, and, while
the fault is set, each new one as it is issued; `oauth:expire:once` only those issued so far.

Mailpit's chaos triggers (`{"Sender": {"ErrorCode": 451, "Probability": 50}, ...}`) are faults at
smtp:mail, smtp:rcpt and smtp:auth (`from_mailpit`, `to_mailpit`).
"""
from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field, replace

from .store import account_name

PROTOCOLS = ("smtp", "imap", "pop3")
SMTP_STEPS = ("connect", "helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "rset", "noop", "vrfy",
              "quit")
# the commands the sandbox's IMAP server knows (UID FETCH is fetch), IDLE aside: it has no answer
# to replace until DONE
IMAP_STEPS = ("connect", "capability", "noop", "logout", "starttls", "authenticate", "login", "select",
              "examine", "create", "delete", "rename", "subscribe", "unsubscribe", "list", "lsub", "status",
              "append", "check", "close", "expunge", "search", "fetch", "store", "copy", "move", "id")
POP3_STEPS = ("connect", "capa", "stls", "user", "pass", "apop", "auth", "stat", "list", "uidl", "retr", "top",
              "dele", "rset", "noop", "quit")
STEPS = {"smtp": SMTP_STEPS, "imap": IMAP_STEPS, "pop3": POP3_STEPS}
# where a drop cuts a message in two rather than the dialogue between two commands
MID_TRANSFER = {("smtp", "data"), ("imap", "fetch"), ("pop3", "retr"), ("pop3", "top")}
IMAP_REPLIES = ("NO", "BAD", "BYE")
MAX_DELAY = 3600.0
CHAOS_PATH = "/api/v1/chaos"        # Mailpit's, served by web/chaos.py

# Mailpit's triggers: its name, the step, its default code
MAILPIT_TRIGGERS = (("Sender", "mail", 451), ("Recipient", "rcpt", 451), ("Authentication", "auth", 535))


class FaultError(ValueError):
    """A fault spec that cannot be used; the message says why (the CLI's usage error)."""


@dataclass
class Fault:
    protocol: str                    # smtp, imap, pop3, oauth
    step: str                        # a command, connect; "expire" for oauth
    action: str                      # reply, drop, delay, expire
    code: int | str | None = None    # SMTP 400-599; IMAP NO/BAD/BYE; POP3 ERR
    seconds: float = 0.0             # delay
    times: int | None = None         # None: always; else how many more times
    probability: float = 1.0
    user: str | None = None          # account_name of the one account it hits
    text: str | None = None          # the reply's text (None: what a real server says there)
    fired: int = field(default=0, compare=False)

    @property
    def mid_transfer(self) -> bool:
        """A drop here cuts a message in two (MID_TRANSFER), not the dialogue between commands."""
        return self.action == "drop" and (self.protocol, self.step) in MID_TRANSFER

    @property
    def spec(self) -> str:
        """The readable form, which `parse` reads back as the same fault."""
        if self.protocol == "oauth":
            return "oauth:expire" + (":once" if self.times == 1 else "")
        action = {"drop": "drop", "delay": f"delay:{self.seconds:g}"}.get(self.action, str(self.code))
        out = [f"{self.protocol}:{self.step}={action}"]
        if self.times == 1:
            out.append("once")
        elif self.times is not None:
            out.append(f"times={self.times}")
        if self.probability != 1.0:
            out.append(f"p={self.probability:g}")
        if self.user:
            out.append(f"user={self.user}")
        if self.text is not None:
            out.append(f"text={self.text}")
        return ":".join(out)


def parse(spec: str) -> Fault:
    """One fault from its readable form; FaultError says what is wrong."""
    if not isinstance(spec, str) or not spec.strip():
        raise FaultError("a fault is PROTOCOL:STEP=ACTION, e.g. smtp:rcpt=550")
    head, text = spec.strip(), None
    m = re.search(r":text=", head, re.IGNORECASE)
    if m:
        head, text = head[:m.start()], head[m.end():]
    parts = head.split(":")
    protocol = parts[0].strip().lower()
    if protocol == "oauth":
        if parts[1:2] != ["expire"] or parts[2:] not in ([], ["once"]) or text is not None:
            raise FaultError(f"{spec!r}: the OAuth fault is oauth:expire (or oauth:expire:once)")
        return Fault("oauth", "expire", "expire", times=1 if parts[2:] else None)
    if protocol not in PROTOCOLS:
        raise FaultError(f"{spec!r}: the protocol must be smtp, imap, pop3 or oauth")
    if len(parts) < 2 or "=" not in parts[1]:
        raise FaultError(f"{spec!r}: a fault is PROTOCOL:STEP=ACTION, e.g. {protocol}:"
                         f"{ {'smtp': 'rcpt=550', 'imap': 'fetch=NO', 'pop3': 'retr=drop'}[protocol]}")
    step, _, action = (s.strip().lower() for s in parts[1].partition("="))
    if step not in STEPS[protocol]:
        raise FaultError(f"{spec!r}: {protocol} has no step {step!r} (steps: {', '.join(STEPS[protocol])})")
    fault = Fault(protocol, step, "reply", text=text)
    options = parts[2:]
    if action == "drop":
        fault.action = "drop"
    elif action == "delay":
        if not options:
            raise FaultError(f"{spec!r}: delay needs its seconds, e.g. {protocol}:{step}=delay:35")
        fault.action, fault.seconds = "delay", _number(options.pop(0), spec, "the delay", 0, MAX_DELAY)
    else:
        fault.code = _code(protocol, step, action, spec)
    for option in options:
        name, eq, value = (s.strip() for s in option.partition("="))
        name = name.lower()
        if name == "once" and not eq:
            fault.times = 1
        elif name == "times" and eq:
            fault.times = int(_number(value, spec, "times", 1, 10**9, integer=True))
        elif name == "p" and eq:
            percent = value.endswith("%")
            p = _number(value.rstrip("%"), spec, "p", 0, 100 if percent else 1)
            fault.probability = p / 100 if percent else p
        elif name == "user" and eq and value:
            fault.user = account_name(value)
        else:
            raise FaultError(f"{spec!r}: unknown option {option!r} (once, times=N, p=0.5, user=ACCOUNT, text=TEXT)")
    if fault.action != "reply" and text is not None:
        raise FaultError(f"{spec!r}: text= goes with a reply code, not with {fault.action}")
    if any(ord(c) < 32 or ord(c) == 127 for c in (text or "") + (fault.user or "")):
        # a line end would let the text add lines of its own to the dialogue
        raise FaultError(f"{spec!r}: text= and user= are one line, without control characters")
    return fault


def _code(protocol: str, step: str, action: str, spec: str) -> int | str:
    if protocol == "smtp":
        if not (action.isdigit() and 400 <= int(action) <= 599):
            raise FaultError(f"{spec!r}: an SMTP fault replies with a code from 400 to 599, drop or delay:SECONDS")
        return int(action)
    if protocol == "imap":
        if action.upper() not in IMAP_REPLIES:
            raise FaultError(f"{spec!r}: an IMAP fault replies NO, BAD or BYE, or is drop or delay:SECONDS")
        return action.upper()
    if action.upper().lstrip("-") != "ERR":
        raise FaultError(f"{spec!r}: a POP3 fault replies ERR, or is drop or delay:SECONDS")
    return "ERR"


def _number(text: str, spec: str, what: str, low: float, high: float, integer: bool = False) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:
        raise FaultError(f"{spec!r}: {what} must be a {'whole ' if integer else ''}number from {low:g} to {high:g}")
    return value


# ---------------------------------------------------------------- what a real server says
_SMTP_TEXTS = {
    421: "4.7.0 Try again later, closing connection.",
    450: "4.2.1 The user you are trying to contact is receiving mail too quickly. Please try again later.",
    451: "4.3.0 Mail server temporarily rejected message.",
    452: "4.5.3 Your message has too many recipients.",
    454: "4.7.0 Too many login attempts, please try again later.",
    530: "5.7.0 Authentication Required.",
    534: "5.7.9 Application-specific password required.",
    535: "5.7.8 Username and Password not accepted.",
    550: "5.7.1 Message rejected.",
    552: "5.3.4 Message size exceeds fixed maximum message size.",
    553: "5.1.3 The recipient address is not a valid RFC 5321 address.",
    554: "5.7.0 Message rejected: transaction failed.",
}


def smtp_reply(fault: Fault, arg: str | None = None) -> str:
    """The SMTP line for a reply fault: its code, its text or the usual one for that code there."""
    if fault.text is not None:
        return f"{fault.code} {fault.text}"
    code = int(fault.code)
    address = _address(arg)
    if code == 550 and fault.step == "rcpt":
        text = f"5.1.1 <{address}>: Recipient address rejected: User unknown"
    elif code == 550 and fault.step == "mail":
        text = f"5.7.1 <{address}>: Sender address rejected: Access denied"
    else:
        text = _SMTP_TEXTS.get(code, "4.0.0 Temporary failure, try again later." if code < 500
                               else "5.0.0 Permanent failure.")
    return f"{code} {text}"


def _address(arg: str | None) -> str:
    m = re.search(r"<([^>]*)>", arg or "")
    return m.group(1) if m else (arg or "").partition(":")[2].strip()


def imap_text(fault: Fault) -> str:
    if fault.text is not None:
        return fault.text
    if fault.code == "BYE":
        return "Server shutting down, try again later."
    if fault.code == "BAD":
        return "Command not accepted."
    if fault.step in ("login", "authenticate"):
        return "[AUTHENTICATIONFAILED] Invalid credentials (Failure)"
    return "[UNAVAILABLE] Temporary failure, try again later."


def pop3_text(fault: Fault) -> str:
    if fault.text is not None:
        return fault.text
    if fault.step in ("user", "pass", "apop", "auth"):
        return "[AUTH] Username and password not accepted."
    if fault.step == "connect":             # RFC 3206: the system, not the command, failed
        return "[SYS/TEMP] Temporary failure, try again later."
    return "Unable to complete the command, try again later."


# ---------------------------------------------------------------- the set the servers ask
class Faults:
    """The sandbox's faults, shared by its loops (every method takes the lock)."""

    def __init__(self, rng: random.Random | None = None):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._rng = rng or random.Random()
        self.on_change = None            # called with the new list (the sandbox expires OAuth tokens)

    def __bool__(self) -> bool:
        return bool(self._faults)

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return [replace(f) for f in self._faults]

    def specs(self) -> list[str]:
        return [f.spec for f in self.faults if f.times != 0]

    def set(self, faults) -> None:
        """Replace every fault (specs or Fault objects)."""
        new = [parse(f) if isinstance(f, str) else replace(f) for f in faults]
        with self._lock:
            self._faults = new
        self._changed(new)

    def add(self, faults) -> None:
        new = [parse(f) if isinstance(f, str) else replace(f) for f in faults]
        with self._lock:
            self._faults += new
        self._changed(new)

    def clear(self) -> None:
        self.set([])

    def _changed(self, new: list[Fault]) -> None:
        if self.on_change is not None:
            self.on_change(new)

    def standing(self, protocol: str, step: str) -> bool:
        """Is such a fault set and not used up (oauth:expire while set)?"""
        with self._lock:
            return any(f.protocol == protocol and f.step == step and f.times != 0 for f in self._faults)

    def fire_all(self, protocol: str, step: str) -> int:
        """Fire every fault set at this step at once (oauth:expire, applied when set): how many."""
        with self._lock:
            hit = [f for f in self._faults if f.protocol == protocol and f.step == step and f.times != 0]
            for f in hit:
                f.fired += 1
                if f.times is not None:
                    f.times -= 1
        return len(hit)

    def decide(self, protocol: str, step: str, user: str | None = None, *others: str) -> Fault | None:
        """The fault to inject now at this step, if one fires (counted), else None. A fault for one
        account fires when `user` (who is signed in, or the login the command names) or one of
        `others` (an SMTP recipient) is that account."""
        if not self._faults:
            return None
        names = {account_name(u) for u in (user, *others) if u}
        with self._lock:
            for f in self._faults:
                if f.protocol != protocol or f.step != step or f.times == 0:
                    continue
                if f.user is not None and f.user not in names:
                    continue
                if f.probability < 1.0 and self._rng.random() >= f.probability:
                    continue
                if f.times is not None:
                    f.times -= 1
                f.fired += 1
                return replace(f)
        return None


# ---------------------------------------------------------------- Mailpit's chaos format
def to_mailpit(faults: list[Fault]) -> dict:
    """Mailpit's ChaosTriggers for these faults, and the others in `Faults` (their specs)."""
    out, rest, taken = {}, [], set()
    for f in faults:
        if f.times == 0:
            continue
        trigger = next((name for name, step, _ in MAILPIT_TRIGGERS if f.protocol == "smtp" and f.step == step), None)
        percent = f.probability * 100
        if (trigger and trigger not in taken and f.action == "reply" and f.times is None and f.user is None
                and f.text is None and percent == int(percent) and percent > 0):
            out[trigger] = {"ErrorCode": int(f.code), "Probability": int(percent)}
            taken.add(trigger)
        else:
            rest.append(f.spec)
    for name, _, code in MAILPIT_TRIGGERS:
        out.setdefault(name, {"ErrorCode": code, "Probability": 0})
    out["Faults"] = rest
    return out


def from_mailpit(body) -> list[Fault]:
    """The faults a chaos PUT body asks for. As in Mailpit, a trigger left out is off, and `{}`
    turns everything off; `Faults` (a list of specs) adds the faults Mailpit has not."""
    if not isinstance(body, dict):
        raise FaultError("the chaos triggers must be a JSON object")
    known = {name for name, *_ in MAILPIT_TRIGGERS} | {"Faults"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise FaultError(f"unknown chaos trigger {unknown[0]!r} (Sender, Recipient, Authentication, Faults)")
    faults = []
    for name, step, default in MAILPIT_TRIGGERS:
        trigger = body.get(name)
        if trigger is None:
            continue
        if not isinstance(trigger, dict):
            raise FaultError(f"{name}: a trigger is {{\"ErrorCode\": 451, \"Probability\": 50}}")
        code, probability = trigger.get("ErrorCode") or default, trigger.get("Probability", 0)
        if not isinstance(code, int) or isinstance(code, bool) or not 400 <= code <= 599:
            raise FaultError("error code must be between 400 and 599")
        if not isinstance(probability, int) or isinstance(probability, bool) or not 0 <= probability <= 100:
            raise FaultError("probability must be between 0 and 100")
        if probability:
            faults.append(Fault("smtp", step, "reply", code=code, probability=probability / 100))
    specs = body.get("Faults", [])
    if not isinstance(specs, list):
        raise FaultError("Faults must be a list of fault specs, e.g. [\"imap:fetch=drop\"]")
    return faults + [parse(s) for s in specs]


# ---------------------------------------------------------------- from the command line, to a sandbox
def apply_faults(sandbox_or_url, specs, *, cafile: str | None = None, timeout: float = 10.0) -> list[str]:
    """Add these faults to a sandbox: a `Sandbox` object (its `faults`), or one another process
    runs, by the base URL of its web server (http(s)://127.0.0.1:PORT) or an object whose
    `inbox_url` gives it, through its chaos API (GET, then PUT with them added).
    Returns every fault now set, as specs. Raises FaultError for a bad spec or a refusal."""
    faults = [parse(s) for s in specs]
    if getattr(sandbox_or_url, "faults", None) is not None:
        sandbox_or_url.faults.add(faults)
        return sandbox_or_url.faults.specs()
    call = _chaos_api(sandbox_or_url, cafile, timeout)
    current = call("GET")
    current["Faults"] = list(current.get("Faults", [])) + [f.spec for f in faults]
    return [f.spec for f in from_mailpit(call("PUT", current))]


def current_faults(sandbox_or_url, *, cafile: str | None = None, timeout: float = 10.0) -> list[str]:
    """The faults a sandbox has now, as specs (reached as apply_faults reaches it)."""
    if getattr(sandbox_or_url, "faults", None) is not None:
        return sandbox_or_url.faults.specs()
    return [f.spec for f in from_mailpit(_chaos_api(sandbox_or_url, cafile, timeout)("GET"))]


def replace_faults(sandbox_or_url, specs, *, cafile: str | None = None, timeout: float = 10.0) -> list[str]:
    """Set exactly these faults (none: no fault), as apply_faults reaches the sandbox; what
    `fourmail run --sandbox --fault` does at its end to a running sandbox it borrowed."""
    faults = [parse(s) for s in specs]
    if getattr(sandbox_or_url, "faults", None) is not None:
        sandbox_or_url.faults.set(faults)
        return sandbox_or_url.faults.specs()
    call = _chaos_api(sandbox_or_url, cafile, timeout)
    return [f.spec for f in from_mailpit(call("PUT", to_mailpit(faults)))]


def _chaos_api(sandbox_or_url, cafile: str | None, timeout: float):
    """call(method, body=None) -> the JSON answer of the chaos API of a sandbox another process runs."""
    if not isinstance(sandbox_or_url, str):
        sandbox_or_url = getattr(sandbox_or_url, "inbox_url", None) or ""
        if not sandbox_or_url:
            raise FaultError("that sandbox has no web server to send faults to")
    import json
    import ssl
    import urllib.error
    import urllib.request
    url = sandbox_or_url.rstrip("/") + CHAOS_PATH
    context = ssl.create_default_context(cafile=cafile) if url.startswith("https:") else None

    def call(method: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as e:
            raise FaultError(f"the sandbox refused the faults: {e.read().decode('utf-8', 'replace').strip()}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise FaultError(f"cannot reach the sandbox at {sandbox_or_url}: {getattr(e, 'reason', e)}") from None
    return call
