"""Turn the parse (run inline, rule by rule: lalr.py) into the AST of fourmail.lang.ast, with
WLanguage's rules for names (REFERENCE.md §1.6): a name is a variable declared before it, else a
constant or a function of the language's namespace (`commands.registry.namespace("wlanguage")`);
anything else is an unknown identifier, as WLanguage's compiler says."""
from __future__ import annotations

import re

from .. import ast as A
from ..errors import SourceSyntaxError
from . import words as W
from .lexer import Token

# `<>` is the runtime's `#`; the others keep their spelling.
_OPERATORS = {"<>": "#", "AND": "and", "OR": "or", "AND_THEN": "and_then", "OR_ELSE": "or_else", "MODULO": "%"}
_ASSIGNABLE = (A.LocalVar, A.Member, A.Index, A.Element, A.CharIndex, A.CharRange)


# `[sep]` next to `+` (REFERENCE.md §1.5): sep is added only after a text that is not empty and
# does not already end with it (runtime/wl_rules.py optional_concat)
_OPTIONAL_CONCAT = "[+]"


def _optional(node):
    """The separator of `[sep]` (an array literal of one value, written next to `+`), else None."""
    if isinstance(node, A.CollectionLiteral) and len(node.items) == 1:
        return node.items[0]
    return None


def _pos(x) -> tuple[int, int]:
    """Where a construct starts: its first token or node."""
    if isinstance(x, Token):
        return x.line, x.column
    if isinstance(x, A.Node):
        return x.line, x.col
    if isinstance(x, (list, tuple)):
        for item in x:
            found = _pos(item)
            if found != (0, 0):
                return found
    return 0, 0


def _op(tok) -> str:
    return _OPERATORS.get(tok.type, _OPERATORS.get(str(tok), str(tok)))


_DYNAMIC = re.compile(r"\[%(?![ \t]*%\])(.*?)%\]", re.S)     # `[%%]`, nothing inside: kept as written


def _block_lines(inner: str) -> str:
    """The text of a literal over lines (between `"`…`"` or `[`…`]`): the line break after the
    opening and the line of the closing are not part of it, nor the indentation its lines share
    (chosen: the code is indented, the text it holds is not). Lines are joined with "\n"."""
    lines = inner.split("\n")[1:]
    lines = [x[:-1] if x.endswith("\r") else x for x in lines]
    if lines and not lines[-1].strip():
        lines.pop()                                         # the closing's own line
    indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
    cut = min(indents, default=0)
    return "\n".join(x[cut:] for x in lines)


def _moved(node, line: int, col: int):
    """An expression parsed alone, placed at the text literal that holds it (for messages)."""
    if isinstance(node, A.Node):
        node.line, node.col = line, col
        for f in node._fields:
            _moved(getattr(node, f), line, col)
    elif isinstance(node, (list, tuple)):
        for x in node:
            _moved(x, line, col)
    return node


class _Labels(dict):
    """The labels ending a code: token type -> (label token, its statements)."""


def _reads(node, name: str | None) -> bool:
    """Does `node` call the function `name` (ErrorOccurred) anywhere?"""
    if isinstance(node, A.CommandCall) and name is not None and node.name == name:
        return True
    if isinstance(node, A.Node):
        return any(_reads(getattr(node, f), name) for f in node._fields)
    if isinstance(node, (list, tuple)):
        return any(_reads(x, name) for x in node)
    return False


def _mark_untested(statements: list, error_occurred: str | None) -> None:
    """The calls of a code whose non-fatal error it does not test become Untested (in place, in
    nested blocks too): a call made as a statement of its own, its result left unread, unless the
    next statement is an IF that reads ErrorOccurred."""
    for i, s in enumerate(statements):
        if isinstance(s, A.ExprStatement) and isinstance(s.expr, (A.CommandCall, A.MemberCall)):
            after = statements[i + 1] if i + 1 < len(statements) else None
            if not (isinstance(after, A.If) and _reads(after.condition, error_occurred)):
                statements[i] = A.Untested(s.line, s.col, [s])
        elif isinstance(s, A.CaseOf):
            for body in s.bodies():
                _mark_untested(body, error_occurred)
        elif isinstance(s, A.Node) and not isinstance(s, (A.ProcedureDecl, A.Labelled)):
            for body in s.bodies():
                _mark_untested(body, error_occurred)


class _Handler:
    """`WHEN EXCEPTION … END` in a block: it handles the exceptions of the statements after it."""

    def __init__(self, line: int, col: int, handler: list):
        self.line, self.col, self.handler = line, col, handler


def _statements(items) -> list:
    """A block's statements: a statement may have built several (a SWITCH: its hidden variable
    and its CaseOf); a general WHEN EXCEPTION takes the rest of the block as its body."""
    out: list = []
    for x in items:
        if isinstance(x, list):
            out.extend(_statements(x))
        elif isinstance(x, (A.Node, _Handler)):
            out.append(x)
    for i in range(len(out) - 1, -1, -1):
        h = out[i]
        if isinstance(h, _Handler):
            out[i:] = [A.TryBlock(h.line, h.col, out[i + 1:], h.handler, None)]
    return out


class AstBuilder:
    """Rule callbacks, named after the rules and aliases of wlanguage.lark.

    `names`: the namespace functions, constants and types come from (None: the language's own,
    `registry.namespace("wlanguage")`). `declared`: variables declared before this text (the
    REPL's earlier inputs), name (case-folded) -> type; the builder adds the text's declarations
    to it. `strict`: an unknown name is an error (the REPL's completeness check is not strict)."""

    def __init__(self, names=None, declared: dict[str, str] | None = None, strict: bool = True,
                 procedures: set[str] | None = None):
        if names is None:
            from ...commands.registry import namespace
            names = namespace("wlanguage")
        self.names = names
        self.declared = {} if declared is None else declared
        self.strict = strict
        # the procedures a call can name (case-folded): the text's own, wherever they are, and
        # those of the REPL's earlier inputs
        self.procedures = set() if procedures is None else procedures
        self.unknowns: list[Token] = []        # undeclared names, in the order met
        self.switches: list[A.LocalVar] = []
        self.switch_count = 0

    # ------------------------------------------------------------ names
    def _declare(self, tok, vtype: str) -> A.LocalVar:
        self.declared[str(tok).casefold()] = vtype
        return A.LocalVar(*_pos(tok), str(tok))

    def unknown_error(self) -> SourceSyntaxError | None:
        """The first undeclared name met (the others named after it), or None. The parse goes on
        past one, so that the message names every undeclared name of the text."""
        if not self.unknowns:
            return None
        first = self.unknowns[0]
        others = list(dict.fromkeys(str(t) for t in self.unknowns[1:] if str(t).casefold() != str(first).casefold()))
        also = ""
        if others:
            shown = ", ".join(f"'{o}'" for o in others[:5]) + (", …" if len(others) > 5 else "")
            also = f" (also unknown: {shown})"
        return SourceSyntaxError(f"unknown identifier '{first}'{also}", first.line, first.column)

    def _unknown(self, tok):
        self.unknowns.append(tok)

    def name_ref(self, items):
        tok = items[0]
        name = str(tok)
        if name.casefold() in self.declared:
            return A.LocalVar(*_pos(tok), name)
        const = self.names.lookup_constant(name)
        if const is not None:
            if isinstance(const.value, bool) and const.name.casefold() == str(const.value).casefold():
                return A.Literal(*_pos(tok), const.value)       # True / Vrai, False / Faux: literals
            return A.ConstantRef(*_pos(tok), const.name, const.value)
        cmd = self.names.lookup_command(name)
        if cmd is not None:                            # ErrorOccurred, the Email structure
            return A.CommandCall(*_pos(tok), cmd.name, None)
        if name.casefold() in self.procedures:         # AuthIdentify(p, Done): a procedure given by name
            return A.Literal(*_pos(tok), name)
        if self.strict:
            self._unknown(tok)
        return A.LocalVar(*_pos(tok), name)

    def call(self, items):
        tok, args = items
        if str(tok).casefold() in self.procedures:
            return A.MethodCall(*_pos(tok), str(tok), args)
        cmd = self.names.lookup_command(str(tok))
        if cmd is not None:
            return A.CommandCall(*_pos(tok), cmd.name, args)
        if self.strict:
            if str(tok).casefold() in self.declared:
                raise SourceSyntaxError(f"'{tok}' is a variable, not a function", tok.line, tok.column)
            self._unknown(tok)
        return A.CommandCall(*_pos(tok), str(tok), args)

    # ------------------------------------------------------------ program and blocks
    def start(self, items):
        labels = next((x for x in items if isinstance(x, _Labels)), None)
        body = _statements(x for x in items if not isinstance(x, _Labels))
        if labels is not None:
            procedures = [x for x in body if isinstance(x, A.ProcedureDecl)]
            code = [x for x in body if not isinstance(x, A.ProcedureDecl)]
            body = [self._labelled(code, labels)] + procedures
        return A.Program(1, 1, body, None)

    # ------------------------------------------------------------ CASE ERROR: / CASE EXCEPTION:
    def label(self, items):
        return (items[0], _statements(items[1:]))

    def labels(self, items):
        found = _Labels()
        for tok, statements in items:
            if tok.type in found:
                raise SourceSyntaxError(f"a second {str(tok).strip()}: in the same code", tok.line, tok.column)
            found[tok.type] = (tok, statements)
        return found

    def _labelled(self, code: list, labels: "_Labels") -> A.Labelled:
        on_error = labels.get("CASE_ERROR")
        on_exception = labels.get("CASE_EXCEPTION")
        if on_error is not None:
            tested = self.names.lookup_command("ErrorOccurred")
            _mark_untested(code, tested.name if tested else None)
        first = (on_error or on_exception)[0]
        return A.Labelled(*_pos(code or first), code, on_error[1] if on_error else None,
                          on_exception[1] if on_exception else None)

    def block(self, items):
        return _statements(items)

    # ------------------------------------------------------------ statements
    def assignment(self, items):
        target, _, value = items
        return A.Assign(*_pos(items), self._assignable(target, items), value)

    def compound_assignment(self, items):
        target, op, value = items
        sep = _optional(value)
        if str(op)[0] == "+" and sep is not None:       # `s += [sep]`
            return A.CompoundAssign(*_pos(items), self._assignable(target, items), _OPTIONAL_CONCAT, sep)
        return A.CompoundAssign(*_pos(items), self._assignable(target, items), str(op)[0], value)

    def expression_statement(self, items):
        e = items[0]
        if isinstance(e, A.Increment):                  # `x++`, `ManMontpellier ++`: a statement
            return A.CompoundAssign(e.line, e.col, e.target, "+" if e.delta > 0 else "-",
                                    A.Literal(e.line, e.col, 1.0))
        return A.ExprStatement(*_pos(items), e)

    def _assignable(self, node, around=()):
        """`node` as an assignment's target; `around`: the statement's pieces, where the error
        points when the node has no place of its own (an empty `[]`, its brackets dropped)."""
        if not isinstance(node, _ASSIGNABLE):
            line, col = (node.line, node.col) if node.line else _pos(around)
            raise SourceSyntaxError("this expression cannot be assigned to (only variables, properties and "
                                    "array elements can)", line, col)
        return node

    def decl_names(self, items):
        return [x for x in items if isinstance(x, Token)]

    def var_type(self, items):
        """The words of a type -> (VarDecl type, element type or None, the type's token)."""
        is_array = items[0].type == "ARRAY_OF"
        words = [x for x in items if x.type == "TYPE_WORD"]
        if is_array and str(words[0]).isdigit():
            raise SourceSyntaxError(f"an array declared with its size ({items[0]} {words[0]} …) is not supported: "
                                    f"declare it without one and add its elements", *_pos(words[0]))
        first = words[0]
        spelled = " ".join(str(w) for w in words)
        simple = W.simple_type(spelled)
        if is_array or (simple is not None and simple.runtime == W.ARRAY):
            if self.names.lookup_type(W.ARRAY_VALUE) is None:     # the namespace makes arrays
                raise SourceSyntaxError(f"unknown type '{spelled if not is_array else items[0]}'",
                                        *_pos(items[0]))
        if is_array:
            element = simple.runtime if simple else self._namespace_type(spelled, first).name
            return (W.ARRAY, element, first)
        if simple is not None:
            return (simple.runtime, None if simple.runtime != W.ARRAY else W.VARIANT, first)
        return (W.OBJECT, self._namespace_type(spelled, first).name, first)

    def _namespace_type(self, spelled: str, tok):
        found = self.names.lookup_type(spelled)
        if found is None and spelled.casefold().endswith("s"):     # `array of Emails`
            found = self.names.lookup_type(spelled[:-1])
        if found is None:
            raise SourceSyntaxError(f"unknown type '{spelled}'", tok.line, tok.column)
        return found

    def _declaration(self, tokens, vtype, init):
        kind, detail, tok = vtype
        line, col = _pos(tokens)
        if kind == W.ARRAY and init is None:
            return [A.VarDecl(line, col, [self._declare(t, kind)], kind, A.NewValue(*_pos(tok), W.ARRAY_VALUE, detail))
                    for t in tokens]
        if kind == W.OBJECT and init is None:          # each variable its own new value
            return [A.VarDecl(line, col, [self._declare(t, kind)], kind, A.NewValue(*_pos(tok), detail))
                    for t in tokens]
        return A.VarDecl(line, col, [self._declare(t, kind) for t in tokens], kind, init)

    def declaration(self, items):
        tokens = items[0]
        vtype = items[2]
        init = items[4] if len(items) > 4 else None
        return self._declaration(tokens, vtype, init)

    def let_declaration(self, items):
        name = items[1]
        vtype = next((x for x in items if isinstance(x, tuple)), (W.VARIANT, None, name))
        return self._declaration([name], vtype, items[-1])

    def if_block(self, items):
        cond = items[1]
        then = next(x for x in items if isinstance(x, list))
        orelse = next((x for x in items if isinstance(x, tuple)), None)
        return A.If(*_pos(items), cond, then, orelse[1] if orelse else None)

    def else_block(self, items):
        return ("else", items[1])

    def else_line(self, items):
        return ("else", _statements(items[1:]))

    def else_if(self, items):
        cond = items[2]
        then = next(x for x in items if isinstance(x, list))
        orelse = next((x for x in items if isinstance(x, tuple)), None)
        return ("else", [A.If(*_pos(items[1]), cond, then, orelse[1] if orelse else None)])

    def if_line(self, items):
        statements = [x for x in items[3:] if isinstance(x, A.Node)]
        return A.If(*_pos(items), items[1], [statements[0]], statements[1:] or None)

    # ------------------------------------------------------------ SWITCH
    def switch_head(self, items):
        self.switch_count += 1
        # a name a program cannot write (it holds a blank): the value, computed once
        hidden = A.LocalVar(*_pos(items), f"switch {self.switch_count}")
        self.switches.append(hidden)
        return A.Assign(*_pos(items), hidden, items[1])

    def _hidden(self, at):
        return A.LocalVar(*_pos(at), self.switches[-1].name)

    def case_equals(self, items):
        return A.BinOp(*_pos(items), "=", self._hidden(items), items[0])

    def case_compare(self, items):
        op, value = items
        return A.BinOp(*_pos(op), _op(op), self._hidden(op), value)

    def case_range(self, items):
        low, _, high = items
        return A.BinOp(*_pos(items), "and_then", A.BinOp(*_pos(low), ">=", self._hidden(low), low),
                       A.BinOp(*_pos(high), "<=", self._hidden(high), high))

    def case_interval(self, items):
        low, op1, star, op2, high = items
        return A.BinOp(*_pos(items), "and_then", A.BinOp(*_pos(op1), _op(op1), low, self._hidden(star)),
                       A.BinOp(*_pos(op2), _op(op2), self._hidden(star), high))

    def case_values(self, items):
        cond = items[0]
        for other in items[1:]:
            cond = A.BinOp(other.line, other.col, "or_else", cond, other)
        return cond

    def case_branch(self, items):
        return ("case", items[1], _statements(items[2:]))

    def other_case(self, items):
        return ("other", None, _statements(items[1:]))

    def switch_block(self, items):
        head = items[0]
        self.switches.pop()
        branches = [(x[1], x[2]) for x in items if isinstance(x, tuple) and x[0] == "case"]
        orelse = next((x[2] for x in items if isinstance(x, tuple) and x[0] == "other"), None)
        return [head, A.CaseOf(*_pos(items), branches, orelse)]

    # ------------------------------------------------------------ loops
    def for_head(self, items):
        counter = self._declare(items[1], self.declared.get(str(items[1]).casefold(), "Integer"))
        exprs = [x for x in items[2:] if isinstance(x, A.Node)]
        to = next(x for x in items if isinstance(x, Token) and x.type == "TO")
        once = str(to).casefold() in {w.casefold() for w in W.TO_ONCE}
        return (counter, exprs[0], exprs[1], exprs[2] if len(exprs) > 2 else None, items[0], once)

    def for_loop(self, items):
        counter, start, end, step, tok, once = items[0]
        return (A.For if once else A.ForBoundEachTurn)(*_pos(tok), counter, start, end, step, items[1])

    def for_each_head(self, items):
        """(item, subscript or None, source, separator or None, keyword token)."""
        names = [x for x in items[1:] if isinstance(x, Token) and x.type == "NAME"]
        exprs = [x for x in items if isinstance(x, A.Node)]
        item = self._declare(names[0], self.declared.get(str(names[0]).casefold(), W.VARIANT))
        subscript = self._declare(names[1], "Integer") if len(names) > 1 else None
        return (item, subscript, exprs[0], exprs[1] if len(exprs) > 1 else None, items[0])

    def for_each_loop(self, items):
        """`FOR EACH x, i OF t`: the loop counts its rounds in i (set to 0 before, 1 more as each
        round starts, so that CONTINUE keeps the count). `FOR EACH STRING s OF t SEPARATED BY sep`
        walks the pieces of t: a ForEach whose `begin` is the separator (lang/ast.py)."""
        item, subscript, source, separator, tok = items[0]
        keyword = W.spelled(tok.type, W.is_french(tok.type, str(tok)))
        body = items[1]
        line, col = _pos(tok)
        if subscript is not None:
            body = [A.CompoundAssign(line, col, subscript, "+", A.Literal(line, col, 1.0))] + body
        loop = A.ForEach(line, col, item, source, separator, None, None, None, body, keyword)
        if subscript is None:
            return loop
        return [A.Assign(line, col, subscript, A.Literal(line, col, 0.0)), loop]

    def while_loop(self, items):
        return A.While(*_pos(items), items[1], items[2])

    def loop_end(self, items):
        return A.While(*_pos(items), A.Literal(*_pos(items), True), items[1])

    def loop_do_while(self, items):
        cond = items[3]
        return A.Repeat(*_pos(items), items[1], A.Not(cond.line, cond.col, cond))

    # ------------------------------------------------------------ procedures
    def parameter(self, items):
        local = items[0].type == "LOCAL"
        if local:
            items = items[1:]
        name = items[0]
        vtype = next((x for x in items if isinstance(x, tuple)), None)
        default = items[-1] if len(items) > 1 and isinstance(items[-1], A.Node) else None
        return A.ProcedureParam(*_pos(name), str(name), vtype[0] if vtype else None, default, local)

    def procedure_head(self, items):
        """A procedure has its own variables: from here on, its parameters and what it declares."""
        name = items[1]
        params = [x for x in items if isinstance(x, A.ProcedureParam)]
        result = next((x for x in items if isinstance(x, tuple)), None)
        self.declared = {p.name.casefold(): "Variant" for p in params}
        for p in params:
            if p.type:
                self.declared[p.name.casefold()] = p.type
        return (items[0], str(name), params, result[0] if result else None)

    def procedure(self, items):
        tok, name, params, result_type = items[0]
        body = items[1]
        if len(items) > 2:
            body = [self._labelled(body, items[2])]
        return A.ProcedureDecl(*_pos(tok), name, params, result_type, body)

    # ------------------------------------------------------------ exceptions, leaving
    def try_block(self, items):
        blocks = [x for x in items if isinstance(x, list)]
        return A.TryBlock(*_pos(items), blocks[0], blocks[1], blocks[2] if len(blocks) > 2 else None)

    def general_handler(self, items):
        return _Handler(*_pos(items), items[1])

    def return_stmt(self, items):
        return A.Return(*_pos(items), items[1] if len(items) > 1 else None)

    def result_stmt(self, items):
        return A.Return(*_pos(items), items[1])

    def break_stmt(self, items):
        return A.Break(*_pos(items))

    def continue_stmt(self, items):
        return A.Continue(*_pos(items))

    # ------------------------------------------------------------ expressions
    def ternary(self, items):
        return A.Ternary(*_pos(items), items[0], items[1], items[3])

    def logic_op(self, items):
        left, op, right = items
        return A.BinOp(*_pos(op), _op(op), left, right)

    def not_(self, items):
        return A.Not(*_pos(items), items[1])

    def compare(self, items):
        """`a < b`; `a < x < b` is both comparisons (`x` between)."""
        operands, ops = items[0::2], items[1::2]
        result = None
        for i, op in enumerate(ops):
            node = A.BinOp(*_pos(op), _op(op), operands[i], operands[i + 1])
            result = node if result is None else A.BinOp(*_pos(op), "and_then", result, node)
        return result

    def cmp_op(self, items):
        return items[0]

    def in_list(self, items):
        values = [x for x in items[2:] if isinstance(x, A.Node)]
        return A.BinOp(*_pos(items[1]), "in", items[0], A.CollectionLiteral(*_pos(values), values))

    def not_in_list(self, items):
        values = [x for x in items[3:] if isinstance(x, A.Node)]
        test = A.BinOp(*_pos(items[2]), "in", items[0], A.CollectionLiteral(*_pos(values), values))
        return A.Not(*_pos(items[1]), test)

    def binop(self, items):
        left, op, right = items
        if op.type == "PLUS":
            sep = _optional(right)
            if sep is not None:                          # `a + [sep]`
                return A.BinOp(*_pos(op), _OPTIONAL_CONCAT, left, sep)
            sep = _optional(left)
            if sep is not None:                          # `[sep] + b`: nothing before it, so no sep
                empty = A.Literal(*_pos(left), "")
                return A.BinOp(*_pos(op), "+", A.BinOp(*_pos(left), _OPTIONAL_CONCAT, empty, sep), right)
        return A.BinOp(*_pos(op), _op(op), left, right)

    def negate(self, items):
        operand = items[1]
        if isinstance(operand, A.Literal) and type(operand.value) is float:
            return A.Literal(*_pos(items), -operand.value)
        return A.Negate(*_pos(items), operand)

    def unary_plus(self, items):
        return items[1]

    def pre_increment(self, items):
        tok, target = items
        return A.Increment(*_pos(tok), self._assignable(target, items), 1 if tok.type == "INCR" else -1, True)

    def post_increment(self, items):
        target, tok = items
        return A.Increment(*_pos(target), self._assignable(target, items), 1 if tok.type == "INCR" else -1, False)

    def member(self, items):
        target, name = items
        return A.Member(*_pos(name), target, str(name))

    def member_call(self, items):
        target, name, args = items
        return A.MemberCall(*_pos(name), target, str(name), args)

    def index(self, items):
        target, index = items
        if isinstance(target, A.LocalVar) and self.declared.get(target.name.casefold()) == W.ARRAY:
            return A.Element(*_pos(target), target, index)
        return A.Index(*_pos(target), target, index)

    def char_index(self, items):
        return A.CharIndex(*_pos(items), items[0], items[2])

    def char_range(self, items):
        return A.CharRange(*_pos(items), items[0], items[2], items[4], None)

    def char_range_from(self, items):
        return A.CharRange(*_pos(items), items[0], items[2], None, None)

    def char_range_to(self, items):
        return A.CharRange(*_pos(items), items[0], None, items[3], None)

    def char_count(self, items):
        return A.CharRange(*_pos(items), items[0], items[2], None, items[4])

    def arguments(self, items):
        return list(items)

    def string(self, items):
        tok = items[0]
        inner = str(tok)[1:-1]
        if "\n" in inner:                                    # a `"` that ended its line
            return self._text(tok, _block_lines(inner).replace('""', '"'))
        return self._text(tok, inner.replace('""', '"'))

    def text_block(self, items):
        return self._text(items[0], _block_lines(str(items[0])[1:-1]))

    def _text(self, tok, text: str):
        """A text literal; its `[% expression %]` parts are the expressions' values written in
        (`+` writes them as WLanguage does)."""
        line, col = _pos(tok)
        lines = text.split("\n")
        if len(lines) > 1:                                   # WLanguage's line break in a text: CR
            text = self._line_break().join(lines)
        if "[%" not in text:
            return A.Literal(line, col, text)
        result = None
        pos = 0
        for m in _DYNAMIC.finditer(text):
            piece = A.Literal(line, col, text[pos:m.start()])
            result = piece if result is None else A.BinOp(line, col, "+", result, piece)
            result = A.BinOp(line, col, "+", result, self._expression(m.group(1), tok))
            pos = m.end()
        if pos < len(text) or result is None:
            piece = A.Literal(line, col, text[pos:])
            result = piece if result is None else A.BinOp(line, col, "+", result, piece)
        return result

    def _line_break(self) -> str:
        const = self.names.lookup_constant("CR")
        return const.value if const is not None else "\r\n"

    def _expression(self, source: str, tok):
        """The expression written between `[%` and `%]` in the text literal `tok`."""
        from .. import lalr
        from .grammar import get_tables
        from .lexer import tokenize
        text = source.strip() + "\n"
        where = f"in the [% %] of the text at line {tok.line}"
        if not source.strip():
            raise SourceSyntaxError(f"an expression is expected {where}", tok.line, tok.column)
        try:
            program = lalr.parse(tokenize(text), get_tables(), self, Token("$END", "", len(text), 1, 1))
        except SourceSyntaxError as e:
            raise SourceSyntaxError(f"{e.message} ({where})", tok.line, tok.column) from None
        except lalr.UnexpectedToken as e:
            raise SourceSyntaxError(f"unexpected {str(e.token) or 'end'!r} {where}", tok.line, tok.column) from None
        statements = program.body
        if len(statements) != 1 or not isinstance(statements[0], A.ExprStatement):
            raise SourceSyntaxError(f"only an expression can be written {where}", tok.line, tok.column)
        return _moved(statements[0].expr, tok.line, tok.column)

    def number(self, items):
        return A.Literal(*_pos(items[0]), float(str(items[0])))

    def null(self, items):
        return A.Literal(*_pos(items[0]), None)

    def array_literal(self, items):
        return A.CollectionLiteral(*_pos(items), [x for x in items if isinstance(x, A.Node)])
