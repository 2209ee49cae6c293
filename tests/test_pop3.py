"""4D.POP3Transporter against the real Dovecot (tests/servers/realmail): the object, every
authentication mode, TLS both ways, failures, every function with its documented return shape,
received mail as an Email object, and the extended log without secrets."""
from __future__ import annotations

import base64
import json
import socket

import pytest

from conftest import alerts
from pop3_support import (ATTACHMENT, dovecot_log, fill, normalized, pop3_logins, pop3mail, run4d,  # noqa: F401
                          sample_messages)

USER = "pop3-user"          # an account of these tests only (pop3_support.USERS)


@pytest.fixture
def acct(pop3mail, tmp_path):
    """The INBOX emptied, and a runner for 4D code whose $server is the account on POP3S."""
    realmail = pop3mail
    password = realmail.users[USER]
    fill(realmail, USER, [])

    class Account:
        server = realmail
        user, pw = USER, password
        token = realmail.token(USER)
        logs = tmp_path / "Logs"

        def run(self, source, **kw):
            prefix = (f'var $server : Object\n$server:=New object("host";"pop.test";"user";"{USER}";'
                      f'"password";"{password}")\n')
            return run4d(realmail, prefix + source, project_dir=tmp_path, **kw)
    yield Account()
    fill(realmail, USER, [])




# ---------------------------------------------------------------- the object itself
def test_defaults_and_read_only_properties(acct):
    r = acct.run('$t:=POP3 New transporter(New object("host";"pop.test";"password";"secret";'
                 '"accessTokenOAuth2";"tok"))\nALERT(JSON Stringify($t))\n'
                 '$t2:=4D.POP3Transporter.new(New object("host";"pop.test";"port";110;"authenticationMode";'
                 'POP3 authentication APOP;"logFile";"p.txt"))\nALERT(JSON Stringify($t2))\n'
                 '$t.port:=1')
    props, props2 = (json.loads(x) for x in r.lines[:2])
    assert props == {"acceptUnsecureConnection": False, "authenticationMode": "", "connectionTimeOut": 30,
                     "host": "pop.test", "port": 995, "user": ""}
    assert props2["port"] == 110 and props2["authenticationMode"] == "APOP" and props2["logFile"] == "p.txt"
    assert r.error is not None and r.error.code == 62      # read-only
    assert "secret" not in r.out and "tok" not in r.out


def test_server_object_is_checked(acct):
    r = acct.run('$t:=POP3 New transporter(New object("port";995))')
    assert r.error.component == "POP3" and "host property is mandatory" in r.error.message
    r = acct.run('$t:=POP3 New transporter($undefinedServer)')
    assert r.error.code == 66 and "must be an object" in r.error.message
    r = acct.run('$t:=POP3 New transporter(New object("host";"h";"authenticationMode";"NTLM"))')
    assert "NTLM" in r.error.message
    r = acct.run('$t:=POP3 New transporter($server)\n$m:=$t.getMail("1")')
    assert r.error.code == 66 and "msgNumber must be a number" in r.error.message


# ---------------------------------------------------------------- authentication and TLS
MODES = ["", "APOP", "CRAM-MD5", "LOGIN", "PLAIN", "OAUTH2"]


@pytest.mark.parametrize("port", [995, 110])
@pytest.mark.parametrize("mode", MODES)
def test_authentication_modes(acct, mode, port):
    token = acct.token
    since = len(dovecot_log(acct.server))
    extra = (f'$server.authenticationMode:="{mode}"\n' if mode else "") + \
            (f'$server.accessTokenOAuth2:="{token}"\n$server.password:=""\n' if mode == "OAUTH2" else "")
    r = acct.run(extra + f'$server.port:={port}\n$server.logFile:="auth.txt"\n$t:=POP3 New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    status, = alerts(r)
    assert status == {"success": True, "statusText": "Logged in."}
    log = (acct.logs / "auth.txt").read_text()
    expected = mode or "CRAM-MD5"               # by default: the most secure one offered
    assert f"selected: {expected}" in log
    # Dovecot's own log says which mechanism really logged in, and that it was over TLS.
    login, = pop3_logins(acct.server, USER, since, expect=1)
    assert f"method={'XOAUTH2' if mode == 'OAUTH2' else expected}," in login and ", TLS," in login
    _assert_no_secret(log, acct.pw, token)
    redacted = {"APOP": f"C > APOP {USER} ********", "OAUTH2": "C > AUTH XOAUTH2 ********"}.get(mode, "C > ********")
    assert redacted in log


def _assert_no_secret(log: str, password: str, token: str) -> None:
    secrets = [password, token, base64.b64encode(f"\0{USER}\0{password}".encode()).decode(),
               base64.b64encode(password.encode()).decode(),
               base64.b64encode(f"user={USER}\x01auth=Bearer {token}\x01\x01".encode()).decode()]
    for secret in secrets:
        assert secret not in log


def test_oauth2_by_default_with_a_token_object_and_a_bad_token(acct):
    token = acct.token
    r = acct.run(f'$server.password:=""\n$server.accessTokenOAuth2:=New object("token";New object('
                 f'"access_token";"{token}"))\n$t:=POP3 New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n'
                 '$server.accessTokenOAuth2:="not-a-valid-token"\n$server.logFile:="oauth.txt"\n'
                 '$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))')
    good, bad = alerts(r)
    assert good["success"] is True
    # The failure flow: "+ <base64 JSON>", an empty answer, then -ERR. The server answered: no errors.
    assert bad["success"] is False and "errors" not in bad
    assert "Authentication failed" in bad["statusText"] and '"status":"401"' in bad["statusText"]
    log = (acct.logs / "oauth.txt").read_text()
    assert "C > AUTH XOAUTH2 ********" in log and "not-a-valid-token" not in log


def test_tls_both_ways(acct):
    r = acct.run('$server.logFile:="tls.txt"\n$t:=POP3 New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n$t:=Null\n'
                 '$server.port:=110\n$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))')
    implicit, stls = alerts(r)
    assert implicit["success"] is True and stls["success"] is True
    log = (acct.logs / "tls.txt").read_text()
    first, second = log.split("POP3 connection to")[1:]
    assert "pop.test:995 (via 127.0.0.1:" in first and "TLS: implicit" in first and "STLS" not in first
    assert "pop.test:110" in second and "C > STLS" in second and "TLS established (TLSv1." in second
    # Credentials only after the upgrade.
    assert second.index("TLS established") < second.index("C > AUTH")


def test_server_without_tls_is_refused_unless_accepted(acct):
    since = len(dovecot_log(acct.server))
    r = acct.run('$server.host:="notls.test"\n$server.port:=110\n$server.logFile:="notls.txt"\n'
                 '$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))\n'
                 '$l:=Try($t.getMailInfoList())\nALERT(String($l=Null)+" "+Last errors[0].componentSignature)')
    refused, after = alerts(r)
    assert refused["success"] is False and "STLS" in refused["statusText"]
    assert refused["errors"] == [{"errCode": 1, "message": refused["statusText"], "componentSignature": "POP3"}]
    assert after == "True POP3"
    log = (acct.logs / "notls.txt").read_text()
    sent = [line.split("\t")[4] for line in log.splitlines() if "\tC > " in line]
    assert set(sent) == {"C > CAPA"}                          # nothing but CAPA ever went out
    assert pop3_logins(acct.server, USER, since) == []      # no credentials ever went out
    r = acct.run('$server.host:="notls.test"\n$server.port:=110\n$server.acceptUnsecureConnection:=True\n'
                 '$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))')
    assert alerts(r)[0]["success"] is True
    login, = pop3_logins(acct.server, USER, since, expect=1)
    assert "TLS" not in login.split("session=")[0] and "lip=127.0.0.2" in login


def test_wrong_password_is_the_servers_answer(acct):
    r = acct.run('$server.password:="wrong"\n$t:=POP3 New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n'
                 '$info:=Try($t.getMailInfoList())\nALERT(String($info=Null))\n'
                 'ALERT(Last errors[0].message)\nALERT(Last errors[0].errCode)')
    status, null, message, code = alerts(r)
    assert status == {"success": False, "statusText": "[AUTH] Authentication failed."}
    assert null == "True" and "Authentication failed" in message and code == "2"


def test_functions_raise_a_4d_error_seen_by_on_err_call(acct, tmp_path):
    (tmp_path / "onErr.4dm").write_text('ALERT("handler: "+String(Error)+" "+Last errors[0].componentSignature)\n')
    r = acct.run('$server.password:="wrong"\nON ERR CALL("onErr")\n$t:=POP3 New transporter($server)\n'
                 '$info:=$t.getBoxInfo()\nALERT("after: "+String($info=Null))\nON ERR CALL("")\n'
                 '$b:=$t.getMIMEAsBlob(1)')
    assert r.lines == ["handler: 2 POP3", "after: True"]
    assert r.error is not None and r.error.component == "POP3" and "Authentication failed" in r.error.message


def test_untrusted_certificate_closed_port_and_timeout(acct):
    r = acct.run('$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))', cafile=False)
    status, = alerts(r)
    assert status["success"] is False and "certificate" in status["statusText"]
    assert status["errors"][0]["errCode"] == 1
    r = acct.run('$server.host:="127.0.0.1"\n$server.port:=9\n$t:=POP3 New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    status, = alerts(r)
    assert status["success"] is False and "Cannot connect" in status["statusText"]
    with socket.socket() as silent:            # accepts (kernel backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        r = acct.run(f'$server.host:="127.0.0.1"\n$server.port:={port}\n$server.connectionTimeOut:=1\n'
                     '$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))')
    status, = alerts(r)
    assert status["success"] is False and "within 1 s (connectionTimeOut)" in status["statusText"]


# ---------------------------------------------------------------- the functions
def test_every_function_returns_its_documented_shape(acct):
    msgs = fill(acct.server, USER, sample_messages())
    r = acct.run('''
$t:=POP3 New transporter($server)
ALERT(JSON Stringify($t.getBoxInfo()))
$list:=$t.getMailInfoList()
ALERT(JSON Stringify($list))
ALERT(JSON Stringify($t.getMailInfo(2)))
ALERT(JSON Stringify($t.getMailInfo(99)))
$blob:=$t.getMIMEAsBlob(1)
$long:=$t.getMIMEAsBlob(3)
ALERT(String(BLOB size($blob))+" "+String(BLOB size($t.getMIMEAsBlob(99))))
ALERT(String($t.getMail(99)=Null)+" "+String($t.getMail(0)=Null))
''')
    box, infos, info2, missing, sizes, nulls = alerts(r)
    sizes_on_server = [len(normalized(m)) for m in msgs]
    assert box == {"mailCount": 3, "size": sum(sizes_on_server)}
    assert [list(i) for i in infos] == [["size", "number", "id"]] * 3       # documented order
    assert [i["number"] for i in infos] == [1, 2, 3]
    assert [i["size"] for i in infos] == sizes_on_server
    assert len({i["id"] for i in infos}) == 3 and all(i["id"] for i in infos)
    assert info2 == {"size": infos[1]["size"], "id": infos[1]["id"]}
    assert missing == "null" or missing is None
    assert sizes == f"{sizes_on_server[0]} 0" and nulls == "True True"
    assert r.variables["$blob"] == normalized(msgs[0])      # the message exactly as stored
    assert r.variables["$long"] == normalized(msgs[2])      # a 3000-byte line (poplib alone stops at 2048)


def test_empty_mailbox(acct):
    r = acct.run('$t:=POP3 New transporter($server)\nALERT(JSON Stringify($t.getBoxInfo()))\n'
                 'ALERT(JSON Stringify($t.getMailInfoList()))\nALERT(String($t.getMailInfo(1)=Null))')
    assert alerts(r) == [{"mailCount": 0, "size": 0}, [], "True"]


def test_received_mail_is_the_email_object(acct):
    fill(acct.server, USER, sample_messages())
    r = acct.run('''
$t:=POP3 New transporter($server)
$mail:=$t.getMail(1)
ALERT($mail.subject)
ALERT(JSON Stringify($mail.from))
ALERT(Replace string($mail.bodyValues[$mail.bodyStructure.subParts[0].partID].value;Char(10);"|"))
ALERT($mail.attachments[0].name+" "+String(BLOB size($mail.attachments[0].getContent())))
$content:=$mail.attachments[0].getContent()
$head:=$t.getMail(1;True)
ALERT(JSON Stringify(OB Keys($head)))
ALERT($head.subject)
ALERT($t.getMail(2).bodyStructure.type)
''')
    subject, sender, text, attachment, head_keys, head_subject, alt = alerts(r)
    assert subject == head_subject == "Réunion à 10h — 日本語 ☕"
    assert sender == [{"name": "Zoë Martin", "email": "alice@example.com"}]
    assert text == "Bonjour à tous,|voici le message.|"
    assert attachment == f"données.bin {len(ATTACHMENT)}"
    assert r.variables["$content"] == ATTACHMENT
    assert {"from", "to", "subject", "headers"} <= set(head_keys)
    assert not {"bodyStructure", "bodyValues", "attachments"} & set(head_keys)   # headerOnly
    assert alt == "multipart/alternative"


def test_messages_marked_for_deletion_are_gone_for_the_session(acct):
    fill(acct.server, USER, sample_messages())
    r = acct.run('''
$t:=POP3 New transporter($server)
$t.delete(1)
$t.delete(1)
$t.delete(42)
ALERT(String($t.getMail(1)=Null)+" "+String($t.getMailInfo(1)=Null)+" "+String(BLOB size($t.getMIMEAsBlob(1))))
ALERT(JSON Stringify($t.getMailInfoList().extract("number")))
ALERT(String($t.getBoxInfo().mailCount))
$t.undeleteAll()
ALERT(JSON Stringify($t.getMailInfoList().extract("number")))
ALERT($t.getMail(1).subject)
''')
    assert alerts(r) == ["True True 0", [2, 3], "2", [1, 2, 3], "Réunion à 10h — 日本語 ☕"]
