"""Which names hold secrets: one rule for everything fourmail shows, echoes or keeps.

A transporter never shows nor logs its `password`, `accessTokenOAuth2` and
`certificatePassword`; the same values go through variables, object properties and dialogs
before they reach it. A property, variable or `Request` prompt whose name says pass(word),
pwd, token, secret or oauth2 (or a variable named `$pw`) is treated as one: the REPL shows its
value as "********", the history file keeps "********" for its text literals, and
`fourmail run` neither echoes a typed answer to such a prompt nor prints its `--answer`.
"""
from __future__ import annotations

import re

MASK = "********"

_SECRET = re.compile(r"(?i)pass|pwd|token|secret|oauth2|^\$?pw$")


def is_secret_name(name: str | None) -> bool:
    """A property or variable name (`password`, `$s.accessTokenOAuth2`, `$pw`)."""
    return bool(name) and _SECRET.search(name) is not None


def is_secret_prompt(prompt: str) -> bool:
    """A dialog asking for a secret ("Password:", "Enter your OAuth2 token")."""
    return _SECRET.search(prompt.strip()) is not None
