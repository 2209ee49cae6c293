"""Values shown the way 4D's debugger would, secrets hidden; secrets scrubbed from history.

- Text as a 4D literal ("Hello"), numbers as String() writes them (3, 0.5), True/False, null,
  undefined, dates and times as 4D literals (!2024-01-15!, ?08:12:55?), a Blob by its size.
- Objects and collections as indented JSON (what JSON Stringify($o;*) shows); an instance of a
  4D class is labelled with its class (4D.File, 4D.SMTPTransporter) before its properties.
- The value of a secret (`password`, `accessTokenOAuth2`, any name secret_names.py calls a
  secret) is shown as "********", whether a property or a bare variable (`$pw`, `$password`).
"""
from __future__ import annotations

import json
import re

from ..runtime.values import UNDEFINED, ClassInstance, Date, Time
from ..secret_names import MASK, is_secret_name

INDENT = "  "


def _masked(value):
    if value is None or value is UNDEFINED or value == "":
        return value
    if getattr(value, "CLASS_NAME", None) in ("Class", "ClassStore"):     # cs.NetKit.OAuth2Provider: no secret
        return value
    return MASK


def text_literal(s: str) -> str:
    """A Text value as 4D source writes it."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


def format_value(value, name: str | None = None, secret: bool = False) -> str:
    """The REPL's display of a value; `name` is the variable or property it was read from;
    `secret`: its object says that property is a secret, whatever its name."""
    if secret or (name and is_secret_name(name)):
        value = _masked(value)
    t = type(value)
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if t is str:
        return text_literal(value)
    if t is bool:
        return "True" if value else "False"
    if t is float or t is int:
        from ..runtime.conversions import to_text
        return to_text(value)
    if t is Date:
        return f"!{value.iso()}!" if not value.is_null() else "!00-00-00!"
    if t is Time:
        return f"?{value.hms()}?"
    if t is bytes or t is bytearray:
        return f"Blob ({len(value)} byte{'s' if len(value) != 1 else ''})"
    if isinstance(value, ClassInstance):
        label = _class_label(value)
        props = _safe_properties(value)
        return label if not props else f"{label} {_json(props, 0, set())}"
    if isinstance(value, (dict, list)):
        return _json(value, 0, set())
    return str(value)


def _class_label(value: ClassInstance) -> str:
    from ..runtime.classes import Class4D
    from ..runtime.userclasses import UserClass, UserObject
    if isinstance(value, Class4D):
        return f"[class {value.store}.{value.name}]"
    if isinstance(value, UserClass):
        return f"[class cs.{value.name}]"
    if isinstance(value, UserObject):
        return f"cs.{value.CLASS_NAME}"
    if getattr(value, "COMPONENT", None):            # a component's class (cs.NetKit.OAuth2Provider)
        return f"cs.{value.COMPONENT}.{value.CLASS_NAME}"
    if getattr(value, "TYPE_NAME", None):            # a WLanguage type's value: no `4D.` store
        return value.TYPE_NAME
    return f"4D.{value.CLASS_NAME}"


def _safe_properties(value: ClassInstance) -> dict:
    try:
        return dict(value._properties())
    except Exception:     # a live object (a closed connection...) must not break the display
        return {}


def _json(v, level: int, seen: set) -> str | None:
    """Indented JSON, secrets masked; None for Undefined (left out of objects)."""
    t = type(v)
    if v is UNDEFINED:
        return None
    if v is None:
        return "null"
    if t is str:
        return json.dumps(v, ensure_ascii=False)
    if t is bool:
        return "true" if v else "false"
    if t is float or t is int:
        from ..runtime.jsontext import js_number
        return js_number(float(v))
    if t is Date:
        return json.dumps(v.iso())
    if t is Time:
        from ..runtime.jsontext import js_number
        return js_number(float(v.seconds))
    if t is bytes or t is bytearray:
        return json.dumps(f"[Blob {len(v)} bytes]")
    if isinstance(v, (dict, list, ClassInstance)):
        if id(v) in seen:
            return '"[circular]"'
        seen.add(id(v))
        try:
            pad, inner = INDENT * level, INDENT * (level + 1)
            if t is list:
                items = [_json(x, level + 1, seen) for x in v]
                items = ["null" if x is None else x for x in items]
                if not items:
                    return "[]"
                return "[\n" + ",\n".join(inner + x for x in items) + "\n" + pad + "]"
            pairs = v.items() if isinstance(v, dict) else _safe_properties(v).items()
            parts = []
            for k, x in pairs:
                if is_secret_name(str(k)):
                    x = _masked(x)
                j = _json(x, level + 1, seen)
                if j is not None:
                    parts.append(f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {j}")
            if not parts:
                return "{}"
            return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
        finally:
            seen.discard(id(v))
    return json.dumps(str(v))


# ---------------------------------------------------------------- history

_SKIP = {"WS", "COMMENT", "BCOMMENT", "CONT"}
_OPEN = {"_LPAR", "_LSQB", "_LBRACE", "LCHAR"}
_CLOSE = {"_RPAR", "_RSQB", "_RBRACE", "RCHAR"}
_NAME = re.compile(r'"\w+"')


def scrub(text: str, language=None) -> str:
    """Source text with the text literals given to a secret replaced by "********" (for the
    history file). One rule: a secret name (secret_names.py) as the target of `:=` / `+=`
    (`$pw`, `$s.password`, `$s["password"]`) or as a key (`"password";` in New object and OB
    SET, `password:` in an object literal), or declared with a value (WLanguage's `pw is string =`),
    followed by a value that starts with a text literal: that value's literals are masked. `$pw:=Request("Password?")` keeps its prompt."""
    from .. import lang
    language = language or lang.get()
    declaring = language.declaring_pieces
    pieces = [p for p in language.scan(text) if p.kind not in _SKIP]
    masked: set[int] = set()
    for i, p in enumerate(pieces):
        word = text[p.start:p.end]
        if p.start in masked:                                # a secret's value is no key
            continue
        if p.kind == "STRING":
            if not _NAME.fullmatch(word) or not is_secret_name(word[1:-1]):
                continue
        elif p.kind not in ("LOCAL", "NAME", "MEMBER") or not is_secret_name(word):
            continue
        j = i + 1
        if p.kind == "STRING" and j < len(pieces) and pieces[j].kind == "_RSQB":
            j += 1                                           # $s["password"]:=
        if j < len(pieces) and pieces[j].kind in declaring:  # `pw is string = "x"`: past its type
            while j < len(pieces) and pieces[j].kind not in ("ASSIGN", "NL"):
                j += 1
        if j + 1 >= len(pieces) or pieces[j + 1].kind != "STRING":
            continue
        sep = pieces[j].kind
        if sep in ("ASSIGN", "COMPOUND_OP"):
            whole_statement = True
        elif sep == "_COLON" or (sep == "_SEMI" and p.kind == "STRING"):
            whole_statement = False
        else:
            continue
        depth = 0
        for q in pieces[j + 1:]:
            if q.kind == "NL":
                break
            if q.kind in _OPEN:
                depth += 1
            elif q.kind in _CLOSE:
                depth -= 1
                if depth < 0 and not whole_statement:
                    break
            elif q.kind in ("_SEMI", "_COMMA") and depth == 0 and not whole_statement:
                break
            elif q.kind == "STRING":
                masked.add(q.start)
    out, last = [], 0
    for p in pieces:
        if p.start in masked:
            out.append(text[last:p.start] + f'"{MASK}"')
            last = p.end
    return "".join(out) + text[last:]
