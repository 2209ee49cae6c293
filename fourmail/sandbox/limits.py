"""The sandbox's size limits, one place for all three protocols.

A message is refused above MESSAGE_SIZE_LIMIT whichever way it arrives (SMTP DATA, IMAP APPEND),
and a client that has not signed in may send no literal larger than PREAUTH_LITERAL_LIMIT: an
unauthenticated peer must not make the sandbox buffer megabytes it will never store.
"""
MESSAGE_SIZE_LIMIT = 25 * 1024 * 1024     # 25 MiB: the size Gmail, the docs' usual server, allows a message
PREAUTH_LITERAL_LIMIT = 8 * 1024          # enough for any AUTHENTICATE or LOGIN argument
