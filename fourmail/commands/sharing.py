"""Shared objects and collections (shared.md): New shared object, New shared collection, Storage,
OB Is shared. The rules themselves (groups, Use) are runtime/shared.py's."""
from __future__ import annotations

from ..runtime import shared
from ..runtime.conversions import store_value
from ..runtime.errors import E, FourDError
from ..runtime.values import UNDEFINED, type_name


def new_shared_object(rt, *args):
    """New shared object {( property ; value {; ...} )}: values are scalars or shared."""
    if len(args) % 2:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name="New shared object",
                         detail="properties and values must be passed in pairs")
    items = {}
    for i in range(0, len(args), 2):
        name = args[i]
        if type(name) is not str:
            raise FourDError(E.BAD_PARAMETER, name="New shared object",
                             detail=f"a property name must be a Text, got {type_name(name)}")
        if args[i + 1] is not UNDEFINED:
            items[name] = store_value(args[i + 1])
    return shared.new_shared_object(items)


def new_shared_collection(rt, *args):
    """New shared collection {( value {; ...} )}; Undefined is stored as null."""
    return shared.new_shared_collection([None if v is UNDEFINED else store_value(v) for v in args])


def storage(rt):
    return shared.storage(rt)


def ob_is_shared(rt, v):
    """True for a shared object or collection (and a class object, which is shared)."""
    return shared.is_shared(v)
