"""WLanguage's e-mail functions against the sandbox's real SMTP, IMAP and POP3 servers, routed
as `fourmail run --sandbox` routes them. The functions are called through the WLanguage
namespace, as compiled WLanguage code calls them."""
from __future__ import annotations

import email
import io
from email import policy

import pytest

from fourmail.commands.registry import namespace
from fourmail.program import new_runtime
from fourmail.runtime.conversions import to_text
from fourmail.runtime.errors import FourDError
from fourmail.sandbox import routing
from sandbox_util import fresh, imaps

NS = namespace("wlanguage")
CANARY = "canary-Pw-7f3e9"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A strict sandbox: one listed account, so a wrong password is refused."""
    from fourmail.sandbox.server import Sandbox
    root = tmp_path_factory.mktemp("wlsandbox")
    accounts = root / "accounts.txt"
    accounts.write_text(f"wl@gmail.com {CANARY} ya29.wl-token\nreader@gmail.com reader-pw\n")
    sb = Sandbox(root / "store", accounts_file=accounts, quiet=True)
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def open_sandbox(tmp_path_factory):
    """The default sandbox: any account; SMTP without AUTH delivers."""
    from fourmail.sandbox.server import Sandbox
    sb = Sandbox(tmp_path_factory.mktemp("wlopen"), quiet=True)
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture
def rt(sandbox, tmp_path):
    r = new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)
    routing.apply(r, sandbox)
    yield r
    r.shutdown()


def call(rt, name, *args):
    return NS.lookup_command(name).resolve()(rt, *args)


def new(rt, type_name):
    return NS.lookup_type(type_name).resolve()(rt)


def K(name):
    return NS.lookup_constant(name).value


def smtp_session(rt, port, option, user="wl@gmail.com", password=CANARY):
    s = new(rt, "emailSessionSMTP")
    for prop, value in (("AdresseServeur", "smtp.gmail.com"), ("Port", port), ("Nom", user),
                        ("MotDePasse", password), ("Option", option)):
        s.set_property(rt, prop, value)
    return s


def a_mail(rt, subject, to="reader@gmail.com"):
    m = new(rt, "Email")
    m.set_property(rt, "Expediteur", "wl@gmail.com")
    m.set_property(rt, "Destinataire", to)
    m.set_property(rt, "Sujet", subject)
    m.set_property(rt, "Message", "Bonjour de WLanguage")
    return m


def inbox_subjects(sandbox, user="reader@gmail.com", password="reader-pw"):
    box = imaps(sandbox, user, password)
    try:
        box.select("INBOX")
        _, data = box.search(None, "ALL")
        subjects = []
        for n in data[0].split():
            _, msg = box.fetch(n, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            subjects.append(email.message_from_bytes(msg[0][1], policy=policy.default)["Subject"])
        return subjects
    finally:
        box.logout()


# ---------------------------------------------------------------- opening, sending, closing
@pytest.mark.parametrize("port, option", [(587, "emailOptionSécuriséTLS"), (587, "emailProtocolSMTPS"),
                                          (465, "optionSSL")])
def test_open_send_close_over_tls(sandbox, rt, port, option):
    s = smtp_session(rt, port, K(option))
    assert call(rt, "EmailOuvreSession", s) is True
    assert call(rt, "ErreurDétectée") is False
    assert s.connection.session.connection.sock.version().startswith("TLS")
    subject = f"tls {port} {option} {fresh()}"
    assert call(rt, "EmailEnvoieMessage", s, a_mail(rt, subject)) is True
    assert call(rt, "EmailFermeSession", s) is True
    assert not s.is_open
    assert subject in inbox_subjects(sandbox)


def test_plain_session_never_upgrades(open_sandbox, tmp_path):
    # emailOptionDefault: no STARTTLS although the server offers it. The sandbox offers AUTH only
    # once encrypted (as Gmail does), so a plain SMTP session sends without signing in.
    rt = new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)
    routing.apply(rt, open_sandbox)
    s = smtp_session(rt, 25, K("emailOptionDefault"), user="", password="")
    assert call(rt, "EmailStartSession", s) is True
    conn = s.connection.session.connection
    assert not hasattr(conn.sock, "version")              # a plain socket, not an SSLSocket
    subject = f"plain {fresh()}"
    assert call(rt, "EmailSendMessage", s, a_mail(rt, subject)) is True
    call(rt, "EmailCloseSession", s)
    assert subject in inbox_subjects(open_sandbox)


def test_the_default_option_and_port(rt):
    s = new(rt, "emailSMTPSession")
    assert s.get_property("Port") == 25 and s.get_property("Option") == K("emailOptionDefault")
    assert new(rt, "emailPOP3Session").get_property("port") == 110
    assert new(rt, "emailIMAPSession").get_property("PORT") == 143


def test_wrong_password_returns_false_with_the_runtime_text(rt):
    s = smtp_session(rt, 587, K("emailOptionSecuredTLS"), password="not-the-password")
    assert call(rt, "EmailStartSession", s) is False
    assert call(rt, "ErrorOccurred") is True
    info = call(rt, "ErrorInfo")
    assert info.startswith("SMTP session, access denied.") and "535" in info
    assert call(rt, "ErrorInfo", K("errCode")) == 535
    assert "not-the-password" not in info
    assert not s.is_open
    # the next call starts afresh
    assert call(rt, "EmailStartSession", smtp_session(rt, 587, K("emailOptionSecuredTLS"))) is True
    assert call(rt, "ErrorOccurred") is False


@pytest.mark.parametrize("type_name, port, text", [("emailPOP3Session", 995, "POP3 session: access denied."),
                                                   ("emailIMAPSession", 993, "IMAP session: access denied.")])
def test_wrong_password_on_pop3_and_imap(rt, type_name, port, text):
    s = new(rt, type_name)
    for prop, value in (("ServerAddress", "pop.gmail.com" if port == 995 else "imap.gmail.com"), ("Port", port),
                        ("Name", "reader@gmail.com"), ("Password", "bad"), ("Option", K("optionSSL"))):
        s.set_property(rt, prop, value)
    assert s.call_function(rt, "StartSession", []) is False
    assert call(rt, "ErrorInfo").startswith(text)


def test_an_email_with_no_recipient_is_refused_and_the_session_still_quits(sandbox, rt):
    s = smtp_session(rt, 587, K("emailOptionSecuredTLS"))
    assert s.call_function(rt, "OuvreSession", []) is True
    empty = new(rt, "Email")
    assert s.call_function(rt, "EnvoieMessage", [empty]) is False
    assert call(rt, "ErreurDétectée") is True
    assert "no recipient" in call(rt, "ErreurInfo")
    conn = s.connection.session
    sent = []
    original = conn.connection.quit

    def quit_():
        sent.append("QUIT")
        return original()
    conn.connection.quit = quit_
    assert s.call_function(rt, "FermeSession", []) is True
    assert sent == ["QUIT"]


def test_token_sign_in_uses_xoauth2(sandbox, rt):
    s = smtp_session(rt, 465, K("optionSSL"), password="")
    token = new(rt, "AuthToken")
    token.set_property(rt, "Value", "ya29.wl-token")
    s.set_property(rt, "AuthToken", token)
    assert call(rt, "EmailStartSession", s) is True
    assert call(rt, "EmailSendMessage", s, a_mail(rt, "token")) is True
    call(rt, "EmailCloseSession", s)
    token.set_property(rt, "Valeur", "ya29.expired")
    assert call(rt, "EmailStartSession", s) is False
    assert call(rt, "ErrorInfo").startswith("SMTP session, access denied.")


def test_a_server_that_does_not_answer_in_time(rt, sandbox):
    # a plain session to the implicit-TLS listener: the server waits for a TLS handshake, the
    # client for a greeting; the process's time-out ends it
    import time
    call(rt, "EmailSetTimeOut", 1)
    s = smtp_session(rt, 465, K("emailOptionSecuredTLS"))
    start = time.monotonic()
    assert call(rt, "EmailStartSession", s) is False
    assert time.monotonic() - start < 5                  # not the 10 s the sandbox gives a handshake
    info = call(rt, "ErrorInfo")
    assert info.startswith("Cannot connect to smtp.gmail.com:465") and "timed out" in info


def test_legacy_named_smtp_session_and_the_email_structure(sandbox, rt):
    assert call(rt, "EmailStartSMTPSession", "wl@gmail.com", CANARY, "smtp.gmail.com", 587, False,
                K("emailOptionSecuredTLS")) is True
    st = call(rt, "Email")
    assert st is call(rt, "Email")                        # the process's one structure
    st.set_property(rt, "Sender", "wl@gmail.com")
    st.set_property(rt, "Recipient", "reader@gmail.com")
    assert st.get_property("NbRecipient") == 1
    subject = f"structure {fresh()}"
    st.set_property(rt, "Subject", subject)
    st.set_property(rt, "Message", "legacy")
    assert call(rt, "EmailSendMessage", "wl@gmail.com") is True
    ident = st.get_property("MailIdentifier")
    assert ident and call(rt, "EmailStatus", ident) == K("emailSent")
    assert call(rt, "EmailCloseSession", "WL@gmail.com") is True
    assert subject in inbox_subjects(sandbox)
    # a closed session is a failure, not an exception (tests/test_wl_fixes_closed_session.py)
    assert call(rt, "EmailSendMessage", "wl@gmail.com") is False
    assert call(rt, "ErrorInfo") == "'wl@gmail.com' is an invalid email session."


def test_smtp_legacy_form_with_two_arguments_is_user_and_server(rt):
    assert call(rt, "EmailStartSMTPSession", "someone@gmail.com", "smtp.gmail.com") is True
    call(rt, "EmailCloseSession", "someone@gmail.com")


def test_nb_recipient_larger_than_the_array_is_an_incorrect_structure(rt):
    assert call(rt, "EmailStartSMTPSession", "wl@gmail.com", CANARY, "smtp.gmail.com", 587, False,
                K("emailOptionSecuredTLS")) is True
    m = a_mail(rt, "counts")
    m.set_property(rt, "NbRecipient", 2)
    assert call(rt, "EmailSendMessage", "wl@gmail.com", m) is False
    assert call(rt, "ErrorInfo").startswith("Incorrect Email structure. NbRecipient is set to 2")
    call(rt, "EmailCloseSession", "wl@gmail.com")


def test_programming_errors_are_exceptions(rt):
    with pytest.raises(FourDError):
        call(rt, "EmailSendMessage", 12)
    with pytest.raises(FourDError, match="'nobody' is an invalid email session"):
        call(rt, "EmailCloseSession", "nobody")
    s = new(rt, "emailSMTPSession")
    with pytest.raises(FourDError):
        s.set_property(rt, "Port", "not a port")
    with pytest.raises(FourDError):
        s.get_property("NoSuchProperty")
    with pytest.raises(FourDError):
        call(rt, "EmailSendMessage", s, a_mail(rt, "x"))      # not open


def test_an_open_session_is_closed_at_the_end_of_the_run(sandbox, tmp_path):
    r = new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)
    routing.apply(r, sandbox)
    s = smtp_session(r, 587, K("emailOptionSecuredTLS"))
    assert call(r, "EmailStartSession", s) is True
    smtp = s.connection.session.connection
    r.shutdown()
    assert not s.is_open and smtp.sock is None


# ---------------------------------------------------------------- reading
def _fill_reader(rt, subjects, user):
    s = smtp_session(rt, 587, K("emailOptionSecuredTLS"))
    assert call(rt, "EmailStartSession", s)
    for subject in subjects:
        assert call(rt, "EmailSendMessage", s, a_mail(rt, subject, to=user))
    call(rt, "EmailCloseSession", s)


def test_read_first_next_over_pop3_until_out(sandbox, rt):
    tag = fresh()
    _fill_reader(rt, [f"pop {tag} 1", f"pop {tag} 2"], "reader@gmail.com")
    assert call(rt, "EmailStartPOP3Session", "reader@gmail.com", "reader-pw", "pop.gmail.com", 995,
                K("optionSSL")) is True
    count = call(rt, "EmailNbMessage", "reader@gmail.com")
    assert count >= 2
    st = call(rt, "Email")
    seen = []
    ok = call(rt, "EmailReadFirst", "reader@gmail.com")
    while ok:
        seen.append(st.get_property("Subject"))
        ok = call(rt, "EmailLitSuivant", "reader@gmail.com")
    assert st.get_property("EnDehors") is True and call(rt, "ErrorOccurred") is False
    assert len(seen) == count and seen[-2:] == [f"pop {tag} 1", f"pop {tag} 2"]
    assert call(rt, "EmailReadLast", "reader@gmail.com") is True
    assert st.get_property("Sujet") == f"pop {tag} 2"
    assert st.get_property("Expediteur") == "wl@gmail.com"
    assert st.get_property("Message").rstrip() == "Bonjour de WLanguage"
    assert call(rt, "EmailLitPrécédent", "reader@gmail.com") is True
    assert st.get_property("Subject") == f"pop {tag} 1"
    call(rt, "EmailCloseSession", "reader@gmail.com")


def test_pop3_delete_is_applied_at_close(sandbox, rt):
    tag = fresh()
    _fill_reader(rt, [f"delete {tag}"], "reader@gmail.com")
    s = new(rt, "emailPOP3Session")
    for prop, value in (("ServerAddress", "pop.gmail.com"), ("Name", "reader@gmail.com"),
                        ("Password", "reader-pw")):
        s.set_property(rt, prop, value)
    assert call(rt, "EmailStartSession", s) is True          # port 110, plain: the sandbox allows it
    m = new(rt, "Email")
    assert call(rt, "EmailReadLast", s, m) is True and m.get_property("Subject") == f"delete {tag}"
    assert call(rt, "EmailDeleteMessage", s) is True
    assert f"delete {tag}" in inbox_subjects(sandbox)         # only marked until QUIT
    assert call(rt, "EmailCloseSession", s) is True
    assert f"delete {tag}" not in inbox_subjects(sandbox)


def test_get_all_over_imap_and_not_read(sandbox, rt):
    tag = fresh()
    _fill_reader(rt, [f"imap {tag} a", f"imap {tag} b"], "reader@gmail.com")
    s = new(rt, "emailSessionIMAP")
    for prop, value in (("AdresseServeur", "imap.gmail.com"), ("Port", 993), ("Nom", "reader@gmail.com"),
                        ("MotDePasse", "reader-pw"), ("Option", K("optionSSL"))):
        s.set_property(rt, prop, value)
    assert call(rt, "EmailOuvreSession", s) is True
    everything = call(rt, "EmailRécupèreTout", s, K("ertComplet"))
    subjects = [m.get_property("Sujet") for m in everything.items[1:]]
    assert subjects[-2:] == [f"imap {tag} a", f"imap {tag} b"]
    assert everything.items[-1].get_property("Message").rstrip() == "Bonjour de WLanguage"
    headers = call(rt, "EmailGetAll", s)                      # ertHeader: headers only,
    assert headers.items[-1].get_property("Subject") == f"imap {tag} b"
    assert headers.items[-1].rest is not None                 # the rest fetched when read
    assert headers.items[-1].get_property("Message").rstrip() == "Bonjour de WLanguage"
    assert headers.items[-1].rest is None
    unread = call(rt, "EmailGetAll", s, K("ertNotRead"))
    assert f"imap {tag} b" in [m.get_property("Subject") for m in unread.items[1:]]
    assert call(rt, "EmailNbMessage", s) == len(subjects)
    call(rt, "EmailCloseSession", s)


# ---------------------------------------------------------------- secrets
def test_no_secret_is_shown(rt):
    s = smtp_session(rt, 587, K("emailOptionSecuredTLS"))
    token = new(rt, "AuthToken")
    token.set_property(rt, "Value", "tok-" + CANARY)
    token.set_property(rt, "RefreshToken", "refresh-" + CANARY)
    s.set_property(rt, "AuthToken", token)
    params = new(rt, "OAuth2Paramètres")
    params.set_property(rt, "ClientSecret", "secret-" + CANARY)
    params.set_property(rt, "URLAuth", "https://accounts.google.com/o/oauth2/auth")
    for value in (s, token, params):
        for shown in (to_text(value), repr(value), str(value._properties())):
            assert CANARY not in shown
    assert "accounts.google.com" in to_text(params) and "smtp.gmail.com" in to_text(s)
    assert s.get_property("MotDePasse") == CANARY               # readable, never shown
    assert token.get_property("Valid") is True


def test_email_send_sends_a_file_of_mime(sandbox, rt, tmp_path):
    subject = f"from a file {fresh()}"
    (tmp_path / "mail.eml").write_bytes(
        f"From: wl@gmail.com\nTo: reader@gmail.com\nBcc: secret-copy@gmail.com\nSubject: {subject}\n\nraw body\n"
        .encode())
    assert call(rt, "EmailStartSMTPSession", "wl@gmail.com", CANARY, "smtp.gmail.com", 465, False,
                K("optionSSL")) is True
    assert call(rt, "EmailEnvoie", "wl@gmail.com", "mail.eml") is True
    assert call(rt, "EmailSend", "wl@gmail.com", "missing.eml") is False
    assert "missing.eml" in call(rt, "ErrorInfo")
    call(rt, "EmailCloseSession", "wl@gmail.com")
    assert subject in inbox_subjects(sandbox)


def test_set_timeout_applies_to_the_sessions_opened_next(rt):
    call(rt, "EmailSetTimeOut", 9)
    s = smtp_session(rt, 587, K("emailOptionSecuredTLS"))
    assert call(rt, "EmailStartSession", s) is True
    assert s.connection.session.timeout == 9
    call(rt, "EmailCloseSession", s)


def test_read_message_and_read_first_over_imap(sandbox, rt):
    tag = fresh()
    _fill_reader(rt, [f"by number {tag}"], "reader@gmail.com")
    assert call(rt, "EmailStartIMAPSession", "reader@gmail.com", "reader-pw", "imap.gmail.com", 143,
                K("emailOptionSecuredTLS")) is True
    n = call(rt, "EmailNbMessage", "reader@gmail.com")
    m = new(rt, "Email")
    assert call(rt, "EmailLitMessage", "reader@gmail.com", m, n) is True
    assert m.get_property("Subject") == f"by number {tag}" and m.get_property("ID")
    assert call(rt, "EmailReadMessage", "reader@gmail.com", n + 1) is False
    assert call(rt, "ErrorOccurred") is True
    assert call(rt, "EmailReadFirst", "reader@gmail.com", m) is True
    assert call(rt, "EmailReadPrevious", "reader@gmail.com", m) is False and m.get_property("Out") is True
    call(rt, "EmailCloseSession", "reader@gmail.com")


def test_what_wlanguage_sends_a_4d_program_reads(sandbox, rt, tmp_path):
    from fourmail.program import run_source
    subject = f"cross {fresh()}"
    _fill_reader(rt, [subject], "reader@gmail.com")
    out = io.StringIO()
    r = new_runtime(project_dir=tmp_path, out=out, interactive=False)
    routing.apply(r, sandbox)
    source = ('$server:=New object("host";"imap.gmail.com";"port";993;"user";"reader@gmail.com";'
              '"password";"reader-pw")\n'
              '$t:=IMAP New transporter($server)\n'
              '$box:=$t.selectBox("INBOX")\n'
              '$mail:=$t.getMail($box.mailCount)\n'
              'ALERT($mail.subject+"|"+$mail.from[0].email)\n')
    outcome = run_source(r, source, "read.4dm")
    r.shutdown()
    assert outcome.kind == "ok", outcome.error
    assert out.getvalue().strip() == f"{subject}|wl@gmail.com"


def test_the_compatibility_form_opens_pop3_and_smtp_under_one_name(open_sandbox, tmp_path):
    rt = new_runtime(project_dir=tmp_path, out=io.StringIO(), interactive=False)
    routing.apply(rt, open_sandbox)
    user = fresh("legacy")
    assert call(rt, "EmailStartSession", user, "any-pw", "pop.gmail.com", "smtp.gmail.com") is True
    st = call(rt, "Email")
    subject = f"compat {fresh()}"
    for prop, value in (("Sender", "wl@gmail.com"), ("Recipient", user), ("Subject", subject), ("Message", "x")):
        st.set_property(rt, prop, value)
    assert call(rt, "EmailSendMessage", user) is True           # the SMTP session of that name
    assert call(rt, "EmailCloseSession", user) is True
    assert call(rt, "EmailStartSession", user, "any-pw", "pop.gmail.com") is True
    assert call(rt, "EmailReadLast", user) is True                # the POP3 session of that name
    assert st.get_property("Subject") == subject
    with pytest.raises(FourDError, match="invalid email session"):
        call(rt, "EmailSendMessage", user)                        # no SMTP session of that name now
    call(rt, "EmailCloseSession", user)
    rt.shutdown()
