"""Turn the Lark parse (run inline, rule by rule) into the AST of fourmail.lang.ast."""
from __future__ import annotations

import re

from .. import ast as A
from ..errors import SourceSyntaxError
from .lexer import Token
from .words import spelled
from ...runtime.values import Date, Time

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}
_ESCAPE_RE = re.compile(r"\\(\r?\n[ \t]*|.)", re.S)


def unescape(body: str) -> str:
    """Text literal escapes (dt_string.md "Escape sequences", case-insensitive).

    A backslash at the very end of a line inside a literal continues the literal on the next
    line (as smtp-new-transporter's example prints it): the line break and the next line's
    indentation are dropped, since 4D's editor indentation is not part of the text.
    An unknown escape keeps both characters.
    """
    def repl(m: re.Match) -> str:
        s = m.group(1)
        if s[0] in "\r\n":
            return ""
        return _ESCAPES.get(s.lower(), "\\" + s)
    return _ESCAPE_RE.sub(repl, body) if "\\" in body else body


def parse_date(text: str) -> Date:
    """`!2018-01-21!` (ISO order, as the docs write it), `!01/21/2018!` (US order), `!00-00-00!` (null)."""
    parts = re.split(r"[-/.]", text.strip("!"))
    a, b, c = (int(p) for p in parts)
    if a == b == c == 0:
        return Date()
    if len(parts[0]) == 4:
        return Date(a, b, c)
    y = c + (2000 if c < 30 else 1900) if len(parts[2]) <= 2 else c
    return Date(y, a, b)


def parse_time(text: str) -> Time:
    parts = [int(p) for p in text.strip("?").split(":")]
    while len(parts) < 3:
        parts.append(0)
    return Time(parts[0] * 3600 + parts[1] * 60 + parts[2])


def _pos(x) -> tuple[int, int]:
    """Where a construct starts: its first token or node (a list of children, a token or a node)."""
    if isinstance(x, Token):
        return x.line, x.column
    if isinstance(x, A.Node):
        return x.line, x.col
    if isinstance(x, (list, tuple)):
        for item in x:
            if isinstance(item, (Token, A.Node)):
                return _pos(item)
            if isinstance(item, (list, tuple)):
                found = _pos(item)
                if found != (0, 0):
                    return found
    return 0, 0


_ASSIGNABLE = (A.LocalVar, A.ProcessVar, A.Member, A.Index, A.CharIndex, A.Element, A.Deref)


def _check_assignable(node: A.Node) -> A.Node:
    if not isinstance(node, _ASSIGNABLE):
        raise SourceSyntaxError("this expression cannot be assigned to (only variables, properties and "
                               "collection elements can)", node.line, node.col)
    return node


def _block(items) -> list:
    return [x for x in items if isinstance(x, A.Node)]


_VARIADIC = "..."


def _params(items) -> tuple[list, str | None]:
    """The named parameters, and the type of a `...` ending the list (None without one)."""
    params = [x for x in items if isinstance(x, A.Param)]
    for p in params[:-1]:
        if p.name == _VARIADIC:
            raise SourceSyntaxError("`...` must be the last parameter", p.line, p.col)
    if params and params[-1].name == _VARIADIC:
        return params[:-1], params[-1].type or "Variant"
    return params, None


def _modifiers(items) -> frozenset:
    """`shared`, `singleton`, `session singleton`, `exposed`, `local`: their words, lower-cased."""
    found = next((x for x in items if isinstance(x, frozenset)), frozenset())
    return frozenset(w for m in found for w in m.casefold().split())


class AstBuilder:
    """Rule callbacks, named after the rules and aliases of 4d.lark: each gets the kept
    children of a reduction (lalr.py) and returns an AST node. `text`: the source parsed, for
    what keeps its code as written (a formula's `.source`)."""

    def __init__(self, text: str = ""):
        self.text = text

    # ------------------------------------------------------------ program and blocks
    def start(self, items):
        body = _block(items)
        declare = next((s for s in body if isinstance(s, A.Declare)), None)
        return A.Program(1, 1, body, declare)

    def block(self, items):
        return _block(items)

    # ------------------------------------------------------------ statements
    def assignment(self, items):
        target, _, value = items
        return A.Assign(*_pos(items), _check_assignable(target), value)

    def compound_assignment(self, items):
        target, op, value = items
        return A.CompoundAssign(*_pos(items), _check_assignable(target), str(op)[0], value)

    def expression_statement(self, items):
        return A.ExprStatement(*_pos(items), items[0])

    def var_name(self, items):
        tok = items[0]
        if tok.type == "LOCAL":
            return A.LocalVar(*_pos(tok), str(tok))
        return A.ProcessVar(*_pos(tok), str(tok))

    def var_type(self, items):
        text = str(items[0])
        if items[0].type == "TYPE_NAME":
            return text.capitalize()
        head, _, rest = text.partition(".")
        return ("4D" if head.upper() == "4D" else "cs") + "." + rest

    def var_declaration(self, items):
        names = [x for x in items if isinstance(x, A.Node)]
        vtype = next((x for x in items if isinstance(x, str) and not isinstance(x, Token)), None)
        init = None
        if any(isinstance(x, Token) and x.type == "ASSIGN" for x in items):
            init = names.pop()
        return A.VarDecl(*_pos(items), names, vtype, init)

    def param(self, items):
        return A.Param(*_pos(items), str(items[0]), items[1] if len(items) > 1 else None)

    def declare_result(self, items):
        name = next((str(x) for x in items if isinstance(x, Token) and x.type == "LOCAL"), None)
        vtype = next((x for x in items if isinstance(x, str) and not isinstance(x, Token)), None)
        return ("result", name, vtype)

    def variadic_param(self, items):
        vtype = next((x for x in items if isinstance(x, str) and not isinstance(x, Token)), None)
        return A.Param(*_pos(items), _VARIADIC, vtype)

    def declare(self, items):
        params, variadic = _params(items)
        result = next((x for x in items if isinstance(x, tuple)), ("result", None, None))
        return A.Declare(*_pos(items), params, result[1], result[2], variadic)

    # ------------------------------------------------------------ class files
    def class_extends(self, items):
        return A.ClassExtends(*_pos(items), str(items[1]))

    def class_modifiers(self, items):
        return frozenset(str(x) for x in items)

    def class_constructor(self, items):
        params, variadic = _params(items)
        return A.ClassConstructor(*_pos(items), params, _modifiers(items), variadic)

    def function_decl(self, items):
        params, variadic = _params(items)
        result = next((x for x in items if isinstance(x, tuple)), ("result", None, None))
        names = [x for x in items if isinstance(x, Token) and x.type == "MEMBER"]
        accessor = None
        if len(names) == 2:         # `Function get fullName`: a computed property's accessor
            accessor = str(names[0]).casefold()
            if accessor not in ("get", "set"):
                raise SourceSyntaxError(f"`{spelled('FUNCTION')} get` or `{spelled('FUNCTION')} set` was expected "
                                        f"before the property name {names[1]}", names[0].line, names[0].column)
        line, col = _pos(items)
        return A.FunctionDecl(line, col, str(names[-1]), params, result[1], result[2], _modifiers(items),
                              accessor, variadic)

    def property_decl(self, items):
        names = [str(x) for x in items if isinstance(x, Token) and x.type == "MEMBER"]
        vtype = next((x for x in items if isinstance(x, str) and not isinstance(x, Token)), None)
        init = items[-1] if any(isinstance(x, Token) and x.type == "ASSIGN" for x in items) else None
        return A.PropertyDecl(*_pos(items), names, vtype, init)

    def if_block(self, items):
        cond = items[1]
        blocks = [x for x in items if isinstance(x, list)]
        return A.If(*_pos(items), cond, blocks[0], blocks[1] if len(blocks) > 1 else None)

    def case_branch(self, items):
        return (items[0], items[1])

    def case_block(self, items):
        branches = [x for x in items if isinstance(x, tuple)]
        orelse = next((x for x in items if isinstance(x, list)), None)
        return A.CaseOf(*_pos(items), branches, orelse)

    def for_loop(self, items):
        exprs = [x for x in items if isinstance(x, A.Node)]
        body = items[-2] if isinstance(items[-2], list) else next(x for x in items if isinstance(x, list))
        counter = exprs[0]
        if not isinstance(counter, (A.LocalVar, A.ProcessVar)):
            raise SourceSyntaxError(f"the {spelled('FOR')} counter must be a variable", counter.line, counter.col)
        return A.For(*_pos(items), counter, exprs[1], exprs[2], exprs[3] if len(exprs) > 3 else None, body)

    def until_condition(self, items):
        return ("UNTIL", items[1])

    def while_condition(self, items):
        return ("WHILE", items[1])

    def for_each_loop(self, items):
        exprs = [x for x in items if isinstance(x, A.Node)]
        cond = next((x for x in items if isinstance(x, tuple)), None)
        body = next(x for x in items if isinstance(x, list))
        item = exprs[0]
        if not isinstance(item, _ASSIGNABLE):
            raise SourceSyntaxError(f"the {spelled('FOR_EACH')} item must be a variable", item.line, item.col)
        return A.ForEach(*_pos(items), item, exprs[1], exprs[2] if len(exprs) > 2 else None,
                         exprs[3] if len(exprs) > 3 else None,
                         cond[1] if cond and cond[0] == "UNTIL" else None,
                         cond[1] if cond and cond[0] == "WHILE" else None, body, spelled("FOR_EACH"))

    def while_loop(self, items):
        return A.While(*_pos(items), items[1], items[2])

    def repeat_loop(self, items):
        return A.Repeat(*_pos(items), items[1], items[3])

    def use_block(self, items):
        return A.UseBlock(*_pos(items), items[1], items[2], spelled("USE"))

    def try_block(self, items):
        blocks = [x for x in items if isinstance(x, list)]
        return A.TryBlock(*_pos(items), blocks[0], blocks[1] if len(blocks) > 1 else None)

    def return_stmt(self, items):
        return A.Return(*_pos(items), items[1] if len(items) > 1 else None)

    def break_stmt(self, items):
        return A.Break(*_pos(items))

    def continue_stmt(self, items):
        return A.Continue(*_pos(items))

    # ------------------------------------------------------------ expressions
    def ternary(self, items):
        return A.Ternary(*_pos(items), items[0], items[1], items[2])

    def binop(self, items):
        left, op, right = items
        return A.BinOp(*_pos(op), str(op), left, right)

    def negate(self, items):
        operand = items[1]
        if isinstance(operand, A.Literal) and type(operand.value) is float:
            return A.Literal(*_pos(items), -operand.value)
        return A.Negate(*_pos(items), operand)

    def unary_plus(self, items):
        return items[1]

    def member(self, items):
        target, name = items
        return A.Member(*_pos(name), target, str(name))

    def member_call(self, items):
        target, name, args = items
        return A.MemberCall(*_pos(name), target, str(name), args)

    def index(self, items):
        return A.Index(*_pos(items), items[0], items[1])

    def char_index(self, items):
        return A.CharIndex(*_pos(items), items[0], items[2])

    def element(self, items):
        return A.Element(*_pos(items), items[0], items[1])

    def address_of(self, items):
        target = items[0]
        if not isinstance(target, (A.LocalVar, A.ProcessVar, A.Element, A.Deref)):
            raise SourceSyntaxError("-> points to a variable, an array or an array element", target.line, target.col)
        return A.AddressOf(*_pos(items), target)

    def deref(self, items):
        return A.Deref(*_pos(items), items[0])

    def deref_member(self, items):
        target, name = items
        return A.Member(*_pos(name), A.Deref(*_pos(target), target), str(name))

    def sort_order(self, items):
        op = str(items[0])
        if op not in (">", "<"):
            raise SourceSyntaxError(f"unexpected {op!r}: only > or < can be given alone as a parameter",
                                   *_pos(items[0]))
        return A.SortOrder(*_pos(items), op == ">")

    def arguments(self, items):
        return list(items)

    def star_argument(self, items):
        return A.Star(*_pos(items[0]))

    def local_var(self, items):
        return A.LocalVar(*_pos(items[0]), str(items[0]))

    def name_ref(self, items):
        return A.ProcessVar(*_pos(items[0]), str(items[0]))

    def method_call(self, items):
        return A.MethodCall(*_pos(items[0]), str(items[0]), items[1])

    def command_call(self, items):
        from ...commands.registry import lookup_command
        tok = items[0]
        name = re.sub(r":C\d+$", "", str(tok), flags=re.I)
        cmd = lookup_command(name)
        return self._call_or_formula(tok, cmd.name if cmd else name, items[1] if len(items) > 1 else None)

    # ------------------------------------------------------------ formulas
    _FORMULA = "Formula"       # the command whose argument is code, kept as a formula object

    def _call_or_formula(self, tok, name: str, args):
        """`Formula(code)` is a formula object; any other command call is a call."""
        if name == self._FORMULA and args is not None and len(args) == 1 and not isinstance(args[0], A.Star):
            return A.Formula(*_pos(tok), args[0], self._formula_source(tok))
        return A.CommandCall(*_pos(tok), name, args)

    def _formula_assign(self, tok, assignment):
        from ...commands.registry import lookup_command
        cmd = lookup_command(re.sub(r":C\d+$", "", str(tok), flags=re.I))
        if cmd is None or cmd.name != self._FORMULA:
            raise SourceSyntaxError(f"an assignment cannot be an argument of {cmd.name if cmd else tok} "
                                    f"(only of {self._FORMULA})", assignment.line, assignment.col)
        return A.Formula(*_pos(tok), assignment, self._formula_source(tok))

    def formula_assignment(self, items):
        tok, target, _, value = items
        return self._formula_assign(tok, A.Assign(*_pos(target), _check_assignable(target), value))

    def formula_compound_assignment(self, items):
        tok, target, op, value = items
        return self._formula_assign(tok, A.CompoundAssign(*_pos(target), _check_assignable(target), str(op)[0], value))

    def _formula_source(self, tok) -> str:
        """The code between the parentheses after `tok`, as written."""
        from .lexer import base_names, tokenize
        start = self.text.find("(", tok.end_pos) if self.text else -1
        if start < 0:
            return ""
        depth = 0
        for t in tokenize(self.text[start:], base_names()):
            if t.type == "_LPAR":
                depth += 1
            elif t.type == "_RPAR":
                depth -= 1
                if depth == 0:
                    return self.text[start + 1:start + t.start_pos].strip()
        return ""

    def index_call(self, items):
        return A.IndexCall(*_pos(items), items[0], items[1], items[2])

    def constant(self, items):
        from ...commands.registry import lookup_constant
        tok = items[0]
        name = re.sub(r":K\d+:\d+$", "", str(tok), flags=re.I)
        const = lookup_constant(name)
        return A.ConstantRef(*_pos(tok), const.name, const.value)

    def string(self, items):
        return A.Literal(*_pos(items[0]), unescape(str(items[0])[1:-1]))

    def number(self, items):
        return A.Literal(*_pos(items[0]), float(str(items[0])))

    def hex_number(self, items):
        return A.Literal(*_pos(items[0]), float(int(str(items[0]), 16)))

    def date(self, items):
        return A.Literal(*_pos(items[0]), parse_date(str(items[0])))

    def time(self, items):
        return A.Literal(*_pos(items[0]), parse_time(str(items[0])))

    def class_store(self, items):
        return A.ClassStore(*_pos(items[0]), "4D" if str(items[0]).upper() == "4D" else "cs")

    def this_ref(self, items):
        return A.ThisRef(*_pos(items))

    def super_ref(self, items):
        return A.SuperRef(*_pos(items), spelled("SUPER"))

    def super_call(self, items):
        args = next((x for x in items if isinstance(x, list)), [])
        return A.SuperCall(*_pos(items), args, spelled("SUPER"))

    def try_expression(self, items):
        return A.TryExpr(*_pos(items), items[1])

    def object_item(self, items):
        key, value = items
        name = unescape(str(key)[1:-1]) if key.type == "STRING" else str(key)
        return (name, value)

    def object_literal(self, items):
        return A.ObjectLiteral(*_pos(items), [x for x in items if isinstance(x, tuple)])

    def collection_literal(self, items):
        return A.CollectionLiteral(*_pos(items), [x for x in items if isinstance(x, A.Node)])
