"""The class stores `4D` and `cs` (classes.md): `4D.SMTPTransporter.new($options)`, and the components'
stores in `cs` (`cs.NetKit.OAuth2Provider.new($param)`)."""
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


# The classes components offer in `cs` (`cs.NetKit.OAuth2Provider`, 4D NetKit's): component ->
# class name -> the same kind of resolver as BUILTIN_CLASSES. The command registry fills it too.
COMPONENT_CLASSES: dict[str, dict[str, Callable[[], Callable] | None]] = {}


def register_component_class(component: str, name: str, resolve: Callable[[], Callable] | None) -> None:
    COMPONENT_CLASSES.setdefault(component, {})[name] = resolve


def _casefold_get(table: dict, name: str):
    return next(((k, v) for k, v in table.items() if k.casefold() == name.casefold()), None)


class ComponentStore(ClassInstance):
    """A component's class store, e.g. `cs.NetKit`: its classes' `new()` make instances."""

    CLASS_NAME = "ClassStore"

    def __init__(self, component: str):
        self.component = component

    def get_property(self, name: str):
        found = _casefold_get(COMPONENT_CLASSES.get(self.component, {}), name)
        return UNDEFINED if found is None else Class4D(f"cs.{self.component}", *found)

    def _properties(self) -> dict:
        return {n: Class4D(f"cs.{self.component}", n, f) for n, f in COMPONENT_CLASSES.get(self.component, {}).items()}

    def __repr__(self):
        return f"<class store cs.{self.component}>"


from .userclasses import ClassStoreCS as _UserClassStore  # noqa: E402


class ClassStoreCS(_UserClassStore):
    """`cs`: the user classes (Classes/*.4dm) and the components' stores; a user class of the same
    name as a component wins, as the host project's own names do."""

    def get_property(self, name: str):
        found = _casefold_get(COMPONENT_CLASSES, name)
        if found is not None and name.casefold() not in self.files():
            return ComponentStore(found[0])
        return super().get_property(name)

    def _properties(self) -> dict:
        return {**{c: ComponentStore(c) for c in COMPONENT_CLASSES}, **super()._properties()}
