"""fourmail/mail/mime.py: Email object -> MIME (MAIL Convert to MIME, SMTP .send()) and the envelope.

Outputs are read back with the stdlib parser (policy.default), and compared byte for byte where
the docs fix the bytes (mail-convert-to-mime.md example, Transporter.md charset table).
"""
from __future__ import annotations

import datetime as dt
import email
import re
from email import policy

import pytest

from conftest import CORPUS
from fourmail.mail.attachment import new_attachment
from fourmail.mail.mime import email_to_mime, envelope
from fourmail.runtime.errors import FourDError

QP, B64, LATIN1, JP = "US-ASCII_UTF8_QP", "US-ASCII_UTF8_B64", "ISO-8859-1", "US-ASCII_ISO-2022-JP_UTF8_QP"


def mime(mail, header=QP, body=QP, rt=None) -> bytes:
    return email_to_mime(rt, mail, header, body)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def split(data: bytes) -> tuple[list[bytes], bytes]:
    """(header lines with their folds, body) of a whole message."""
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def header_names(data: bytes) -> list[str]:
    return [line.split(b":", 1)[0].decode() for line in split(data)[0] if not line[:1].isspace()]


BASIC = {"from": "a@example.com", "to": "b@example.com"}


# ---------------------------------------------------------------- the doc example, byte for byte

def doc_comment_block(name: str) -> list[str]:
    lines = (CORPUS / name).read_text().splitlines()
    start = lines.index("// Contents of $mime:") + 1
    block = [line[3:] if line.startswith("// ") else "" for line in lines[start:]]
    while block and not block[-1]:
        block.pop()
    return block


def test_doc_example_through_the_interpreter(run):
    # mail-convert-to-mime.md example, run as printed; ALERT shows $mime.
    source = (CORPUS / "mail-convert-to-mime__01.4dm").read_text() + "\nALERT($mime)\n"
    r = run(source)
    assert r.error is None, r.error and r.error.describe()
    out = r.out[:-1]                                    # ALERT's own line break
    assert "\n" not in out.replace("\r\n", "")          # CRLF line ends only
    doc = doc_comment_block("mail-convert-to-mime__01.4dm")
    lines = out.split("\r\n")

    # Values that differ each run: their form is the doc's.
    date = next(line for line in lines if line.startswith("Date: "))
    assert re.fullmatch(r"Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT", date)
    sent = dt.datetime.strptime(date[6:], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)
    assert abs((dt.datetime.now(dt.timezone.utc) - sent).total_seconds()) < 60
    message_id = next(line for line in lines if line.startswith("Message-ID: "))
    assert re.fullmatch(r"Message-ID: <[0-9A-F]{32}@massmarket\.com>", message_id)
    boundary = re.search(r'boundary="([0-9A-F]{32})"', out).group(1)

    expected = []
    for line in doc:
        if line.startswith("Date: "):
            line = date
        elif line.startswith("Message-ID: "):
            line = message_id
        elif line == "To: test@4d.com":
            continue
        elif line == "To: noreply@4d.com":
            line = "To: noreply@4d.com, test@4d.com"     # RFC 5322 3.6: one To field (see mime.py)
        elif line == 'Content-Type: text/plain; charset="UTF-8"':
            line = 'Content-Type: text/plain; charset="US-ASCII"'   # Transporter.md: US-ASCII if possible
        elif line == 'Content-Type: text/html; charset="UTF-8"':
            line = 'Content-Type: text/html; charset="US-ASCII"'
        elif line == "Content-Transfer-Encoding: quoted-printable":
            line = "Content-Transfer-Encoding: 7bit"
        expected.append(line.replace("E0AE5773D5E95245BBBD80DD0687E218", boundary))
    assert "\r\n".join(expected) + "\r\n" == out        # the doc cannot show the last line break


def test_doc_example_parses_back_as_documented():
    mail = {"from": "tsales@massmarket.com", "subject": "Terrific Sale! This week only!",
            "textBody": "Text format email", "htmlBody": "<html><body>HTML format email</body></html>",
            "to": [{"email": "noreply@4d.com"}, {"email": "test@4d.com"}]}
    m = parse(mime(mail))
    assert header_names(mime(mail)) == ["MIME-Version", "Date", "Message-ID", "Sender", "From", "To",
                                        "Content-Type", "Subject"]
    assert m.get_content_type() == "multipart/alternative"
    assert [a.addr_spec for a in m["to"].addresses] == ["noreply@4d.com", "test@4d.com"]
    assert str(m["sender"]) == str(m["from"]) == "tsales@massmarket.com"
    plain, html = m.iter_parts()
    assert (plain.get_content_type(), plain.get_content()) == ("text/plain", "Text format email")
    assert (html.get_content_type(), html.get_content()) == ("text/html", "<html><body>HTML format email</body></html>")


# ---------------------------------------------------------------- charset modes (Transporter.md table)

def single(mode: str, subject: str, body: str) -> tuple[list[bytes], bytes]:
    head, payload = split(mime(dict(BASIC, subject=subject, textBody=body), mode, mode))
    return head, payload


@pytest.mark.parametrize("mode", [QP, B64, JP])
def test_ascii_stays_us_ascii(mode):
    head, body = single(mode, "Hello world", "Hello\nworld")
    assert b"Subject: Hello world" in head
    assert b'Content-Type: text/plain; charset="US-ASCII"' in head
    assert b"Content-Transfer-Encoding: 7bit" in head
    assert body == b"Hello\r\nworld\r\n"


def test_utf8_qp_non_ascii():
    head, body = single(QP, "Café", "Café\nà bientôt")
    assert b"Subject: =?utf-8?q?Caf=C3=A9?=" in head
    assert b'Content-Type: text/plain; charset="UTF-8"' in head
    assert b"Content-Transfer-Encoding: quoted-printable" in head
    assert body == b"Caf=C3=A9\r\n=C3=A0 bient=C3=B4t\r\n"


def test_utf8_b64_non_ascii():
    head, body = single(B64, "Café", "Café\nà bientôt")
    assert b"Subject: =?utf-8?b?Q2Fmw6k=?=" in head
    assert b'Content-Type: text/plain; charset="UTF-8"' in head
    assert b"Content-Transfer-Encoding: base64" in head
    # CRLF inside the encoded text (canonical form), none added at its end
    assert body == b"Q2Fmw6kNCsOgIGJpZW50w7R0\r\n"


def test_iso_8859_1_non_ascii():
    head, body = single(LATIN1, "Café", "Café\nà bientôt")
    assert b"Subject: =?iso-8859-1?q?Caf=E9?=" in head
    assert b'Content-Type: text/plain; charset="ISO-8859-1"' in head
    assert b"Content-Transfer-Encoding: 8bit" in head
    assert body == b"Caf\xe9\r\n\xe0 bient\xf4t\r\n"


def test_iso_8859_1_has_no_us_ascii_step():
    # The ISO-8859-1 row has no "US-ASCII if possible": subject and body are ISO-8859-1 anyway.
    head, body = single(LATIN1, "Hello", "Hello")
    assert b"Subject: =?iso-8859-1?q?Hello?=" in head
    assert b'Content-Type: text/plain; charset="ISO-8859-1"' in head
    assert b"Content-Transfer-Encoding: 8bit" in head
    assert body == b"Hello\r\n"


def test_iso_8859_1_falls_back_to_utf8_for_other_characters():
    head, body = single(LATIN1, "Prix 10 €", "10 €")
    assert b"Subject: =?utf-8?q?Prix_10_=E2=82=AC?=" in head
    assert b'Content-Type: text/plain; charset="UTF-8"' in head
    assert body == b"10 =E2=82=AC\r\n"


def test_iso_2022_jp_japanese():
    head, body = single(JP, "日本", "日本")
    assert b"Subject: =?iso-2022-jp?q?=1B=24BF=7CK=5C=1B=28B?=" in head
    assert b'Content-Type: text/plain; charset="ISO-2022-JP"' in head
    assert b"Content-Transfer-Encoding: 7bit" in head
    assert body == b"\x1b$BF|K\\\x1b(B\r\n"
    m = parse(mime(dict(BASIC, subject="日本", textBody="日本"), JP, JP))
    assert m["subject"] == "日本" and m.get_content() == "日本\r\n"


def test_iso_2022_jp_falls_back_to_utf8_qp():
    head, body = single(JP, "Café 😀", "Café 😀")
    assert b"Subject: =?utf-8?q?Caf=C3=A9_=F0=9F=98=80?=" in head
    assert b'Content-Type: text/plain; charset="UTF-8"' in head
    assert b"Content-Transfer-Encoding: quoted-printable" in head
    assert body == b"Caf=C3=A9 =F0=9F=98=80\r\n"


def test_header_and_body_modes_are_independent():
    head, body = split(mime(dict(BASIC, subject="Café", textBody="Café"), B64, LATIN1))
    assert b"Subject: =?utf-8?b?Q2Fmw6k=?=" in head and body == b"Caf\xe9\r\n"


def test_names_and_file_names_follow_the_header_mode():
    att = new_attachment(None, b"data", "café.txt")
    data = mime(dict(BASIC, **{"from": "Zoë <z@example.com>", "attachments": [att], "textBody": "x"}), B64, QP)
    assert b"From: =?utf-8?b?Wm/Dqw==?= <z@example.com>" in data
    assert b'filename="=?utf-8?b?Y2Fmw6kudHh0?="' in data
    m = parse(data)
    assert m["from"].addresses[0].display_name == "Zoë"
    assert [p.get_filename() for p in m.iter_attachments()] == ["café.txt"]


def test_unknown_mode_is_a_mime_error():
    with pytest.raises(FourDError) as e:
        mime(BASIC, "UTF-16")
    assert e.value.component == "MIME" and "UTF-16" in e.value.message


def test_long_subject_is_folded_and_decodes_back():
    subject = "Réunion " + "très importante " * 12 + "!"
    data = mime(dict(BASIC, subject=subject))
    head, _ = split(data)
    assert all(len(line) <= 76 for line in head) and len(head) > 6
    assert parse(data)["subject"] == subject


# ---------------------------------------------------------------- addresses (EmailObjectClass.md)

@pytest.mark.parametrize("value, expected", [
    ("somebody@domain.com", [("", "somebody@domain.com")]),
    ("Somebody <somebody@domain.com>", [("Somebody", "somebody@domain.com")]),
    ("Somebody <somebody@domain.com>,me@home.org", [("Somebody", "somebody@domain.com"), ("", "me@home.org")]),
    ("4d@4d.com;test@4d.com", [("", "4d@4d.com"), ("", "test@4d.com")]),
    ('"Doe, John" <j@d.com>; x@y.org', [("Doe, John", "j@d.com"), ("", "x@y.org")]),
    ({"name": "Ann", "email": "ann@x.org"}, [("Ann", "ann@x.org")]),
    ({"name": None, "email": "ann@x.org"}, [("", "ann@x.org")]),
    ([{"email": "a@x.org"}, {"name": "Bé", "email": "b@x.org"}, "C <c@x.org>"],
     [("", "a@x.org"), ("Bé", "b@x.org"), ("C", "c@x.org")]),
])
def test_address_forms(value, expected):
    m = parse(mime({"from": "me@example.com", "to": value}))
    assert [(a.display_name, a.addr_spec) for a in m["to"].addresses] == expected


@pytest.mark.parametrize("bad", ["not an address", "Name <a@b.com", "a@@b.com", "@b.com", {"name": "x"},
                                 [{"email": 3}], 12.0, [None, True]])
def test_bad_addresses_are_mime_errors(bad):
    with pytest.raises(FourDError) as e:
        mime({"from": "me@example.com", "to": bad})
    assert e.value.component == "MIME" and e.value.code == 121 and '"to"' in e.value.message


def test_bcc_is_never_in_the_headers():
    data = mime(dict(BASIC, bcc="Hidden <hidden@example.com>",
                     headers=[{"name": "Bcc", "value": "other@example.com"}]))
    assert b"hidden" not in data.lower() and b"other@" not in data and b"bcc" not in data.lower()
    assert "hidden@example.com" in envelope(dict(BASIC, bcc="Hidden <hidden@example.com>"))[1]


def test_all_address_headers():
    mail = {"from": "A <a@x.org>", "sender": "S <s@x.org>", "replyTo": "r@x.org", "to": "t@x.org",
            "cc": ["c1@x.org", {"email": "c2@x.org"}]}
    m = parse(mime(mail))
    assert str(m["sender"]) == "S <s@x.org>" and str(m["from"]) == "A <a@x.org>"
    assert str(m["reply-to"]) == "r@x.org" and str(m["cc"]) == "c1@x.org, c2@x.org"


def test_sender_defaults_to_the_from_address():
    # the doc example prints "Sender: tsales@massmarket.com" for a mail with no sender
    m = parse(mime({"from": "Ann <ann@x.org>, bob@x.org", "to": "t@x.org"}))
    assert str(m["sender"]) == "Ann <ann@x.org>"


# ---------------------------------------------------------------- other header properties

def test_ids_dates_keywords_comments():
    mail = dict(BASIC, messageId="abcdef.123456@4d.com", inReplyTo="<orig@4d.com>",
                references=["first@4d.com", "<second@4d.com>"], sendAt="2020-09-13T16:11:53Z",
                comments="Ça va", keywords={"$flagged": True, "4d": True, "off": False})
    data = mime(mail)
    m = parse(data)
    assert m["message-id"] == "<abcdef.123456@4d.com>"
    assert m["in-reply-to"] == "<orig@4d.com>"
    assert m["references"] == "<first@4d.com> <second@4d.com>"
    assert b"\r\nDate: Sun, 13 Sep 2020 16:11:53 GMT\r\n" in data
    assert m["comments"] == "Ça va"
    assert m["keywords"] == "$flagged, 4d"        # EmailObjectClass.md: "the keywords header"


def test_send_at_with_an_offset_is_written_in_gmt():
    assert b"\r\nDate: Sun, 13 Sep 2020 16:11:53 GMT\r\n" in mime(dict(BASIC, sendAt="2020-09-13T18:11:53+02:00"))


def test_bad_send_at_is_an_error():
    with pytest.raises(FourDError) as e:
        mime(dict(BASIC, sendAt="yesterday"))
    assert e.value.component == "MIME" and "sendAt" in e.value.message


def test_headers_collection():
    # EmailObjectClass.md .headers: extra headers added; one naming a property that is set is ignored;
    # a null name adds nothing. Structural headers are the conversion's own.
    mail = dict(BASIC, subject="Real", headers=[
        {"name": "X-Priority", "value": "1"}, {"name": "Subject", "value": "Ignored"},
        {"name": "To", "value": "ignored@x.org"}, {"name": "Cc", "value": "cc@x.org"},
        {"name": None, "value": "nothing"}, {"name": "Content-Type", "value": "text/evil"},
        {"name": "X-Note", "value": "Crème"}])
    data = mime(mail)
    m = parse(data)
    assert m["x-priority"] == "1" and m["subject"] == "Real" and m["x-note"] == "Crème"
    assert str(m["to"]) == "b@example.com" and str(m["cc"]) == "cc@x.org"
    assert b"Ignored" not in data and b"ignored@" not in data and b"nothing" not in data and b"evil" not in data
    assert envelope(mail)[1] == ["b@example.com", "cc@x.org"]


def test_header_entries_supply_unset_properties():
    mail = {"headers": [{"name": "From", "value": "Ann <ann@x.org>"}, {"name": "To", "value": "t@x.org"},
                        {"name": "Subject", "value": "From the headers"}, {"name": "Message-ID", "value": "<m@x.org>"}]}
    m = parse(mime(mail))
    assert str(m["from"]) == "Ann <ann@x.org>" and m["subject"] == "From the headers"
    assert m["message-id"] == "<m@x.org>"
    assert envelope(mail) == ("ann@x.org", ["t@x.org"])


@pytest.mark.parametrize("headers", [[{"name": "Bad Name", "value": "x"}], [{"name": "X-A", "value": 3}],
                                     "X-A: 1", [12]])
def test_bad_headers_are_errors(headers):
    with pytest.raises(FourDError) as e:
        mime(dict(BASIC, headers=headers))
    assert e.value.component == "MIME"


def test_no_header_injection():
    data = mime(dict(BASIC, subject="Hi\r\nBcc: evil@x.org", comments="a\nX-Evil: 1"))
    assert header_names(data).count("Bcc") == 0 and "X-Evil" not in header_names(data)
    assert parse(data)["subject"] == "Hi Bcc: evil@x.org"


def test_message_id_is_generated_from_the_from_domain():
    ids = {parse(mime(BASIC))["message-id"] for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(r"<[0-9A-F]{32}@example\.com>", i) for i in ids)


# ---------------------------------------------------------------- bodies and attachments

def test_text_only_and_html_only():
    assert parse(mime(dict(BASIC, textBody="t"))).get_content_type() == "text/plain"
    assert parse(mime(dict(BASIC, htmlBody="<b>h</b>"))).get_content_type() == "text/html"
    empty = parse(mime(BASIC))
    assert empty.get_content_type() == "text/plain" and empty.get_content().strip() == ""


def test_4d_line_breaks_become_crlf():
    _, body = split(mime(dict(BASIC, textBody="one\rtwo\nthree\r\nfour")))
    assert body == b"one\r\ntwo\r\nthree\r\nfour\r\n"


def test_attachments_regular_and_inline():
    logo = new_attachment(None, b"\x89PNG\r\n\x1a\n\x00\xff", "logo.png", "logo")
    pdf = new_attachment(None, b"%PDF \x00\x01\x02", "report.pdf")
    data = mime(dict(BASIC, textBody="see the logo", htmlBody="<img src='cid:logo'>", attachments=[logo, pdf]))
    m = parse(data)
    # mixed[ alternative[ plain, related[ html, logo ] ], pdf ]
    assert m.get_content_type() == "multipart/mixed"
    alternative, attached = m.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, related = alternative.get_payload()
    assert plain.get_content() == "see the logo"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content() == "<img src='cid:logo'>"
    assert image["content-id"] == "<logo>"
    assert (image.get_content_disposition(), image.get_filename()) == ("inline", "logo.png")
    assert image.get_content() == b"\x89PNG\r\n\x1a\n\x00\xff"
    assert (attached.get_content_type(), attached.get_content_disposition()) == ("application/pdf", "attachment")
    assert attached.get_filename() == "report.pdf" and attached.get_content() == b"%PDF \x00\x01\x02"
    assert attached["content-transfer-encoding"] == "base64"


def test_inline_attachment_without_html_goes_to_mixed():
    logo = new_attachment(None, b"img", "logo.png", "logo")
    m = parse(mime(dict(BASIC, textBody="t", attachments=[logo])))
    assert [p.get_content_type() for p in m.iter_parts()] == ["text/plain", "image/png"]


def test_attachments_only():
    m = parse(mime(dict(BASIC, attachments=[new_attachment(None, b"x", "a.zip"), None])))
    assert m.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in m.iter_parts()] == ["application/zip"]


def test_attachments_must_be_mail_attachments():
    with pytest.raises(FourDError) as e:
        mime(dict(BASIC, attachments=[{"name": "x"}]))
    assert e.value.component == "MIME"


def test_body_structure_and_values_define_the_body():
    # EmailObjectClass.md example (its "partId" spelling), textBody ignored when both are given.
    mail = dict(BASIC, textBody="ignored", bodyStructure={"type": "multipart/mixed", "subParts": [
        {"partId": "p0001", "type": "text/plain"},
        {"partID": "p0002", "type": "text/html", "language": ["en"],
         "headers": [{"name": "Content-Description", "value": "the HTML"}, {"name": "From", "value": "x@y.org"}]}]},
        bodyValues={"p0001": {"value": "I have the most brilliant plan."},
                    "p0002": {"value": "<div>I have the most brilliant plan.</div>"}})
    m = parse(mime(mail))
    assert m.get_content_type() == "multipart/mixed"
    plain, html = m.get_payload()
    assert plain.get_content() == "I have the most brilliant plan."
    assert html.get_content() == "<div>I have the most brilliant plan.</div>"
    assert html["content-language"] == "en" and html["content-description"] == "the HTML"
    assert html["from"] is None
    assert b"ignored" not in mime(mail)


@pytest.mark.parametrize("mail", [
    dict(BASIC, bodyStructure={"type": "text/plain", "partID": "1"}),                      # no bodyValues
    dict(BASIC, bodyStructure={"partID": "1"}, bodyValues={"1": {"value": "x"}}),          # no type
    dict(BASIC, bodyStructure={"type": "text/plain", "partID": "1"}, bodyValues={"1": {"value": 3}}),
    dict(BASIC, textBody=12),
    dict(BASIC, keywords=["a"]),
    dict(BASIC, references="not a collection but fine", attachments={"a": 1}),
    12.5, None, [BASIC]])
def test_invalid_mail_objects(mail):
    with pytest.raises(FourDError) as e:
        mime(mail)
    assert e.value.component == "MIME"


def test_a_body_structure_containing_itself_is_an_error():
    node = {"type": "multipart/mixed", "subParts": []}
    node["subParts"].append(node)
    with pytest.raises(FourDError) as e:
        mime(dict(BASIC, bodyStructure=node, bodyValues={}))
    assert e.value.component == "MIME" and "nested" in e.value.message


# ---------------------------------------------------------------- MIME given as text or Blob

def test_mime_text_is_sent_as_is_without_bcc():
    raw = "From: a@x.org\nTo: t@x.org\nBcc: hidden@x.org,\n  other@x.org\nSubject: s\n\nbody\n"
    data = email_to_mime(None, raw)
    assert data == b"From: a@x.org\r\nTo: t@x.org\r\nSubject: s\r\n\r\nbody\r\n"
    assert envelope(raw) == ("a@x.org", ["t@x.org", "hidden@x.org", "other@x.org"])
    assert email_to_mime(None, raw.encode()) == data


# ---------------------------------------------------------------- envelope

def test_envelope_order_and_duplicates():
    mail = {"from": "A <a@x.org>", "to": "t1@x.org, T2 <t2@x.org>", "cc": [{"email": "T1@x.org"}, {"email": "c@x.org"}],
            "bcc": "b@x.org;t2@x.org"}
    assert envelope(mail) == ("a@x.org", ["t1@x.org", "t2@x.org", "c@x.org", "b@x.org"])


def test_envelope_uses_the_sender_first():
    assert envelope(dict(BASIC, sender="s@x.org"))[0] == "s@x.org"


def test_envelope_needs_from_and_a_recipient():
    with pytest.raises(FourDError) as e:
        envelope({"to": "t@x.org"})
    assert (e.value.code, e.value.component) == (123, "MIME")
    with pytest.raises(FourDError) as e:
        envelope({"from": "a@x.org", "bcc": []})
    assert (e.value.code, e.value.component) == (124, "MIME")
    with pytest.raises(FourDError):
        envelope({"from": "a@x.org", "to": "broken"})


# ---------------------------------------------------------------- the commands from 4D code

def test_convert_to_mime_options_from_4d(run):
    r = run('$mail:=New object("from";"a@x.org";"to";"t@x.org";"subject";"Café";"textBody";"Café")\n'
            '$mime:=MAIL Convert to MIME($mail;New object("headerCharset";mail mode UTF8 in base64;'
            '"bodyCharset";mail mode ISO88591))\n'
            'ALERT($mime)')
    assert r.error is None, r.error and r.error.describe()
    assert "Subject: =?utf-8?b?Q2Fmw6k=?=\r\n" in r.out
    assert 'charset="ISO-8859-1"' in r.out and "\r\n\r\nCafé\r\n" in r.out     # 8-bit Latin-1, as text


def test_convert_to_mime_errors_from_4d(run):
    r = run('$mime:=MAIL Convert to MIME(New object("to";"not an address"))')
    assert r.error is not None and r.error.component == "MIME" and r.error.line == 1
    r = run('$mime:=MAIL Convert to MIME(New object;New object("bodyCharset";"EBCDIC"))')
    assert r.error is not None and r.error.component == "MIME" and "EBCDIC" in r.error.message
