"""The abstract syntax tree: what a language's front end hands to the compiler.

Every node carries the 1-based line and column where it starts, so runtime errors and
diagnostics can point at the source.
"""
from __future__ import annotations



class Node:
    """Base node: subclasses list their fields in `_fields` (after line and col)."""

    __slots__ = ("line", "col")
    _fields: tuple[str, ...] = ()
    _bodies: tuple[str, ...] = ()   # block statements: the fields that hold lists of statements
    is_loop = False                 # `break` / `continue` inside belong to this statement

    def bodies(self):
        """The statement lists of a block statement (none for other nodes)."""
        for f in self._bodies:
            body = getattr(self, f)
            if body:
                yield body

    def __init__(self, line: int, col: int, *values):
        self.line, self.col = line, col
        fields = self._fields
        for i, name in enumerate(fields):
            setattr(self, name, values[i] if i < len(values) else None)

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


# ---------------------------------------------------------------- expressions
class Literal(Node):
    __slots__ = _fields = ('value',)


class LocalVar(Node):
    # name: as written, e.g. "$boxInfo" (lookups are case-insensitive)
    __slots__ = _fields = ('name',)


class ProcessVar(Node):
    # name: "OK", "Document", "WParea", "<>shared"
    __slots__ = _fields = ('name',)


class CommandCall(Node):
    # name: canonical registry name
    # args: None: called without parentheses
    __slots__ = _fields = ('name', 'args')


class ConstantRef(Node):
    __slots__ = _fields = ('name', 'value')


class MethodCall(Node):
    # name: a project method (a .4dm file beside the script)
    __slots__ = _fields = ('name', 'args')


class Star(Node):
    """The `*` argument some commands take (e.g. `JSON Stringify($o;*)`)."""
    __slots__ = _fields = ()


class ClassStore(Node):
    # name: "4D" or "cs"
    __slots__ = _fields = ('name',)


class Member(Node):
    __slots__ = _fields = ('target', 'name')


class MemberCall(Node):
    __slots__ = _fields = ('target', 'name', 'args')


class Index(Node):
    __slots__ = _fields = ('target', 'index')


class CharIndex(Node):
    __slots__ = _fields = ('target', 'index')


class Element(Node):
    """`$a{i}`: an element of an array (a row of a two-dimensional one)."""
    __slots__ = _fields = ('target', 'index')


class AddressOf(Node):
    """`->x`: a pointer to a variable, an array or an array element."""
    __slots__ = _fields = ('target',)


class Deref(Node):
    """`$p->`: what a pointer points to."""
    __slots__ = _fields = ('target',)


class SortOrder(Node):
    """`>` or `<` as a parameter (SORT ARRAY($a;>))."""
    __slots__ = _fields = ('ascending',)


class BinOp(Node):
    __slots__ = _fields = ('op', 'left', 'right')


class Not(Node):
    """Logical negation as an operator (WLanguage's `NOT`; 4D's is the command Not)."""
    __slots__ = _fields = ('operand',)


class Increment(Node):
    """`x++` / `++x` / `x--` / `--x` as an expression: delta +1 or -1; prefix: the value after."""
    __slots__ = _fields = ('target', 'delta', 'prefix')


class CharRange(Node):
    """Part of a text: `t[[start TO end]]` (start or end None: from the first / to the last
    character), or `t[[start ON count]]` (count set, end None). Positions are 1-based."""
    __slots__ = _fields = ('target', 'start', 'end', 'count')


class Negate(Node):
    __slots__ = _fields = ('operand',)


class Ternary(Node):
    __slots__ = _fields = ('condition', 'if_true', 'if_false')


class TryExpr(Node):
    __slots__ = _fields = ('expr',)


class ParamRef(Node):
    # `${index}`: the index-th parameter of the method
    __slots__ = _fields = ('index',)


class FieldRef(Node):
    # `[table]field` (field None: the table): the database, which fourmail does not have
    __slots__ = _fields = ('table', 'field')


class ObjectLiteral(Node):
    __slots__ = _fields = ('items',)


class CollectionLiteral(Node):
    __slots__ = _fields = ('items',)


class Formula(Node):
    """A formula object made from code (`Formula(expression)`): body is an expression, or an
    Assign / CompoundAssign; source is the code as written, for `.source`."""
    __slots__ = _fields = ('body', 'source')


class NewValue(Node):
    """A new value of one of the language's types (WLanguage's `x is Email` makes one):
    type is the name its namespace knows the type by; of: an array's element type (the declared
    type name, "Text", "Integer"..., or a type of the namespace), else None."""
    __slots__ = _fields = ('type', 'of')


class IndexCall(Node):
    """`target[index](args)`: the function stored in a property named by an expression."""
    __slots__ = _fields = ('target', 'index', 'args')


# ---------------------------------------------------------------- statements
class Assign(Node):
    __slots__ = _fields = ('target', 'value')


class CompoundAssign(Node):
    # op: "+", "-", "*", "/"
    __slots__ = _fields = ('target', 'op', 'value')


class ExprStatement(Node):
    __slots__ = _fields = ('expr',)


class VarDecl(Node):
    # names: LocalVar / ProcessVar
    # type: "Text", "Integer", "4D.SMTPTransporter", None = Variant
    __slots__ = _fields = ('names', 'type', 'init')


class Param(Node):
    __slots__ = _fields = ('name', 'type')


class Declare(Node):
    __slots__ = _fields = ('params', 'result_name', 'result_type', 'variadic')


class If(Node):
    __slots__ = _fields = ('condition', 'then', 'orelse')
    _bodies = ('then', 'orelse')


class CaseOf(Node):
    # branches: [(condition, statements)]
    __slots__ = _fields = ('branches', 'orelse')

    def bodies(self):
        for _, body in self.branches:
            yield body
        if self.orelse:
            yield self.orelse


class For(Node):
    __slots__ = _fields = ('counter', 'start', 'end', 'step', 'body')
    _bodies, is_loop = ('body',), True


class ForBoundEachTurn(For):
    """A For loop whose end is evaluated again before each turn (WLanguage's `FOR i = a TO b`)."""
    __slots__ = ()


class ForEach(Node):
    # keyword: the statement as the language spells it, for the runtime's messages
    # begin: 4D's first index; WLanguage's FOR EACH STRING gives its separator there
    __slots__ = _fields = ('item', 'source', 'begin', 'end', 'until', 'while_', 'body', 'keyword')
    _bodies, is_loop = ('body',), True


class While(Node):
    __slots__ = _fields = ('condition', 'body')
    _bodies, is_loop = ('body',), True


class Repeat(Node):
    __slots__ = _fields = ('body', 'until')
    _bodies, is_loop = ('body',), True


class TryBlock(Node):
    # orelse: what runs when the body raised nothing (WLanguage's `WHEN EXCEPTION IN ... ELSE`)
    __slots__ = _fields = ('body', 'handler', 'orelse')
    _bodies = ('body', 'handler', 'orelse')


class Labelled(Node):
    """A code with closing labels (WLanguage's `CASE ERROR:` / `CASE EXCEPTION:`): body runs; a
    non-fatal error of an Untested call goes to on_error, an exception to on_exception (None: the
    code has no such label); the code ends after the label's statements."""
    __slots__ = _fields = ('body', 'on_error', 'on_exception')
    _bodies = ('body', 'on_error', 'on_exception')


class Untested(Node):
    """A call (body: its statement) whose non-fatal error the code does not test: in a Labelled
    with on_error, such an error leaves the body for on_error."""
    __slots__ = _fields = ('body',)
    _bodies = ('body',)


class UseBlock(Node):
    """`Use (shared object or collection) ... End use`: the body runs with it in use.
    keyword: the statement as the language spells it, for the runtime's messages"""
    __slots__ = _fields = ('target', 'body', 'keyword')
    _bodies = ('body',)


class ForeignBlock(Node):
    """Code in another language inside the method (4D's `Begin SQL` ... `End SQL`)."""
    __slots__ = _fields = ('language', 'keyword', 'text')


class Return(Node):
    __slots__ = _fields = ('value',)


class Break(Node):
    __slots__ = _fields = ()


class Continue(Node):
    __slots__ = _fields = ()


class ThisRef(Node):
    __slots__ = _fields = ()


class SuperRef(Node):
    __slots__ = _fields = ('keyword',)


class SuperCall(Node):
    """`Super(...)`: the parent class's constructor, in a constructor."""
    __slots__ = _fields = ('args', 'keyword')


# ---------------------------------------------------------------- class files
class ClassExtends(Node):
    __slots__ = _fields = ('name',)


class ClassConstructor(Node):
    # modifiers: the words written before it, lower-cased: {"shared", "singleton", "session"}
    # variadic: the type of `...` ending the parameters ("Variant" when untyped), else None
    __slots__ = _fields = ('params', 'modifiers', 'variadic')


class FunctionDecl(Node):
    # accessor: "get" / "set" for a computed property `name`, else None
    __slots__ = _fields = ('name', 'params', 'result_name', 'result_type', 'modifiers', 'accessor', 'variadic')


class PropertyDecl(Node):
    __slots__ = _fields = ('names', 'type', 'init')


# ---------------------------------------------------------------- procedures (WLanguage)
class ProcedureParam(Node):
    """A procedure's parameter: type None is untyped (a Variant); default: the value of an optional
    one (`p = 5`), an expression, else None; local: True for `LOCAL p` (passed by value; without
    it a variable passed is passed by reference)."""
    __slots__ = _fields = ('name', 'type', 'default', 'local')


class ProcedureDecl(Node):
    """`PROCEDURE Name(params) : type` and its body, at the top level of a program: a method its
    code calls by name (MethodCall). params: ProcedureParam; result_type: the runtime's type name
    of the declared result, else None (RESULT / RETURN value still gives one)."""
    __slots__ = _fields = ('name', 'params', 'result_type', 'body')
    _bodies = ('body',)


CLASS_HEADERS = (ClassExtends, ClassConstructor, FunctionDecl, PropertyDecl)


class Program(Node):
    __slots__ = _fields = ('body', 'declare')
