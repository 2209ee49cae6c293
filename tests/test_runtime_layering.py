"""The layers of fourmail, checked on the imports:
- fourmail/runtime/ is the language's core: it imports nothing from fourmail/commands/ (the
  commands are built on the runtime, never the other way round), nor from fourmail/lang/ or
  fourmail/compiler/ (loading and compiling source is the front end's job, fourmail/program.py);
- the engine knows no source language: the compiler, the runtime, the commands, the mail layer
  and the sandbox import no language package (fourmail/lang/fourd/...); the compiler reads the
  language-neutral AST (fourmail/lang/ast.py);
- fourmail/repl/ does not import fourmail.cli (both are front ends over fourmail/program.py)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import fourmail

PACKAGE = Path(fourmail.__file__).parent


def _imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the module `path` of `package`, at any
    depth (imports inside functions included); `from X import y` counts as X.y too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found += [(node.lineno, module)] + [(node.lineno, f"{module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def _forbidden(folder: Path, package: str, forbidden: tuple[str, ...]) -> list[str]:
    """`file:line module` of each import, in the modules under `folder`, of a forbidden module."""
    files = sorted(folder.rglob("*.py"))
    assert files
    return sorted({f"{f.name}:{line} {name}" for f in files for line, name in _imports(f, package)
                   if any(name == m or name.startswith(m + ".") for m in forbidden)})


def test_runtime_imports_nothing_from_commands():
    assert len(list((PACKAGE / "runtime").rglob("*.py"))) > 5
    assert _forbidden(PACKAGE / "runtime", "fourmail.runtime", ("fourmail.commands",)) == []


def test_runtime_neither_parses_nor_compiles():
    assert _forbidden(PACKAGE / "runtime", "fourmail.runtime", ("fourmail.lang", "fourmail.compiler")) == []


def test_the_engine_knows_no_language():
    languages = tuple(f"fourmail.lang.{p.name}" for p in (PACKAGE / "lang").iterdir() if (p / "__init__.py").is_file())
    assert "fourmail.lang.fourd" in languages
    for layer in ("compiler", "runtime", "commands", "mail", "sandbox"):
        assert _forbidden(PACKAGE / layer, f"fourmail.{layer}", languages) == [], layer
    # of fourmail/lang/ the compiler reads the AST only (`from ..lang import ast` names the package too)
    names = [i.split(" ", 1)[1] for i in _forbidden(PACKAGE / "compiler", "fourmail.compiler", ("fourmail.lang",))]
    assert names and all(n in ("fourmail.lang", "fourmail.lang.ast") or n.startswith("fourmail.lang.ast.")
                         for n in names), names


def test_repl_does_not_import_the_cli():
    assert _forbidden(PACKAGE / "repl", "fourmail.repl", ("fourmail.cli",)) == []


def test_the_check_sees_the_ways_of_importing(tmp_path):
    (tmp_path / "m.py").write_text(
        "from ..commands.text import x\nfrom .. import commands\nimport fourmail.commands.objects\n"
        "def g():\n    from fourmail.commands import dates\n"
        "from ..mail import mime\nfrom .values import Date\n"
        "def h():\n    from ..lang import parse\n    from ..compiler.codegen import compile_method\n"
        "from .. import cli\nfrom fourmail.cli import main\n")
    assert _forbidden(tmp_path, "fourmail.runtime", ("fourmail.commands",)) == [
        "m.py:1 fourmail.commands.text", "m.py:1 fourmail.commands.text.x", "m.py:2 fourmail.commands",
        "m.py:3 fourmail.commands.objects", "m.py:5 fourmail.commands", "m.py:5 fourmail.commands.dates"]
    assert _forbidden(tmp_path, "fourmail.runtime", ("fourmail.lang", "fourmail.compiler")) == [
        "m.py:10 fourmail.compiler.codegen", "m.py:10 fourmail.compiler.codegen.compile_method",
        "m.py:9 fourmail.lang", "m.py:9 fourmail.lang.parse"]
    assert _forbidden(tmp_path, "fourmail.repl", ("fourmail.cli",)) == [
        "m.py:11 fourmail.cli", "m.py:12 fourmail.cli", "m.py:12 fourmail.cli.main"]


def test_runtime_does_not_reach_up_by_name():
    """No import in disguise: no module above the runtime named in a string (importlib, sys.modules)."""
    above = re.compile(r"fourmail\.(commands|mail|lang|compiler|sandbox|repl|cli|program)\b")
    hits = []
    for f in sorted((PACKAGE / "runtime").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and above.search(node.value):
                hits.append(f"{f.name}:{node.lineno} {node.value[:60]!r}")
    assert hits == []


def _import_graph() -> dict[str, set[str]]:
    """fourmail's modules -> the fourmail modules each imports (lazy imports included)."""
    modules = {}
    for f in PACKAGE.rglob("*.py"):
        parts = ("fourmail",) + f.relative_to(PACKAGE).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    graph = {}
    for name, f in modules.items():
        package = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
        by_line: dict[int, set[str]] = {}
        for line, m in _imports(f, package):
            if m in modules:
                by_line.setdefault(line, set()).add(m)
        found = set()
        for names in by_line.values():     # `from . import words` imports the module, not its package
            found |= {m for m in names if not any(n.startswith(m + ".") for n in names)}
        graph[name] = found - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def test_no_import_cycles():
    """The one pair allowed: the command table registers its rows into the registry, which imports
    the table on the first lookup (so that start-up imports no command)."""
    assert _cycles(_import_graph()) == [["fourmail.commands.registry", "fourmail.commands.table"]]


def test_the_cycle_check_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
