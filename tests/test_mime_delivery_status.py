"""A delivery report (multipart/report with a message/delivery-status part, RFC 3464) read with
MAIL Convert from MIME and written again with MAIL Convert to MIME: its status groups come back
as they were (no base64 for a message/* part, no blank lines added), and a second round changes
nothing."""
from __future__ import annotations

from conftest import alerts, run4d

REPORT = ('$mime:="From: mailer@b.com\\r\\nTo: c@d.com\\r\\nSubject: Undelivered\\r\\nMIME-Version: 1.0\\r\\n'
          'Content-Type: multipart/report; report-type=delivery-status; boundary=\\"b1\\"\\r\\n\\r\\n'
          '--b1\\r\\nContent-Type: text/plain\\r\\n\\r\\nYour mail could not be delivered.\\r\\n'
          '--b1\\r\\nContent-Type: message/delivery-status\\r\\n\\r\\n'
          'Reporting-MTA: dns; mx.b.com\\r\\n\\r\\n'
          'Final-Recipient: rfc822; nobody@d.com\\r\\nAction: failed\\r\\nStatus: 5.1.1\\r\\n--b1--\\r\\n"\n')


def test_a_delivery_report_goes_through_mime_and_back():
    result = run4d(REPORT + """
$first:=MAIL Convert from MIME($mime)
$written:=MAIL Convert to MIME($first)
$second:=MAIL Convert from MIME($written)
ALERT($second.attachments[0].type)
ALERT(Replace string(Replace string(BLOB to text($second.attachments[0].getContent(); UTF8 text without length); "\\r"; ""); "\\n"; "|"))
ALERT(String(BLOB to text($first.attachments[0].getContent(); UTF8 text without length)=BLOB to text($second.attachments[0].getContent(); UTF8 text without length)))
ALERT(String(Position("base64"; $written)))
""")
    kind, status, same, base64 = alerts(result)
    assert kind == "message/delivery-status"
    assert status == "Reporting-MTA: dns; mx.b.com||Final-Recipient: rfc822; nobody@d.com|Action: failed|Status: 5.1.1|"
    assert (same, base64) == ("True", "0")


def test_every_generated_message_read_then_written_again_is_mime_or_a_4d_error():
    """The generated corpus (ordinary, malformed, truncated) through MAIL Convert from MIME and
    back: a message is written, or refused with a 4D error (an address that is not one); never
    an internal error (a delivery status at the root, a Content-Disposition given twice...)."""
    from fourmail.mail.mime import email_to_mime, mime_to_email
    from fourmail.runtime.errors import FourDError
    from mime_corpus import corpus
    broken = []
    for n, data in enumerate(corpus(1, 600), 1):
        try:
            mail = mime_to_email(None, data)
        except FourDError:
            continue
        try:
            email_to_mime(None, mail)
        except FourDError:
            pass
        except Exception as e:            # noqa: BLE001 — what the test is for
            broken.append((n, f"{type(e).__name__}: {e}"))
    assert broken == []
