"""fourmail/runtime/ is the language's core: it imports nothing from fourmail/commands/
(the commands are built on the runtime, never the other way round)."""
from __future__ import annotations

import ast
from pathlib import Path

import fourmail

RUNTIME = Path(fourmail.__file__).parent / "runtime"


def _commands_imports(path: Path) -> list[str]:
    """`file:line module` of every import of fourmail.commands in a runtime module, at any depth
    (imports inside functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
            if node.level == 1 and not node.module:            # from . import commands
                names = [a.name for a in node.names]
            if node.level == 2:                                # from ..commands[.x] import y / from .. import commands
                names = [f"fourmail.{node.module}"] if node.module else [f"fourmail.{a.name}" for a in node.names]
            elif node.level > 2:
                names = []
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [f"{path.name}:{node.lineno} {n}" for n in names
                  if n == "fourmail.commands" or n.startswith("fourmail.commands.")]
    return found


def test_runtime_imports_nothing_from_commands():
    files = sorted(RUNTIME.rglob("*.py"))
    assert len(files) > 5
    assert [hit for f in files for hit in _commands_imports(f)] == []


def test_the_check_sees_the_ways_of_importing_commands(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from ..commands.text import x\nfrom .. import commands\nimport fourmail.commands.objects\n"
                 "def g():\n    from fourmail.commands import dates\n"
                 "from ..mail import mime\nfrom .values import Date\n")
    assert [h.split(" ", 1)[1] for h in _commands_imports(f)] == [
        "fourmail.commands.text", "fourmail.commands", "fourmail.commands.objects", "fourmail.commands"]
