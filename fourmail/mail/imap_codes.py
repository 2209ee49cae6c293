"""What the 4D IMAP transporter (imap.py) and its notifier (imap_notifier.py) both say: the
status codes of the IMAP component and the Email keywords <-> IMAP flags rule."""
from __future__ import annotations

# 4D error codes of the IMAP component (componentSignature "IMAP"); same numbering as POP3.
ERR_NETWORK = 1               # no usable answer: connect, TLS, timeout, connection lost
ERR_SERVER = 2                # the server refused (authentication, NO/BAD answer)
ERR_STATE = 3                 # the call needs a selected mailbox, or the notifier is running
ERR_NOT_FOUND = 4             # getMail(): no such message

# JMAP keywords of the Email object <-> IMAP system flags (EmailObjectClass.md .keywords).
KEYWORD_FLAGS = {"$draft": "\\Draft", "$seen": "\\Seen", "$flagged": "\\Flagged",
                 "$answered": "\\Answered", "$deleted": "\\Deleted"}
FLAG_KEYWORDS = {f.upper(): k for k, f in KEYWORD_FLAGS.items()}


def flags_to_keywords(flags) -> dict:
    """IMAP flags -> the Email object's keywords ({"$seen": True, "custom": True})."""
    out = {}
    for f in flags:
        name = f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f)
        if name.startswith("\\"):
            kw = FLAG_KEYWORDS.get(name.upper())
            if kw:
                out[kw] = True           # \Recent and other system flags have no keyword
        else:
            out[name] = True
    return out
