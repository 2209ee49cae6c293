"""The embedded sandbox mail servers (SMTP, IMAP, POP3 on loopback, one Maildir store).

Nothing here is imported by `fourmail run` without `--sandbox`; see server.py to start it.
"""
