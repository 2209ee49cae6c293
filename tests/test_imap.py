"""4D.IMAPTransporter against a real Dovecot (tests/servers/realmail, see imap_support): authentication, TLS,
every function with its documented return shape, non-ASCII names, and "no mail is lost"."""
from __future__ import annotations

import json
import re

import pytest

from conftest import alerts
from imap_support import (box_flags, box_hashes, client, exclusive, instance, make_message, reset_account, run4d, save,
                          sha)

USER = "carol"          # on the IMAP tests' own Dovecot (imap_support.INSTANCES["docs"])
ATTACHMENT = bytes(range(256)) * 3


@pytest.fixture(scope="module")
def dovecot():
    try:
        return instance("docs")
    except RuntimeError as e:       # servers.control.RealmailError
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def acct(dovecot, tmp_path):
    """carol's account emptied, and a runner for 4D code whose $server is carol on IMAPS."""
    with exclusive():
        yield from _account(dovecot, tmp_path)


def _account(dovecot, tmp_path):
    password = dovecot.users[USER]
    reset_account(dovecot, dovecot.dovecot_conf, USER, password)

    class Account:
        server = dovecot
        user, pw, conf = USER, password, dovecot.dovecot_conf
        logs = tmp_path / "Logs"

        def run(self, source, **kw):
            prefix = (f'var $server : Object\n$server:=New object("host";"imap.test";"user";"{USER}";'
                      f'"password";"{password}")\n')
            return run4d(dovecot, prefix + source, project_dir=tmp_path, **kw)

        def save(self, raw, box="INBOX"):
            save(self.conf, USER, raw, box)

        def hashes(self, box):
            return box_hashes(dovecot, USER, password, box)

        def flags(self, box):
            return box_flags(dovecot, USER, password, box)
    yield Account()
    reset_account(dovecot, dovecot.dovecot_conf, USER, password)




def fill(acct, box="INBOX", n=3) -> list[bytes]:
    msgs = [make_message("Réunion à 10h — 日本語", attachment=("données.bin", ATTACHMENT)),
            make_message("Weekly report", html="<p>report</p>"),
            make_message("4D new feature: IMAP", sender="Bob <bob@example.com>")]
    msgs += [make_message(f"Filler {i}") for i in range(n - 3)]
    for m in msgs[:n]:
        acct.save(m, box)
    return msgs[:n]


# ---------------------------------------------------------------- the object itself
def test_defaults_and_read_only_properties(acct):
    r = acct.run('$t:=IMAP New transporter(New object("host";"imap.test";"password";"secret";'
                 '"accessTokenOAuth2";"tok"))\nALERT(JSON Stringify($t))\n'
                 '$t2:=4D.IMAPTransporter.new(New object("host";"imap.test";"port";143;"checkConnectionDelay";60))\n'
                 'ALERT(JSON Stringify($t2))\n$t.port:=1')
    props, props2 = (json.loads(x) for x in r.lines)
    assert props == {"acceptUnsecureConnection": False, "authenticationMode": "", "checkConnectionDelay": 300,
                     "connectionTimeOut": 30, "host": "imap.test", "port": 993, "user": ""}
    assert props2["port"] == 143 and props2["checkConnectionDelay"] == 60
    assert r.error is not None and r.error.code == 62      # read-only
    assert "secret" not in r.out and "tok" not in r.out


def test_server_object_is_checked(acct):
    r = acct.run('$t:=IMAP New transporter(New object("port";993))')
    assert "host property is mandatory" in r.error.message
    r = acct.run('$t:=IMAP New transporter($undefinedServer)')
    assert r.error.code == 66 and "must be an object" in r.error.message
    r = acct.run('$t:=IMAP New transporter(New object("host";"h";"authenticationMode";"APOP"))')
    assert "APOP" in r.error.message


# ---------------------------------------------------------------- authentication and TLS
@pytest.mark.parametrize("mode", ["", "PLAIN", "LOGIN", "CRAM-MD5", "OAUTH2"])
def test_authentication_modes(acct, mode):
    token = acct.server.token(USER)
    extra = (f'$server.authenticationMode:="{mode}"\n' if mode else "") + \
            (f'$server.accessTokenOAuth2:="{token}"\n$server.password:=""\n' if mode == "OAUTH2" else "")
    r = acct.run(extra + '$server.logFile:="auth.txt"\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    status, = alerts(r)
    assert status["success"] is True and "errors" not in status, status
    log = (acct.logs / "auth.txt").read_text()
    assert f"selected: {mode or 'CRAM-MD5'}" in log      # the most secure one offered by default
    assert acct.pw not in log and token not in log
    assert "C > ********" in log


def test_oauth2_token_object_and_bad_token(acct):
    token = acct.server.token(USER)
    r = acct.run(f'$server.password:=""\n$server.accessTokenOAuth2:=New object("token";New object('
                 f'"access_token";"{token}"))\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n'
                 '$server.accessTokenOAuth2:="not-a-valid-token"\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    good, bad = alerts(r)
    assert good["success"] is True
    assert bad["success"] is False and "errors" not in bad     # the server answered
    assert "AUTHENTICATIONFAILED" in bad["statusText"] or "failed" in bad["statusText"].lower()


@pytest.mark.parametrize("port", [993, 143])
def test_tls_both_ways(acct, port):
    r = acct.run(f'$server.port:={port}\n$server.logFile:="tls.txt"\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    assert alerts(r)[0]["success"] is True
    log = (acct.logs / "tls.txt").read_text()
    assert ("TLS: implicit" in log) == (port == 993)
    if port == 143:
        assert "C > " in log and "STARTTLS" in log and "TLS established (TLSv1." in log


def test_server_without_tls_is_refused_unless_accepted(acct):
    r = acct.run('$server.host:="notls.test"\n$server.port:=143\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n'
                 '$server.acceptUnsecureConnection:=True\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    refused, accepted = alerts(r)
    assert refused["success"] is False and "STARTTLS" in refused["statusText"]
    assert refused["errors"][0]["componentSignature"] == "IMAP" and refused["errors"][0]["errCode"] == 1
    assert accepted["success"] is True


def test_wrong_password_is_the_servers_answer(acct):
    r = acct.run('$server.password:="wrong"\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))\n'
                 '$info:=Try($t.selectBox("INBOX"))\nALERT(String($info=Null))\n'
                 'ALERT(Last errors[0].message)')
    status, null, message = alerts(r)
    assert status == {"success": False, "statusText": status["statusText"]}
    assert "Authentication failed" in status["statusText"]
    assert null == "True" and "Authentication failed" in message


def test_untrusted_certificate_and_closed_port(acct):
    r = acct.run('$t:=IMAP New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))', cafile=False)
    status, = alerts(r)
    assert status["success"] is False and "certificate" in status["statusText"]
    assert status["errors"][0]["errCode"] == 1
    r = acct.run('$server.host:="127.0.0.1"\n$server.port:=9\n$server.connectionTimeOut:=2\n'
                 '$t:=IMAP New transporter($server)\nALERT(JSON Stringify($t.checkConnection()))')
    status, = alerts(r)
    assert status["success"] is False and "Cannot connect" in status["statusText"]


# ---------------------------------------------------------------- mailboxes
def test_mailbox_functions_with_non_ascii_names(acct):
    r = acct.run('''
$t:=IMAP New transporter($server)
$d:=$t.getDelimiter()
ALERT($d)
ALERT(JSON Stringify($t.createBox("Reçus"+$d+"Été 2026")))
ALERT(JSON Stringify($t.createBox("Reçus"+$d+"Été 2026")))
ALERT(JSON Stringify($t.getBoxList(New object("names";New collection("Reçus";"Reçus/Été 2026";"INBOX")))))
ALERT(JSON Stringify($t.subscribe("Reçus/Été 2026")))
ALERT(JSON Stringify($t.getBoxList(New object("isSubscribed";True;"withBoxProperties";False;"withBoxInfo";True)).query("name = :1";"Reçus/Été 2026")))
ALERT(JSON Stringify($t.unsubscribe("Reçus/Été 2026")))
ALERT(JSON Stringify($t.getBoxList(New object("isSubscribed";True)).query("name = :1";"Reçus/Été 2026")))
ALERT(JSON Stringify($t.renameBox("Reçus/Été 2026";"Reçus/Hiver")))
ALERT(JSON Stringify($t.selectBox("Reçus/Hiver")))
ALERT(JSON Stringify($t.getBoxInfo()))
ALERT(JSON Stringify($t.deleteBox("Reçus/Hiver")))
ALERT(JSON Stringify($t.deleteBox("INBOX")))
ALERT(JSON Stringify($t.deleteBox("Nowhere")))
''')
    out = alerts(r)
    assert out[0] == "/"
    assert out[1]["success"] is True and "Create completed" in out[1]["statusText"]
    assert out[2]["success"] is False and "errors" not in out[2]            # exists already
    listed = {b["name"]: b for b in out[3]}
    assert set(listed) == {"Reçus", "Reçus/Été 2026", "INBOX"}
    assert listed["Reçus/Été 2026"] == {"name": "Reçus/Été 2026", "selectable": True, "inferior": True,
                                        "interesting": False}
    assert out[4]["success"] is True
    assert out[5] == [{"name": "Reçus/Été 2026", "mailCount": 0, "mailRecent": 0, "mailUnseen": 0,
                       "id": out[5][0]["id"]}]
    assert out[6]["success"] is True and out[7] == []
    assert out[8]["success"] is True
    info = out[9]
    assert list(info) == ["name", "mailCount", "mailRecent", "id", "flags", "permanentFlags"]
    assert info["name"] == "Reçus/Hiver" and info["mailCount"] == 0 and info["id"].isdigit()
    assert "\\Seen" in info["flags"] and "\\*" in info["permanentFlags"]
    assert out[10] == {"name": "Reçus/Hiver", "mailCount": 0, "mailRecent": 0, "id": info["id"], "mailUnseen": 0}
    assert out[11]["success"] is True
    assert out[12]["success"] is False and out[13]["success"] is False
    c = client(acct.server, USER, acct.pw)
    names = [n for _, _, n in c.list_folders()]
    c.logout()
    assert "Reçus/Hiver" not in names and "Reçus/Été 2026" not in names


def test_missing_mailbox_is_an_error_and_null(acct):
    (acct.logs.parent / "handler.4dm").write_text('ALERT("handled "+String(Error))\n')
    r = acct.run('''
ON ERR CALL("handler")
$t:=IMAP New transporter($server)
$info:=$t.selectBox("Nowhere")
ALERT(String($info=Null)+" "+Last errors[0].componentSignature)
$info:=$t.getBoxInfo("Nowhere")
ALERT(String($info=Null))
$mail:=$t.getMail(1)
ALERT(String($mail=Null)+" "+Last errors[0].message)
''')
    out = alerts(r)
    assert out == ["handled 2", "True IMAP", "handled 2", "True", "handled 3",
                   "True No mailbox is selected: call .selectBox() first"]


def test_box_list_default_shape(acct):
    r = acct.run('$t:=IMAP New transporter($server)\nALERT(JSON Stringify($t.getBoxList()))\n'
                 'ALERT(JSON Stringify($t.getBoxList(New object("withBoxProperties";False))))')
    full, bare = alerts(r)
    assert {b["name"] for b in full} >= {"INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"}
    assert all(set(b) == {"name", "selectable", "inferior", "interesting"} for b in full)
    assert bare == [{}] * len(full)       # name only "if withBoxProperties=true or withBoxInfo=true"


# ---------------------------------------------------------------- reading mail
def test_get_mail_builds_the_email_object(acct):
    msgs = fill(acct)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
ALERT(JSON Stringify($info))
$mail:=$t.getMail(1;New object("updateSeen";False))
ALERT($mail.subject)
ALERT(JSON Stringify(New object("id";$mail.id;"receivedAt";$mail.receivedAt;"size";$mail.size;"keywords";$mail.keywords;"from";$mail.from)))
ALERT($mail.attachments[0].name)
$blob:=$mail.attachments[0].getContent()
ALERT(String(BLOB size($blob)))
ALERT(JSON Stringify($mail.bodyStructure.type)+" "+JSON Stringify($mail.bodyValues[$mail.bodyStructure.subParts[0].partID].value))
$again:=$t.getMail($mail.id)
ALERT($again.subject+" "+JSON Stringify($again.keywords))
$head:=$t.getMail(2;New object("withBody";False))
ALERT($head.subject+" "+String(Undefined($head.bodyStructure))+" "+String(Undefined($head.bodyValues))+" "+String($head.headers.length>0))
ALERT(String(BLOB size($t.getMIMEAsBlob(3;False))))
ALERT(String(BLOB size($t.getMIMEAsBlob("99999"))))
$missing:=Try($t.getMail(99))
ALERT(String($missing=Null)+" "+String(Last errors[0].errCode))
''')
    out = alerts(r)
    assert out[0]["mailCount"] == 3 and out[0]["name"] == "INBOX"
    assert out[1] == "Réunion à 10h — 日本語"
    facts = out[2]
    assert facts["id"].isdigit() and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", facts["receivedAt"])
    assert facts["size"] == len(msgs[0]) and facts["keywords"] == {}
    assert facts["from"] == [{"name": "Zoë Martin", "email": "alice@example.com"}]
    assert out[3] == "données.bin" and out[4] == str(len(ATTACHMENT))
    assert out[5] == '"multipart/mixed" "Bonjour à tous,\\nvoici le message.\\n"'
    assert out[6] == 'Réunion à 10h — 日本語 {"$seen":true}'      # getMail marks seen by default
    assert out[7] == "Weekly report True True True"
    assert out[8] == str(len(msgs[2])) and out[9] == "0"
    assert out[10] == "True 4"
    flags = acct.flags("INBOX")
    assert flags["Weekly report"] == {"\\Seen"}                      # headers only, seen anyway
    assert flags["4D new feature: IMAP"] == set()                    # getMIMEAsBlob(3;False)


def test_get_mime_as_blob_is_the_stored_message(acct):
    msgs = fill(acct)
    r = acct.run('$t:=IMAP New transporter($server)\n$i:=$t.selectBox("INBOX")\n'
                 'File("/PACKAGE/m1.eml").setContent($t.getMIMEAsBlob(1))\n$ids:=$t.numToID(0;0)\n'
                 'File("/PACKAGE/m2.eml").setContent($t.getMIMEAsBlob($ids[1]))')
    assert r.error is None, r.error.describe()
    assert sha((acct.logs.parent / "m1.eml").read_bytes()) == sha(msgs[0])
    assert sha((acct.logs.parent / "m2.eml").read_bytes()) == sha(msgs[1])


def test_get_mails_by_ids_and_by_range(acct):
    fill(acct, n=5)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$ids:=$t.numToID(1;5)
$r:=$t.getMails(New collection($ids[4];"77777";$ids[0]);New object("updateSeen";False))
ALERT(JSON Stringify($r.list.extract("subject"))+" "+JSON Stringify($r.notFound))
$r:=$t.getMails(-3;2)
ALERT(JSON Stringify($r.list.extract("subject"))+" "+JSON Stringify($r.notFound))
$r:=$t.getMails(4;9;New object("withBody";False;"updateSeen";False))
ALERT(JSON Stringify($r.list.extract("id"))+" "+JSON Stringify($r.notFound))
$r:=$t.getMails(0;0)
ALERT(String($r.list.length))
ALERT(JSON Stringify($t.numToID($info.mailCount-2;$info.mailCount))+" "+JSON Stringify($ids))
''')
    out = alerts(r)
    assert out[0] == '["Filler 1","Réunion à 10h — 日本語"] ["77777"]'
    assert out[1] == '["Réunion à 10h — 日本語","Weekly report"] []'
    ids = json.loads(out[4].split(" ", 1)[1])
    assert out[2] == json.dumps(ids[3:5], separators=(",", ":")) + " [6,7,8,9]"
    assert out[3] == "5"
    assert out[4].split(" ")[0] == json.dumps(ids[2:], separators=(",", ":"))


def test_get_mails_objects_are_get_mail_objects(acct):
    """getMails() parses each message on first use; what the program sees is what getMail()
    (parsed at once) gives: same properties in the same order, attachments that read, copies
    that are independent, and a mail that appends like one from getMail()."""
    msgs = fill(acct, n=4)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$r:=$t.getMails(1;4;New object("updateSeen";False))
ALERT($r.list[0].id+" "+String($r.list[0].size)+" "+JSON Stringify($r.list[0].keywords))
For ($i;1;4)
  ALERT(JSON Stringify($r.list[$i-1])=JSON Stringify($t.getMail($i;New object("updateSeen";False))))
End for
$h:=$t.getMails(1;4;New object("withBody";False;"updateSeen";False))
ALERT(JSON Stringify($h.list[1])=JSON Stringify($t.getMail(2;New object("withBody";False;"updateSeen";False))))
ALERT(OB Keys($h.list[2]).join(","))
ALERT(String($r.list[0].attachments[0].getContent()=$t.getMail(1).attachments[0].getContent()))
ALERT(String(BLOB size($r.list[0].attachments[0].getContent())))
$copy:=OB Copy($r.list[3])
$copy.subject:="Copied"
ALERT($r.list[3].subject+" / "+$copy.subject)
$s:=$t.createBox("Again")
$s:=$t.append($r.list[1];"Again")
$s2:=$t.append($t.getMail(2;New object("updateSeen";False));"Again")
$info:=$t.selectBox("Again")
$m:=$t.getMail(1)
ALERT(JSON Stringify($s.success)+" "+$m.subject+" "+JSON Stringify($m.bodyValues=Null))
ALERT(JSON Stringify($m.bodyValues)=JSON Stringify($t.getMail(2).bodyValues))
''')
    out = alerts(r)
    assert re.fullmatch(r"\d+ \d+ \{\}", out[0]), out[0]
    assert out[1:6] == ["True"] * 5
    assert out[6] == "from,to,subject,messageId,sendAt,headers,id,receivedAt,size,keywords"
    assert out[7:9] == ["True", str(len(ATTACHMENT))]
    assert out[9] == "Filler 0 / Copied"
    assert out[10] == "true Weekly report false"
    assert out[11] == "True"


def test_search_criteria(acct):
    fill(acct, n=4)
    r = acct.run(r'''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$ids:=$t.numToID(0;0)
$s:=$t.addFlags($ids[1];New object("$seen";True;"$flagged";True;"projectX";True))
ALERT(JSON Stringify($t.searchMails("")))
ALERT(JSON Stringify($t.searchMails("subject \"4D new feature:\"")))
ALERT(JSON Stringify($t.searchMails("SUBJECT réunion")))
ALERT(JSON Stringify($t.searchMails("FROM \"bob\"")))
ALERT(JSON Stringify($t.searchMails("OR SEEN FLAGGED")))
ALERT(JSON Stringify($t.searchMails("NOT SEEN")))
ALERT(JSON Stringify($t.searchMails("KEYWORD \\Flagged \\Seen")))
ALERT(JSON Stringify($t.searchMails("KEYWORD projectX")))
ALERT(JSON Stringify($t.searchMails("1:2 UNSEEN")))
ALERT(JSON Stringify($t.searchMails("UID "+$ids[3])))
ALERT(JSON Stringify($t.searchMails("LARGER 1500")))
ALERT(JSON Stringify($t.searchMails("SENTBEFORE 1-Feb-2020")))
ALERT(JSON Stringify($t.searchMails("SENTSINCE 1-Mar-2026 HEADER Message-ID \"example.com\"")))
ALERT(JSON Stringify($t.searchMails("NOT (SUBJECT \"réunion\" UNFLAGGED)")))
ALERT(JSON Stringify($t.searchMails("CHARSET \"UTF-8\" TEXT \"report\"")))
$bad:=Try($t.searchMails("SUBJECT"))
ALERT(Last errors[0].message)
$bad:=Try($t.searchMails("FROBNICATE 3"))
ALERT(Last errors[0].message)
''')
    out = alerts(r)
    ids = out[0]
    assert len(ids) == 4 and all(isinstance(i, str) for i in ids)
    assert out[1] == [ids[2]] and out[2] == [ids[0]] and out[3] == [ids[2]]
    assert out[4] == [ids[1]] and out[5] == [ids[0], ids[2], ids[3]]
    assert out[6] == [ids[1]] and out[7] == [ids[1]]
    assert out[8] == [ids[0]] and out[9] == [ids[3]]
    assert out[10] == [ids[0]]                      # the one with an attachment
    assert out[11] == [] and out[12] == ids
    assert out[13] == [ids[1], ids[2], ids[3]]
    assert out[14] == [ids[1]]
    assert "a text after SUBJECT expected" in out[15]
    assert "'FROBNICATE' is not an authorized search key" in out[16]


# ---------------------------------------------------------------- flags and append
def test_add_and_remove_flags(acct):
    fill(acct)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$ids:=$t.numToID(0;0)
ALERT(JSON Stringify($t.addFlags(IMAP all;New object("$seen";True;"$draft";False))))
ALERT(JSON Stringify($t.addFlags(New collection($ids[0];$ids[1]);New object("$flagged";True;"$answered";True;"urgent";True))))
ALERT(JSON Stringify($t.removeFlags($ids[1];New object("$answered";True;"urgent";True))))
ALERT(JSON Stringify($t.removeFlags(IMAP all;New object("$seen";True))))
ALERT(JSON Stringify($t.getMail($ids[0];New object("updateSeen";False)).keywords))
$bad:=Try($t.addFlags($ids;New object("bad word";True)))
ALERT(Last errors[0].message)
$bad:=Try($t.addFlags(7;New object("$seen";True)))
ALERT(Last errors[0].message)
''')
    out = alerts(r)
    assert all(s["success"] is True and "errors" not in s for s in out[:4])
    assert "Store completed" in out[0]["statusText"]
    assert out[4] == {"$flagged": True, "$answered": True, "urgent": True}
    assert "not a valid keyword" in out[5] and "IMAP all" in out[6]
    flags = acct.flags("INBOX")
    assert flags["Réunion à 10h — 日本語"] == {"\\Flagged", "\\Answered", "urgent"}
    assert flags["Weekly report"] == {"\\Flagged"}
    assert flags["4D new feature: IMAP"] == set()


def test_append_with_keywords_charsets_and_attachment(acct, tmp_path):
    (tmp_path / "pièce.txt").write_bytes("contenu joint ✓\n".encode())
    r = acct.run('''
$t:=IMAP New transporter($server)
$msg:=New object("from";"Zoë <alice@example.com>";"to";"bob@example.com";"subject";"Brouillon d'été ✓")
$msg.textBody:="Texte accentué"
$msg.keywords:=New object("$seen";True;"$draft";True;"$flagged";False;"todo";True)
$msg.attachments:=New collection(MAIL New attachment(File("/PACKAGE/pièce.txt")))
ALERT(JSON Stringify($t.append($msg;"Drafts";New object("headerCharset";mail mode UTF8 in base64))))
$bad:=$t.append($msg)
ALERT(JSON Stringify($bad))
$info:=$t.selectBox("Drafts")
$got:=$t.getMail(1)
ALERT($got.subject+" "+JSON Stringify($got.keywords))
ALERT($got.attachments[0].name+" "+String(BLOB size($got.attachments[0].getContent())))
$got.keywords:=Null
ALERT(JSON Stringify($t.append($got)))
ALERT(String($t.getBoxInfo().mailCount))
''')
    out = alerts(r)
    assert out[0]["success"] is True and "APPENDUID" in out[0]["statusText"]
    assert out[1]["success"] is False and "No destination mailbox" in out[1]["statusText"]
    assert out[2] == 'Brouillon d\'été ✓ {"$seen":true,"$draft":true,"todo":true}'
    assert out[3] == f"pièce.txt {len('contenu joint ✓'.encode()) + 1}"
    assert out[4]["success"] is True and out[5] == "2"
    raw = client(acct.server, USER, acct.pw)
    raw.select_folder("Drafts", readonly=True)
    first = raw.fetch(raw.search("ALL"), ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    raw.logout()
    assert b"=?utf-8?b?" in next(iter(first.values()))[b"BODY[HEADER.FIELDS (SUBJECT)]"].lower()


# ---------------------------------------------------------------- no mail is lost
def test_copy_move_delete_expunge_lose_no_mail(acct):
    fill(acct, n=6)
    acct.save(make_message("Already there"), "Archive")
    inbox0, archive0 = acct.hashes("INBOX"), acct.hashes("Archive")
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$ids:=$t.searchMails("SUBJECT Filler")
ALERT(JSON Stringify($t.copy($ids;"Archive")))
''')
    assert alerts(r)[0]["success"] is True
    copied = [h for h in inbox0 if h not in archive0]
    fillers = sorted(sha(make_message(f"Filler {i}")) for i in range(3))
    assert acct.hashes("INBOX") == inbox0                            # copy leaves the source
    assert acct.hashes("Archive") == sorted(archive0 + fillers)
    assert len(copied) == 6

    r = acct.run('$t:=IMAP New transporter($server)\n$info:=$t.selectBox("Archive")\n'
                 'ALERT(JSON Stringify($t.move(IMAP all;"Trash")))\nALERT(String($t.getBoxInfo().mailCount))')
    status, count = alerts(r)
    assert status["success"] is True and count == "0"
    assert acct.hashes("Archive") == [] and acct.hashes("Trash") == sorted(archive0 + fillers)

    # delete() only flags; expunge() removes exactly the flagged ones
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("Trash")
$ids:=$t.searchMails("SUBJECT Filler")
ALERT(JSON Stringify($t.delete($ids)))
ALERT(String($t.getBoxInfo().mailCount)+" "+JSON Stringify($t.searchMails("DELETED")=$ids))
ALERT(JSON Stringify($t.expunge()))
ALERT(String($t.getBoxInfo().mailCount))
''')
    deleted, counts, expunged, after = alerts(r)
    assert deleted["success"] is True and counts.startswith("4 ")
    assert expunged["success"] is True and "Expunge completed" in expunged["statusText"] and after == "1"
    assert acct.hashes("Trash") == archive0


def test_deleted_mail_goes_when_leaving_the_box_or_releasing(acct):
    fill(acct, n=4)
    inbox0 = acct.hashes("INBOX")
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$ids:=$t.numToID(1;1)
$s:=$t.delete($ids)
$info:=$t.selectBox("INBOX")
ALERT(String($info.mailCount))
$info:=$t.selectBox("Drafts")
ALERT(String($t.getBoxInfo("INBOX").mailCount))
$info:=$t.selectBox("INBOX")
$s:=$t.delete($t.numToID(1;1))
$t:=Null
ALERT("released")
''')
    assert alerts(r) == ["4", "3", "released"]       # same box: kept; another box: gone
    after = acct.hashes("INBOX")
    assert len(after) == 2 and set(after) < set(inbox0)     # released: CLOSE removed the second


def test_mails_not_yet_read_do_not_keep_the_transporter(acct):
    """getMails() objects are parsed on first use, from the fetched bytes: holding them must not
    hold the transporter, whose release CLOSEs the box (removing what .delete() marked)."""
    fill(acct, n=3)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$r:=$t.getMails(1;3;New object("updateSeen";False))
$s:=$t.delete($t.numToID(1;1))
$t:=Null
$t2:=IMAP New transporter($server)
ALERT(String($t2.getBoxInfo("INBOX").mailCount))
ALERT($r.list[0].subject+" / "+$r.list[2].subject)
''')
    assert alerts(r) == ["2", "Réunion à 10h — 日本語 / 4D new feature: IMAP"]


def test_read_only_selection_changes_nothing(acct):
    fill(acct)
    r = acct.run('$t:=IMAP New transporter($server)\n$info:=$t.selectBox("INBOX";IMAP read only state)\n'
                 '$m:=$t.getMail(1)\n$r:=$t.getMails(0;0)\n$s:=$t.delete(IMAP all)\nALERT(JSON Stringify($s))\n'
                 '$t:=Null')
    status, = alerts(r)
    assert status["success"] is False and status["errors"][0]["errCode"] == 3
    assert "read only" in status["statusText"]
    assert all(f == set() for f in acct.flags("INBOX").values()) and len(acct.hashes("INBOX")) == 3


def test_empty_mailbox_and_nothing_to_do(acct):
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("Junk")
ALERT(JSON Stringify($t.copy(IMAP all;"Trash")))
ALERT(JSON Stringify($t.delete(New collection)))
ALERT(JSON Stringify($t.addFlags(IMAP all;New object("$seen";True))))
ALERT(JSON Stringify($t.getMails(0;0))+JSON Stringify($t.numToID(0;0))+JSON Stringify($t.searchMails("ALL")))
''')
    out = alerts(r)
    assert all(s["success"] is True for s in out[:3])
    assert out[3] == '{"list":[],"notFound":[]}[][]'


def test_functions_need_a_selected_mailbox(acct):
    r = acct.run('$t:=IMAP New transporter($server)\nALERT(JSON Stringify($t.delete(IMAP all)))\n'
                 'ALERT(JSON Stringify($t.expunge()))\n$m:=Try($t.getMails(1;2))\nALERT(Last errors[0].message)')
    deleted, expunged, message = alerts(r)
    assert deleted["success"] is False and deleted["errors"][0]["errCode"] == 3
    assert expunged["errors"][0]["componentSignature"] == "IMAP"
    assert message == "No mailbox is selected: call .selectBox() first"


# ---------------------------------------------------------------- sessions and logs
def test_lost_session_is_reopened_in_the_same_mailbox(acct):
    fill(acct)
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
ALERT($t.getMail(1;New object("updateSeen";False)).subject)
''')
    assert r.error is None
    # the same, with the session cut between two calls (the server side goes away)
    from fourmail.mail.imap import IMAPTransporter
    from fourmail.runtime.session import Runtime
    from fourmail.mail.network import parse_route
    from imap_support import routes_for
    rt = Runtime(project_dir=acct.logs.parent, interactive=False)
    rt.routes = [parse_route(x) for x in routes_for(acct.server)]
    rt.cafiles = [str(acct.server.ca)]
    t = IMAPTransporter(rt, {"host": "imap.test", "user": USER, "password": acct.pw, "checkConnectionDelay": 0.0})
    assert t.fn_selectBox(rt, "INBOX")["mailCount"] == 3
    t.session.connection._imap.sock.close()          # as if the server had dropped us
    mail = t.fn_getMail(rt, 2.0)                     # delay 0: checked with NOOP, reopened, re-selected
    assert mail["subject"] == "Weekly report"
    t.close()


def test_extended_log_has_the_exchange_without_secrets(acct):
    fill(acct)
    r = acct.run('$server.logFile:="4DIMAPLog.txt"\n$server.authenticationMode:="PLAIN"\n'
                 '$t:=IMAP New transporter($server)\n$i:=$t.selectBox("INBOX")\n$m:=$t.getMail(1)\n'
                 '$s:=$t.append($m;"Sent")\n$t:=Null')
    assert r.error is None
    log = (acct.logs / "4DIMAPLog.txt").read_text()
    lines = log.splitlines()
    assert all(len(line.split("\t")) == 5 for line in lines)
    assert re.match(r"\d+\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\t1\t\d+\tIMAP connection to imap.test:993", lines[0])
    assert "AUTHENTICATE PLAIN" in log and "C > ********" in log
    assert acct.pw not in log
    import base64
    assert base64.b64encode(f"\0{USER}\0{acct.pw}".encode()).decode() not in log
    assert "S < Subject: =?utf-8?" in log or "S < Subject:" in log            # fetched content
    assert "APPEND" in log and "IMAP session closed" in log


def test_login_command_when_no_sasl_is_offered(acct, monkeypatch):
    # A server offering no AUTH= mechanism: the IMAP LOGIN command, password redacted in the log.
    from fourmail.mail import imap_session as imap
    real = imap._Client.capabilities

    def no_sasl(self):
        caps = real(self)
        return tuple(c for c in caps if not c.startswith(b"AUTH=")) if self._imap.state == "NONAUTH" else caps
    monkeypatch.setattr(imap._Client, "capabilities", no_sasl)
    r = acct.run('$server.logFile:="login.txt"\n$t:=IMAP New transporter($server)\n'
                 'ALERT(JSON Stringify($t.checkConnection()))')
    assert alerts(r)[0]["success"] is True
    log = (acct.logs / "login.txt").read_text()
    assert "selected: LOGIN" in log and f"LOGIN {USER} ********" in log and acct.pw not in log


# ---------------------------------------------------------------- notifier (IDLE)
def test_notifier_records_idle_events(acct):
    import time
    from fourmail.mail.imap import IMAPTransporter
    from fourmail.mail.network import parse_route
    from fourmail.runtime.session import Runtime
    from imap_support import routes_for
    rt = Runtime(project_dir=acct.logs.parent, interactive=False)
    rt.routes = [parse_route(x) for x in routes_for(acct.server)]
    rt.cafiles = [str(acct.server.ca)]
    t = IMAPTransporter(rt, {"host": "imap.test", "user": USER, "password": acct.pw})
    n = t.get_property("notifier")
    assert n.get_property("isStarted") is False
    status = n.call_function(rt, "start", [])
    assert status["success"] is False and "No mailbox is selected" in status["statusText"]
    assert t.fn_selectBox(rt, "INBOX")["mailCount"] == 0
    status = n.call_function(rt, "start", [])
    assert status["success"] is True and n.get_property("isStarted") is True
    assert t.fn_expunge(rt)["errors"][0]["errCode"] == 3        # unavailable while started
    acct.save(make_message("Pushed while idle"))
    deadline = time.monotonic() + 10
    while not any(e["type"] == "exists" for e in n.get_property("events")) and time.monotonic() < deadline:
        time.sleep(0.05)
    status = n.call_function(rt, "stop", [])
    assert status["success"] is True and n.get_property("isStarted") is False
    events = n.get_property("events")
    assert {"type": "exists", "number": 1.0} == {k: events[0][k] for k in ("type", "number")}, events
    assert t.fn_getMail(rt, 1.0)["subject"] == "Pushed while idle"
    assert t.fn_getBoxInfo(rt)["mailCount"] == 1
    t.close()


def test_notifier_from_4d_code(acct):
    r = acct.run('''
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
ALERT(JSON Stringify($t.notifier.start()))
ALERT(String($t.notifier.isStarted))
$r:=Try($t.getBoxList())
ALERT(String(Last errors[0].errCode)+" "+Last errors[0].message)
ALERT(JSON Stringify($t.notifier.stop()))
ALERT(String($t.notifier.isStarted)+" "+JSON Stringify($t.notifier.events))
ALERT(JSON Stringify(4D.IMAPNotifier.new().start()))
''')
    out = alerts(r)
    assert out[0]["success"] is True and out[1] == "True"
    assert out[2] == "3 The IMAP notifier is started: call .notifier.stop() before using the transporter"
    assert out[3]["success"] is True and "Idle completed" in out[3]["statusText"]
    assert out[4] == "False []"
    assert out[5]["success"] is False and "belongs to no IMAP transporter" in out[5]["statusText"]


LISTENER = """// the listener of IMAPNotifier.md's example, recording what it is told
property calls : Collection

Class constructor
  This.calls:=New collection

Function onMailCreated($transporter : 4D.IMAPTransporter; $event : Object)
  This.calls.push($event.type+" "+String($event.number)+" "+String($event.mailCount>=$event.number))

Function onFlagsModified($transporter : 4D.IMAPTransporter; $event : Object)
  This.calls.push($event.type+" "+String($event.number)+" "+JSON Stringify($event.keywords))

Function onMailDeleted($transporter : 4D.IMAPTransporter; $event : Object)
  This.calls.push($event.type+" "+String($event.number))
  // as the page says: stop, use the transporter, start again if wanted
  $status:=$transporter.notifier.stop()
  This.calls.push(String($transporter.getBoxInfo().mailCount)+" left, first: "+$transporter.getMail(1).subject)
"""


def test_notifier_calls_the_listener_while_the_process_waits(acct):
    """A listener class (Classes/IMAPListener.4dm) is called back in the process that started the
    notifier, while it waits in DELAY PROCESS, for what another session does to the mailbox."""
    import threading
    import time
    (acct.logs.parent / "Classes").mkdir(exist_ok=True)
    (acct.logs.parent / "Classes" / "IMAPListener.4dm").write_text(LISTENER, encoding="utf-8")
    acct.save(make_message("Already there"))

    started = acct.logs.parent / "started"

    def other_session():
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:    # the script says when
            time.sleep(0.05)
        acct.save(make_message("New one"))
        acct.save(make_message("Newer one"))
        time.sleep(0.5)
        c = client(acct.server, USER, acct.pw)
        try:
            c.select_folder("INBOX")
            uids = c.search("ALL")
            c.add_flags(uids[0], [b"\\Flagged"])
            time.sleep(0.5)
            c.delete_messages(uids[2])
            c.expunge()
        finally:
            c.logout()
    peer = threading.Thread(target=other_session)
    peer.start()
    try:
        r = acct.run('''
$server.listener:=cs.IMAPListener.new()
$t:=IMAP New transporter($server)
$info:=$t.selectBox("INBOX")
$s:=$t.notifier.start()
File("/PACKAGE/started").setText("started")
$until:=Milliseconds+20000
While ($t.notifier.isStarted & (Milliseconds<$until))
  DELAY PROCESS(Current process;6)
End while
ALERT(JSON Stringify($server.listener.calls))
''')
    finally:
        peer.join()
    calls, = alerts(r)
    # deleting may first push the \Deleted flag of message 3: a flag change like any other
    calls = [c for c in calls if not c.startswith("flagsModified 3 ")]
    assert calls == ["mailCreated 2 True", "mailCreated 3 True",
                     'flagsModified 1 {"$flagged":true}',
                     "mailDeleted 3", "2 left, first: Already there"], calls


def test_release_while_idle_ends_idle_then_closes(acct):
    fill(acct)
    r = acct.run('$t:=IMAP New transporter($server)\n$info:=$t.selectBox("INBOX")\n'
                 '$s:=$t.delete($t.numToID(1;1))\n$s:=$t.notifier.start()\nALERT(String($s.success))\n$t:=Null')
    assert alerts(r) == ["True"]
    assert len(acct.hashes("INBOX")) == 2          # DONE, then CLOSE removed the deleted one
