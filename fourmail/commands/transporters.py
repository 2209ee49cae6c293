"""The New transporter commands: thin entries into fourmail/mail."""
from __future__ import annotations

from ..runtime.values import UNDEFINED


def smtp_new_transporter(rt, server=UNDEFINED):
    from ..mail.smtp import SMTPTransporter
    return SMTPTransporter(rt, server)


def pop3_new_transporter(rt, server=UNDEFINED):
    from ..mail.pop3 import POP3Transporter
    return POP3Transporter(rt, server)


def imap_new_transporter(rt, server=UNDEFINED):
    from ..mail.imap import IMAPTransporter
    return IMAPTransporter(rt, server)


def imap_new_notifier(rt, *args):
    from ..mail.imap_notifier import new_notifier
    return new_notifier(rt, *args)
