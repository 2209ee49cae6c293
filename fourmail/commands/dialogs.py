"""Dialog commands on a terminal: ALERT prints; Request, CONFIRM and Select document ask.

Answers come, in order, from `--answer TEXT` flags (rt.answers); without any left they are
asked on the terminal when there is one, else the dialog counts as cancelled (OK=0): a script
never hangs on a closed standard input. A Request asking for a secret (secret_names.py: "Your
password?") is read without echo and its answer, typed or given by --answer, is never printed.
"""
from __future__ import annotations

from pathlib import Path

from ..runtime.conversions import to_text
from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED
from ..secret_names import MASK, is_secret_prompt

_YES = {"", "y", "yes", "ok", "1", "true", "o", "oui"}


def _text_arg(name, value) -> str:
    if value is UNDEFINED:
        raise FourDError(E.BAD_PARAMETER, name=name, detail="the message is Undefined")
    return value if isinstance(value, str) else to_text(value)


def _ask(rt, prompt: str, secret: bool = False) -> str | None:
    """One answer: from --answer, else from the terminal, else None (cancelled). A `secret`
    answer is neither echoed nor printed."""
    answer = rt.next_answer()
    if answer is not None:
        rt.write(f"{prompt}{MASK if secret and answer else answer}\n")
        return answer
    asker = getattr(rt, "ask", None)
    if asker is not None:        # the front end asks (the REPL's prompt, hidden for a secret)
        return asker(prompt)
    if not rt.interactive:
        return None
    try:
        rt.out.flush()
        if secret:
            import getpass
            return getpass.getpass(prompt)
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        rt.write("\n")
        return None


def alert(rt, message, ok_title=None):
    rt.write(_text_arg("ALERT", message) + "\n")


def message(rt, text):
    rt.write(_text_arg("MESSAGE", text) + "\n")


def request(rt, message, default="", ok_title=None, cancel_title=None):
    prompt = _text_arg("Request", message)
    secret = is_secret_prompt(prompt)
    hint = f" [{MASK if secret else default}]" if default else ""
    answer = _ask(rt, f"{prompt}{hint} ", secret)
    if answer is None:
        rt.set_ok(0)
        return ""
    rt.set_ok(1)
    return answer if answer != "" else (default if isinstance(default, str) else "")


def confirm(rt, message, ok_title="OK", cancel_title="Cancel"):
    ok_t = ok_title if isinstance(ok_title, str) and ok_title else "OK"
    cancel_t = cancel_title if isinstance(cancel_title, str) and cancel_title else "Cancel"
    answer = _ask(rt, f"{_text_arg('CONFIRM', message)} [{ok_t}/{cancel_t}] ")
    if answer is None:
        rt.set_ok(0)
        return
    a = answer.strip().casefold()
    rt.set_ok(1 if a in _YES or a == ok_t.casefold() else 0)


def select_document(rt, directory, file_types, title, options, selected=None):
    answer = _ask(rt, f"{_text_arg('Select document', title) or 'Select a document'}: ")
    if not answer:
        rt.set_ok(0)
        return ""
    path = Path(answer).expanduser()
    if not path.is_absolute():
        path = rt.project_dir / path
    rt.set_process_var("Document", str(path))
    rt.set_ok(1)
    return path.name
