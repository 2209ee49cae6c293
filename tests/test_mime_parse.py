"""fourmail/mail/mimeparse.py: MIME -> Email object (MAIL Convert from MIME), and round trips.

The expected shapes are EmailObjectClass.md's (JMAP-based): address collections of {name, email},
bodyStructure / bodyValues with partIDs, attachments as 4D.MailAttachment.
"""
from __future__ import annotations

import email
from email import policy

import pytest

from fourmail.mail.attachment import MailAttachment, new_attachment
from fourmail.mail.mime import email_to_mime, mime_to_email

QP, B64, LATIN1, JP = "US-ASCII_UTF8_QP", "US-ASCII_UTF8_B64", "ISO-8859-1", "US-ASCII_ISO-2022-JP_UTF8_QP"


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def leaves(node: dict) -> list[dict]:
    if "subParts" in node:
        return [leaf for sub in node["subParts"] for leaf in leaves(sub)]
    return [node]


def types(node: dict):
    return (node["type"], [types(s) for s in node["subParts"]]) if "subParts" in node else node["type"]


# ---------------------------------------------------------------- round trip (the documented properties)

def full_mail():
    logo = new_attachment(None, b"\x89PNG\r\n\x1a\n\x00\xff" * 40, "logo.png", "logo")
    pdf = new_attachment(None, bytes(range(256)), "Résumé annuel.pdf")
    return {
        "from": "Zoë Müller <zoe@example.com>", "sender": "bot@example.com", "replyTo": "replies@example.com",
        "to": "4d@4d.com;test@4d.com", "cc": [{"name": "Doe, John", "email": "j@d.com"}],
        "bcc": "hidden@example.com", "subject": "Café — prix spéciaux", "comments": "Ça va",
        "textBody": "Bonjour,\nvoici le café.\n\n-- \nZoë", "htmlBody": "<p>Bonjour <img src='cid:logo'></p>",
        "attachments": [logo, pdf], "keywords": {"$flagged": True, "4d": True}, "references": ["a@b", "c@d"],
        "inReplyTo": "c@d", "messageId": "abcdef.123456@4d.com", "sendAt": "2020-09-13T16:11:53Z",
        "headers": [{"name": "X-Mailer", "value": "fourmail"}],
    }


@pytest.mark.parametrize("mode", [QP, B64, LATIN1, JP])
def test_round_trip_keeps_every_documented_property(mode):
    mail = full_mail()
    back = mime_to_email(None, email_to_mime(None, mail, mode, mode))
    assert back["from"] == [{"name": "Zoë Müller", "email": "zoe@example.com"}]
    assert back["sender"] == [{"name": None, "email": "bot@example.com"}]
    assert back["replyTo"] == [{"name": None, "email": "replies@example.com"}]
    assert back["to"] == [{"name": None, "email": "4d@4d.com"}, {"name": None, "email": "test@4d.com"}]
    assert back["cc"] == [{"name": "Doe, John", "email": "j@d.com"}]
    assert "bcc" not in back
    assert (back["subject"], back["comments"]) == ("Café — prix spéciaux", "Ça va")
    assert back["keywords"] == {"$flagged": True, "4d": True}
    assert (back["messageId"], back["inReplyTo"], back["references"]) == ("abcdef.123456@4d.com", "c@d", ["a@b", "c@d"])
    assert back["sendAt"] == "2020-09-13T16:11:53Z"
    assert {"name": "X-Mailer", "value": "fourmail"} in back["headers"]
    assert [h["name"] for h in back["headers"]][:3] == ["MIME-Version", "Date", "Message-ID"]
    assert types(back["bodyStructure"]) == ("multipart/mixed", [
        ("multipart/alternative", ["text/plain", ("multipart/related", ["text/html", "image/png"])]),
        "application/pdf"])
    plain, html, image, pdf = leaves(back["bodyStructure"])
    assert back["bodyValues"][plain["partID"]] == {"value": mail["textBody"], "isEncodingProblem": False}
    assert back["bodyValues"][html["partID"]] == {"value": mail["htmlBody"], "isEncodingProblem": False}
    assert set(back["bodyValues"]) == {plain["partID"], html["partID"]}
    got = [(a.name, a.type, a.cid, a.disposition, a.content(None)) for a in back["attachments"]]
    sent = [(a.name, a.type, a.cid, a.disposition, a.content(None)) for a in mail["attachments"]]
    assert got == sent
    assert [a.part_id for a in back["attachments"]] == [image["partID"], pdf["partID"]]


def test_round_trip_of_the_converted_object_is_stable():
    # MAIL Convert from MIME output sent again (mail-convert-from-mime.md example 1): bodyStructure,
    # bodyValues and attachments rebuild the same message.
    first = mime_to_email(None, email_to_mime(None, full_mail()))
    first["to"] = "smith@mail.com"
    first["subject"] = "Hello world"
    data = email_to_mime(None, first)
    m = email.message_from_bytes(data, policy=policy.default)
    assert str(m["to"]) == "smith@mail.com" and m["subject"] == "Hello world"
    assert m.get_all("content-type")[0].startswith("multipart/mixed")
    second = mime_to_email(None, data)
    assert types(second["bodyStructure"]) == types(first["bodyStructure"])
    assert second["bodyValues"] == first["bodyValues"]
    assert [(a.name, a.cid, a.content(None)) for a in second["attachments"]] == \
           [(a.name, a.cid, a.content(None)) for a in first["attachments"]]


def test_a_received_mail_sent_again_drops_its_delivery_traces():
    received = crlf("Received: from mx by example.com\nReturn-Path: <a@x.org>\nDKIM-Signature: v=1; b=xyz\n"
                    "From: a@x.org\nTo: t@x.org\nX-Tag: kept\nSubject: s\n\nbody")
    data = email_to_mime(None, mime_to_email(None, received))
    m = email.message_from_bytes(data, policy=policy.default)
    assert m["x-tag"] == "kept" and m["subject"] == "s" and m.get_content() == "body\r\n"
    assert m["received"] is None and m["return-path"] is None and m["dkim-signature"] is None


def test_attachments_follow_the_body_of_another_mail():
    # 4D Write Pro pattern (WP EXPORT VARIABLE doc): bodyStructure/bodyValues/attachments copied to a new mail
    source = mime_to_email(None, email_to_mime(None, full_mail()))
    mail = {"from": "a@x.org", "to": "t@x.org", "bodyStructure": source["bodyStructure"],
            "bodyValues": source["bodyValues"], "attachments": source["attachments"]}
    back = mime_to_email(None, email_to_mime(None, mail))
    assert types(back["bodyStructure"]) == types(source["bodyStructure"])
    assert [a.cid for a in back["attachments"]] == ["logo", None]


@pytest.mark.parametrize("body", ["one line", "two\nlines", "ends with a break\n", "", "  spaces  ", "x" * 200,
                                  "café\n", "crème\nbrûlée"])
@pytest.mark.parametrize("mode", [QP, B64, LATIN1])
def test_single_part_body_round_trip(body, mode):
    data = email_to_mime(None, {"textBody": body}, mode, mode)
    value = mime_to_email(None, data)["bodyValues"]["p0001"]["value"]
    if b"Content-Transfer-Encoding: base64" in data:
        assert value == body                 # base64 holds the text exactly
    else:
        # a text body always ends with a line break in MIME: a final break of the text is not kept
        assert value == (body[:-1] if body.endswith("\n") else body)


def test_text_argument_keeps_8bit_characters():
    # MAIL Convert to MIME returns Text; an ISO-8859-1 8-bit body is characters in it.
    data = email_to_mime(None, {"subject": "Café", "textBody": "Déjà vu"}, LATIN1, LATIN1)
    as_text = data.decode("latin-1")
    for mime in (data, as_text):
        back = mime_to_email(None, mime)
        assert back["subject"] == "Café"
        assert back["bodyValues"]["p0001"] == {"value": "Déjà vu", "isEncodingProblem": False}


def test_from_4d_code(run, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc")
    r = run('''$mail:=New object("from";"Ann <ann@x.org>";"to";"t@x.org";"subject";"Réunion";"textBody";"Bonjour")
$mail.attachments:=New collection(MAIL New attachment(File("/PACKAGE/a.txt")))
$back:=MAIL Convert from MIME(MAIL Convert to MIME($mail))
ALERT($back.from[0].name+"|"+$back.from[0].email+"|"+$back.subject)
ALERT($back.bodyValues[$back.bodyStructure.subParts[0].partID].value)
$a:=$back.attachments[0]
ALERT($a.name+"|"+$a.type+"|"+Convert to text($a.getContent();"UTF-8"))
File("/PACKAGE/m.eml").setText(MAIL Convert to MIME($mail))
$blob:=MAIL Convert from MIME(File("/PACKAGE/m.eml").getContent())
ALERT($blob.subject+"|"+String($blob.attachments.length))''', project_dir=tmp_path)
    assert r.error is None, r.error and r.error.describe()
    assert r.lines == ["Ann|ann@x.org|Réunion", "Bonjour", "a.txt|application/octet-stream|abc", "Réunion|1"]


# ---------------------------------------------------------------- real-world input

def part(headers: str, body: bytes) -> bytes:
    return crlf(headers) + b"\r\n\r\n" + body


def test_no_charset_utf8_and_latin1():
    utf8 = mime_to_email(None, part("Subject: x", "café".encode()))
    assert utf8["bodyValues"]["p0001"] == {"value": "café", "isEncodingProblem": False}
    assert "charset" not in utf8["bodyStructure"] and utf8["bodyStructure"]["type"] == "text/plain"
    latin = mime_to_email(None, part("Subject: x", "café".encode("latin-1")))
    assert latin["bodyValues"]["p0001"] == {"value": "café", "isEncodingProblem": True}


def test_unknown_charset():
    m = mime_to_email(None, part("Content-Type: text/plain; charset=x-martian\nContent-Transfer-Encoding: "
                                 "quoted-printable", b"caf=C3=A9"))
    assert m["bodyValues"]["p0001"] == {"value": "café", "isEncodingProblem": True}
    assert m["bodyStructure"]["charset"] == "x-martian"
    assert m["bodyStructure"]["encoding"] == "quoted-printable"     # added when isEncodingProblem


def test_non_text_codec_name_is_an_encoding_problem():
    m = mime_to_email(None, part("Content-Type: text/plain; charset=hex", b"abc"))
    assert m["bodyValues"]["p0001"]["isEncodingProblem"] is True


def test_malformed_utf8():
    m = mime_to_email(None, part("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit",
                                 b"ok \xff\xfe end"))
    assert m["bodyValues"]["p0001"] == {"value": "ok \ufffd\ufffd end", "isEncodingProblem": True}
    assert m["bodyStructure"]["encoding"] == "8bit"


def test_unknown_transfer_encoding_and_bad_base64():
    weird = mime_to_email(None, part("Content-Transfer-Encoding: x-rot13", b"text"))
    assert weird["bodyValues"]["p0001"] == {"value": "text", "isEncodingProblem": True}
    assert weird["bodyStructure"]["encoding"] == "x-rot13"
    bad = mime_to_email(None, part("Content-Transfer-Encoding: base64", b"Y2Fmw6k"))     # missing padding
    assert bad["bodyValues"]["p0001"]["isEncodingProblem"] is True
    good = mime_to_email(None, part("Content-Transfer-Encoding: base64", b"Y2Fmw6k="))
    assert good["bodyValues"]["p0001"] == {"value": "café", "isEncodingProblem": False}
    assert "encoding" not in good["bodyStructure"]


NESTED = """From: =?iso-8859-1?q?Andr=E9?= <andre@example.com>, Bob <bob@example.com>
To: undisclosed-recipients:;
Cc: "Holm, Freya" <freya@example.org>
Subject: =?utf-8?b?Q2Fmw6k=?= et =?iso-8859-1?q?cr=E8me?=
Date: Thu, 11 Oct 2018 17:42:25 +0200
Message-ID: <m1@example.com>
In-Reply-To: <p1@example.com> <p2@example.com>
References: <r1@example.com>
 <r2@example.com>
Keywords: alpha, beta ,gamma
Comments: a comment
X-Custom: folded
 value
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

preamble
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable
Content-Language: fr, en

cr=E8me br=FBl=E9e
--inner
Content-Type: multipart/related; boundary=rel

--rel
Content-Type: text/html; charset=utf-8
Content-Location: http://example.com/index.html

<p>crème</p>
--rel
Content-Type: image/gif
Content-ID: <img1@example.com>
Content-Transfer-Encoding: base64

R0lGODlh
--rel--
--inner--
--outer
Content-Type: message/rfc822

From: x@example.com
Subject: attached

inner body
--outer
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAEC
--outer
Content-Type: application/pdf; name="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="
Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf; size=3
Content-Transfer-Encoding: base64

JVBE
--outer--
epilogue
"""


def test_nested_real_world_mail():
    m = mime_to_email(None, crlf(NESTED))
    assert m["from"] == [{"name": "André", "email": "andre@example.com"}, {"name": "Bob", "email": "bob@example.com"}]
    assert "to" not in m                                           # a group without members
    assert m["cc"] == [{"name": "Holm, Freya", "email": "freya@example.org"}]
    assert m["subject"] == "Café et crème"
    assert m["sendAt"] == "2018-10-11T15:42:25Z"
    assert (m["messageId"], m["inReplyTo"]) == ("m1@example.com", "p1@example.com p2@example.com")
    assert m["references"] == ["r1@example.com", "r2@example.com"]
    assert m["keywords"] == {"alpha": True, "beta": True, "gamma": True}
    assert m["comments"] == "a comment"
    assert {"name": "X-Custom", "value": "folded value"} in m["headers"]
    assert types(m["bodyStructure"]) == ("multipart/mixed", [
        ("multipart/alternative", ["text/plain", ("multipart/related", ["text/html", "image/gif"])]),
        "message/rfc822", "application/octet-stream", "application/pdf"])
    plain, html, gif, attached, octets, pdf = leaves(m["bodyStructure"])
    assert [leaf["partID"] for leaf in (plain, html, gif, attached, octets, pdf)] == \
           ["p0001", "p0002", "p0003", "p0004", "p0005", "p0006"]
    assert plain["language"] == ["fr", "en"] and plain["charset"] == "iso-8859-1"
    assert html["location"] == "http://example.com/index.html"
    assert {"name": "Content-Language", "value": "fr, en"} in plain["headers"]
    assert m["bodyValues"] == {"p0001": {"value": "crème brûlée", "isEncodingProblem": False},
                               "p0002": {"value": "<p>crème</p>", "isEncodingProblem": False}}
    gif_a, msg_a, octets_a, pdf_a = m["attachments"]
    assert all(isinstance(a, MailAttachment) for a in m["attachments"])
    assert (gif_a.cid, gif_a.disposition, gif_a.type, gif_a.content(None)) == \
           ("img1@example.com", "inline", "image/gif", b"GIF89a")
    assert gif_a.name is None and "name" not in gif_a._properties()
    inner = email.message_from_bytes(msg_a.content(None), policy=policy.default)
    assert inner["subject"] == "attached" and inner.get_content().strip() == "inner body"
    assert (octets_a.name, octets_a.disposition, octets_a.content(None)) == (None, "attachment", b"\x00\x01\x02")
    assert (pdf_a.name, pdf_a.size, pdf_a.content(None)) == ("résumé.pdf", 3.0, b"%PD")
    assert pdf_a.get_property("size") == 3.0 and pdf_a.call_function(None, "getContent", []) == b"%PD"


def test_raw_8bit_headers():
    m = mime_to_email(None, part("Subject: Café\nFrom: Zoë <z@example.com>", b"x"))
    assert m["subject"] == "Café" and m["from"] == [{"name": "Zoë", "email": "z@example.com"}]
    latin = mime_to_email(None, "Subject: Caf\xe9\r\n\r\nx".encode("latin-1"))
    assert latin["subject"] == "Café"


def test_attachment_name_encoded_in_quotes():
    m = mime_to_email(None, part('Content-Type: text/plain; name="=?utf-8?q?r=C3=A9sum=C3=A9.txt?="', b"x"))
    assert m["attachments"][0].name == "résumé.txt" and m["bodyValues"] == {}


@pytest.mark.parametrize("data", [
    b"", b"\x00\xff garbage \x80", b"Subject: only headers", b"no headers at all\r\n\r\nbody",
    crlf("Content-Type: multipart/mixed\n\nno boundary given"),
    crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nnever closed"),
    crlf("Date: not a date\nFrom: broken <\nTo: ,,,;\nSubject: =?utf-8?q?unterminated\n\nx"),
    crlf("Content-Type: text/plain; charset=\"\n\nx"),
    crlf("Content-Type: /\nContent-Disposition: ;;;\nContent-ID: <\n\nx"),
    "Subject: a Text with a lone surrogate \ud800\r\n\r\nx",
    b"Content-Type: multipart/mixed; boundary=a\r\n\r\n"
    + b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 50,
])
def test_odd_input_never_raises(data):
    m = mime_to_email(None, data)
    assert isinstance(m["headers"], list) and isinstance(m["bodyStructure"], dict)
    assert isinstance(m["bodyValues"], dict)


def test_bad_date_and_minus_zero():
    assert "sendAt" not in mime_to_email(None, part("Date: someday", b"x"))
    assert mime_to_email(None, part("Date: Thu, 11 Oct 2018 15:42:25 -0000", b"x"))["sendAt"] == "2018-10-11T15:42:25Z"


def test_convert_from_mime_wants_blob_or_text(run):
    r = run("$o:=MAIL Convert from MIME(New object)")
    assert r.error is not None and r.error.component == "MIME"
