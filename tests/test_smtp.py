"""The SMTP transporter against a real Postfix (with Dovecot SASL) on loopback.

Every test sends real mail through 4D code and reads the delivered bytes back from the
recipient's Maildir, checked with the stdlib parser. Server behaviours Postfix cannot show
(a drop in the middle of DATA, 421, a hang) use the aiosmtpd-based faulty server.
"""
from __future__ import annotations

import email
import time
import uuid
from email import policy

import pytest

import mailservers as ms
from conftest import run4d

HOST = "smtp.example.test"       # the name the 4D code uses; routes send it to the test servers


def routes(rm):
    return [f"{HOST}:465=127.0.0.1:{rm.smtps}", f"{HOST}:587=127.0.0.1:{rm.submission}",
            f"{HOST}:25=127.0.0.1:{rm.smtp}", f"notls.example.test:25=127.0.0.1:{rm.smtp_notls}",
            f"notls.example.test:587=127.0.0.1:{rm.smtp_notls}"]


def server_object(**props) -> str:
    """4D source building $server from keyword arguments (booleans and numbers as 4D literals)."""
    lines = ["$server:=New object"]
    for k, v in props.items():
        lit = ("True" if v else "False") if isinstance(v, bool) else (str(v) if isinstance(v, (int, float))
                                                                       else '"' + v + '"')
        lines.append(f"$server.{k}:={lit}")
    return "\n".join(lines)


def send_source(subject: str, to="bob@example.com", extra: str = "", **props) -> str:
    props.setdefault("host", HOST)
    return f"""{server_object(**props)}
$transporter:=SMTP New transporter($server)
$email:=New object
$email.from:="alice@example.com"
$email.to:="{to}"
$email.subject:="{subject}"
$email.textBody:="Hello Bob"
{extra}
$status:=$transporter.send($email)
ALERT(String($status.success)+"|"+String($status.status)+"|"+$status.statusText)
"""


def run_send(rm, tmp_path, source, **kw):
    r = run4d(source, routes=routes(rm), cafiles=[rm.ca], project_dir=tmp_path, **kw)
    assert r.error is None, r.error and r.error.describe()
    success, status, text = r.lines[-1].split("|", 2)
    return success == "True", int(status), text, r


def delivered(user: str, subject: str, timeout: float = 10) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for raw in ms.messages(user):
            msg = email.message_from_bytes(raw, policy=policy.default)
            if msg["Subject"] == subject:
                return msg
        time.sleep(0.05)
    raise AssertionError(f"no message {subject!r} delivered to {user}")


def not_delivered(user: str, subject: str, wait: float = 0.5) -> bool:
    time.sleep(wait)
    return all(email.message_from_bytes(raw, policy=policy.default)["Subject"] != subject
               for raw in ms.messages(user))


def postfix_log(rm) -> str:
    return (rm.dir / "log" / "postfix.log").read_text(errors="replace")


def subject() -> str:
    return "test " + uuid.uuid4().hex[:12]


# ---------------------------------------------------------------- TLS modes
def test_implicit_tls_port_465(realmail, tmp_path):
    s = subject()
    ok, status, text, _ = run_send(realmail, tmp_path, send_source(s, port=465, user="alice", password="alice-pw"))
    assert (ok, status) == (True, 250), text
    msg = delivered("bob", s)
    assert msg.get_content().strip() == "Hello Bob"
    assert "using TLS" in " ".join(map(str, msg.get_all("Received")))          # Postfix notes the TLS session


def test_starttls_port_587_is_the_default(realmail, tmp_path):
    s = subject()
    # no port: 587, STARTTLS; the submission service refuses AUTH and mail before TLS
    ok, status, text, _ = run_send(realmail, tmp_path, send_source(s, user="alice", password="alice-pw"))
    assert (ok, status) == (True, 250), text
    assert "using TLS" in " ".join(map(str, delivered("bob", s).get_all("Received")))


def test_no_starttls_without_accept_unsecure_fails_before_sending(realmail, tmp_path):
    s = subject()
    src = send_source(s, host="notls.example.test", port=25, user="alice", password="alice-pw")
    ok, status, text, r = run_send(realmail, tmp_path, src)
    assert (ok, status) == (False, 0)
    assert "STARTTLS" in text and "acceptUnsecureConnection" in text
    assert not_delivered("bob", s)
    assert "alice-pw" not in postfix_log(realmail)       # no credentials went out in clear


def test_accept_unsecure_connection_sends_in_clear(realmail, tmp_path):
    s = subject()
    src = send_source(s, host="notls.example.test", port=25, user="alice", password="alice-pw",
                      acceptUnsecureConnection=True)
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (True, 250), text
    assert "using TLS" not in " ".join(map(str, delivered("bob", s).get_all("Received")))


def test_certificate_is_verified(realmail, tmp_path):
    s = subject()
    src = send_source(s, port=465, user="alice", password="alice-pw")
    r = run4d(src, routes=routes(realmail), project_dir=tmp_path)    # the test CA is not trusted
    success, status, text = r.lines[-1].split("|", 2)
    assert (success, status) == ("False", "0")
    assert "certificate" in text.lower()
    assert not_delivered("bob", s)


# ---------------------------------------------------------------- authentication
@pytest.mark.parametrize("mode, sasl", [("PLAIN", "PLAIN"), ("LOGIN", "LOGIN"), ("CRAM-MD5", "CRAM-MD5")])
def test_auth_mechanisms(realmail, tmp_path, mode, sasl):
    s = subject()
    src = send_source(s, port=465, user="alice", password="alice-pw", authenticationMode=mode)
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (True, 250), text
    delivered("bob", s)
    assert f"sasl_method={sasl}, sasl_username=alice" in postfix_log(realmail)


def test_default_auth_is_the_most_secure_offered(realmail, tmp_path):
    before = postfix_log(realmail).count("sasl_method=CRAM-MD5")
    s = subject()
    ok, status, text, _ = run_send(realmail, tmp_path, send_source(s, port=465, user="alice", password="alice-pw"))
    assert ok, text
    assert postfix_log(realmail).count("sasl_method=CRAM-MD5") == before + 1


def test_oauth2_with_a_token(realmail, tmp_path):
    s = subject()
    src = send_source(s, port=465, user="alice", accessTokenOAuth2=realmail.token("alice"))
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (True, 250), text
    delivered("bob", s)
    assert "sasl_method=XOAUTH2, sasl_username=alice" in postfix_log(realmail)


def test_oauth2_failure_completes_the_challenge(realmail, tmp_path):
    # bob's token for alice: the server answers 334 <json>, the client an empty line, then 535
    src = send_source(subject(), port=465, user="alice", accessTokenOAuth2=realmail.token("bob"))
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (False, 535), text


def test_oauth2_token_object(realmail, tmp_path):
    s = subject()
    extra = f'$server.accessTokenOAuth2:=New object("token";New object("access_token";"{realmail.token("alice")}"))'
    src = send_source(s, port=465, user="alice").replace("$transporter:=", extra + "\n$transporter:=", 1)
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert ok, text


def test_wrong_password_gives_535(realmail, tmp_path):
    s = subject()
    ok, status, text, _ = run_send(realmail, tmp_path, send_source(s, port=465, user="alice", password="nope"))
    assert (ok, status) == (False, 535)
    assert "authentication failed" in text.lower()
    assert not_delivered("bob", s)


def test_unknown_recipient_sends_nothing(realmail, tmp_path):
    s = subject()
    src = send_source(s, to="nobody@example.com", port=465, user="alice", password="alice-pw")
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (False, 550)
    assert "nobody@example.com" in text


def test_one_unknown_recipient_among_good_ones_sends_to_nobody(realmail, tmp_path):
    s = subject()
    src = send_source(s, to="bob@example.com, nobody@example.com", port=465, user="alice", password="alice-pw")
    ok, status, _, _ = run_send(realmail, tmp_path, src)
    assert (ok, status) == (False, 550)
    assert not_delivered("bob", s)


# ---------------------------------------------------------------- what arrives
def test_recipients_and_bcc(realmail, tmp_path):
    s = subject()
    extra = '$email.cc:="Alice <alice@example.com>"\n$email.bcc:=New collection(New object("email";"bob@example.org"))'
    ok, status, text, _ = run_send(realmail, tmp_path,
                                   send_source(s, to="Bob <bob@example.com>", extra=extra, port=465, user="alice",
                                               password="alice-pw"))
    assert ok, text
    for user in ("alice", "bob"):
        msg = delivered(user, s)
        assert msg["Bcc"] is None and b"bob@example.org" not in msg.as_bytes()
        assert msg["To"].addresses[0].display_name == "Bob"
        assert msg["Cc"].addresses[0].addr_spec == "alice@example.com"
    # bob got it twice: as To and as Bcc (bob@example.org is bob too)
    assert sum(1 for raw in ms.messages("bob") if s.encode() in raw) == 2


@pytest.mark.parametrize("mode, subject_marker, body_cte, body_charset", [
    ("mail mode UTF8", "=?utf-8?q?", "quoted-printable", "utf-8"),
    ("mail mode UTF8 in base64", "=?utf-8?b?", "base64", "utf-8"),
    ("mail mode ISO88591", "=?iso-8859-1?q?", "8bit", "iso-8859-1"),
])
def test_charset_modes_arrive_as_documented(realmail, tmp_path, mode, subject_marker, body_cte, body_charset):
    # Transporter.md bodyCharset/headerCharset table
    tag = uuid.uuid4().hex[:8]
    src = f"""{server_object(host=HOST, port=465, user="alice", password="alice-pw")}
$server.headerCharset:={mode}
$server.bodyCharset:={mode}
$transporter:=SMTP New transporter($server)
$email:=New object("from";"alice@example.com";"to";"bob@example.com")
$email.subject:="Café {tag}"
$email.textBody:="Crème brûlée"
$status:=$transporter.send($email)
ALERT(String($status.success)+"|"+String($status.status)+"|"+$status.statusText)"""
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert ok, text
    msg = delivered("bob", f"Café {tag}")
    raw = msg.as_bytes()
    assert subject_marker.encode() in raw.lower()
    assert msg["Content-Transfer-Encoding"].lower() == body_cte
    assert msg.get_content_charset() == body_charset
    assert msg.get_content().rstrip("\r\n") == "Crème brûlée"


def test_html_and_attachment(realmail, tmp_path):
    s = subject()
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 fake")
    extra = ('$email.htmlBody:="<p>Hi</p>"\n'
             '$email.attachments:=New collection(MAIL New attachment(File("/PACKAGE/report.pdf")))')
    ok, status, text, _ = run_send(realmail, tmp_path, send_source(s, extra=extra, port=465, user="alice",
                                                                   password="alice-pw"))
    assert ok, text
    msg = delivered("bob", s)
    parts = {p.get_content_type(): p for p in msg.walk()}
    assert parts["text/html"].get_content().strip() == "<p>Hi</p>"
    assert parts["application/pdf"].get_content() == b"%PDF-1.4 fake"
    assert parts["application/pdf"].get_filename() == "report.pdf"


# ---------------------------------------------------------------- connection life
def test_keep_alive_reuses_one_connection(faulty_smtp, tmp_path):
    srv = faulty_smtp("ok")
    src = send_source("one", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True) + """
$email.subject:="two"
$status:=$transporter.send($email)
ALERT(String($status.success))"""
    r = run4d(src, project_dir=tmp_path)
    assert r.lines[-1] == "True" and len(srv.messages) == 2
    assert srv.connections == 1


def test_faulty_server_drop_in_data(faulty_smtp, tmp_path):
    srv = faulty_smtp("drop_in_data")
    src = send_source("drop", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True)
    r = run4d(src, project_dir=tmp_path)
    success, status, text = r.lines[-1].split("|", 2)
    assert (success, status) == ("False", "0") and "lost" in text
    assert srv.messages == []


def test_faulty_server_421_after_mail(faulty_smtp, tmp_path):
    srv = faulty_smtp("421_after_mail")
    r = run4d(send_source("x", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True), project_dir=tmp_path)
    success, status, text = r.lines[-1].split("|", 2)
    assert (success, status) == ("False", "421")


def test_faulty_server_421_on_connect(faulty_smtp, tmp_path):
    srv = faulty_smtp("421_on_connect")
    r = run4d(send_source("x", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True), project_dir=tmp_path)
    success, status, _ = r.lines[-1].split("|", 2)
    assert (success, status) == ("False", "421")


def test_send_timeout(faulty_smtp, tmp_path):
    srv = faulty_smtp("hang_in_data")
    src = send_source("x", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True, sendTimeOut=1)
    t0 = time.monotonic()
    r = run4d(src, project_dir=tmp_path)
    elapsed = time.monotonic() - t0
    success, status, text = r.lines[-1].split("|", 2)
    assert (success, status) == ("False", "0") and "sendTimeOut" in text
    assert 0.8 < elapsed < 10


def test_reconnects_after_an_idle_drop(faulty_smtp, tmp_path):
    srv = faulty_smtp("drop_when_idle", idle_timeout=0.3)
    src = send_source("one", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True) + """
DELAY PROCESS(Current process;60)
$email.subject:="two"
$status:=$transporter.send($email)
ALERT(String($status.success))"""
    r = run4d(src, project_dir=tmp_path)
    assert r.error is None, r.error and r.error.describe()
    assert r.lines[-1] == "True"
    assert [m.data.split(b"Subject: ")[1].split(b"\r\n")[0] for m in srv.messages] == [b"one", b"two"]
    assert srv.connections == 2


def test_keep_alive_false_closes_after_each_send(faulty_smtp, tmp_path):
    srv = faulty_smtp("ok")
    src = send_source("one", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True, keepAlive=False) + """
$status:=$transporter.send($email)
ALERT(String($status.success))"""
    r = run4d(src, project_dir=tmp_path)
    assert r.lines[-1] == "True" and len(srv.messages) == 2 and srv.connections == 2


def test_release_closes_the_connection(faulty_smtp, tmp_path):
    srv = faulty_smtp("ok")
    src = send_source("one", host="127.0.0.1", port=srv.port, acceptUnsecureConnection=True, logFile="rel.txt") + """
$transporter:=Null
ALERT("released")"""
    r = run4d(src, project_dir=tmp_path, logs_dir=tmp_path / "Logs")
    assert r.lines[-1] == "released"
    log = (tmp_path / "Logs" / "rel.txt").read_text()
    assert "C > quit" in log and log.rstrip().endswith("SMTP session closed")


# ---------------------------------------------------------------- the transporter object
def test_properties_defaults_and_read_only(run):
    r = run(f"""{server_object(host="smtp.example.test", user="alice", password="secret", accessTokenOAuth2="tok")}
$t:=SMTP New transporter($server)
ALERT(JSON Stringify($t))
$t.port:=25""")
    import json
    props = json.loads(r.lines[0])
    assert props == {"acceptUnsecureConnection": False, "authenticationMode": "", "bodyCharset": "US-ASCII_UTF8_QP",
                     "connectionTimeOut": 30, "headerCharset": "US-ASCII_UTF8_QP", "host": "smtp.example.test",
                     "keepAlive": True, "port": 587, "sendTimeOut": 100, "user": "alice"}
    assert "secret" not in r.out and "tok" not in r.out
    assert r.error is not None and r.error.line == 8 and "read-only" in r.error.message


def test_new_does_not_connect_and_class_store_form(run):
    # SMTP New transporter opens no connection (smtp-new-transporter.md): an unreachable host is fine
    r = run('$t:=4D.SMTPTransporter.new(New object("host";"127.0.0.1";"port";1))\nALERT(String($t.port))')
    assert r.error is None and r.lines == ["1"]


def test_host_is_mandatory(run):
    r = run('$t:=SMTP New transporter(New object("user";"x"))')
    assert r.error is not None and "host" in r.error.message and r.error.component == "SMTP"


def test_invalid_mail_gives_the_documented_status_and_a_4d_error(realmail, tmp_path):
    (tmp_path / "handler.4dm").write_text('ALERT("handled "+String(Error))\n')
    src = f"""ON ERR CALL("handler")
{server_object(host=HOST, port=465, user="alice", password="alice-pw")}
$t:=SMTP New transporter($server)
$status:=$t.send(New object("to";"bob@example.com";"subject";"no from"))
ALERT(JSON Stringify($status))
ALERT(String(Last errors.length))"""
    r = run4d(src, routes=routes(realmail), cafiles=[realmail.ca], project_dir=tmp_path)
    assert r.error is None
    assert r.lines[0].startswith("handled ")
    assert r.lines[1] == '{"success":false,"status":0,"statusText":"Failed to send email"}'


def test_check_connection(realmail, tmp_path):
    src = f"""{server_object(host=HOST, port=465, user="alice", password="alice-pw")}
$t:=SMTP New transporter($server)
$status:=$t.checkConnection()
ALERT(String($status.success)+" "+String($status.status))
$server.password:="wrong"
$t:=SMTP New transporter($server)
$status:=$t.checkConnection()
ALERT(String($status.success)+" "+String($status.status)+" "+String(Undefined($status.errors)))
$t:=SMTP New transporter(New object("host";"127.0.0.1";"port";1))
$status:=$t.checkConnection()
ALERT(String($status.success)+" "+String($status.status)+" "+String($status.errors.length))"""
    r = run4d(src, routes=routes(realmail), cafiles=[realmail.ca], project_dir=tmp_path)
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["True 250", "False 535 True", "False 0 1"]


def test_log_file_has_the_mime_content_and_no_secret(realmail, tmp_path):
    s = subject()
    src = send_source(s, port=465, user="alice", password="alice-pw", logFile="smtp.txt")
    ok, _, text, _ = run_send(realmail, tmp_path, src, logs_dir=tmp_path / "Logs")
    assert ok, text
    src = send_source(s + "b", port=465, user="alice", accessTokenOAuth2=realmail.token("alice"), logFile="smtp.txt")
    ok, _, text, _ = run_send(realmail, tmp_path, src, logs_dir=tmp_path / "Logs")
    assert ok, text
    log = (tmp_path / "Logs" / "smtp.txt").read_text()
    assert f"C > Subject: {s}" in log and "C > Hello Bob" in log
    assert "AUTH CRAM-MD5 ********" in log and "AUTH XOAUTH2 ********" in log
    assert "alice-pw" not in log and realmail.token("alice") not in log
    import base64
    assert base64.b64encode(b"\0alice\0alice-pw").decode() not in log
    first = log.splitlines()[0].split("\t")
    assert first[0].isdigit() and "T" in first[1] and len(first) == 5


def test_smime_signature_verifies(realmail, tmp_path):
    import subprocess
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID
    import datetime as dt
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "alice@example.com")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(dt.datetime(2020, 1, 1)).not_valid_after(dt.datetime(2100, 1, 1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "me.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"me", key, cert, None, serialization.BestAvailableEncryption(b"myGreatPW123")))
    (tmp_path / "me.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    s = subject()
    extra_before = '$server.certificate:=File("/PACKAGE/me.p12")\n$server.certificatePassword:="myGreatPW123"'
    src = send_source(s, port=465, user="alice", password="alice-pw").replace(
        "$transporter:=", extra_before + "\n$transporter:=", 1)
    ok, status, text, _ = run_send(realmail, tmp_path, src)
    assert ok, text
    msg = delivered("bob", s)
    assert msg.get_content_type() == "multipart/signed"
    raw = next(r for r in ms.messages("bob") if s.encode() in r)
    (tmp_path / "signed.eml").write_bytes(raw)
    v = subprocess.run(["openssl", "smime", "-verify", "-in", str(tmp_path / "signed.eml"), "-noverify",
                        "-certfile", str(tmp_path / "me.pem")], capture_output=True)
    assert v.returncode == 0, v.stderr.decode()
    assert b"Hello Bob" in v.stdout


def test_ssl_cert_file_is_honoured(realmail, tmp_path, monkeypatch):
    # The system trust store as OpenSSL finds it: SSL_CERT_FILE names the CA file to trust.
    monkeypatch.setenv("SSL_CERT_FILE", str(realmail.ca))
    s = subject()
    r = run4d(send_source(s, port=465, user="alice", password="alice-pw"), routes=routes(realmail),
              project_dir=tmp_path)
    assert r.lines[-1].startswith("True|250|"), r.lines
    delivered("bob", s)
