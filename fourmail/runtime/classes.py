"""The class stores `4D` and `cs` (classes.md): `4D.SMTPTransporter.new($options)`."""
from __future__ import annotations

from typing import Callable

from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance, check_arity

# The classes of the `4D` store: name -> a function giving the callable that makes an instance
# from `new()`'s arguments (None: the class is known but not available; the 4D error says so).
# The command registry fills it (commands/table.py lists the classes beside the commands): the
# runtime knows no implementation of its own.
BUILTIN_CLASSES: dict[str, Callable[[], Callable] | None] = {}


def register_builtin_class(name: str, resolve: Callable[[], Callable] | None) -> None:
    BUILTIN_CLASSES[name] = resolve


class Class4D(ClassInstance):
    """A class object, e.g. `4D.SMTPTransporter`: its `new()` makes instances."""

    CLASS_NAME = "Class"

    def __init__(self, store: str, name: str, factory: Callable[[], Callable] | None):
        self.store, self.name, self.factory = store, name, factory

    def _properties(self) -> dict:
        return {"name": self.name}

    def fn_new(self, rt, *args):
        if self.factory is None:
            raise FourDError(E.NOT_IMPLEMENTED, name=f"{self.store}.{self.name}.new()",
                             detail="this class is not implemented yet")
        factory = self.factory()
        check_arity(f"{self.store}.{self.name}.new()", factory, len(args))
        return factory(rt, *args)

    def __repr__(self):
        return f"<class {self.store}.{self.name}>"


class ClassStore4D(ClassInstance):
    CLASS_NAME = "ClassStore"

    def get_property(self, name: str):
        for cname, factory in BUILTIN_CLASSES.items():
            if cname.lower() == name.lower():   # class names resolve case-insensitively in 4D
                return Class4D("4D", cname, factory)
        return UNDEFINED

    def _properties(self) -> dict:
        return {n: Class4D("4D", n, f) for n, f in BUILTIN_CLASSES.items()}


from .userclasses import ClassStoreCS  # noqa: E402,F401  (the `cs` store: user classes)
