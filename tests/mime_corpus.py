"""Generated MIME messages for the differential tests of the MIME reader (test_mime_split.py,
test_mime_differential.py): ordinary mail of several producers' shapes, plus malformed and
truncated variants, from a seed, so every failure can be replayed.
"""
from __future__ import annotations

import base64
import random
from email.message import EmailMessage

NAMES = ["", "Bob", "Zoë Martin", "Doe, John", "O'Brien", "A (B)", "Ann  Lee", "日本語", "x=?y?z"]
ADDRS = ["bob@example.com", "a.b+c@sub.example.org", "weird!#$%&'*+/=?^_`{|}~-@ex.com", "no-at-sign",
         "\"quoted local\"@ex.com", "x@[127.0.0.1]", "@", "a@b"]
SUBJECTS = [
    "Weekly report", "", "  spaced  out  ", "=?utf-8?q?Caf=C3=A9?= et =?iso-8859-1?q?cr=E8me?=",
    "=?utf-8?b?Q2Fmw6k=?=", "=?utf-8?q?a?= =?utf-8?q?b?=", "=?utf-8?q?a?=  \t=?utf-8?q?b?= c",
    "=?x-martian?q?abc?=", "=?utf-8?q?unterminated", "pre=?utf-8?q?mid?=post", "=?utf-8?q?=ZZ?=",
    "=?utf-8?B?bad base64?=", "=?utf-8?q?a_b?=", "=?UTF-8*fr?Q?langue?=", "=?utf-8?q?a?=\x0b =?utf-8?q?b?=",
    "=?utf-8?q?=E2=80?=", "=?utf-8?q?x?=\xa0y", "Re: [list] =?utf-8?q?r=C3=A9union?= (2)", "tab\there",
    "=?hex?q?41?=", "=?utf-8?q??=", "a =?utf-8?Q?=3D=3F?= b", "trailing=?", "=?",
]
DATES = ["Thu, 11 Oct 2018 17:42:25 +0200", "Thu, 11 Oct 2018 15:42:25 -0000", "someday", "",
         "11 Oct 2018 17:42 GMT", "Mon, 32 Jan 2018 10:00:00 +0000", "Thu, 11 Oct 2018 17:42:25 +9999",
         "Fri, 01 Jan 0001 00:00:00 +0100", "Thu, 11 Oct 18 17:42:25 EST"]
CHARSETS = ["utf-8", "UTF-8", "iso-8859-1", "us-ascii", "x-martian", "", '"utf-8"', "hex", "utf-16", '"']
CTES = ["7bit", "8bit", "quoted-printable", "base64", "BASE64", " base64 ", "x-uuencode", "x-rot13", "binary", ""]
BOUNDARIES = ["b1", "==========123==", "Apple-Mail=_0E5E", "with space", "a'b", "x" * 70, "-", "=?q?x?="]
TEXTS = ["Bonjour,\nvoici le café.\n", "plain\n", "", "no final newline", "line\n" * 30, "crème brûlée\n",
         "=41=42 soft=\nbreak\n", "--b1\nnot a boundary?\n", "日本語\n"]


def _address(rnd: random.Random) -> str:
    name, addr = rnd.choice(NAMES), rnd.choice(ADDRS)
    shape = rnd.randrange(6)
    if shape == 0 or not name:
        return addr
    if shape == 1:
        return f"{name} <{addr}>"
    if shape == 2:
        return f'"{name}" <{addr}>'
    if shape == 3:
        word = base64.b64encode(name.encode()).decode()
        return f"=?utf-8?b?{word}?= <{addr}>"
    if shape == 4:
        return "undisclosed-recipients:;" if rnd.random() < .5 else f"team: {addr}, {name} <{addr}>;"
    return f"{addr} ({name})"


def _header_value(rnd: random.Random, value: str) -> str:
    """Fold it sometimes, as producers do."""
    if " " in value and rnd.random() < .3:
        i = value.index(" ")
        return value[:i] + "\n" + rnd.choice([" ", "\t", "  "]) + value[i + 1:]
    return value


def _encode_body(rnd, text: str, cte: str) -> bytes:
    data = text.encode(rnd.choice(["utf-8", "latin-1"]), "replace")
    c = cte.strip().lower()
    if c == "base64":
        out = base64.encodebytes(data)
        return out[:-2] if rnd.random() < .2 else out           # sometimes bad padding
    if c == "quoted-printable":
        import quopri
        return quopri.encodestring(data)
    if c == "x-uuencode":
        import binascii
        return b"begin 644 f\n" + binascii.b2a_uu(data[:45]) + b"`\nend\n"
    return data


def _leaf(rnd: random.Random) -> list[str] | bytes:
    ctype = rnd.choice(["text/plain", "text/html", "application/octet-stream", "image/gif", "TEXT/Plain",
                        "text/plain (comment)", "application/pdf", "bogus", "multipart/mixed", None])
    cte = rnd.choice(CTES)
    head = []
    if ctype is not None:
        params = []
        if rnd.random() < .6:
            params.append(f"charset={rnd.choice(CHARSETS)}")
        if rnd.random() < .3:
            params.append(rnd.choice(['name="r=C3=A9sum=C3=A9.pdf"', 'name="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="',
                                      "name*=utf-8''r%C3%A9sum%C3%A9.pdf", 'name="a b.txt"', "name=plain.txt",
                                      'name=""', 'name="x\\"y"']))
        sep = rnd.choice(["; ", ";", " ; ", ";\n\t"])
        head.append("Content-Type: " + sep.join([ctype] + params))
    if cte:
        head.append(f"Content-Transfer-Encoding: {cte}")
    if rnd.random() < .4:
        disp = rnd.choice(["attachment", "inline", "ATTACHMENT", "attachment;filename=a.bin",
                           'attachment; filename="data.bin"; size=3', "inline; size=x", ";;;",
                           "attachment; filename*=utf-8''%C3%A9.txt", "attachment; filename=a; filename=b"])
        head.append(f"Content-Disposition: {disp}")
    if rnd.random() < .2:
        head.append(rnd.choice(["Content-ID: <img1@example.com>", "Content-ID: <", "Content-Language: fr, en",
                                "Content-Location: http://example.com/x", "Content-Language: , ,"]))
    body = _encode_body(rnd, rnd.choice(TEXTS), cte)
    return "\n".join(head).encode("utf-8") + b"\n\n" + body


def _part(rnd: random.Random, depth: int) -> bytes:
    kind = rnd.random()
    if depth < 3 and kind < .35:
        sub = rnd.choice(["mixed", "alternative", "related", "digest", "MIXED"])
        b = rnd.choice(BOUNDARIES) + str(depth)
        quoted = f'"{b}"' if (rnd.random() < .6 or " " in b) else b
        head = f"Content-Type: multipart/{sub}; boundary={quoted}"
        if rnd.random() < .1:
            head += "\nContent-Transfer-Encoding: base64"
        out = head.encode() + b"\n\n"
        if rnd.random() < .3:
            out += b"This is a preamble.\n"
        n = rnd.randrange(0, 4)
        for _ in range(n):
            out += f"--{b}".encode() + rnd.choice([b"", b" ", b"\t"]) + b"\n" + _part(rnd, depth + 1) + b"\n"
        if rnd.random() < .9:
            out += f"--{b}--".encode() + rnd.choice([b"", b"  "]) + b"\n"
        if rnd.random() < .3:
            out += b"epilogue text\n"
        return out
    if depth < 3 and kind < .42:
        inner = rnd.choice(["message/rfc822", "message/delivery-status", "message/partial"])
        return (f"Content-Type: {inner}\n\n").encode() + (
            b"Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@b\n" if inner.endswith("status")
            else message(rnd, depth + 1))
    return _leaf(rnd)


def message(rnd: random.Random, depth: int = 0) -> bytes:
    head = []
    for field in rnd.sample(["From", "To", "Cc", "Sender", "Reply-To", "Bcc"], rnd.randrange(1, 5)):
        head.append(f"{field}: " + _header_value(rnd, ", ".join(_address(rnd) for _ in range(rnd.randrange(1, 3)))))
    head.append("Subject: " + _header_value(rnd, rnd.choice(SUBJECTS)))
    if rnd.random() < .8:
        head.append("Date: " + rnd.choice(DATES))
    if rnd.random() < .7:
        head.append(rnd.choice(["Message-ID: <m1@example.com>", "Message-ID: bare@id", "Message-ID:",
                                "Message-ID: <a@b> <c@d>"]))
    if rnd.random() < .3:
        head.append("References: <r1@example.com>\n <r2@example.com>")
        head.append("In-Reply-To: <p1@example.com> <p2@example.com>")
    if rnd.random() < .3:
        head.append("Keywords: alpha, beta ,gamma")
        head.append("Comments: =?utf-8?q?=C3=A7a?= va")
    if rnd.random() < .3:
        head.append("X-Custom: folded\n value")
    if rnd.random() < .2:
        head.append("Subject: second subject")
    head.append("MIME-Version: 1.0")
    body = _part(rnd, depth)
    return "\n".join(head).encode("utf-8") + b"\n" + body


def stdlib_message(rnd: random.Random, i: int) -> bytes:
    """What Python's email package writes (as bench/imap_fetch.py does)."""
    m = EmailMessage()
    m["From"] = "Zoë Martin <alice@example.com>"
    m["To"] = "bob@example.com, Doe John <j@d.com>"
    m["Subject"] = rnd.choice(["Message: réunion à 10h — 日本語", "Weekly report", "x" * 120])
    m["Message-ID"] = f"<bench-{i}@example.com>"
    m["Date"] = "Thu, 11 Oct 2018 17:42:25 +0200"
    body = rnd.choice(TEXTS) * rnd.randrange(1, 4)
    m.set_content(body)
    if rnd.random() < .5:
        m.add_alternative(f"<p>{body}</p>", subtype="html")
    if rnd.random() < .3:
        m.add_attachment(bytes(range(256)), maintype="application", subtype="octet-stream", filename=f"d-{i}.bin")
    if rnd.random() < .2:
        inner = EmailMessage()
        inner["Subject"] = "attached"
        inner.set_content("inner body\n")
        m.add_attachment(inner)
    return m.as_bytes()


def mutate(rnd: random.Random, data: bytes) -> bytes:
    """Line-end changes, truncation, stray bytes: what broken producers and lossy transports do."""
    choice = rnd.random()
    if choice < .35:
        data = data.replace(b"\n", b"\r\n")
    elif choice < .45:
        data = data.replace(b"\n", b"\r\n", rnd.randrange(1, 5))
    elif choice < .5:
        data = data.replace(b"\n", b"\r", 1)
    if rnd.random() < .15:
        data = data[:rnd.randrange(len(data) + 1)]
    if rnd.random() < .1 and data:
        i = rnd.randrange(len(data))
        data = data[:i] + bytes([rnd.choice(b"\x00\xff\x80\n\r:-\" ")]) + data[i + 1:]
    if rnd.random() < .05:
        data = b"From someone Mon Jan 1 00:00:00 2024\n" + data
    return data


def corpus(seed: int, n: int) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        data = message(rnd) if rnd.random() < .7 else stdlib_message(rnd, i)
        out.append(mutate(rnd, data) if rnd.random() < .6 else data.replace(b"\n", b"\r\n"))
    return out
