"""A session used after EmailCloseSession is a failure like the other e-mail failures: the
function returns False (EmailNbMessage 0, EmailGetAll an empty array), ErrorOccurred is True and ErrorInfo says "'<name>' is an invalid email session." (REFERENCE.md
§2.2); one never started stays a programming error. Run against the sandbox's real servers."""
from __future__ import annotations

from sandbox_util import fresh, sandbox  # noqa: F401  (the fixture)
from wl_fixes_util import lines


def run_on(sb, source):
    return lines(source, sandbox=sb)


SEND = """S is emailSMTPSession
S.ServerAddress = "smtp.gmail.com"
S.Port = 465
S.Option = optionSSL
S.Name = "{user}"
S.Password = "pw"
M is Email
M.Sender = "{user}"
Add(M.Recipient, "{user}")
M.Subject = "closed"
M.Message = "text"
Trace(EmailStartSession(S))
Trace(EmailSendMessage(S, M))
EmailCloseSession(S)
Trace(EmailSendMessage(S, M))
Trace(ErrorOccurred)
Trace(ErrorInfo())
Trace("still running")
"""

LIRE = """S est un emailSessionIMAP
S.AdresseServeur = "imap.gmail.com"
S.Port = 993
S.Option = optionSSL
S.Nom = "{user}"
S.MotDePasse = "pw"
M est un Email
Trace(EmailOuvreSession(S))
Trace(EmailLitPremier(S, M))
EmailFermeSession(S)
Trace(EmailLitPremier(S, M))
Trace(ErreurDétectée)
Trace(ErreurInfo())
Trace(EmailNbMessage(S))
Trace(ErreurInfo(errMessage))
"""


def test_sending_on_a_closed_session_returns_false(sandbox):  # noqa: F811
    user = fresh("closed")
    assert run_on(sandbox, SEND.format(user=user)) == [
        "1", "1", "0", "1", f"'{user}' is an invalid email session.", "still running"]


def test_reading_on_a_closed_session_returns_false_in_french(sandbox):  # noqa: F811
    user = fresh("ferme")
    msg = f"'{user}' is an invalid email session."
    assert run_on(sandbox, LIRE.format(user=user)) == ["1", "1", "0", "1", msg, "0", msg]


def test_a_session_never_started_is_still_the_codes_mistake(sandbox):  # noqa: F811
    # an exception (error 66), which WHEN EXCEPTION IN catches: the run goes on after it
    user = fresh("never")
    source = SEND.format(user=user).replace("Trace(EmailStartSession(S))\nTrace(EmailSendMessage(S, M))\n"
                                            "EmailCloseSession(S)\n", "")
    source = source.replace("Trace(EmailSendMessage(S, M))\n",
                            "WHEN EXCEPTION IN\n\tEmailSendMessage(S, M)\nDO\n\tTrace(ExceptionInfo(errCode))\nEND\n")
    assert run_on(sandbox, source)[0] == "66"


def test_a_name_the_compatibility_form_opened_fails_after_its_close(sandbox):  # noqa: F811
    user = fresh("legacy")
    source = f"""Trace(EmailStartSession("{user}", "pw", "pop.gmail.com", "smtp.gmail.com"))
Trace(EmailNbMessage("{user}") > 0)
EmailCloseSession("{user}")
Trace(EmailNbMessage("{user}"))
Trace(ErrorInfo())
Email.Sender = "{user}"
Add(Email.Recipient, "{user}")
Email.Subject = "after close"
Trace(EmailSendMessage("{user}"))
Trace(ErrorOccurred)
"""
    msg = f"'{user}' is an invalid email session."
    assert run_on(sandbox, source) == ["1", "1", "0", msg, "0", "1"]
