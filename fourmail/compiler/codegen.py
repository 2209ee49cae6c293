"""AST -> Python code object, compiled once per method.

A 4D method becomes one Python function. Local variables are Python locals (fast), process
variables live in the runtime (rt.get_process_var), every operator is a call into runtime.ops
(except where the static types of its operands make Python's own the same: Codegen.static_type), and
every statement is wrapped in a try/except that hands a failure to the runtime (error stack,
ON ERR CALL, Try/Catch) together with the 4D line number. In 3.11 a try costs nothing when
no exception is raised, so the wrapper is free on the fast path.

4D runs deeply nested code; Python has limits far below it: 20 statically nested loops/try blocks,
100 indentation levels, 200 nested brackets, its recursion limit. So the generated code stays within
fixed bounds whatever the 4D nesting, and this compiler does not recurse once per 4D level:
- a block nested too deep for the current Python function becomes a closure of the method (its
  written locals `nonlocal`), called in place; a `break`, `continue` or `return` inside it comes
  back as _BRK, _CONT or a 1-tuple holding the result;
- an expression nested too deep becomes a closure returning its value, called in place (so
  evaluation order and short-circuits are unchanged);
- a long left-to-right chain (`a+b+c...`, `$o.a.b[1].c()`) becomes a closure that applies one
  operator per statement, 4D's own strict left-to-right order.
Closures are queued and compiled one after the other (no recursion), and only methods that need
them have them: ordinary code compiles exactly as before. The one limit left is the number of
closures nested in one another (MAX_NESTED_CLOSURES): past it, a compile error at the line.
"""
from __future__ import annotations

import math
import re

from ..lang import ast as A
from ..runtime import types as T
from ..runtime.values import ProcessPointer

_BINOPS = {
    "+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "\\": "_idiv", "%": "_mod", "^": "_pow",
    "=": "_eq", "#": "_ne", "<": "_lt", ">": "_gt", "<=": "_le", ">=": "_ge", "&": "_and", "|": "_or",
    "^|": "_xor", "<<": "_shl", ">>": "_shr", "?+": "_bset", "?-": "_bclr", "??": "_btst",
    # WLanguage's: AND / OR evaluate both operands; the text comparisons (runtime/wl_rules.py)
    "and": "_land", "or": "_lor",
    "~=": "_feq", "~~": "_vfeq", "[=": "_sw", "[~": "_fsw", "[~~": "_vfsw", "[=]": "_ct", "[~]": "_fct",
    "[~~]": "_vfct", "=]": "_ew", "~]": "_few", "~~]": "_vfew",
    "[+]": "_optcat",       # `s + [sep]`: optional concatenation
}
# Operators that answer True or False (or raise), besides the comparisons of _PY_COMPARE.
_BOOLEAN_OPS = frozenset(("and", "or", "and_then", "or_else", "in", "~=", "~~", "[=", "[~", "[~~", "[=]",
                          "[~]", "[~~]", "=]", "~]", "~~]"))

# Static types. A variable declared with one of these types holds exactly one Python type once
# its declaration has run (runtime/types.py coerce): the code of its default value. Values whose
# static type is known skip the runtime's general operators and assignment checks where Python's
# own give the same result.
_EXACT_DEFAULTS = {"Integer": "0", "Real": "0.0", "Text": "''", "Boolean": "False"}
_PY_TYPES = {"Integer": "int", "Real": "float", "Text": "str", "Boolean": "bool"}
_LITERAL_TYPES = {float: "Real", str: "Text", bool: "Boolean"}
_NUMERIC = ("Integer", "Real")
_PY_ARITH = {"+": "+", "-": "-", "*": "*"}          # on two numbers (and + on two texts) as ops does
_PY_COMPARE = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "=": "==", "#": "!="}   # on two Integers
_REAL_RESULT = ("/", "\\", "^", "%")                 # a Real from two numbers, or an error
_STATIC_DEPTH = 8                                     # operands looked into (deep expressions: unknown)

# Commands evaluated inline (no call): they are constants of the language.
_INLINE = {"true": "True", "false": "False", "null": "None"}

# Procedures that 4D documents as writing into one of their variable arguments:
# name -> (index of the argument written when present, fallback index).
_WRITEBACK = {"base64 encode": (1, 0), "base64 decode": (1, 0), "ob set": (0, 0), "text to blob": (1, 1),
              "set blob size": (0, 0)}
# The array declarations, APPEND TO ARRAY and CLEAR VARIABLE make or reset the variable they name:
# they are given its value and return what it holds afterwards (commands/arrays.py).
_ARRAY_DECLARATIONS = frozenset("array " + k.lower() for k in T.ARRAY_KINDS)
_WRITEBACK.update({name: (0, 0) for name in _ARRAY_DECLARATIONS})
_WRITEBACK.update({"append to array": (0, 0), "clear variable": (0, 0), "copy array": (1, 1)})
# Commands that write into some of their parameters besides a result (the "<-" / "<->" ones of
# their pages): they are given a pointer to each (the variable is then a cell, as for `->$x`).
_OUT_PARAMS = {"resolve pointer": (1, 2, 3), "find in sorted array": (3, 4), "match regex": (3, 4)}
# Commands about a variable rather than its value (Type): they are also given its declared type.
_DECLARED_TYPE = {"type"}
# Functions that also fill variable arguments (Position's lengthFound, TEXT TO BLOB's offset):
# name -> indexes of those arguments. Called with `outputs=True`, the function returns
# (result, [value of each such argument passed]); the compiled code assigns them.
_OUTPUTS = {"position": (3,), "text to blob": (3,)}
_ASSIGNABLE = (A.LocalVar, A.ProcessVar, A.Member, A.Index)

# Bounds of one generated Python function (Python's: 20 static blocks, 100 indentation levels,
# 200 nested brackets); past them the block or expression moves into a closure.
_MAX_PY_BLOCKS = 12      # Python blocks open around a 4D block (a 4D level adds at most 3, a statement 2)
_MAX_PY_INDENT = 60      # indentation levels in one function
_MAX_EXPR_LEVELS = 40    # expression nodes nested in one function (at most 2 brackets each)
_LONG_CHAIN = 20         # left-to-right operations compiled one statement each past this length
# A closure is a Python frame when it runs (and Python's recursion limit is 1,000 frames): past
# this many nested closures, a compile error at the line. It allows some 1,900 nested Try/Catch,
# 5,000 loops, 24,000 If, 16,000 nested function calls.
MAX_NESTED_CLOSURES = 400


class VarInfo:
    __slots__ = ("pyname", "vtype", "cell")

    def __init__(self, pyname: str, vtype: str | None = None):
        self.pyname = pyname
        self.vtype = vtype            # None: untyped (created by assignment)
        self.cell = False             # a pointer points to it (`->$x`): kept in a values.Cell


class Loop:
    __slots__ = ("flag", "outside")

    def __init__(self, flag: str | None = None, outside: bool = False):
        self.flag = flag              # set when 4D `break` must cross a one-shot wrapper
        self.outside = outside        # the loop is in an enclosing Python function: signal it


class _Temp(A.Node):
    """A Python temporary in place of a sub-expression already evaluated (chains)."""
    __slots__ = _fields = ("name",)


class _Pending:
    """A closure to compile: a block ("block"), an expression ("expr") or a chain ("chain").
    `key` orders closures as inline code would be compiled: the caller's key, then the number
    of closures the caller had queued, this one included."""
    __slots__ = ("kind", "name", "node", "loops", "key")

    def __init__(self, kind, name, node, loops, key):
        self.kind, self.name, self.node, self.loops, self.key = kind, name, node, loops, key


_LEAVES = (_Temp, A.Literal, A.LocalVar, A.ConstantRef, A.Star, A.ThisRef, A.SuperRef, A.ClassStore, A.SortOrder)
_SPINE = (A.BinOp, A.Member, A.Index, A.CharIndex, A.MemberCall, A.Element, A.Deref)


def _spine_child(n):
    """The sub-expression a chain operation applies to (evaluated first)."""
    return n.left if isinstance(n, A.BinOp) else n.target


def _with_spine_child(n, child):
    copy = type(n)(n.line, n.col, *(getattr(n, f) for f in n._fields))
    setattr(copy, "left" if isinstance(n, A.BinOp) else "target", child)
    return copy


def _long_chain(n) -> bool:
    k = 0
    while isinstance(n, _SPINE):
        k += 1
        if k >= _LONG_CHAIN:
            return True
        n = _spine_child(n)
    return False


class CompiledMethod:
    """A 4D method compiled to a Python function `function(rt, L, args)`."""

    def __init__(self, name, filename, source, function, python_source, variables):
        self.name, self.filename, self.source = name, filename, source
        self.function, self.python_source, self.variables = function, python_source, variables


class CompileError(Exception):
    def __init__(self, message, line, col):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _py_ident(name: str) -> str:
    return re.sub(r"\W", "_", name.lower().lstrip("$")) or "d"


class Codegen:
    names = None    # the language's functions and constants (compile_method sets them)

    def __init__(self, name: str, method_exists=lambda n: False, locals_mode: str = "fast",
                 known_types: dict[str, str] | None = None):
        self.name = name
        self.method_exists = method_exists
        self.locals_mode = locals_mode       # "fast": Python locals; "dict": the REPL's persistent dict
        # The REPL's declared types of earlier inputs (lower-cased name -> type), read and updated:
        # `var $x : Integer` typed in one input still coerces `$x:=2.5` typed in the next.
        self.known_types = known_types
        self.out: list[str] = []
        self.level = 1
        self.vars: dict[str, VarInfo] = {}
        self.globals: dict[str, object] = {}
        self.tmp = 0
        self.loops: list[Loop] = []
        self.result_var: str | None = None
        # The Python function being written: None for the method itself, else a closure's name.
        self.fn: str | None = None
        self.fn_level = 1             # its body's indentation
        self.py_blocks = 0            # Python blocks (loops, try, except handlers) open in it
        self.edepth = 0               # expression nodes open in it
        self.written: set[str] = set()  # Python locals it assigns (`nonlocal` in a closure)
        self.pending: list[_Pending] = []
        self.key: tuple = ()            # the function's _Pending.key (its length: closures around it)
        self.queued = 0                 # closures it queued so far
        self.closures: list[str] = []
        self.line = 1                 # the statement being compiled
        # The method uses `${n}`: its parameters $1, $2... live in a list (`_P`, a copy of the
        # arguments) that `${n}` indexes, instead of in Python locals.
        self.params_indirect = False
        # Locals whose declared type is certain here (key -> type of _EXACT_DEFAULTS): their
        # declaration has run on every path to this point. Until it has, a declared local holds
        # Undefined. Every write to a local goes through write_local and keeps its type; a write
        # that would not (a pointer...) must drop the variable from here.
        self.facts: dict[str, str] = {}
        self.pending_facts: dict[str, dict] = {}   # a queued closure's facts where it runs
        self.temp_types: dict[str, str | None] = {}     # static types of the chains' temporaries

    # ------------------------------------------------------------ helpers
    def emit(self, line: str) -> None:
        self.out.append("    " * self.level + line)

    def new_tmp(self, prefix="_t") -> str:
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def const(self, value) -> str:
        name = f"_k{len(self.globals)}"
        self.globals[name] = value
        return name

    def var(self, name: str) -> VarInfo:
        key = name.casefold()
        info = self.vars.get(key)
        if info is None:
            info = self.vars[key] = VarInfo(f"v{len(self.vars)}_{_py_ident(name)}")
        return info

    def read_local(self, name: str) -> str:
        info = self.var(name)
        if self.locals_mode == "dict":
            return f"L.get({name.casefold()!r}, UNDEFINED)"
        if self.params_indirect and _param_number(name):
            return f"_pget(_P, {_param_number(name)})"
        return f"{info.pyname}.value" if info.cell else info.pyname

    def write_local(self, name: str, value_code: str, value_type: str | None = None) -> str:
        """Assignment to a local; `value_type`: the value's static type, if known."""
        info = self.var(name)
        if info.vtype == T.ARRAY:
            value_code = f"_setarr({self.read_local(name)}, {value_code}, {name!r})"
        elif info.vtype and info.vtype != "Variant" and info.vtype != value_type:
            if info.vtype == "Real" and value_type == "Integer":
                value_code = f"float({value_code})"
            elif info.vtype == "Integer" and value_type == "Real":
                value_code = f"_to_int({value_code})"
            elif info.vtype in _EXACT_DEFAULTS and value_type is None:     # check the common case inline
                t = self.new_tmp()
                value_code = (f"({t} if type({t} := {value_code}) is {_PY_TYPES[info.vtype]} "
                              f"else _coerce({info.vtype!r}, {t}, {name!r}))")
            else:
                value_code = f"_coerce({info.vtype!r}, {value_code}, {name!r})"
        if self.locals_mode == "dict":
            return f"L[{name.casefold()!r}] = {value_code}"
        if self.params_indirect and _param_number(name):
            return f"_pset(_P, {_param_number(name)}, {value_code})"
        if info.cell:
            return f"{info.pyname}.value = {value_code}"
        self.written.add(info.pyname)
        return f"{info.pyname} = {value_code}"

    # ------------------------------------------------------------ static types
    def static_type(self, e, depth: int = _STATIC_DEPTH) -> str | None:
        """The type of `e`'s value when the compiler knows it: "Integer" (a Python int), "Real"
        (float), "Text" (str), "Boolean" (bool); None when it does not."""
        if isinstance(e, A.Literal):
            return _LITERAL_TYPES.get(type(e.value))
        if isinstance(e, A.LocalVar):
            return self.facts.get(e.name.casefold())
        if isinstance(e, _Temp):
            return self.temp_types.get(e.name)
        if depth <= 0:
            return None
        if isinstance(e, A.BinOp):
            if e.op in _PY_COMPARE or e.op in _BOOLEAN_OPS:
                return "Boolean"           # the comparisons answer True or False, or raise
            left = self.static_type(e.left, depth - 1)
            if left in _NUMERIC:
                right = self.static_type(e.right, depth - 1)
                if right in _NUMERIC:
                    if e.op in _PY_ARITH:
                        return "Integer" if left == right == "Integer" else "Real"
                    if e.op in _REAL_RESULT:
                        return "Real"
            elif left == "Text" and e.op == "+" and self.static_type(e.right, depth - 1) == "Text":
                return "Text"
            return None
        if isinstance(e, A.Negate):
            t = self.static_type(e.operand, depth - 1)
            return t if t in _NUMERIC else None
        if isinstance(e, A.Not):
            return "Boolean"
        return None

    def typed_value(self, value, name: str) -> tuple[str, str | None]:
        """Code and static type of a value assigned to the local `name`; a number literal
        assigned to an Integer is converted here, once."""
        if self.var(name).vtype == "Integer":
            if isinstance(value, A.Literal) and type(value.value) is float:
                # the language's rule (4D rounds, WLanguage truncates)
                to_integer = getattr(self.operators, "to_integer", T.to_integer)
                return repr(to_integer(value.value)), "Integer"
            if (isinstance(value, A.BinOp) and value.op in ("+", "-") and isinstance(value.left, A.LocalVar)
                    and self.static_type(value.left) == "Integer" and isinstance(value.right, A.Literal)
                    and type(value.right.value) is float and value.right.value.is_integer()
                    and abs(value.right.value) < 2 ** 31):
                # `$n:=$n+1`: the Real sum rounds back to the integer sum while that is in the
                # 32-bit range (past it, the general rule wraps it)
                left, k, t = self.expr(value.left), value.right.value, self.new_tmp()
                return (f"({t} if -2147483648 <= ({t} := {left} {value.op} {int(k)}) <= 2147483647 "
                        f"else _to_int({left} {value.op} {k!r}))"), "Integer"
        return self.expr(value), self.static_type(value)

    def establish(self, names, vtype: str) -> None:
        """The locals `names` certainly hold a `vtype` from here on (their declaration has run).
        Not the parameters $1, $2... (`${n}` writes them as well)."""
        if self.locals_mode == "fast" and vtype in _EXACT_DEFAULTS:
            for n in names:
                if _param_number(n) is None:
                    self.facts[n.casefold()] = vtype

    # ------------------------------------------------------------ declarations pre-pass
    def declare_types(self, node) -> None:
        """Types are static in 4D: a declaration anywhere in the method types the variable."""
        for n in _walk(node):
            if isinstance(n, A.VarDecl):
                for v in n.names:
                    if isinstance(v, A.LocalVar):
                        info = self.var(v.name)
                        info.vtype = info.vtype or T.normalise(n.type)
            elif isinstance(n, A.CommandCall) and n.name.casefold() in T.LEGACY and n.args:
                for v in n.args:
                    if isinstance(v, A.LocalVar):
                        info = self.var(v.name)
                        info.vtype = info.vtype or T.LEGACY[n.name.casefold()]
            elif isinstance(n, A.Declare):
                for p in n.params:
                    info = self.var(p.name)
                    info.vtype = info.vtype or T.normalise(p.type)
                if n.result_name:
                    info = self.var(n.result_name)
                    info.vtype = info.vtype or T.normalise(n.result_type)
            elif isinstance(n, A.LocalVar):
                self.var(n.name)
            elif isinstance(n, A.ParamRef):
                self.params_indirect = True
            elif isinstance(n, A.CommandCall) and n.name.casefold() in _ARRAY_DECLARATIONS and n.args:
                if isinstance(n.args[0], A.LocalVar):
                    info = self.var(n.args[0].name)
                    info.vtype = info.vtype or T.ARRAY
            elif isinstance(n, A.AddressOf) and isinstance(n.target, A.LocalVar):
                self.var(n.target.name).cell = True
            if isinstance(n, A.CommandCall) and n.args and n.name.casefold() in _OUT_PARAMS:
                for i in _OUT_PARAMS[n.name.casefold()]:
                    if i < len(n.args) and isinstance(n.args[i], A.LocalVar):
                        self.var(n.args[i].name).cell = True

    # ------------------------------------------------------------ entry point
    def compile(self, program: A.Program) -> str:
        self.declare_types(program)
        if self.known_types is not None:
            for key, info in self.vars.items():
                info.vtype = info.vtype or self.known_types.get(key)
                if info.vtype:
                    self.known_types[key] = info.vtype
        header = []
        params = program.declare.params if program.declare else []
        for i, p in enumerate(params):
            info = self.var(p.name)
            default = getattr(p, "default", None)      # an optional parameter (A.ProcedureParam)
            missing = "UNDEFINED" if default is None else self.expr(default)
            value = (f"_coerce({(info.vtype or 'Variant')!r}, args[{i}] if len(args) > {i} "
                     f"else {missing}, {p.name!r})")
            header.append(f"{info.pyname} = _Cell({value}, {info.vtype!r})" if info.cell and self.locals_mode == "fast"
                          else f"{info.pyname} = {value}")
            self.establish([p.name], info.vtype)
        if program.declare and program.declare.result_name:
            self.result_var = program.declare.result_name
        elif "$0" in self.vars:
            self.result_var = "$0"
        body_start = len(self.out)
        errors = []
        try:
            self.block(program.body)
        except CompileError as e:
            errors.append((self.error_key(), e))
        ret = self.read_local(self.result_var) if self.result_var else "UNDEFINED"
        self.emit(f"return {ret}")
        body = self.out[body_start:]
        self.compile_pending(errors)
        if errors:      # the first in the source, as if there were no closures
            raise min(errors, key=lambda ke: ke[0])[1]
        lines = ["def __fourd_method__(rt, L, args):"]
        if self.locals_mode == "fast":
            declared = {self.var(p.name).pyname for p in params}
            for key, info in self.vars.items():
                if info.pyname in declared:
                    continue
                m = re.fullmatch(r"\$(\d+)", key)
                if m and self.params_indirect and int(m.group(1)) > 0:
                    continue             # in _P
                if m:
                    n = int(m.group(1))
                    value = f"args[{n - 1}] if {n} <= len(args) else UNDEFINED" if n > 0 else "UNDEFINED"
                else:
                    value = "UNDEFINED"
                lines.append(f"    {info.pyname} = _Cell({value}, {info.vtype!r})" if info.cell
                             else f"    {info.pyname} = {value}")
            if self.params_indirect:
                lines.append("    _P = list(args)")
        lines += ["    " + h for h in header]
        by_reference = [(i, p) for i, p in enumerate(params) if isinstance(p, A.ProcedureParam) and not p.local]
        if by_reference and self.locals_mode == "fast":
            # A procedure's parameter is its caller's variable (WLanguage passes variables by
            # reference): what the parameter holds when the procedure ends goes back to the
            # caller in the list of arguments (ex_MethodCall).
            body = (["    try:"] + ["    " + b for b in body] + ["    finally:"]
                    + [f"        if len(args) > {i}: args[{i}] = {self.read_local(p.name)}" for i, p in by_reference])
        return "\n".join(lines + self.closures + body) + "\n"

    # ------------------------------------------------------------ closures
    def error_key(self) -> tuple:
        """Where an error stops the current function, in the order of _Pending.key."""
        return self.key + (self.queued, float("inf"))

    def queue(self, kind: str, node, loops=None) -> str:
        if len(self.key) >= MAX_NESTED_CLOSURES:
            first = node[0] if kind == "block" else node
            raise CompileError("blocks nested too deeply" if kind == "block" else "expression nested too deeply",
                               first.line, first.col)
        self.queued += 1
        name = self.new_tmp("_b" if kind == "block" else "_e")
        self.pending_facts[name] = dict(self.facts)
        self.pending.append(_Pending(kind, name, node, loops, self.key + (self.queued,)))
        return name

    def compile_pending(self, errors: list) -> None:
        """Compile the queued closures, one after the other (each may queue more)."""
        i = 0
        while i < len(self.pending):
            item = self.pending[i]
            self.pending[i] = None
            i += 1
            self.out, self.level, self.fn, self.fn_level = [], 2, item.name, 2
            self.py_blocks, self.edepth, self.written = 0, 0, set()
            self.loops, self.key, self.queued = item.loops, item.key, 0
            self.facts = self.pending_facts.pop(item.name, {})
            try:
                if item.kind == "block":
                    self.statements(item.node)
                elif item.kind == "expr":
                    self.emit(f"return {self.expr(item.node, split=False)}")
                else:
                    self.chain(item.node)
            except CompileError as e:
                errors.append((self.error_key(), e))
                continue
            self.closures.append(f"    def {item.name}():")
            if self.written:
                self.closures.append("        nonlocal " + ", ".join(sorted(self.written)))
            self.closures.extend(self.out)
        self.pending = []

    def split_block(self, stmts) -> None:
        """Run `stmts` in a closure and pass on the break/continue/return it signals."""
        name = self.queue("block", stmts, [Loop(outside=True) for _ in self.loops])
        s = self.new_tmp("_s")
        self.emit(f"{s} = {name}()")
        self.emit(f"if {s} is not None:")
        self.level += 1
        if self.loops and not self.loops[-1].outside:
            self.emit(f"if {s} is _BRK:")
            self.level += 1
            self.st_Break(None)
            self.level -= 1
            self.emit(f"if {s} is _CONT:")
            self.emit("    continue")
        self.emit(f"return {s}" if self.fn else f"return {s}[0]")
        self.level -= 1

    def chain(self, top) -> None:
        """A left-to-right chain, one operation per statement."""
        spine = []
        n = top
        while isinstance(n, _SPINE):
            spine.append(n)
            n = _spine_child(n)
        first = spine.pop()
        self.emit(f"_v = {self.expr(first)}")
        self.temp_types["_v"] = self.static_type(first)
        v = _Temp(top.line, top.col, "_v")
        while spine:
            n = spine.pop()
            if isinstance(n, A.BinOp) and n.op in ("&&", "||"):
                self.emit(f"if {'' if n.op == '&&' else 'not '}_truthy(_v):")
                self.emit(f"    _v = {self.expr(n.right)}")
                self.temp_types["_v"] = None
            else:
                step = _with_spine_child(n, v)
                self.emit(f"_v = {self.expr(step)}")
                self.temp_types["_v"] = self.static_type(step)
        self.emit("return _v")

    # ------------------------------------------------------------ statements
    def block(self, stmts) -> None:
        if not stmts:
            self.emit("pass")
            return
        facts = dict(self.facts)       # what a nested block establishes holds only inside it
        if self.py_blocks > _MAX_PY_BLOCKS or self.level - self.fn_level > _MAX_PY_INDENT:
            self.split_block(stmts)
        else:
            self.statements(stmts)
        self.facts = facts

    def statements(self, stmts) -> None:
        for s in stmts:
            self.statement(s)

    def guarded(self, line: int, code_lines: list[str], on_error: list[str] | None = None) -> None:
        """Run code; a failure goes to the runtime with the 4D line (it may continue after it)."""
        self.emit("try:")
        for c in code_lines:
            self.emit("    " + c)
        self.emit("except Exception as _e:")
        self.emit(f"    rt.fail(_e, {line}, _M)")
        for c in on_error or ():
            self.emit("    " + c)

    def condition(self, expr, line: int) -> str:
        t = self.new_tmp("_c")
        code = self.expr(expr)
        if self.static_type(expr) != "Boolean":
            code = f"_test({code})"
        self.guarded(line, [f"{t} = {code}"], [f"{t} = False"])
        return t

    def statement(self, s) -> None:
        self.line = s.line
        method = getattr(self, "st_" + type(s).__name__)
        method(s)

    def nested_block(self, stmts, py_blocks: int) -> None:
        """A block inside `py_blocks` new Python loops/try blocks."""
        self.py_blocks += py_blocks
        self.block(stmts)
        self.py_blocks -= py_blocks

    def st_Assign(self, s: A.Assign) -> None:
        if isinstance(s.target, A.LocalVar):
            self.guarded(s.line, [self.write_local(s.target.name, *self.typed_value(s.value, s.target.name))])
            return
        target = s.target
        if isinstance(target, A.Member) and isinstance(target.target, A.LocalVar) and self.locals_mode == "fast":
            # a number into an object: stored inline (ops.set_member's common case)
            o, v = self.new_tmp(), self.new_tmp()
            shared = f"_SHARED and id({o}) in _SHARED"      # a shared object: _setm checks its use
            value = s.value
            if (isinstance(value, A.BinOp) and value.op in _PY_ARITH and isinstance(value.left, A.Member)
                    and value.left.name == target.name and isinstance(value.left.target, A.LocalVar)
                    and value.left.target.name.casefold() == target.target.name.casefold()
                    and self.static_type(value.right) in _NUMERIC):
                # `$o.n:=$o.n+1`: a Real property updated in place; anything else takes the general rules
                right, op = self.expr(value.right), value.op
                self.guarded(s.line, [
                    f"{o} = {self.expr(target.target)}",
                    f"if type({o}) is dict and type({v} := {o}.get({target.name!r})) is float "   # a LazyObject: below
                    f"and not ({shared}):",
                    f"    {o}[{target.name!r}] = {v} {op} {right}",
                    "else:", f"    _setm(rt, {o}, {target.name!r}, {_BINOPS[op]}({self.expr(value.left)}, {right}))"])
                return
            self.guarded(s.line, [
                f"{o} = {self.expr(target.target)}", f"{v} = {self.expr(s.value)}",
                f"if type({o}) is dict and type({v}) is float and not ({shared}):",  # a LazyObject: _setm
                f"    {o}[{target.name!r}] = {v}",
                "else:", f"    _setm(rt, {o}, {target.name!r}, {v})"])
            return
        self.guarded(s.line, self.assign_code(s.target, self.expr(s.value)))

    def assign_code(self, target, value_code: str) -> list[str]:
        if isinstance(target, A.LocalVar):
            return [self.write_local(target.name, value_code)]
        if isinstance(target, A.ProcessVar):
            return [f"rt.set_process_var({target.name!r}, {value_code})"]
        if isinstance(target, A.ParamRef):
            return [f"_pset({self.params_of()}, {self.expr(target.index)}, {value_code})"]
        if isinstance(target, A.FieldRef):
            return [self.ex_FieldRef(target)]
        if isinstance(target, A.Member):
            return [f"_setm(rt, {self.expr(target.target)}, {target.name!r}, {value_code})"]
        if isinstance(target, A.Index):
            return [f"_seti(rt, {self.expr(target.target)}, {self.expr(target.index)}, {value_code})"]
        if isinstance(target, A.Element):
            return [f"_sete(rt, {self.expr(target.target)}, {self.expr(target.index)}, {value_code})"]
        if isinstance(target, A.Deref):
            return [f"_setderef(rt, {self.expr(target.target)}, {value_code})"]
        if isinstance(target, A.CharIndex):
            if not isinstance(target.target, (A.LocalVar, A.ProcessVar)):
                raise CompileError("[[...]] can only be assigned on a variable", target.line, target.col)
            code = f"_setc({self.expr(target.target)}, {self.expr(target.index)}, {value_code})"
            return self.assign_code(target.target, code)
        if isinstance(target, A.CharRange):       # WLanguage's `s[[2 TO 3]] = "ZZ"` (runtime/wl_rules.py)
            if not isinstance(target.target, A.LocalVar):
                raise CompileError("[[...]] can only be assigned on a variable", target.line, target.col)
            parts = ", ".join("None" if x is None else self.expr(x) for x in (target.start, target.end, target.count))
            code = f"_setchars({self.expr(target.target)}, {parts}, {value_code})"
            return self.assign_code(target.target, code)
        raise CompileError("this expression cannot be assigned to", target.line, target.col)

    def st_CompoundAssign(self, s: A.CompoundAssign) -> None:
        op = _BINOPS[s.op]
        tgt = s.target
        if isinstance(tgt, A.LocalVar):     # `$x+=v` is `$x:=$x+v`
            value = A.BinOp(s.line, s.col, s.op, tgt, s.value)
            code = [self.write_local(tgt.name, *self.typed_value(value, tgt.name))]
        elif isinstance(tgt, (A.ProcessVar, A.ParamRef, A.FieldRef)):
            code = self.assign_code(tgt, f"{op}({self.expr(tgt)}, {self.expr(s.value)})")
        elif isinstance(tgt, A.Member):
            o = self.new_tmp()
            code = [f"{o} = {self.expr(tgt.target)}",
                    f"_setm(rt, {o}, {tgt.name!r}, {op}(_getm({o}, {tgt.name!r}), {self.expr(s.value)}))"]
        elif isinstance(tgt, A.Index):
            o, i = self.new_tmp(), self.new_tmp()
            code = [f"{o} = {self.expr(tgt.target)}", f"{i} = {self.expr(tgt.index)}",
                    f"_seti(rt, {o}, {i}, {op}(_geti({o}, {i}), {self.expr(s.value)}))"]
        elif isinstance(tgt, A.Element):
            o, i = self.new_tmp(), self.new_tmp()
            code = [f"{o} = {self.expr(tgt.target)}", f"{i} = {self.expr(tgt.index)}",
                    f"_sete(rt, {o}, {i}, {op}(_gete({o}, {i}), {self.expr(s.value)}))"]
        elif isinstance(tgt, A.Deref):
            p = self.new_tmp()
            code = [f"{p} = {self.expr(tgt.target)}",
                    f"_setderef(rt, {p}, {op}(_deref(rt, {p}), {self.expr(s.value)}))"]
        else:
            raise CompileError("compound assignment is not supported on [[...]]", tgt.line, tgt.col)
        self.guarded(s.line, code)

    def st_ExprStatement(self, s: A.ExprStatement) -> None:
        e = s.expr
        if isinstance(e, A.ProcessVar):
            e = A.MethodCall(e.line, e.col, e.name, [])      # a bare name as a statement calls a method
        if isinstance(e, A.CommandCall) and self.names.language == "4d":
            key = e.name.casefold()
            if key in T.LEGACY:
                self.st_legacy_declaration(e)
                return
            if key in _WRITEBACK and e.args:
                idx, fallback = _WRITEBACK[key]
                target = e.args[idx] if len(e.args) > idx else e.args[fallback]
                if isinstance(target, _ASSIGNABLE):       # OB SET(New object;...) writes nothing back
                    self.guarded(s.line, self.assign_code(target, self.expr(e)))
                    return
        self.guarded(s.line, [self.expr(e)])

    def st_legacy_declaration(self, e: A.CommandCall) -> None:
        vtype = T.LEGACY[e.name.casefold()]
        lines = []
        for v in e.args or ():
            if isinstance(v, (A.ParamRef, A.LocalVar)) and self.declares_parameter(v):
                lines.append(self.declare_parameter(v, vtype))
            elif isinstance(v, A.LocalVar):
                lines.append(self.write_local(v.name, _EXACT_DEFAULTS.get(vtype, f"_default({vtype!r})"),
                                              vtype if vtype in _EXACT_DEFAULTS else None))
            elif isinstance(v, A.ProcessVar):
                lines.append(f"rt.declare_process_var({v.name!r}, {vtype!r})")
        self.guarded(e.line, lines or ["pass"])
        if all(isinstance(v, A.LocalVar) and self.var(v.name).vtype == vtype for v in e.args or ()):
            self.establish([v.name for v in e.args or ()], vtype)

    def st_VarDecl(self, s: A.VarDecl) -> None:
        lines = []
        vtype = T.normalise(s.type)
        for v in s.names:
            if isinstance(v, A.ProcessVar):
                lines.append(f"rt.declare_process_var({v.name!r}, {vtype!r})")
                if s.init is not None:
                    lines.append(f"rt.set_process_var({v.name!r}, {self.expr(s.init)})")
                continue
            if s.init is None and self.declares_parameter(v):
                lines.append(self.declare_parameter(v, vtype))
                continue
            if s.init is not None:
                lines.append(self.write_local(v.name, *self.typed_value(s.init, v.name)))
            elif vtype in _EXACT_DEFAULTS:
                lines.append(self.write_local(v.name, _EXACT_DEFAULTS[vtype], vtype))
            else:
                lines.append(self.write_local(v.name, f"_default({vtype!r})"))
        self.guarded(s.line, lines)
        # Established when none of its writes can fail: defaults of the variables' own type
        if s.init is None and all(isinstance(v, A.LocalVar) and self.var(v.name).vtype == vtype for v in s.names):
            self.establish([v.name for v in s.names], vtype)

    # `C_TEXT($1)`, `var $1 : Text`, `var ${2} : Real` in a called method type the parameters: the
    # values passed stay (parameters.md: one of another type becomes the type's empty value).
    @staticmethod
    def declares_parameter(v) -> bool:
        return isinstance(v, A.ParamRef) or (isinstance(v, A.LocalVar) and _param_number(v.name) is not None)

    def declare_parameter(self, v, vtype: str) -> str:
        if isinstance(v, A.ParamRef):        # the parameters from the n-th on
            return f"_pdeclare({self.params_of()}, {self.expr(v.index)}, {vtype!r})"
        return self.write_local(v.name, f"_param({vtype!r}, {self.read_local(v.name)})")

    def params_of(self) -> str:
        """Where `${n}` finds the parameters: the list _P, or the REPL's dict of locals."""
        return "L" if self.locals_mode == "dict" else "_P"

    def st_Declare(self, s: A.Declare) -> None:
        pass    # parameters are bound when the method starts

    def _class_header(self, s) -> None:
        # The language's front end rejects these first, in its words (Language.check_body).
        raise CompileError("a class declaration outside a class file", s.line, s.col)

    st_ClassConstructor = st_FunctionDecl = st_PropertyDecl = st_ClassExtends = _class_header

    def st_ProcedureDecl(self, s) -> None:
        # program.compile_program makes the top level's procedures methods of their own
        raise CompileError("a procedure is declared at the top level of a file, not inside a block", s.line, s.col)

    def st_If(self, s: A.If) -> None:
        c = self.condition(s.condition, s.line)
        self.emit(f"if {c}:")
        self.level += 1
        self.block(s.then)
        self.level -= 1
        if s.orelse:
            self.emit("else:")
            self.level += 1
            self.block(s.orelse)
            self.level -= 1

    def st_CaseOf(self, s: A.CaseOf) -> None:
        # Flat chain with a "matched" flag: no nesting, however many branches.
        m = self.new_tmp("_m")
        self.emit(f"{m} = False")
        for cond, body in s.branches:
            self.emit(f"if not {m}:")
            self.level += 1
            c = self.condition(cond, cond.line)
            self.emit(f"if {c}:")
            self.level += 1
            self.emit(f"{m} = True")
            self.block(body)
            self.level -= 2
        if s.orelse is not None:
            self.emit(f"if not {m}:")
            self.level += 1
            self.block(s.orelse)
            self.level -= 1

    def loop_body(self, body, needs_tail: bool) -> str | None:
        """Emit a loop body. With a tail (increment / Until test) and a 4D `continue` in the
        body, the body runs inside a one-shot loop so `continue` still reaches the tail."""
        if needs_tail and _has_continue(body):
            flag = self.new_tmp("_brk")
            self.emit(f"{flag} = False")
            self.emit("for _once in _ONCE:")
            self.level += 1
            self.loops.append(Loop(flag))
            self.nested_block(body, 2)      # the Python loop and the one-shot loop
            self.loops.pop()
            self.level -= 1
            self.emit(f"if {flag}:")
            self.emit("    break")
            return flag
        self.loops.append(Loop())
        self.nested_block(body, 1)
        self.loops.pop()
        return None

    def st_While(self, s: A.While) -> None:
        self.emit("while True:")
        self.level += 1
        c = self.condition(s.condition, s.line)
        self.emit(f"if not {c}:")
        self.emit("    break")
        self.loop_body(s.body, needs_tail=False)
        self.level -= 1

    def st_Repeat(self, s: A.Repeat) -> None:
        self.emit("while True:")
        self.level += 1
        self.loop_body(s.body, needs_tail=True)
        c = self.condition(s.until, s.until.line)
        self.emit(f"if {c}:")
        self.emit("    break")
        self.level -= 1

    def loop_test(self, test: str) -> None:
        """Open a loop running while `test` holds. CPython 3.11 specializes a function's code
        (in-place text appends, integer arithmetic...) after some backward jumps, and counts
        only unconditional ones: a `while True:` loop gets there within the first call."""
        self.emit("while True:")
        self.level += 1
        self.emit(f"if not ({test}):")
        self.emit("    break")

    def st_For(self, s: A.For) -> None:
        if s.step is None or (isinstance(s.step, A.Literal) and type(s.step.value) is float):
            self.for_constant_step(s)
            return
        end, step = self.new_tmp("_end"), self.new_tmp("_step")
        counter = s.counter
        self.guarded(s.line, self.assign_code(counter, f"_number({self.expr(s.start)})")
                     + [f"{end} = _number({self.expr(s.end)})",
                        f"{step} = _number({self.expr(s.step)})" if s.step else f"{step} = 1"],
                     [f"{end} = 0", f"{step} = 1"] + self.assign_code(counter, "1"))
        cur = self.expr(counter)
        self.loop_test(f"({cur} <= {end}) if {step} > 0 else ({cur} >= {end})")
        self.loop_body(s.body, needs_tail=True)
        self.guarded(s.line, self.assign_code(counter, f"{cur} + {step}"), ["break"])
        self.level -= 1

    def st_ForBoundEachTurn(self, s: A.ForBoundEachTurn) -> None:
        """The end is evaluated before each turn (the start and the step once, before the first)."""
        end, step, stop = self.new_tmp("_end"), self.new_tmp("_step"), self.new_tmp("_stop")
        counter = s.counter
        step_code = f"_number({self.expr(s.step)})" if s.step is not None else "1"
        # after a failure the loop does not run
        self.guarded(s.line, self.assign_code(counter, f"_number({self.expr(s.start)})")
                     + [f"{step} = {step_code}", f"{stop} = False"],
                     [f"{step} = 1", f"{stop} = True"] + self.assign_code(counter, "1"))
        self.emit("while True:")
        self.level += 1
        self.guarded(s.line, [f"{end} = _number({self.expr(s.end)})"], ["break"])
        cur = self.expr(counter)
        self.emit(f"if {stop} or not (({cur} <= {end}) if {step} > 0 else ({cur} >= {end})):")
        self.emit("    break")
        self.loop_body(s.body, needs_tail=True)
        self.guarded(s.line, self.assign_code(counter, f"{cur} + {step}"), ["break"])
        self.level -= 1

    def for_constant_step(self, s: A.For) -> None:
        """A For loop whose step is known: the loop tests one comparison. A numeric counter
        (a declared Integer or Real local) holds a number of its type from the start on
        (whatever the body assigns to it is converted), so adding the step needs no conversion
        when it is of that type, and an Integer counter compares with a whole end."""
        counter = s.counter
        up = s.step is None or s.step.value > 0
        step_code = "1" if s.step is None else self.expr(s.step)
        ctype = None
        if (isinstance(counter, A.LocalVar) and self.locals_mode == "fast" and self.var(counter.name).vtype in _NUMERIC
                and _param_number(counter.name) is None):
            ctype = self.var(counter.name).vtype
        end = self.new_tmp("_end")
        if ctype:
            code, vtype = self.typed_value(s.start, counter.name)
            if vtype not in _NUMERIC:
                code, vtype = f"_number({code})", None
            init = [self.write_local(counter.name, code, vtype)]
            on_error = [self.write_local(counter.name, "1", "Integer")]
        else:
            init = self.assign_code(counter, f"_number({self.expr(s.start)})")
            on_error = self.assign_code(counter, "1")
        e = s.end
        if ctype == "Integer" and isinstance(e, A.Literal) and type(e.value) is float and math.isfinite(e.value):
            init.append(f"{end} = {math.floor(e.value) if up else math.ceil(e.value)}")
        elif ctype == "Integer":
            init.append(f"{end} = _int_bound(_number({self.expr(e)}), {up})")
        else:
            init.append(f"{end} = _number({self.expr(e)})")
        # after a failure the loop does not run: the counter is 1, past the end
        self.guarded(s.line, init, [f"{end} = {0 if up else 2}"] + on_error)
        self.establish([counter.name] if ctype else [], ctype)
        cur = self.expr(counter)
        self.loop_test(f"{cur} {'<=' if up else '>='} {end}")
        self.loop_body(s.body, needs_tail=True)
        if ctype:
            step_type = "Integer" if s.step is None else "Real"
            nxt = [self.write_local(counter.name, f"{cur} + {step_code}",
                                    "Integer" if ctype == step_type == "Integer" else "Real")]
        else:
            nxt = self.assign_code(counter, f"{cur} + {step_code}")
        self.guarded(s.line, nxt, ["break"])
        self.level -= 1

    def st_ForEach(self, s: A.ForEach) -> None:
        items = self.new_tmp("_items")
        args = [self.expr(s.source), "None" if s.begin is None else self.expr(s.begin),
                "None" if s.begin is None or s.end is None else self.expr(s.end), repr(s.keyword)]
        self.guarded(s.line, [f"{items} = _iterate({', '.join(args)})"], [f"{items} = ()"])
        it = self.new_tmp("_it")
        self.emit(f"for {it} in {items}:")
        self.level += 1
        self.guarded(s.line, self.assign_code(s.item, it), ["break"])
        if s.while_ is not None:   # While(cond): go on while it holds (cf_looping.md: 36 in the example)
            c = self.condition(s.while_, s.line)
            self.emit(f"if not {c}:")
            self.emit("    break")
        self.loop_body(s.body, needs_tail=s.until is not None)
        if s.until is not None:
            c = self.condition(s.until, s.line)
            self.emit(f"if {c}:")
            self.emit("    break")
        self.level -= 1

    def st_TryBlock(self, s: A.TryBlock) -> None:
        saved = self.new_tmp("_try")
        self.emit(f"{saved} = rt.try_enter()")
        self.emit("try:")
        self.level += 1
        self.nested_block(s.body, 2)        # try/finally and try/except
        self.level -= 1
        self.emit("except Exception as _e:")
        self.level += 1
        self.emit(f"rt.try_leave({saved})")
        self.emit(f"rt.caught(_e, {s.line}, _M)")
        self.nested_block(s.handler or [], 3)  # try/finally, the handler, its `as _e` cleanup
        self.level -= 1
        if s.orelse:                        # the body raised nothing: outside the handler's reach
            self.emit("else:")
            self.level += 1
            self.emit(f"rt.try_leave({saved})")
            self.nested_block(s.orelse, 2)
            self.level -= 1
        self.emit("finally:")
        self.emit(f"    rt.try_leave({saved})")

    def st_Labelled(self, s: A.Labelled) -> None:
        # The language's rules give the non-fatal error's jump (_NonFatalJump, a BaseException:
        # no WHEN EXCEPTION IN in the body takes it for an exception).
        saved = self.new_tmp("_try")
        self.emit(f"{saved} = rt.try_enter()")
        self.emit("try:")
        self.level += 1
        self.nested_block(s.body, 2)
        self.level -= 1
        if s.on_error is not None:
            self.emit("except _NonFatalJump:")
            self.level += 1
            self.emit(f"rt.try_leave({saved})")
            self.nested_block(s.on_error, 2)
            self.level -= 1
        if s.on_exception is not None:
            self.emit("except Exception as _e:")
            self.level += 1
            self.emit(f"rt.try_leave({saved})")
            self.emit(f"rt.caught(_e, {s.line}, _M)")
            self.nested_block(s.on_exception, 3)
            self.level -= 1
        self.emit("finally:")
        self.emit(f"    rt.try_leave({saved})")

    def st_Untested(self, s: A.Untested) -> None:
        mark = self.new_tmp("_nf")
        self.emit(f"{mark} = _nonfatal_mark(rt)")
        self.block(s.body)
        self.emit(f"_nonfatal_check(rt, {mark})")

    def st_ForeignBlock(self, s: A.ForeignBlock) -> None:
        # Code in another language: it parses (one piece), and running it says fourmail cannot.
        detail = f"fourmail runs no {s.language}: this block needs 4D's {s.language} engine and a 4D database"
        self.guarded(s.line, [f"_unavailable({s.keyword!r}, {detail!r})"])

    def st_UseBlock(self, s: A.UseBlock) -> None:
        # The shared object is in use for the body however it ends (error, break, return).
        u = self.new_tmp("_use")
        self.guarded(s.line, [f"{u} = _use({self.expr(s.target)}, {s.keyword!r})"], [f"{u} = None"])
        self.emit("try:")
        self.level += 1
        self.nested_block(s.body, 1)        # try/finally
        self.level -= 1
        self.emit("finally:")
        self.emit(f"    _end_use({u})")

    def st_Return(self, s: A.Return) -> None:
        if s.value is None:
            self.emit_return(self.read_local(self.result_var) if self.result_var else "UNDEFINED")
            return
        r = self.new_tmp("_ret")
        code = [f"{r} = {self.expr(s.value)}"]
        if self.result_var:
            code.append(self.write_local(self.result_var, r))
            code.append(f"{r} = {self.read_local(self.result_var)}")
        self.guarded(s.line, code, [f"{r} = UNDEFINED"])
        self.emit_return(r)

    def emit_return(self, value_code: str) -> None:
        self.emit(f"return ({value_code},)" if self.fn else f"return {value_code}")

    def st_Break(self, s: A.Break) -> None:
        if not self.loops:
            raise CompileError("break outside of a loop", s.line, s.col)
        if self.loops[-1].outside:
            self.emit("return _BRK")
            return
        if self.loops[-1].flag:
            self.emit(f"{self.loops[-1].flag} = True")
        self.emit("break")

    def st_Continue(self, s: A.Continue) -> None:
        if not self.loops:
            raise CompileError("continue outside of a loop", s.line, s.col)
        self.emit("return _CONT" if self.loops[-1].outside else "continue")

    # ------------------------------------------------------------ expressions
    def expr(self, e, split: bool = True) -> str:
        if split and not isinstance(e, _LEAVES):
            if isinstance(e, _SPINE) and _long_chain(e):
                return f"{self.queue('chain', e)}()"
            if self.edepth >= _MAX_EXPR_LEVELS:
                return f"{self.queue('expr', e)}()"
        self.edepth += 1
        code = getattr(self, "ex_" + type(e).__name__)(e)
        self.edepth -= 1
        return code

    def ex__Temp(self, e: _Temp) -> str:
        return e.name

    def ex_Literal(self, e: A.Literal) -> str:
        v = e.value
        if isinstance(v, (str, bool)) or v is None:
            return repr(v)
        if isinstance(v, float):
            return repr(v) if v == v and v not in (float("inf"), float("-inf")) else self.const(v)
        return self.const(v)

    def ex_LocalVar(self, e: A.LocalVar) -> str:
        return self.read_local(e.name)

    def ex_ProcessVar(self, e: A.ProcessVar) -> str:
        if self.method_exists(e.name):
            return self.ex_MethodCall(A.MethodCall(e.line, e.col, e.name, []))
        return f"rt.get_process_var({e.name!r})"

    def ex_ConstantRef(self, e: A.ConstantRef) -> str:
        from ..commands.registry import NO_VALUE, unknown_constant
        if e.value is NO_VALUE:          # known by name only: using it is a 4D error naming it
            return f"{self.const(unknown_constant)}({e.name!r})"
        return repr(e.value) if isinstance(e.value, (str, int, float, bool)) else self.const(e.value)

    def ex_Star(self, e: A.Star) -> str:
        return "STAR"

    def ex_ClassStore(self, e: A.ClassStore) -> str:
        return "rt.class_store_4d" if e.name == "4D" else "rt.class_store_cs"

    def args(self, args) -> list[str]:
        return [self.expr(a) for a in args or ()]

    def ex_CommandCall(self, e: A.CommandCall) -> str:
        key = e.name.casefold()
        if key in _INLINE and not e.args and self.names.language == "4d":
            return _INLINE[key]
        cmd = self.names.lookup_command(e.name)
        n = len(e.args or ())
        if n < cmd.min_args or (cmd.max_args is not None and n > cmd.max_args):
            expected = (f"{cmd.min_args}" if cmd.max_args == cmd.min_args else
                        f"{cmd.min_args} to {cmd.max_args}" if cmd.max_args is not None else f"at least {cmd.min_args}")
            detail = f"{expected} parameter(s) expected, {n} passed (syntax: {cmd.syntax})"
            return f"_raise_params({cmd.name!r}, {detail!r})"
        fn = self.const(cmd.resolve())
        if self.names.language != "4d":      # the conventions below are 4D commands' (by their names)
            return f"{fn}({', '.join(['rt'] + self.args(e.args))})"
        if key in _DECLARED_TYPE and n == 1:
            v = e.args[0]
            declared = (repr(self.var(v.name).vtype) if isinstance(v, A.LocalVar) else
                        f"rt.process_var_type({v.name!r})" if isinstance(v, A.ProcessVar) else "None")
            return f"{fn}(rt, {self.expr(v)}, {declared})"
        out = _OUT_PARAMS.get(key)
        if out:
            args = [self.out_arg(a) if i in out else self.expr(a) for i, a in enumerate(e.args or ())]
            return f"{fn}({', '.join(['rt'] + args)})"
        outs = [e.args[i] for i in _OUTPUTS.get(key, ()) if i < n]
        if outs and all(isinstance(o, _ASSIGNABLE) for o in outs):
            t = self.new_tmp()
            sets = [self.assign_expr(o, f"{t}[1][{k}]") for k, o in enumerate(outs)]
            call = f"{fn}({', '.join(['rt'] + self.args(e.args))}, outputs=True)"
            return f"(({t} := {call}), {', '.join(sets)}, {t}[0])[-1]"
        return f"{fn}({', '.join(['rt'] + self.args(e.args))})"

    def assign_expr(self, target, value_code: str) -> str:
        """assign_code as an expression (a variable argument a function fills)."""
        if isinstance(target, A.LocalVar):
            name, _, value = self.write_local(target.name, value_code).partition(" = ")
            if self.locals_mode == "dict":
                return f"L.__setitem__({target.name.casefold()!r}, {value})"
            return f"({name} := {value})"
        return self.assign_code(target, value_code)[0]

    def out_arg(self, a) -> str:
        """A parameter the command writes into: a pointer to it."""
        if isinstance(a, A.Star):
            return "STAR"
        if not isinstance(a, (A.LocalVar, A.ProcessVar, A.Element, A.Deref)):
            raise CompileError("this parameter receives a value: it must be a variable, an array or an array element",
                               a.line, a.col)
        return self.ex_AddressOf(A.AddressOf(a.line, a.col, a))

    def ex_MethodCall(self, e: A.MethodCall) -> str:
        refs = [(k, a) for k, a in enumerate(e.args or ()) if isinstance(a, A.LocalVar)] \
            if self.names.language != "4d" else []
        if not refs:
            return f"rt.call_method({e.name!r}, [{', '.join(self.args(e.args))}], {e.line})"
        # A WLanguage procedure given variables: each gets back what the procedure left in its
        # parameter (the same value when the parameter is LOCAL).
        a, r = self.new_tmp(), self.new_tmp()
        back = [self.assign_expr(v, f"{a}[{k}]") for k, v in refs]
        return (f"(({a} := [{', '.join(self.args(e.args))}]), ({r} := rt.call_method({e.name!r}, {a}, {e.line})), "
                f"{', '.join(back)}, {r})[-1]")

    def ex_Member(self, e: A.Member) -> str:
        t = e.target
        if isinstance(t, A.LocalVar):
            info = self.var(t.name)
            if info.vtype == "Object" and self.locals_mode == "fast":    # an object: read inline
                o = self.expr(t)
                return (f"({o}.get({e.name!r}, UNDEFINED) if type({o}) is dict "    # a LazyObject: _getm_decl
                        f"else _getm_decl({o}, {e.name!r}))")
            if info.vtype in ("Object", "Collection"):
                return f"_getm_decl({self.expr(t)}, {e.name!r})"
        return f"_getm({self.expr(t)}, {e.name!r})"

    def ex_MemberCall(self, e: A.MemberCall) -> str:
        if isinstance(e.target, A.SuperRef):      # Super.f(): the parent class's function on This
            return f"rt.super_call({e.name!r}, [{', '.join(self.args(e.args))}], {e.line}, {e.target.keyword!r})"
        target, args = self.expr(e.target), ", ".join(self.args(e.args))
        if e.name == "push" and len(e.args or ()) == 1 and len(args) < 100:
            # one element pushed onto a collection: appended inline when its type is known (as
            # collections' push stores it: numbers as Reals), else collections.push_one
            t, at = self.new_tmp(), self.static_type(e.args[0])
            push = (f"({t}.append({args}) or {t})" if at in ("Real", "Text", "Boolean") else
                    f"({t}.append(float({args})) or {t})" if at == "Integer" else f"_push1({t}, {args})")
            return (f"({push} if type({t} := {target}) is list and not (_SHARED and id({t}) in _SHARED) "
                    f"else _call(rt, {t}, 'push', [{args}], {e.line}))")
        return f"_call(rt, {target}, {e.name!r}, [{args}], {e.line})"

    def ex_ThisRef(self, e: A.ThisRef) -> str:
        return "rt.this()"

    def ex_SuperRef(self, e: A.SuperRef) -> str:
        return f"rt.super_class({e.keyword!r})"

    def ex_SuperCall(self, e: A.SuperCall) -> str:
        return f"rt.super_construct([{', '.join(self.args(e.args))}], {e.line}, {e.keyword!r})"

    def ex_ParamRef(self, e: A.ParamRef) -> str:
        return f"_pget({self.params_of()}, {self.expr(e.index)})"

    def ex_FieldRef(self, e: A.FieldRef) -> str:
        return f"_no_database({e.table!r}, {e.field!r})"

    def ex_Index(self, e: A.Index) -> str:
        if not (isinstance(e.target, A.LocalVar) and self.locals_mode == "fast"):
            return f"_geti({self.expr(e.target)}, {self.expr(e.index)})"
        # An element of a collection inline (ops.get_index's common case), the index written once
        # in each branch of the type test and evaluated once.
        t, i = self.new_tmp(), self.new_tmp()
        target = self.expr(e.target)
        k = self.modulo_literal(e.index)
        if k is not None:
            # `$c[$i%3]`: a natural number modulo k indexes as the integer remainder (ops.mod)
            left, m = self.expr(e.index.left), self.new_tmp()
            return (f"(({t}[{i}] if ({i} := {m} % {int(k)}) < len({t}) else UNDEFINED) "
                    f"if type({t} := {target}) is list and 0 <= ({m} := {left}) <= 2147483647 "
                    f"else _geti({t}, _modn({left}, {k!r})))")
        index = self.expr(e.index)
        if len(index) > 100:
            return f"_geti({target}, {index})"
        return (f"(({t}[int({i})] if type({i} := {index}) is float and 0.0 <= {i} < len({t}) else _geti({t}, {i})) "
                f"if type({t} := {target}) is list else _geti({t}, {index}))")

    def ex_CharIndex(self, e: A.CharIndex) -> str:
        return f"_getc({self.expr(e.target)}, {self.expr(e.index)})"

    def ex_Element(self, e: A.Element) -> str:
        return f"_gete({self.expr(e.target)}, {self.expr(e.index)})"

    def ex_Deref(self, e: A.Deref) -> str:
        return f"_deref(rt, {self.expr(e.target)})"

    def ex_SortOrder(self, e: A.SortOrder) -> str:
        return "_ASC" if e.ascending else "_DESC"

    def ex_AddressOf(self, e: A.AddressOf) -> str:
        t = e.target
        if isinstance(t, A.LocalVar):
            if self.locals_mode == "dict":
                return f"_ptr_slot(L, {t.name.casefold()!r}, {t.name!r}, {self.var(t.name).vtype!r})"
            return f"_ptr_cell({self.var(t.name).pyname}, {t.name!r})"
        if isinstance(t, A.ProcessVar):
            return self.const(ProcessPointer(t.name))
        if isinstance(t, A.Deref):
            return f"_ptr_of({self.expr(t.target)})"
        base, row = t.target, "None"            # an element: of an array, or of a row of a 2D array
        if isinstance(base, A.Element):
            row = self.expr(base.index)
            base = base.target
        name = base.name if isinstance(base, (A.LocalVar, A.ProcessVar)) else ""
        return f"_ptr_elem({self.expr(t.target)}, {self.expr(t.index)}, {name!r}, {row})"

    def ex_BinOp(self, e: A.BinOp) -> str:
        if e.op == "in":            # `x IN (a, b)`: the listed values, as they are
            values = (f"[{', '.join(self.args(e.right.items))}]" if isinstance(e.right, A.CollectionLiteral)
                      else self.expr(e.right))
            return f"_in({self.expr(e.left)}, {values})"
        left, right = self.expr(e.left), self.expr(e.right)
        if e.op == "and_then":     # WLanguage's _AND_ / _OR_: the right operand only when needed
            return f"(_test({right}) if _test({left}) else False)"
        if e.op == "or_else":
            return f"(True if _test({left}) else _test({right}))"
        if e.op == "&&":   # short-circuit: first falsy operand, else the last (operators.md)
            t = self.new_tmp()
            return f"({right} if _truthy({t} := {left}) else {t})"
        if e.op == "||":
            t = self.new_tmp()
            return f"({t} if _truthy({t} := {left}) else {right})"
        return self.typed_binop(e, left, right) or f"{_BINOPS[e.op]}({left}, {right})"

    def modulo_literal(self, e) -> float | None:
        """k when `e` is `n % k`, n an Integer (evaluated without side effects), k a whole literal."""
        if (isinstance(e, A.BinOp) and e.op == "%" and isinstance(e.right, A.Literal)
                and type(e.right.value) is float and e.right.value.is_integer() and 1 <= e.right.value < 2 ** 31
                and self.static_type(e.left) == "Integer"):
            return e.right.value
        return None

    def typed_binop(self, e: A.BinOp, left: str, right: str) -> str | None:
        """Python's operator where it computes what the runtime's would: + - * on two numbers,
        + on two texts, comparisons of two Integers (Reals compare with an epsilon), `%` of two
        numbers without the text case; `=`/`#` with a text literal on the right (no `@`) with the
        literal's collation key computed once. None: the general operator."""
        op = e.op
        if op in _PY_COMPARE and self.operators is not None and op in ("=", "#") \
                and isinstance(e.right, A.Literal) and type(e.right.value) is str and "@" not in e.right.value:
            # a text is looked up in the literal's table of answers (Comparison.equal_to_text)
            table, t = self.const(self.operators.equal_to_text(e.right.value)), self.new_tmp()
            code = f"({table}[{t}] if type({t} := {left}) is str else _eq({t}, {right}))"
            return code if op == "=" else f"(not {code})"
        if op not in _PY_ARITH and op not in _PY_COMPARE and op != "%":
            return None
        lt = self.static_type(e.left)
        if lt is None:
            if op in _PY_ARITH:     # a value of unknown type with a number (or text): check it inline
                rt_ = self.static_type(e.right)
                py = "float" if rt_ in _NUMERIC else "str" if rt_ == "Text" and op == "+" else None
                if py:
                    if left.isidentifier():       # a Python local: read twice, no temporary
                        return f"({left} {op} {right} if type({left}) is {py} else {_BINOPS[op]}({left}, {right}))"
                    t = self.new_tmp()
                    return f"({t} {op} {right} if type({t} := {left}) is {py} else {_BINOPS[op]}({t}, {right}))"
            return None
        rt_ = self.static_type(e.right)
        if op in _PY_ARITH and lt in _NUMERIC and rt_ in _NUMERIC or op == "+" and lt == rt_ == "Text":
            return f"({left} {_PY_ARITH[op]} {right})"
        if op in _PY_COMPARE and lt == rt_ == "Integer":
            return f"({left} {_PY_COMPARE[op]} {right})"
        if op == "%" and lt in _NUMERIC and rt_ in _NUMERIC:
            if self.modulo_literal(e) is not None:
                # a natural number modulo a whole literal: Python's % gives 4D's (ops.mod)
                t = self.new_tmp()
                return f"({t} % {right} if 0 <= ({t} := {left}) <= 2147483647 else _modn({t}, {right}))"
            return f"_modn({left}, {right})"
        return None

    def ex_Negate(self, e: A.Negate) -> str:
        return f"_neg({self.expr(e.operand)})"

    def ex_Not(self, e: A.Not) -> str:
        return f"_not({self.expr(e.operand)})"

    def ex_Increment(self, e: A.Increment) -> str:
        """`++x` / `x--` in an expression: the variable (or property, element) changes by one;
        the value is the new one (prefix) or the old one. `-` adds numbers only (never texts)."""
        t, tgt = self.new_tmp(), e.target
        step = f"_sub({t}, {-float(e.delta)!r})"
        if isinstance(tgt, A.LocalVar):
            read, write = self.expr(tgt), lambda v: self.assign_expr(tgt, v)
            before = []
        elif isinstance(tgt, (A.Member, A.Element, A.Index)):
            o = self.new_tmp()
            before = [f"({o} := {self.expr(tgt.target)})"]
            if isinstance(tgt, A.Member):
                read, write = f"_getm({o}, {tgt.name!r})", lambda v: f"_setm(rt, {o}, {tgt.name!r}, {v})"
            else:
                i = self.new_tmp()
                before.append(f"({i} := {self.expr(tgt.index)})")
                get, put = ("_gete", "_sete") if isinstance(tgt, A.Element) else ("_geti", "_seti")
                read, write = f"{get}({o}, {i})", lambda v: f"{put}(rt, {o}, {i}, {v})"
        else:
            raise CompileError("++ and -- apply to a variable, a property or an element", tgt.line, tgt.col)
        if e.prefix:
            n = self.new_tmp()
            parts = before + [f"({t} := {read})", f"({n} := {step})", write(n), n]
        else:
            parts = before + [f"({t} := {read})", write(step), t]
        return f"({', '.join(parts)})[-1]"

    def ex_CharRange(self, e: A.CharRange) -> str:
        def part(x):
            return "None" if x is None else self.expr(x)
        return f"_chars({self.expr(e.target)}, {part(e.start)}, {part(e.end)}, {part(e.count)})"

    def ex_Ternary(self, e: A.Ternary) -> str:
        return f"({self.expr(e.if_true)} if _truthy({self.expr(e.condition)}) else {self.expr(e.if_false)})"

    def ex_TryExpr(self, e: A.TryExpr) -> str:
        return f"rt.try_expression(lambda: {self.expr(e.expr)}, {e.line}, _M)"

    def ex_ObjectLiteral(self, e: A.ObjectLiteral) -> str:
        items = ", ".join(f"{k!r}: _stored({self.expr(v)})" for k, v in e.items)
        return "{" + items + "}"

    def ex_CollectionLiteral(self, e: A.CollectionLiteral) -> str:
        return "[" + ", ".join(f"_stored({self.expr(v)})" for v in e.items) + "]"

    def ex_Formula(self, e: A.Formula) -> str:
        """The body compiles once, now, to its own function; the formula object made at run time
        holds it with the values of the locals it names (formula.md: copied when it is made)."""
        captured = formula_captures(e.body)
        method = compile_formula(e.body, self.name, self.method_exists, captured, self.formula_depth + 1,
                                 operators=self.operators)
        values = "".join(self.read_local(n) + ", " for n in captured)
        return f"_formula({self.const(method)}, ({values}), {e.source!r})"

    def ex_NewValue(self, e: A.NewValue) -> str:
        make = self.const(self.names.lookup_type(e.type).resolve())
        return f"{make}(rt)" if e.of is None else f"{make}(rt, {e.of!r})"    # of: an array's elements

    def ex_IndexCall(self, e: A.IndexCall) -> str:
        return (f"_call(rt, {self.expr(e.target)}, _member_name({self.expr(e.index)}), "
                f"[{', '.join(self.args(e.args))}], {e.line})")

    def ex__AllArgsCall(self, e) -> str:
        # the method runs as the formula: its This is the formula's (this.md, "Formula object")
        return f"rt._invoke(rt.load_method({e.name!r}), list(args), rt.this())"

    def ex__Captured(self, e) -> str:
        return f"L[{e.index}]"

    # Set by compile_method: the comparison operators the method is compiled with, for the formulas
    # it holds, and how many formulas it sits in (0: a method).
    operators = None
    formula_depth = 0


def _walk(node):
    """Every AST node below `node` (statements and expressions)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, A.Node):
            yield n
            for f in n._fields:
                v = getattr(n, f)
                if isinstance(v, (A.Node, list, tuple)):
                    stack.append(v)
        elif isinstance(n, (list, tuple)):
            stack.extend(n)


def _has_continue(body) -> bool:
    """Does `body` hold a `continue` for this loop (not one of a nested loop)?"""
    stack = list(body)
    while stack:
        n = stack.pop()
        if isinstance(n, A.Continue):
            return True
        if not n.is_loop:
            for inner in n.bodies():
                stack.extend(inner)
    return False


# ---------------------------------------------------------------- formulas
MAX_NESTED_FORMULAS = 64      # a formula inside a formula... compiles recursively: bounded


class _AllArgsCall(A.Node):
    """`Formula(myMethod)`: the method called with the formula's own parameters (formula.md)."""
    __slots__ = _fields = ("name",)


class _Captured(A.Node):
    """The value of a local the formula named, copied when it was made: its place in `L`."""
    __slots__ = _fields = ("index",)


def formula_captures(body) -> tuple[str, ...]:
    """The named locals a formula's code reads (`$value`, not `$1` or `$0`), in source order."""
    seen: dict[str, str] = {}
    for n in sorted((n for n in _walk(body) if isinstance(n, A.LocalVar)), key=lambda n: (n.line, n.col)):
        if not re.fullmatch(r"\$\d+", n.name):
            seen.setdefault(n.name.casefold(), n.name)
    return tuple(seen.values())


def compile_formula(body, name: str, method_exists=lambda n: False, captured: tuple[str, ...] = (),
                    depth: int = 1, *, operators) -> CompiledMethod:
    """A formula's code (an expression, or an assignment) as a method: `$1`... are its parameters,
    `L` the captured values (of the locals named `captured`, set first); it returns the
    expression's value (after an assignment, `$0`'s)."""
    if depth > MAX_NESTED_FORMULAS:
        raise CompileError("formulas nested too deeply", body.line, body.col)
    line, col = body.line, body.col
    stmts = [A.Assign(line, col, A.LocalVar(line, col, n), _Captured(line, col, i)) for i, n in enumerate(captured)]
    if isinstance(body, (A.Assign, A.CompoundAssign)):
        stmts.append(body)
    elif isinstance(body, A.ProcessVar) and method_exists(body.name):
        stmts.append(A.Return(line, col, _AllArgsCall(line, col, body.name)))
    else:
        stmts.append(A.Return(line, col, body))
    program = A.Program(line, 1, stmts, None)
    return compile_method(program, name, "", "", method_exists, operators=operators, formula_depth=depth)


def runtime_globals(operators) -> dict:
    """The names compiled code uses. `operators`: the comparison operators of the runtime the code
    is compiled for (`rt.compare`, runtime/compare.py): they compare texts with its collation."""
    from ..runtime import collections, functions, ops, shared, types as rtypes
    from ..runtime.errors import E, FourDError
    from ..runtime.values import ASCENDING, DESCENDING, UNDEFINED, Cell, truthy

    def raise_params(name, detail):
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=name, detail=detail)

    return {
        "UNDEFINED": UNDEFINED, "STAR": STAR, "_BRK": _BRK, "_CONT": _CONT, "_ONCE": (0,), "_truthy": truthy,
        "_test": ops.test,
        "_add": ops.add, "_sub": ops.sub, "_mul": ops.mul, "_div": ops.div, "_idiv": ops.intdiv,
        "_mod": operators.mod, "_pow": ops.power, "_eq": operators.eq, "_ne": operators.ne, "_lt": operators.less,
        "_gt": operators.greater, "_le": operators.less_equal, "_ge": operators.greater_equal, "_and": ops.and_,
        "_or": ops.or_, "_xor": ops.xor, "_shl": ops.shl, "_shr": ops.shr, "_bset": ops.bit_set,
        "_bclr": ops.bit_clear, "_btst": ops.bit_test, "_neg": ops.negate, "_getm": ops.get_member,
        "_getm_decl": ops.get_member_declared, "_setm": ops.set_member, "_geti": ops.get_index,
        "_seti": ops.set_index, "_getc": ops.get_char, "_setc": ops.set_char, "_call": ops.call_member,
        "_iterate": ops.iterate, "_number": ops.number, "_stored": ops.stored, "_coerce": rtypes.coerce,
        "_to_int": rtypes.to_integer, "_modn": ops.mod, "_push1": collections.push_one, "_int_bound": ops.integer_bound,
        "_default": rtypes.default, "_raise_params": raise_params,
        "_use": shared.use, "_end_use": shared.end_use, "_SHARED": shared.SHARED,
        "_gete": ops.get_element, "_sete": ops.set_element, "_deref": ops.deref, "_setderef": ops.set_deref,
        "_ptr_cell": ops.pointer_to_cell, "_ptr_slot": ops.pointer_to_slot, "_ptr_elem": ops.pointer_to_element,
        "_ptr_of": ops.pointer_of, "_setarr": ops.assign_array_variable, "_Cell": Cell, "_ASC": ASCENDING, "_DESC": DESCENDING,
        "_formula": functions.Formula, "_member_name": functions.member_name,
        "_pget": _param_get, "_pset": _param_set, "_param": _param_value, "_pdeclare": _params_declare,
        "_no_database": _no_database, "_unavailable": _unavailable,
        "_not": ops.not_, "_chars": ops.char_range,
    } | getattr(operators, "code_globals", dict)()   # a language's own operators (runtime/wl_rules.py)


# ---------------------------------------------------------------- parameters and the database
def _param_number(name: str) -> int | None:
    """`$3` -> 3 (`$0`, the result, is 0); another name -> None."""
    return int(name[1:]) if name[1:].isdigit() and name[1:].isascii() else None


def _param_index(n) -> int:
    """`${n}`: n is a number of 1 or more."""
    from ..runtime.errors import E, FourDError
    if type(n) in (int, float) and n == n and n >= 1:
        return int(n)
    raise FourDError(E.BAD_PARAMETER, name="${...}", detail=f"a parameter number (1 or more) was expected, not {n!r}")


def _param_get(params, n):
    from ..runtime.values import UNDEFINED
    i = _param_index(n)
    if isinstance(params, dict):      # the REPL keeps its locals in a dict
        return params.get(f"${i}", UNDEFINED)
    return params[i - 1] if i <= len(params) else UNDEFINED


def _param_set(params, n, value):
    from ..runtime.values import UNDEFINED
    i = _param_index(n)
    if isinstance(params, dict):
        params[f"${i}"] = value
        return
    while len(params) < i:
        params.append(UNDEFINED)
    params[i - 1] = value


def _param_value(vtype: str, value):
    """A parameter declared `vtype` (C_TEXT($1)): the value passed, or the type's empty value when
    it is of another type (parameters.md, sequential syntax: no error)."""
    from ..runtime import types as rtypes
    from ..runtime.errors import FourDError
    try:
        return rtypes.coerce(vtype, value)
    except FourDError:
        return rtypes.default(vtype)


def _params_declare(params, n, vtype: str) -> None:
    """`var ${n} : Type` / `C_REAL(${n})`: the parameters from the n-th on are of that type."""
    first = _param_index(n)
    if isinstance(params, dict):
        return
    for i in range(first - 1, len(params)):
        params[i] = _param_value(vtype, params[i])


def _unavailable(name: str, detail: str):
    from ..runtime.errors import E, FourDError
    raise FourDError(E.NOT_IMPLEMENTED, name=name, detail=detail)


def _no_database(table: str, field: str | None):
    from ..runtime.errors import E, FourDError
    name = f"[{table}]{field or ''}"
    raise FourDError(E.NOT_IMPLEMENTED, name=name, detail="fourmail has no database (tables, fields, records)")


class _Star:
    """The `*` argument."""

    def __repr__(self):
        return "*"


STAR = _Star()
_BRK, _CONT = object(), object()    # a closure's `break` / `continue` of a loop around it


def compile_method(program: A.Program, name: str, filename: str, source: str, method_exists=lambda n: False,
                   locals_mode: str = "fast", known_types: dict[str, str] | None = None, *,
                   operators, formula_depth: int = 0, names=None) -> CompiledMethod:
    """`names`: the functions and constants of the method's language (commands.registry.namespace;
    4D's by default)."""
    from ..commands.registry import FOURD_NAMES
    gen = Codegen(name, method_exists, locals_mode, known_types)
    gen.operators, gen.formula_depth, gen.names = operators, formula_depth, names or FOURD_NAMES
    try:
        py = gen.compile(program)
        code = compile(py, f"<4D method {name}>", "exec")
    except (MemoryError, SyntaxError) as exc:   # the bounds above are meant to prevent it
        raise CompileError(f"this method cannot be compiled ({type(exc).__name__}: {exc})", gen.line, 1) from None
    # A RecursionError goes on as it is: with the compiler's recursion bounded, it only happens to a
    # method first called from deep down the stack, and the runtime reports it there (error 71).
    namespace = runtime_globals(operators)
    namespace.update(gen.globals)
    namespace["_M"] = name
    exec(code, namespace)
    return CompiledMethod(name, filename, source, namespace["__fourd_method__"], py, gen.vars)
