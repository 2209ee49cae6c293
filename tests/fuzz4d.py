"""Random 4D programs that call commands and member functions with random argument counts and
kinds of values: what tests/test_internal_errors.py runs to look for fourmail's own bugs
(internal errors, error 70).

A program sets up a few targets (a file, a folder, transporters aimed at a closed loopback port,
an attachment, a collection...), then makes calls, each in its own Try...Catch, so one
program exercises many calls. Values cover the awkward cases: reals out of range and NaN, texts
with NUL, impossible dates, Null, Undefined, objects and collections holding any of these.
"""
from __future__ import annotations

from hypothesis import strategies as st

# Values as 4D expressions.
NUMBERS = ["0", "1", "-1", "2.5", "-0.5", "7", "65535", "2147483648", "-2147483649", "1e15", "1e308", "1e309",
           "-1e309", "Num(\"1e999\")", "(Num(\"1e999\")-Num(\"1e999\"))", "(1e308*10)", "(2^2000)",
           "(-8)^0.5", "4294967296.5"]
TEXTS = ['""', '"a"', '"INBOX"', '"a"+Char(0)+"b"', 'Char(0)', '"1e999"', '"/PACKAGE/fz.txt"',
         '"/PACKAGE/fz"+Char(0)+".txt"', '"!2024-02-30!"', '"2024-02-30"', '"@"', '"é\\r\\n"', '"-1"',
         '"NaN"', '"inf"', '"fz.txt"', '"UTF-8"', '"nope-charset"', '"x@y.z"', '"<a@b>, \\"q\\" <c@d>"',
         '"1:*"', '"ALL"', '"$seen"', '"12:00:00"', '"..\\\\..\\\\x"', '"../x"', '"/RESOURCES/"', '"text/plain"']
DATES = ["!2024-02-30!", "!00-00-00!", "!2024-01-31!", "!9999-12-31!", "Current date", "(!2024-01-01!+1e9)",
         "(Current date-!2024-02-30!)"]
TIMES = ["?12:00:00?", "-?01:00:00?", "?99:99:99?"]
OTHERS = ["Null", "$undef", "True", "False", "$blob", "$empty.nothing", "$file", "$folder", "$coll",
          "New object", "New collection", "$got", "$mime", "$att"]
TARGETS = ["$file", "$folder", "$smtp", "$imap", "$pop3", "$att", "$coll", "$notifier", "$fileClass",
           "$obj", "$text"]

MEMBERS = {
    "$file": ["create", "delete", "getContent", "getText", "setText", "setContent", "copyTo", "moveTo",
              "rename", "getIcon"],
    "$folder": ["file", "folder", "files", "folders", "create", "delete", "copyTo", "moveTo", "rename"],
    "$smtp": ["checkConnection", "send"],
    "$imap": ["checkConnection", "selectBox", "getBoxInfo", "getBoxList", "getDelimiter", "createBox",
              "deleteBox", "subscribe", "unsubscribe", "renameBox", "searchMails", "numToID", "getMail",
              "getMails", "getMIMEAsBlob", "addFlags", "removeFlags", "delete", "copy", "move", "expunge",
              "append"],
    "$pop3": ["checkConnection", "getBoxInfo", "getMailInfoList", "getMailInfo", "getMIMEAsBlob", "getMail",
              "delete", "undeleteAll"],
    "$att": ["getContent"],
    "$notifier": ["start", "stop"],
    "$fileClass": ["new"],
    "$coll": ["at", "average", "clear", "combine", "concat", "copy", "count", "countValues", "distinct", "equal",
              "extract", "fill", "first", "flat", "includes", "indexOf", "indices", "insert", "join", "last",
              "lastIndexOf", "max", "min", "orderBy", "pop", "push", "query", "remove", "resize", "reverse",
              "shift", "slice", "sort", "sum", "unshift", "map"],
    "$obj": ["nothing"],
    "$text": ["length"],
}

# Commands worth calling (a few are left out: ABORT ends the run, DELAY PROCESS waits, the C_
# directives need variable names). Value: the most parameters to try.
COMMANDS = {
    "New object": 4, "New collection": 4, "OB Keys": 2, "OB Values": 2, "OB Entries": 2, "OB Copy": 3,
    "OB Is empty": 2, "OB Is defined": 3, "OB Get": 4, "OB SET": 5, "OB REMOVE": 3, "JSON Stringify": 3,
    "JSON Parse": 3, "Value type": 2, "Not": 2, "Undefined": 2, "Bool": 2, "String": 4, "Num": 3,
    "Length": 2, "Uppercase": 3, "Lowercase": 3, "Substring": 4, "Position": 5, "Replace string": 5,
    "Split string": 4, "Char": 2, "Character code": 2, "Change string": 4, "Delete string": 4,
    "Insert string": 4, "Compare strings": 4, "Generate UUID": 2, "Int": 2, "Abs": 2, "Round": 3,
    "Trunc": 3, "Mod": 3, "Dec": 2, "Square root": 2, "Current date": 2, "Current time": 2, "Date": 2,
    "Time": 2, "Time string": 2, "Add to date": 5, "Day of": 2, "Month of": 2, "Year of": 2, "Day number": 2,
    "BLOB size": 2, "BLOB to text": 5, "Convert to text": 3, "ALERT": 3, "Request": 5, "CONFIRM": 4,
    "File": 4, "Folder": 4, "throw": 3, "ASSERT": 3, "Last errors": 1, "EXECUTE METHOD": 2,
    "SMTP New transporter": 2, "IMAP New transporter": 2, "POP3 New transporter": 2,
    "MAIL Convert from MIME": 2, "MAIL Convert to MIME": 3, "MAIL New attachment": 6,
}

PRELUDE = """var $blob : Blob
var $undef : Variant
$empty:=New object
$text:="abc"
$obj:=New object("a";1)
$coll:=New collection(1;"b";Null;New object("a";2);!2024-01-01!)
$file:=File("/PACKAGE/fz.txt")
$folder:=Folder("/PACKAGE/fzdir")
$fileClass:=4D.File
$att:=MAIL New attachment($blob;"a.txt")
"""
# Without a sandbox, transporters aim at a loopback port nobody listens on: a connection fails
# at once. With one (routes to it), they log in and the IMAP one has INBOX selected.
OFFLINE = """$server:=New object("host";"127.0.0.1";"port";9;"connectionTimeOut";1;"acceptUnsecureConnection";True)
$smtp:=SMTP New transporter($server)
$imap:=IMAP New transporter($server)
$pop3:=POP3 New transporter($server)
$notifier:=$imap.notifier
$got:=Null
$mime:=$blob
"""
SANDBOX = """$server:=New object("host";"mail.example.com";"user";"fz@example.com";"password";"pw")
$server.port:=465
$smtp:=SMTP New transporter($server)
$server.port:=993
$imap:=IMAP New transporter($server)
$status:=$imap.selectBox("INBOX")
$server.port:=995
$pop3:=POP3 New transporter($server)
$notifier:=$imap.notifier
$got:=$imap.getMail(1)
$mime:=$imap.getMIMEAsBlob(1)
"""

_atoms = st.sampled_from(NUMBERS + TEXTS + DATES + TIMES + OTHERS)


@st.composite
def values(draw, depth=2):
    kind = draw(st.integers(0, 9))
    if depth > 0 and kind == 0:
        items = draw(st.lists(values(depth - 1), max_size=3))
        return "New collection(" + ";".join(items) + ")" if items else "New collection"
    if depth > 0 and kind == 1:
        keys = draw(st.lists(st.sampled_from(["from", "to", "subject", "textBody", "htmlBody", "attachments",
                                              "headers", "bodyStructure", "bodyValues", "cc", "keywords",
                                              "host", "port", "user", "password", "id", "size", "name",
                                              "charset", "a"]), max_size=4, unique=True))
        pairs = [f'"{k}";{draw(values(depth - 1))}' for k in keys]
        return "New object(" + ";".join(pairs) + ")" if pairs else "New object"
    return draw(_atoms)


OPERATORS = ["+", "-", "*", "/", "\\", "%", "^", "=", "#", "<", ">", "<=", ">=", "&", "|", "^|", "<<", ">>",
             "?+", "?-", "??", "&&", "||"]


@st.composite
def calls(draw):
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"({draw(values(1))}){draw(st.sampled_from(OPERATORS))}({draw(values(1))})"
    if kind == 1:
        return draw(st.sampled_from(["$coll[{}]", "$text[[{}]]", "-({})", "Try({})", "$obj[{}]"])).format(
            draw(values(1)))
    if kind < 4:
        name = draw(st.sampled_from(sorted(COMMANDS)))
        n = draw(st.integers(0, COMMANDS[name]))
        args = draw(st.lists(values(), min_size=n, max_size=n))
        return f"{name}({';'.join(args)})" if args else name
    target = draw(st.sampled_from(TARGETS))
    member = draw(st.sampled_from(MEMBERS[target]))
    args = draw(st.lists(values(), max_size=4))
    return f"{target}.{member}({';'.join(args)})"


def _is_procedure(call: str) -> bool:
    from fourmail.commands.registry import lookup_command
    cmd = lookup_command(call.split("(")[0]) if not call.startswith("$") else None
    return cmd is not None and not cmd.returns


@st.composite
def programs(draw, max_calls=6, sandbox=False):
    body = draw(st.lists(calls(), min_size=1, max_size=max_calls))
    lines = [PRELUDE + (SANDBOX if sandbox else OFFLINE)]
    for call in body:
        lines += ["Try", f"    {call}" if _is_procedure(call) else f"    $r:={call}", "Catch", "End try"]
    return "\n".join(lines) + "\n"
