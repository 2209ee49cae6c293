"""runtime/values.py LazyObject: an object filled on first use (getMails() Email objects) must be,
for every 4D operation and every Python use of a dict, the object it would have been if built at
once. Each check runs the same thing on a lazy object and on its eager twin and compares."""
from __future__ import annotations

import copy
import io
import json
import pickle
import re
from pathlib import Path

import pytest

from fourmail.mail.mime import mime_to_email
from fourmail.runtime.errors import FourDError
from fourmail.program import compile_source, new_runtime
from fourmail.runtime.values import LazyObject

from mailservers import make_message

REPO = Path(__file__).resolve().parent.parent
RAW = make_message("Réunion à 10h — 日本語", html="<p>ordre du jour</p>", attachment=("notes.bin", bytes(range(200))))
READY = {"id": "42", "size": float(len(RAW)), "keywords": {"$seen": True}}


def eager(rt=None) -> dict:
    mail = mime_to_email(rt, RAW)
    mail.update(READY)
    return mail


def lazy(rt=None, calls=None) -> LazyObject:
    def fill():
        if calls is not None:
            calls.append(1)
        return mime_to_email(rt, RAW)
    return LazyObject(copy.deepcopy(READY), fill)


# ---------------------------------------------------------------- the dict protocol
def test_ready_properties_do_not_fill():
    calls = []
    o = lazy(calls=calls)
    assert (o["id"], o.get("size"), "keywords" in o, o.get("id", 0)) == ("42", READY["size"], True, "42")
    assert calls == [] and not o.filled()
    assert o.get("subject") == "Réunion à 10h — 日本語" and calls == [1] and o.filled()
    list(o), o["subject"], o.items()
    assert calls == [1]                                  # filled once


PY_USES = {
    "keys": lambda o: list(o.keys()),
    "items": lambda o: json.dumps(list(o.items()), default=repr),
    "values": lambda o: len(list(o.values())),
    "iter": lambda o: list(o),
    "reversed": lambda o: list(reversed(o)),
    "len": len,
    "bool": bool,
    "in": lambda o: ("subject" in o, "nothing" in o),
    "getitem": lambda o: o["subject"],
    "missing": lambda o: o.get("nothing", "default"),
    "dict()": lambda o: list(dict(o)),
    "splat": lambda o: list({**o}),
    "json": lambda o: json.dumps(o, default=lambda v: "<attachment>"),
    "eq": lambda o: (o == eager(), eager() == o, o != eager(), o == lazy(), lazy() == o, o != lazy(),
                     o == {}, o != {"id": "42"}),
    "or": lambda o: list(o | {"x": 1}) + list({"x": 1} | o),
    "copy": lambda o: (type(o.copy()).__name__, list(o.copy())),
    "copy.copy": lambda o: list(copy.copy(o)),
    "deepcopy": lambda o: list(copy.deepcopy(o)),
    "pickle": lambda o: (o.pop("attachments"),                     # MailAttachment does not pickle
                         type(pickle.loads(pickle.dumps(o))).__name__, list(pickle.loads(pickle.dumps(o))))[1:],
    "set": lambda o: (o.__setitem__("id", "7"), list(o.items())[-3:]),
    "set new": lambda o: (o.__setitem__("new", 1), list(o)),
    "del": lambda o: (o.__delitem__("subject"), list(o)),
    "pop": lambda o: (o.pop("subject"), o.pop("nothing", None), list(o)),
    "popitem": lambda o: (o.popitem()[0], list(o)),
    "setdefault": lambda o: (o.setdefault("subject", "x"), o.setdefault("y", 2), list(o)),
    "update": lambda o: (o.update(subject="x"), o["subject"], list(o)),
    "ior": lambda o: list(o.__ior__({"z": 1})),
    "clear": lambda o: (o.clear(), list(o), len(o)),
    "repr": lambda o: re.sub(r" at 0x[0-9a-f]+", "", repr(o)),
}


@pytest.mark.parametrize("use", PY_USES, ids=list(PY_USES))
def test_python_uses_see_the_filled_object(use):
    assert PY_USES[use](lazy()) == PY_USES[use](eager())


# ---------------------------------------------------------------- 4D operations
FOURD_USES = [
    "ALERT(JSON Stringify($1))",
    "ALERT(JSON Stringify($1;*))",
    "ALERT(OB Keys($1).join(\",\"))",
    "ALERT(JSON Stringify(OB Values($1).length))",
    "ALERT(JSON Stringify(OB Entries($1).extract(\"key\")))",
    "ALERT(String(Value type($1))+\" \"+String(Value type($1.subject)))",
    "ALERT(String(OB Is defined($1;\"subject\"))+String(OB Is defined($1;\"nothing\")))",
    "ALERT(String(OB Is empty($1)))",
    "ALERT(OB Get($1;\"subject\";Is text))",
    "ALERT($1[\"subject\"]+$1.from[0].email)",
    "ALERT(String($1.nothing=Null)+String(Undefined($1.nothing)))",
    "ALERT(String($1))",
    "ALERT(JSON Stringify(OB Copy($1))=JSON Stringify($1))",
    "$c:=OB Copy($1)\n$c.subject:=\"x\"\nALERT($1.subject)",
    "$o:=$1\n$o.subject:=\"changed\"\nALERT($1.subject+\" \"+String($o=$1))",
    "$1.subject:=Null\nALERT(JSON Stringify($1.subject))",
    "$1.extra:=1\nALERT(OB Keys($1).join(\",\"))",
    "OB REMOVE($1;\"subject\")\nALERT(OB Keys($1).join(\",\"))",
    "OB SET($1;\"subject\";\"set\")\nALERT($1.subject)",
    "For each ($k;$1)\n  ALERT($k)\nEnd for each",
    "ALERT(String($1.attachments[0].getContent()=$1.attachments[0].getContent()))",
    "ALERT(JSON Stringify($1.bodyValues[$1.bodyStructure.subParts[0].subParts[0].partID].value))",
    "$c:=New collection($1;$1)\nALERT(JSON Stringify($c.extract(\"subject\")))",
    "$c:=New collection($1)\nALERT(JSON Stringify($c.query(\"subject = :1\";$1.subject).length))",
    "$c:=New collection(New object(\"n\";2);$1)\nALERT(JSON Stringify($c.orderBy(\"subject desc\").length))",
    "$c:=New collection($1)\nALERT(String($c.indexOf($1)))",
    "$c:=New collection($1).copy()\nALERT(String($c[0]=$1)+$c[0].subject)",
    "ALERT(String($1=$1)+String($1#New object))",
    "var $o : Object\n$o:=$1\nALERT($o.subject)",
    "ALERT(MAIL Convert to MIME($1)#\"\")",
    "$m:=MAIL Convert from MIME(MAIL Convert to MIME($1))\nALERT($m.subject)",
    "ALERT(String($1.keywords[\"$seen\"])+$1.id)",
    "ALERT(String(Bool($1.size>0)))",
    "$1.bodyValues.p0001.value:=\"edited\"\nALERT(JSON Stringify($1.bodyValues))",
]


def run_with(source: str, mail) -> tuple[str, str | None]:
    out = io.StringIO()
    rt = new_runtime(project_dir=REPO, out=out, interactive=False)
    if callable(mail):
        mail = mail(rt)
    method = compile_source(rt, source, "lazy.4dm", "lazy")
    try:
        rt.run(method, [mail])
        error = None
    except FourDError as e:
        error = e.describe()
    finally:
        rt.shutdown()
    return out.getvalue(), error


@pytest.mark.parametrize("source", FOURD_USES)
def test_4d_operations_see_the_filled_object(source):
    got, want = run_with(source, lazy), run_with(source, eager)
    assert want[1] is None, want[1]
    assert got == want


# ---------------------------------------------------------------- no fast path forgets it
def test_every_exact_dict_check_names_lazy_object():
    """`type(v) is dict` is the runtime's fast test for an Object; LazyObject fails it, so every such
    test must also name LazyObject (or say the dict is a plain one it made itself)."""
    pattern = re.compile(r"\bis (not )?dict\b|\bin \([^)]*\bdict\b")
    offenders = []
    for path in sorted((REPO / "fourmail").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if "isinstance" in code or not pattern.search(code):
                continue
            if "LazyObject" in line or "plain dict" in line:
                continue
            offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
