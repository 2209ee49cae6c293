"""User classes, the `cs` class store (classes.md): `cs.IMAPListener.new()` with the class written
in Classes/IMAPListener.4dm, as 4D keeps it in Project/Sources/Classes.

A class file declares a parent class, properties, a constructor and functions (the language's
front end reads it); each constructor and function compiles like a project method and runs
with `This` set to the instance. An instance is an object: its properties read, write, list and
stringify as an object's do; its functions are the class's and its ancestors'.
"""
from __future__ import annotations

from pathlib import Path

from . import shared
from .errors import E, FourDError
from .functions import Formula
from .values import UNDEFINED, ClassInstance

_MAX_DEPTH = 32                 # chains of parent classes longer than this are a cycle


class UserClass(ClassInstance):
    """`cs.Name`: its `new()` makes instances; `name` and `superclass` read as in 4D."""

    CLASS_NAME = "Class"
    IS_SHARED = True                            # a class object is a shared object (classes.md)

    def __init__(self, name: str, superclass: "UserClass | None", constructor, functions: dict, initializer,
                 rt=None, shared_: bool = False, singleton: str | None = None, shared_functions=frozenset()):
        self.name, self.superclass = name, superclass
        self.constructor = constructor          # CompiledMethod or None
        # function name -> CompiledMethod; a computed property's accessors are "get NAME" / "set NAME"
        # (the front end's ClassDef.functions keys), kept apart in `accessors`
        self.functions = {k: m for k, m in functions.items() if " " not in k}
        self.accessors = {tuple(k.split(" ", 1)): m for k, m in functions.items() if " " in k}
        self.initializer = initializer          # `property x := value` initial values, or None
        self.rt = rt
        self.shared = shared_                   # `shared Class constructor`: instances are shared
        self.singleton = singleton              # "process", "shared", "session" or None
        self.shared_functions = frozenset(shared_functions)   # run with This in use
        self.instances: dict = {}               # the singleton, once made: by process for "process"

    def _singleton_owner(self):
        """Whose singleton: one per process for a plain singleton, one per run for a shared or
        session one (classes.md "Singleton classes")."""
        if self.singleton != "process" or self.rt is None:
            return None
        return self.rt.application.current()

    def _properties(self) -> dict:
        return {"name": self.name, "superclass": self.superclass, "isShared": self.shared,
                "isSingleton": self.singleton is not None, "isSessionSingleton": self.singleton == "session"}

    def get_property(self, name: str):
        if name == "me":
            if self.singleton is None:
                return UNDEFINED
            owner = self._singleton_owner()
            if owner not in self.instances:
                self.fn_new(owner.rt if owner is not None else self.rt)
            return self.instances[owner]
        return self._properties().get(name, UNDEFINED)

    def fn_new(self, rt, *args):
        obj = UserObject(self, rt)
        chain = []
        c = self
        while c is not None:
            chain.append(c)
            c = c.superclass
        for c in reversed(chain):              # ancestors' property initial values first
            if c.initializer is not None:
                rt.run_class_member(c, c.initializer, obj, [])
        if self.shared:
            # its initial objects and collections become shared with it (classes.md "property")
            shared.share_tree(obj.props)
            group = shared.hold(obj)            # the constructor runs with This in use
            try:
                self.construct(rt, obj, list(args))
            finally:
                shared.end_use(group)
        else:
            self.construct(rt, obj, list(args))
        if self.singleton is not None:
            self.instances.setdefault(self._singleton_owner(), obj)
        return obj

    def construct(self, rt, obj: "UserObject", args: list) -> None:
        """Run this class's constructor on `obj`; a class without one runs its parent's."""
        c = self
        while c is not None and c.constructor is None:
            c = c.superclass
        if c is not None:
            rt.run_class_member(c, c.constructor, obj, args)

    def accessor(self, kind: str, name: str):
        """(class defining it, method) for the computed property `name`'s "get" or "set"."""
        c = self
        while c is not None:
            method = c.accessors.get((kind, name))
            if method is not None:
                return c, method
            c = c.superclass
        return None

    def has_accessor(self, name: str) -> bool:
        return self.accessor("get", name) is not None or self.accessor("set", name) is not None

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

    def user_class(self):
        return self.cls

    def __init__(self, cls: UserClass, rt=None):
        self.cls = cls
        self.rt = rt                            # runs its computed properties' accessors
        self.props: dict = {}

    @property
    def CLASS_NAME(self) -> str:               # noqa: N802 (the ClassInstance attribute)
        return self.cls.name

    def _properties(self) -> dict:
        return self.props

    def get_property(self, name: str):
        cls = self.cls
        if cls.accessors or cls.superclass is not None:
            found = cls.accessor("get", name)
            if found is not None:
                return self._run(self.rt, found[0], found[1], [])
            if cls.has_accessor(name):          # a `Function set` alone: reads are Undefined
                return UNDEFINED
        return self.props.get(name, UNDEFINED)

    def set_property(self, rt, name: str, value) -> None:
        from .ops import set_member
        cls = self.cls
        if cls.accessors or cls.superclass is not None:
            found = cls.accessor("set", name)
            if found is not None:
                self._run(rt, found[0], found[1], [value])
                return
            if cls.has_accessor(name):          # a `Function get` alone: read-only
                raise FourDError(E.READONLY_PROPERTY, name=name, cls=f"cs.{cls.name}")
        set_member(rt, self.props, name, value)

    def remove_property(self, rt, name: str) -> None:
        self.props.pop(name, None)

    def has_function(self, name: str) -> bool:
        return self.cls.find(name) is not None

    def call_function(self, rt, name: str, args: list):
        found = self.cls.find(name)
        if found is None:
            f = self.props.get(name)
            if type(f) is Formula:             # a formula in a property: This is the instance
                return f.run(rt, self, list(args))
            raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls=f"cs.{self.cls.name}")
        return self._run(rt, found[0], found[1], list(args))

    def _run(self, rt, owner: UserClass, method, args: list):
        """`owner`'s function or accessor on this instance; one declared `shared` runs with This
        in use (classes.md "Shared functions"; in a class that is not shared it is ignored)."""
        if method.name.rpartition(".")[2] in owner.shared_functions and shared.is_shared(self):
            group = shared.hold(self)
            try:
                return rt.run_class_member(owner, method, self, args)
            finally:
                shared.end_use(group)
        return rt.run_class_member(owner, method, self, args)

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
        d = source.definition
        return UserClass(path.stem, superclass, constructor, functions, initializer, self.rt,
                         getattr(d, "shared", False), getattr(d, "singleton", None),
                         getattr(d, "shared_functions", ()))
