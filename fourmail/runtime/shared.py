"""Shared objects and collections (shared.md): `New shared object`, `New shared collection`,
`Storage`, `Use ... End use`, shared groups, shared class instances.

A shared object is an ordinary object value (a dict; a shared collection, a list), so every read,
comparison, listing and stringification treats it as any object; what makes it shared is its entry
in SHARED, which the few places that write into an object or collection consult (ops.set_member,
ops.set_index, ops.call_member, OB SET). An entry holds the value itself, so its id stays its own;
entries that nothing else holds any more are swept from time to time.

Every shared object or collection belongs to one group: its own when created, the group of the
shared object it is first stored in afterwards (a "shared group"; Storage never groups what it
holds). `Use` puts a whole group in use by the running process; a write into a shared object or
collection whose group that process has not in use is 4D's error. A `Use` waits while another
process (runtime/processes.py: a thread) has the group in use.
"""
from __future__ import annotations

import sys
import threading
import weakref

from .errors import E, FourDError
from .values import ClassInstance, LazyObject, copy_value, type_name


class Group:
    """A shared group: how many `Use` hold it, how many objects and collections are in it."""

    __slots__ = ("uses", "size", "storage", "owner")

    def __init__(self, storage: bool = False):
        self.uses = 0
        self.size = 0
        self.storage = storage       # Storage: what it holds joins no group
        self.owner = None            # the thread of the process that has it in use


# Use ... End use between the processes of a run: a group is in use by one of them at a time.
_IN_USE = threading.Condition()


def _enter(group: Group) -> None:
    me = threading.get_ident()
    with _IN_USE:
        while group.owner is not None and group.owner != me:
            _IN_USE.wait(0.25)       # another process has it in use (a timeout: Ctrl-C is seen)
        group.owner = me
        group.uses += 1


CK_RESOLVE_POINTERS = 1   # `ck resolve pointers`: the copy holds the values pointed to
CK_SHARED = 2       # `ck shared`: OB Copy / collection.copy() make a shared copy

# id(value) -> (value, its group)
SHARED: dict[int, tuple[object, Group]] = {}
_SWEEP_FLOOR = 4096
_sweep_at = _SWEEP_FLOOR


def _register(v, group: Group) -> None:
    global _sweep_at
    SHARED[id(v)] = (v, group)
    group.size += 1
    if len(SHARED) >= _sweep_at:
        _sweep()
        _sweep_at = max(_SWEEP_FLOOR, 2 * len(SHARED))


def _sweep() -> None:
    """Forget the shared values only SHARED still holds (a shared object dropped by the program
    frees the shared values it held too: sweep again until nothing more goes)."""
    while True:
        # held by the entry's tuple, the loop variable and getrefcount's argument: nothing else
        dead = [k for k, (v, _) in SHARED.items() if sys.getrefcount(v) <= 3]
        if not dead:
            return
        for k in dead:
            SHARED.pop(k)[1].size -= 1


def _what(v) -> str:
    return "collection" if type(v) is list else "object"


def body(v):
    """The dict or list that holds `v`'s data (a user class instance keeps its properties in
    `props`), or None for values that are neither."""
    t = type(v)
    if t is dict or t is LazyObject or t is list:
        return v
    if isinstance(v, ClassInstance):
        props = getattr(v, "props", None)
        return props if type(props) is dict else None      # UserObject.props: a plain dict it made
    return None


def is_shared(v) -> bool:
    b = body(v)
    if b is not None:
        return id(b) in SHARED
    return bool(getattr(v, "IS_SHARED", False))       # a class object is a shared object (classes.md)


def group_of(v) -> Group | None:
    b = body(v)
    entry = SHARED.get(id(b)) if b is not None else None
    return entry[1] if entry else None


# ---------------------------------------------------------------- making shared values
def share(v, group: Group | None = None):
    """Register the dict or list `v` as shared, in `group` (a new one by default)."""
    _register(v, group or Group())
    return v


def share_tree(v, group: Group | None = None):
    """`v` and the objects and collections it holds, all shared in one group (`OB Copy(...; ck
    shared)`, a shared class's property initial values). `v` must not be shared already."""
    group = group or Group()
    stack = [v]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is dict or t is LazyObject:
            if id(x) not in SHARED:
                _register(x, group)
                stack.extend(x.values())
        elif t is list:
            if id(x) not in SHARED:
                _register(x, group)
                stack.extend(x)
    return v


def copy_with_options(rt, value, option, group_with, name: str):
    """OB Copy / collection.copy() with their `option {; groupWith}`: ck resolve pointers, ck shared."""
    flags = int(option) if type(option) in (float, int) else 0
    resolve = (lambda p: p.get(rt)) if flags & CK_RESOLVE_POINTERS else None
    return shared_copy(copy_value(value, resolve), option, group_with, name)


def shared_copy(copy, option, group_with, name: str):
    """`copy` made shared when `option` has `ck shared`, in the group of `group_with` when given
    (OB Copy and collection.copy(): "option {; groupWith}")."""
    if type(option) not in (float, int) or not int(option) & CK_SHARED:
        return copy
    group = None
    if group_with is not None:
        group = group_of(group_with)
        if group is None:
            raise FourDError(E.NOT_SHARED, name=name, what=type_name(group_with))
    return share_tree(copy, group)


def new_shared_object(items: dict) -> dict:
    o = share({})
    group = SHARED[id(o)][1]
    for k, v in items.items():
        o[k] = adopt(group, v)
    return o


def new_shared_collection(values: list) -> list:
    c = share([])
    group = SHARED[id(c)][1]
    c.extend(adopt(group, v) for v in values)
    return c


def adopt(group: Group, value):
    """`value` about to be stored in a shared object or collection of `group`: a scalar, or a
    shared object or collection, which joins the group (shared.md "shared groups")."""
    b = body(value)
    if b is None:
        return value
    entry = SHARED.get(id(b))
    if entry is None:
        what = f"this {type_name(value).casefold()}" if body(value) is value else "this class instance"
        raise FourDError(E.SHARED_VALUE, what=what)
    own = entry[1]
    if own is group or group.storage:
        return value
    if own.size == 1 and not own.storage:          # alone in its group so far: it joins this one
        own.size = 0
        group.size += 1
        SHARED[id(b)] = (b, group)
        return value
    raise FourDError(E.SHARED_GROUP, what=_what(b))


def guard(o, value):
    """A write into the shared `o` (known to be in SHARED): allowed while its group is in use;
    returns the value to store."""
    group = SHARED[id(o)][1]
    if group.owner != threading.get_ident():
        raise FourDError(E.SHARED_NOT_IN_USE, what=_what(o))
    return adopt(group, value)


def check_write(o) -> Group | None:
    """A write into `o` (any object or collection): 4D's error when it is shared and not in use."""
    entry = SHARED.get(id(o))
    if entry is None:
        return None
    if entry[1].owner != threading.get_ident():
        raise FourDError(E.SHARED_NOT_IN_USE, what=_what(o))
    return entry[1]


# ---------------------------------------------------------------- Use ... End use
def use(v, statement: str) -> Group:
    """`statement`: the block as the language spells it, for the error."""
    group = group_of(v)
    if group is None:
        raise FourDError(E.NOT_SHARED, name=statement, what=f"a non-shared {type_name(v)}"
                         if body(v) is not None else type_name(v))
    _enter(group)
    return group


def hold(v) -> Group:
    """The implicit Use of a shared class's constructor and shared functions (`v` is shared)."""
    group = group_of(v)
    _enter(group)
    return group


def end_use(group: Group | None) -> None:
    if group is not None:
        with _IN_USE:
            group.uses -= 1
            if not group.uses:
                group.owner = None
                _IN_USE.notify_all()


# Collection functions that store their arguments: which of them (shared.md: they "internally
# trigger Use", and what they store must be shared like any element).
_STORING = {"push": slice(None), "unshift": slice(None), "insert": slice(1, 2), "fill": slice(0, 1),
            "resize": slice(1, 2)}


def call_collection(rt, c: list, name: str, args: list, call):
    """A member function of the shared collection `c`, run with it in use."""
    group = SHARED[id(c)][1]
    stored = _STORING.get(name)
    if stored is not None:
        args = list(args)
        args[stored] = [adopt(group, a) for a in args[stored]]
    _enter(group)
    try:
        return call(rt, c, name, args)
    finally:
        end_use(group)


# ---------------------------------------------------------------- Storage
_STORAGE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def storage(rt) -> dict:
    """The run's Storage object: one for all the processes of the run (its application)."""
    s = _STORAGE.get(rt.application)
    if s is None:
        s = _STORAGE[rt.application] = share({}, Group(storage=True))
    return s
