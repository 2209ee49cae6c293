"""Arrays (arrays.md and the commands of the "Arrays" theme): declarations, size, insert, delete,
search, sort, and the copies between arrays and collections.

An array is a runtime.values.Array; element 0 is element zero. The declarations, APPEND TO ARRAY,
CLEAR VARIABLE and COPY ARRAY are given the variable's current value and return what the
variable holds afterwards (the compiler writes it back: codegen._WRITEBACK); the other commands
change the array they are given in place, as a pointer to it would.
"""
from __future__ import annotations

from ..runtime import ops
from ..runtime.conversions import number_to_text, store_value
from ..runtime.errors import E, FourDError
from ..runtime.types import ARRAY_KINDS, coerce_element, element_default
from ..runtime.values import (UNDEFINED, Array, ClassInstance, Date, LazyObject, Pointer, SortOrder, Time,
                              is_object, to_longint, type_name)


def _array(a, command: str) -> Array:
    if type(a) is not Array:
        raise FourDError(E.BAD_PARAMETER, name=command, detail=f"an array was expected, got {_what(a)}")
    return a


def _what(v) -> str:
    return "an undefined variable" if v is UNDEFINED else "a " + type_name(v)


def _blank(kind: str, n: int, columns: int | None = None) -> list:
    """n elements (and element zero) of a `kind` array; rows of `columns` for a 2D array."""
    if columns is None:
        return [element_default(kind) for _ in range(n + 1)]
    return [Array(kind, _blank(kind, columns)) for _ in range(n + 1)]


def _resize(a: Array, n: int, columns: int | None = None) -> None:
    """Existing elements are kept, new ones get the default value, the last ones are lost
    (array-text.md "While applying ARRAY TEXT to an existing array")."""
    items = a.items
    if n + 1 < len(items):
        del items[n + 1:]
    else:
        items.extend(_blank(a.kind, n - len(items), columns))
    if columns is not None:
        for row in items:
            _resize(row, columns)


def _declaration(kind: str):
    def declare(rt, current, size, size2=UNDEFINED):
        n = max(to_longint(ops.number(size, f"ARRAY {kind}")), 0)
        m = None if size2 is UNDEFINED else max(to_longint(ops.number(size2, f"ARRAY {kind}")), 0)
        if type(current) is Array:
            if current.kind == kind and current.rows == (m is not None):
                _resize(current, n, m)
                return current
            # another type: the same array (pointers to it stay valid), retyped and emptied
            current.kind, current.rows, current.items, current.selected = kind, m is not None, _blank(kind, n, m), 0
            return current
        return Array(kind, _blank(kind, n, m), m is not None)
    declare.__name__ = "array_" + kind.lower()
    return declare


for _kind in ARRAY_KINDS:
    globals()["array_" + _kind.lower()] = _declaration(_kind)
del _kind


def size_of_array(rt, a):
    """Size of array: the number of elements (of rows, for a 2D array), element zero aside."""
    return _array(a, "Size of array").size()


def _where(a: Array, where, command: str) -> int:
    i = to_longint(ops.number(where, command))
    if i < 0:
        raise FourDError(E.BAD_PARAMETER, name=command, detail=f"element {i} does not exist")
    return i


def _new_rows(a: Array, count: int) -> list:
    if a.rows:
        return [Array(a.kind, _blank(a.kind, 0)) for _ in range(count)]
    return [element_default(a.kind) for _ in range(count)]


def insert_in_array(rt, a, where, how_many=1.0):
    """INSERT IN ARRAY: `how_many` new elements before `where`; past the end they are added
    at the end."""
    a = _array(a, "INSERT IN ARRAY")
    i = min(max(_where(a, where, "INSERT IN ARRAY"), 1), len(a.items))
    n = to_longint(ops.number(how_many, "INSERT IN ARRAY"))
    if n > 0:
        a.items[i:i] = _new_rows(a, n)


def delete_from_array(rt, a, where, how_many=1.0):
    """DELETE FROM ARRAY: `how_many` elements from `where` (fewer when the end comes first)."""
    a = _array(a, "DELETE FROM ARRAY")
    i = _where(a, where, "DELETE FROM ARRAY")
    n = to_longint(ops.number(how_many, "DELETE FROM ARRAY"))
    if i >= 1 and n > 0:
        del a.items[i:i + n]


def _kind_of(value) -> str:
    """The array APPEND TO ARRAY makes for a value when the variable is not an array yet."""
    t = type(value)
    if t is str:
        return "TEXT"
    if t is bool:
        return "BOOLEAN"
    if t is float or t is int:
        return "REAL"
    if t is Date:
        return "DATE"
    if t is Time:
        return "TIME"
    if t is bytes or t is bytearray:
        return "BLOB"
    if isinstance(value, Pointer):
        return "POINTER"
    if value is None or t is dict or t is LazyObject or isinstance(value, ClassInstance):
        return "OBJECT"
    raise FourDError(E.BAD_PARAMETER, name="APPEND TO ARRAY", detail=f"a {type_name(value)} cannot be an array element")


def append_to_array(rt, a, value):
    """APPEND TO ARRAY: one element at the end; "in interpreted mode, if the array does not
    exist, the command creates it" with the value's type (append-to-array.md)."""
    if a is UNDEFINED:
        a = Array(_kind_of(value), _blank(_kind_of(value), 0))
    a = _array(a, "APPEND TO ARRAY")
    if a.rows:
        raise FourDError(E.BAD_PARAMETER, name="APPEND TO ARRAY", detail="a two-dimensional array takes rows: "
                         "use INSERT IN ARRAY")
    a.items.append(coerce_element(a.kind, value, "APPEND TO ARRAY"))
    return a


def clear_variable(rt, v):
    """CLEAR VARIABLE: an array loses its elements; any other variable gets its type's default
    value (the compiler's typed assignment of Undefined)."""
    if type(v) is Array:
        v.items[:] = _blank(v.kind, 0, 0 if v.rows else None)
        v.selected = 0
        return v
    return UNDEFINED


def copy_array(rt, source, destination):
    """COPY ARRAY: the destination becomes a copy of the source (its type and elements)."""
    source = _array(source, "COPY ARRAY")
    items = [Array(r.kind, list(r.items)) for r in source.items] if source.rows else list(source.items)
    if type(destination) is Array:
        destination.kind, destination.rows, destination.items = source.kind, source.rows, items
        destination.selected = source.selected
        return destination
    return Array(source.kind, items, source.rows)


# ---------------------------------------------------------------- searching
def _matcher(rt, value):
    """Find in array's match: the `=` operator's rules with the process's collation
    (find-in-array.md), references for objects; a value of another type never matches."""
    eq = rt.compare.eq

    def same(element) -> bool:
        try:
            return eq(element, value)
        except FourDError:
            return False
    return same


def _start(start, command: str) -> int:
    return 1 if start is UNDEFINED else max(to_longint(ops.number(start, command)), 1)


def find_in_array(rt, a, value, start=UNDEFINED):
    """Find in array: the number of the first element from `start` that matches, else -1."""
    a = _array(a, "Find in array")
    items, same = a.items, _matcher(rt, value)
    for i in range(_start(start, "Find in array"), len(items)):
        if same(items[i]):
            return i
    return -1


def count_in_array(rt, a, value):
    """Count in array: how many elements match `value`."""
    a = _array(a, "Count in array")
    same = _matcher(rt, value)
    return sum(1 for x in a.items[1:] if same(x))


def _order(o, command: str) -> bool:
    if type(o) is not SortOrder:
        raise FourDError(E.BAD_PARAMETER, name=command, detail="> or < was expected")
    return o.ascending


def find_in_sorted_array(rt, a, value, order, pos_first=None, pos_last=None):
    """Find in sorted array: binary search of an array sorted in `order`; True when found.
    posFirst/posLast receive the first and last matching elements, or, when none matches,
    where the value would be inserted (both the same)."""
    a = _array(a, "Find in sorted array")
    ascending = _order(order, "Find in sorted array")
    key = _sort_key(rt, a)
    k = key(value)
    items = a.items
    lo, hi = 1, len(items)
    while lo < hi:                       # first element not before the value
        mid = (lo + hi) // 2
        km = key(items[mid])
        if (km < k) if ascending else (km > k):
            lo = mid + 1
        else:
            hi = mid
    first = lo
    last = first
    while last < len(items) and key(items[last]) == k:
        last += 1
    found = last > first
    for p, v in ((pos_first, first), (pos_last, last - 1 if found else first)):
        if p is not None:
            p.set(rt, v)
    return found


# ---------------------------------------------------------------- sorting
def _sort_key(rt, a: Array):
    """Elements in 4D's order: texts by the process's collation, numbers, dates, times,
    booleans (False first)."""
    if a.rows:
        raise FourDError(E.BAD_PARAMETER, name="SORT ARRAY", detail="a two-dimensional array cannot be sorted")
    vtype = ARRAY_KINDS[a.kind][0]
    if vtype == "Text":
        return rt.collation.key
    if vtype in ("Integer", "Real", "Boolean"):
        return lambda v: v
    if vtype == "Date":
        return lambda v: v.ordinal()
    if vtype == "Time":
        return lambda v: v.seconds
    raise FourDError(E.BAD_PARAMETER, name="SORT ARRAY", detail=f"a {type_name(a)} cannot be sorted")


def _permutation(rt, keys: list[tuple[Array, bool]]) -> list[int]:
    """The order of elements 1..n sorting by each (array, ascending) in turn (stable)."""
    n = keys[0][0].size()
    order = list(range(1, n + 1))
    for a, ascending in reversed(keys):
        key = _sort_key(rt, a)
        items = a.items
        order.sort(key=lambda i: key(items[i]), reverse=not ascending)
    return order


def _apply(order: list[int], arrays) -> None:
    for a in arrays:
        a.items[1:] = [a.items[i] for i in order]


def _same_sizes(arrays, command: str) -> None:
    n = arrays[0].size()
    for a in arrays[1:]:
        if a.size() != n:
            raise FourDError(E.BAD_PARAMETER, name=command, detail="the arrays must have the same size")


def sort_array(rt, *args):
    """SORT ARRAY ( array {; array2 ; ... ; arrayN} {; > or <} ): sorts the first array (ascending
    by default) and puts the elements of the others in the same order."""
    ascending = True
    if args and type(args[-1]) is SortOrder:
        ascending = args[-1].ascending
        args = args[:-1]
    if not args:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name="SORT ARRAY", detail="an array was expected")
    arrays = [_array(a, "SORT ARRAY") for a in args]
    _same_sizes(arrays, "SORT ARRAY")
    _apply(_permutation(rt, [(arrays[0], ascending)]), arrays)


def multi_sort_array(rt, *args):
    """MULTI SORT ARRAY ( array ; > or < {; array2 ; > or < ...} ): sorts by each array followed by
    an order, in turn; an array without one follows. Or ( ptrArray ; sortArray ): pointers to the
    arrays and, for each, 1 (ascending), -1 (descending) or 0 (follows)."""
    pairs: list[tuple[Array, bool | None]] = []
    if len(args) == 2 and type(args[0]) is Array and args[0].kind == "POINTER":
        pointers, orders = args[0], _array(args[1], "MULTI SORT ARRAY")
        for i in range(1, pointers.size() + 1):
            o = to_longint(ops.number(orders.items[i], "MULTI SORT ARRAY")) if i <= orders.size() else 0
            pairs.append((_array(ops.deref(rt, pointers.items[i]), "MULTI SORT ARRAY"),
                          None if o == 0 else o > 0))
    else:
        for x in args:
            if type(x) is SortOrder:
                if not pairs or pairs[-1][1] is not None:
                    raise FourDError(E.BAD_PARAMETER, name="MULTI SORT ARRAY", detail="> or < must follow an array")
                pairs[-1] = (pairs[-1][0], x.ascending)
            else:
                pairs.append((_array(x, "MULTI SORT ARRAY"), None))
    if not pairs:
        return
    arrays = [a for a, _ in pairs]
    _same_sizes(arrays, "MULTI SORT ARRAY")
    keys = [(a, o) for a, o in pairs if o is not None]
    if keys:
        _apply(_permutation(rt, keys), arrays)


# ---------------------------------------------------------------- arrays and collections
def _to_element(kind: str, value):
    """A collection value converted to the array's type; what cannot be converted is the
    element's default value."""
    if value is None or value is UNDEFINED:
        return element_default(kind)
    vtype = ARRAY_KINDS[kind][0]
    if vtype == "Text" and type(value) is float:
        return number_to_text(value)
    if vtype in ("Integer", "Real") and type(value) is bool:
        value = float(value)
    if vtype == "Time" and type(value) is float:
        return Time(value)
    try:
        return coerce_element(kind, value)
    except FourDError:
        return element_default(kind)


def _pairs(args, command: str):
    """(array, property name or None) pairs of COLLECTION TO ARRAY / ARRAY TO COLLECTION."""
    out = []
    i = 0
    while i < len(args):
        a = _array(args[i], command)
        name = None
        if i + 1 < len(args) and type(args[i + 1]) is str:
            name = args[i + 1]
            i += 1
        out.append((a, name or None))
        i += 1
    if not out:
        raise FourDError(E.WRONG_PARAMETER_COUNT, name=command, detail="an array was expected")
    if len(out) > 1 and any(n is None for _, n in out):
        raise FourDError(E.BAD_PARAMETER, name=command, detail="with several arrays, each needs its property name")
    return out


def collection_to_array(rt, collection, *args):
    """COLLECTION TO ARRAY: the collection's elements (or one property of its objects for each
    array) into the arrays, converted to their types; each array then has the collection's length."""
    if type(collection) is not list:
        raise FourDError(E.BAD_PARAMETER, name="COLLECTION TO ARRAY", detail=f"a collection was expected, got {_what(collection)}")
    for a, name in _pairs(args, "COLLECTION TO ARRAY"):
        if a.rows:
            raise FourDError(E.BAD_PARAMETER, name="COLLECTION TO ARRAY", detail="a two-dimensional array cannot be filled")
        values = []
        for x in collection:
            if name is not None:
                x = ops.get_member(x, name) if is_object(x) else UNDEFINED
            values.append(_to_element(a.kind, x))
        a.items[1:] = values


def array_to_collection(rt, collection, *args):
    """ARRAY TO COLLECTION: the arrays' elements into the collection, as values or (with a
    property name for each array) as objects; what the collection held is replaced."""
    if type(collection) is not list:
        raise FourDError(E.BAD_PARAMETER, name="ARRAY TO COLLECTION", detail=f"a collection was expected, got {_what(collection)}")
    pairs = _pairs(args, "ARRAY TO COLLECTION")
    if pairs[0][1] is None:
        a = pairs[0][0]
        collection[:] = [_element_value(x) for x in a.items[1:]]
        return
    n = max(a.size() for a, _ in pairs)
    out = []
    for i in range(1, n + 1):
        o = {}
        for a, name in pairs:
            if i <= a.size():
                o[name] = _element_value(a.items[i])
        out.append(o)
    collection[:] = out


def _element_value(x):
    if type(x) is Array:
        raise FourDError(E.BAD_PARAMETER, name="ARRAY TO COLLECTION", detail="a two-dimensional array cannot be copied")
    return store_value(x)
