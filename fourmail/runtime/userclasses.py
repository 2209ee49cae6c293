"""User classes, the `cs` class store (classes.md): `cs.IMAPListener.new()` with the class written
in Classes/IMAPListener.4dm, as 4D keeps it in Project/Sources/Classes.

A class file declares a parent class, properties, a constructor and functions (the language's
front end reads it); each constructor and function compiles like a project method and runs
with `This` set to the instance. An instance is an object: its properties read, write, list and
stringify as an object's do; its functions are the class's and its ancestors'.
"""
from __future__ import annotations

from pathlib import Path

from .errors import E, FourDError
from .values import UNDEFINED, ClassInstance

_MAX_DEPTH = 32                 # chains of parent classes longer than this are a cycle


class UserClass(ClassInstance):
    """`cs.Name`: its `new()` makes instances; `name` and `superclass` read as in 4D."""

    CLASS_NAME = "Class"

    def __init__(self, name: str, superclass: "UserClass | None", constructor, functions: dict, initializer):
        self.name, self.superclass = name, superclass
        self.constructor = constructor          # CompiledMethod or None
        self.functions = functions              # function name -> CompiledMethod
        self.initializer = initializer          # `property x := value` initial values, or None

    def _properties(self) -> dict:
        return {"name": self.name, "superclass": self.superclass}

    def fn_new(self, rt, *args):
        obj = UserObject(self)
        chain = []
        c = self
        while c is not None:
            chain.append(c)
            c = c.superclass
        for c in reversed(chain):              # ancestors' property initial values first
            if c.initializer is not None:
                rt.run_class_member(c, c.initializer, obj, [])
        self.construct(rt, obj, list(args))
        return obj

    def construct(self, rt, obj: "UserObject", args: list) -> None:
        """Run this class's constructor on `obj`; a class without one runs its parent's."""
        c = self
        while c is not None and c.constructor is None:
            c = c.superclass
        if c is not None:
            rt.run_class_member(c, c.constructor, obj, args)

    def is_or_extends(self, name: str) -> bool:
        """Is this class `name`, or does it extend it (at any depth)? Names ignore case."""
        c, wanted = self, name.casefold()
        while c is not None and c.name.casefold() != wanted:
            c = c.superclass
        return c is not None

    def find(self, name: str):
        """(class defining it, method) for the function `name`, looking up the ancestors."""
        c = self
        while c is not None:
            method = c.functions.get(name)
            if method is None:                  # names are matched exactly first, then ignoring case
                method = next((m for n, m in c.functions.items() if n.casefold() == name.casefold()), None)
            if method is not None:
                return c, method
            c = c.superclass
        return None

    def __repr__(self) -> str:
        return f"<class cs.{self.name}>"


class UserObject(ClassInstance):
    """An instance of a user class: an object whose functions come from its class."""

    READONLY = False

    def __init__(self, cls: UserClass):
        self.cls = cls
        self.props: dict = {}

    @property
    def CLASS_NAME(self) -> str:               # noqa: N802 (the ClassInstance attribute)
        return self.cls.name

    def _properties(self) -> dict:
        return self.props

    def get_property(self, name: str):
        return self.props.get(name, UNDEFINED)

    def set_property(self, rt, name: str, value) -> None:
        from .ops import set_member
        set_member(rt, self.props, name, value)

    def remove_property(self, rt, name: str) -> None:
        self.props.pop(name, None)

    def has_function(self, name: str) -> bool:
        return self.cls.find(name) is not None

    def call_function(self, rt, name: str, args: list):
        found = self.cls.find(name)
        if found is None:
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls=f"cs.{self.cls.name}")
        owner, method = found
        return rt.run_class_member(owner, method, self, list(args))

    def function_names(self) -> list[str]:
        names, c = set(), self.cls
        while c is not None:
            names.update(c.functions)
            c = c.superclass
        return sorted(names)

    def __repr__(self) -> str:
        return f"<cs.{self.cls.name}>"


class ClassStoreCS(ClassInstance):
    """`cs`: the classes of Classes/*.4dm in the project folder, loaded on first use."""

    CLASS_NAME = "ClassStore"

    def __init__(self, rt=None):
        self.rt = rt
        self._files: dict[str, Path] | None = None
        self._classes: dict[str, UserClass] = {}
        self._loading: list[str] = []

    def files(self) -> dict[str, Path]:
        if self._files is None:
            folder = (self.rt.project_dir if self.rt is not None else Path.cwd()) / "Classes"
            self._files = {f.stem.casefold(): f for f in sorted(folder.glob("*.4dm"))} if folder.is_dir() else {}
        return self._files

    def get_property(self, name: str):
        return self.load(name)

    def _properties(self) -> dict:
        return {path.stem: self.load(path.stem) for path in self.files().values()}

    def load(self, name: str) -> UserClass:
        if self.rt is not None:
            with self.rt.application.lock:     # the processes of a run share the store
                return self._load(name)
        return self._load(name)

    def _load(self, name: str) -> UserClass:
        key = name.casefold()
        cls = self._classes.get(key)
        if cls is not None:
            return cls
        path = self.files().get(key)
        if path is None:
            raise FourDError(E.UNDEFINED_CLASS, name=f"cs.{name}")
        self._loading.append(key)
        try:
            cls = self._compile(path)
        finally:
            self._loading.pop()
        self._classes[key] = cls
        return cls

    def _compile(self, path: Path) -> UserClass:
        source = self.rt.source_loader().read_class(self.rt, path)
        if source.extends and (source.extends.casefold() in self._loading or len(self._loading) > _MAX_DEPTH):
            parent = self.files().get(source.extends.casefold())
            raise FourDError(E.CLASS_FILE, name=f"cs.{parent.stem if parent else source.extends}",
                             detail=f"its {source.extends_clause} chain comes back to itself")
        superclass = self.load(source.extends) if source.extends else None
        constructor, functions, initializer = source.compile()
        return UserClass(path.stem, superclass, constructor, functions, initializer)
