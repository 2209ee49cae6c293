"""The demo mailbox every new sandbox account starts with, so the read-side doc examples have
something to read: text, HTML, attachments, inline images, non-ASCII, seen and unseen, and the
folders the IMAP examples name (Drafts, documents, "Junk Email", Bills/…). "Invoices" is left
out on purpose: the .createBox() example creates it.
"""
from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import struct
import zlib
from email.message import EmailMessage
from pathlib import Path

FOLDERS = ("Drafts", "Sent", "Junk Email", "documents", "Bills", "Bills/Atlas Corp",
           "Bills/Nova Orion Industries")


def _png() -> bytes:
    """A small valid PNG (16x16, 4D blue) for the inline-image message."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x1e\x5a\xb4" * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _mail(n: int, sender: str, to: str, subject: str, text: str | None = None, html: str | None = None,
          attachments=(), inline=()) -> tuple[bytes, float]:
    when = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(days=n, minutes=7 * n)
    m = EmailMessage()
    m["From"] = sender
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = email.utils.format_datetime(when)
    m["Message-ID"] = f"<demo-{n}@sandbox.fourmail>"
    m.set_content(text or "")
    if html is not None:
        m.add_alternative(html, subtype="html")
        for data, maintype, subtype, cid in inline:
            m.get_payload()[1].add_related(data, maintype, subtype, cid=f"<{cid}>")
    for data, maintype, subtype, filename in attachments:
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return m.as_bytes(policy=email.policy.SMTP), when.timestamp()


def inbox(owner: str) -> list[tuple[bytes, str, bool, float]]:
    """(message, maildir flags, recent, date) for the INBOX, oldest first."""
    team = "4D Team <team@4d.com>"
    mails = [
        (_mail(0, team, owner, "Welcome to the fourmail sandbox",
               "Hello,\n\nThis mailbox lives on your machine only. Mail sent through the sandbox\n"
               "lands here, and IMAP and POP3 read it.\n\n-- \nThe 4D Team\n"), "S", False),
        (_mail(1, team, owner, "4D new feature: IMAP transporter",
               "The IMAP transporter reads and manages mailboxes.",
               "<html><body><h1>4D new feature</h1><p>The <b>IMAP transporter</b> reads and manages "
               "mailboxes.</p></body></html>"), "S", False),
        (_mail(2, "Reports <reports@4d.com>", owner, "Reports",
               "Please find the monthly figures attached.",
               attachments=[(b"month;orders;revenue\r\nJanuary;120;15000\r\nFebruary;134;16250\r\n",
                             "text", "csv", "figures.csv"),
                            (b"%PDF-1.4\n% fourmail sandbox demo\n", "application", "pdf", "report.pdf")]),
         "", False),
        (_mail(3, "Zoë Dupré <zoe.dupre@example.fr>", owner, "Café crème — réunion à 10h ☕",
               "Bonjour,\n\nLa réunion de l'équipe est déplacée à 10h, salle « Événements ».\n"
               "日本語のテキストもあります。\n\nZoë\n"), "SF", False),
        (_mail(4, "Design <design@4d.com>", owner, "Logo with an inline picture",
               "Our new logo is in the HTML part.",
               "<html><body><p>Our new logo:</p><img src=\"cid:logo\" alt=\"4D\"></body></html>",
               inline=[(_png(), "image", "png", "logo")]), "", False),
        (_mail(5, "Billing <billing@atlas-corp.example>", owner, "Invoice 2024-042",
               "Invoice 2024-042 is attached. Amount due: 1 250,00 €.",
               attachments=[(_png(), "image", "png", "invoice-2024-042.png")]), "", False),
        (_mail(6, team, owner, "4D new feature: POP3 transporter",
               "The POP3 transporter downloads mail.",
               "<html><body><p>The <i>POP3 transporter</i> downloads mail.</p></body></html>"), "", True),
        (_mail(7, "Reports <reports@4d.com>", owner, "Reports",
               "Weekly report: all systems nominal."), "", True),
    ]
    return [(data, flags, recent, when) for (data, when), flags, recent in mails]


def seed(store, account_dir: Path, owner: str) -> None:
    """Fill a new account's Maildir (called by Store.ensure_account before it goes live)."""
    for data, flags, recent, when in inbox(owner):
        store.seed_message(account_dir, data, flags, recent, when)
    for name in FOLDERS:
        store.add_folder(account_dir, name)
    drafts = store.folder_path(account_dir, "Drafts")
    data, when = _mail(8, owner, "team@4d.com", "Draft: questions about 4D", "To finish...")
    store.seed_message(drafts, data, "DS", False, when)
    junk = store.folder_path(account_dir, "Junk Email")
    for n, subject in ((9, "You have WON!!!"), (10, "Cheap watches")):
        data, when = _mail(n, "promo@spam.example", owner, subject, "Click here.")
        store.seed_message(junk, data, "", False, when)
    atlas = store.folder_path(account_dir, "Bills/Atlas Corp")
    data, when = _mail(11, "Billing <billing@atlas-corp.example>", owner, "Atlas Corp bill", "Amount: 99 €")
    store.seed_message(atlas, data, "S", False, when)
