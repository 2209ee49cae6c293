"""A class file (Classes/NAME.4dm) as its members: `Class extends`, `property` declarations, the
`Class constructor` and the `Function`s, each header's body running to the next header.

The grammar parses a class file as one statement list in which the headers are statements;
this module cuts that list at the headers. Code before the first constructor or function, or a
header nested in a block, is a syntax error, as in 4D's class editor.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import ast as A
from .words import spelled
from ..errors import SourceSyntaxError


@dataclass
class ClassMember:
    """The constructor or a function: a method with its parameters, run with `This` set."""
    name: str                        # "constructor" for the constructor
    program: A.Program


@dataclass
class ClassDef:
    name: str
    extends: str | None = None
    constructor: ClassMember | None = None
    functions: dict[str, ClassMember] = field(default_factory=dict)
    properties: list[A.PropertyDecl] = field(default_factory=list)
    # `shared Class constructor`: its instances are shared objects (classes.md "Shared classes")
    shared: bool = False
    # `singleton` / `shared singleton` / `session singleton Class constructor`: "process", "shared",
    # "session"; None for an ordinary class
    singleton: str | None = None
    # the functions declared `shared` (run with This in use)
    shared_functions: set[str] = field(default_factory=set)

    @property
    def extends_clause(self) -> str:
        """The parent-class line as messages name it."""
        return f"`{spelled('CLASS_EXTENDS')}`"


def split_class(program: A.Program, name: str, filename: str, source: str) -> ClassDef:
    cls = ClassDef(name)
    current: tuple[A.Node, list] | None = None
    members: list[tuple[A.Node, list]] = []

    def fail(message: str, node: A.Node):
        e = SourceSyntaxError(message, node.line, node.col)
        e.filename, e.source = filename, source
        raise e

    for stmt in program.body:
        if isinstance(stmt, (A.ClassConstructor, A.FunctionDecl)):
            current = (stmt, [])
            members.append(current)
        elif isinstance(stmt, A.ClassExtends):
            if members or cls.extends:          # `property` lines may come before it
                fail(f"`{spelled('CLASS_EXTENDS')}` must be the first line of the class", stmt)
            cls.extends = stmt.name
        elif isinstance(stmt, A.PropertyDecl):       # class level, wherever it is written
            cls.properties.append(stmt)
        elif current is None:
            fail(f"code outside a function: a class file holds `{spelled('CLASS_EXTENDS')}`, "
                 f"`{spelled('PROPERTY')}`, `{spelled('CLASS_CONSTRUCTOR')}` and `{spelled('FUNCTION')}` "
                 "declarations, each followed by its code", stmt)
        else:
            current[1].append(stmt)
    for header, body in members:
        declare = A.Declare(header.line, header.col, header.params,
                            getattr(header, "result_name", None), getattr(header, "result_type", None),
                            header.variadic)
        program_ = A.Program(header.line, header.col, body, declare)
        if isinstance(header, A.ClassConstructor):
            if cls.constructor is not None:
                fail(f"a class has one `{spelled('CLASS_CONSTRUCTOR')}`", header)
            cls.constructor = ClassMember("constructor", program_)
            modifiers = header.modifiers or frozenset()
            cls.shared = "shared" in modifiers or "session" in modifiers    # a session singleton is shared
            if "singleton" in modifiers:
                cls.singleton = "session" if "session" in modifiers else "shared" if cls.shared else "process"
        else:
            # A computed property's accessors are kept as "get NAME" / "set NAME": a function
            # name has no blank, so they cannot clash with one (the runtime reads them so).
            key = f"{header.accessor} {header.name}" if header.accessor else header.name
            if key in cls.functions:
                fail(f"the function {key} is declared twice", header)
            cls.functions[key] = ClassMember(key, program_)
            if "shared" in (header.modifiers or ()):
                cls.shared_functions.add(key)
    return cls
