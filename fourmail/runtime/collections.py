"""Collection member functions (CollectionClass.md).

`call_collection_function(rt, coll, name, args)` runs `coll.name(args...)`. Functions that take
a callback (every, filter, map, sort...) take a formula or the name of a project method.

Value rules: numbers are stored as reals; mixed types sort as null < booleans < strings <
numbers < objects < collections < dates, objects and collections keeping their order
(.sort() description); searches use 4D equality with the process's collation (`rt.compare`), so
`@` works on text and objects match by reference (.indexOf() description).
"""
from __future__ import annotations

import functools
import re

from .conversions import store_value, to_text
from .datetext import parse_date
from .errors import E, FourDError
from .functions import callback
from .values import UNDEFINED, ClassInstance, Date, LazyObject, Time, copy_value, to_longint, type_name
from .values import check_count, is_object as _is_obj

# Objects and collections constants
CK_ASCENDING, CK_DESCENDING = 0, 1
CK_KEEP_NULL = 1
CK_IGNORE_NULL_OR_EMPTY = 1
CK_DIACRITICAL = 8
CK_COUNT_VALUES = 32


def _stored(v):
    return None if v is UNDEFINED else store_value(v)




def _is_num(v) -> bool:
    t = type(v)
    return t is float or t is int


def _int(fn: str, v) -> int:
    t = type(v)
    if t is int:
        return v
    if t is float:
        return to_longint(v)
    raise FourDError(E.BAD_PARAMETER, name=f".{fn}()", detail=f"a number was expected, got {type_name(v)}")


def _text(fn: str, v) -> str:
    if type(v) is str:
        return v
    raise FourDError(E.BAD_PARAMETER, name=f".{fn}()", detail=f"a Text was expected, got {type_name(v)}")


def get_path(value, path: str):
    """Value at a property path ("a.b.c") of an object; Undefined when missing."""
    for name in path.split("."):
        t = type(value)
        if t is dict or t is LazyObject:
            value = value.get(name, UNDEFINED)
        elif isinstance(value, ClassInstance):
            value = value.get_property(name)
        else:
            return UNDEFINED
    return value


def _set_path(obj: dict, path: str, value) -> None:
    names = path.split(".")
    for name in names[:-1]:
        nxt = obj.get(name)
        if type(nxt) is not dict and type(nxt) is not LazyObject:
            nxt = obj[name] = {}
        obj = nxt
    obj[names[-1]] = value


def sort_key(v, key, diacritical: bool = False):
    """Ascending order of mixed values (.sort(): null, booleans, strings, numbers, objects, collections, dates);
    texts in the order of the collation whose `key` is given (the process's: see _sort_key)."""
    t = type(v)
    if v is None or v is UNDEFINED:
        return (0, 0)
    if t is bool:
        return (1, int(v))
    if t is str:
        return (2, (key(v), v.swapcase()) if diacritical else key(v))
    if t is float or t is int:
        return (3, v)
    if t is Time:
        return (3, v.seconds)
    if t is dict or t is LazyObject or isinstance(v, ClassInstance):
        return (4, 0)
    if t is list:
        return (5, 0)
    if t is Date:
        return (6, v.ordinal())
    return (7, 0)


def _start_index(start: int, n: int) -> int:
    if start < 0:
        start += n
    return max(start, 0)


# ---------------------------------------------------------------- adding and removing


def _push(rt, c, args):
    c.extend(_stored(v) for v in args)
    return c


def _pop(rt, c, args):
    return c.pop() if c else UNDEFINED


def _shift(rt, c, args):
    return c.pop(0) if c else UNDEFINED


def _unshift(rt, c, args):
    c[0:0] = [_stored(v) for v in args]
    return c


def _insert(rt, c, args):
    i = _int("insert", args[0])
    i = min(_start_index(i, len(c)), len(c))
    c.insert(i, _stored(args[1]))
    return c


def _remove(rt, c, args):
    n = len(c)
    i = min(_start_index(_int("remove", args[0]), n), n)
    how_many = _int("remove", args[1]) if len(args) > 1 else 1
    if how_many > 0:
        del c[i:i + how_many]
    return c


def _combine(rt, c, args):
    other = args[0]
    if type(other) is not list:
        raise FourDError(E.BAD_PARAMETER, name=".combine()",
                         detail=f"a Collection was expected, got {type_name(other)}")
    i = len(c) if len(args) < 2 else min(_start_index(_int("combine", args[1]), len(c)), len(c))
    c[i:i] = list(other)
    return c


def _fill(rt, c, args):
    n = len(c)
    start = _start_index(_int("fill", args[1]), n) if len(args) > 1 else 0
    end = _int("fill", args[2]) if len(args) > 2 else n
    if end < 0:
        end += n
    v = _stored(args[0])
    for i in range(start, min(end, n)):
        c[i] = v
    return c


def _resize(rt, c, args):
    size = max(_int("resize", args[0]), 0)
    default = _stored(args[1]) if len(args) > 1 else None
    if size < len(c):
        del c[size:]
    else:
        c.extend([default] * (size - len(c)))
    return c


def _clear(rt, c, args):
    c.clear()
    return c


# ---------------------------------------------------------------- copies


def _slice(rt, c, args):
    n = len(c)
    start = _start_index(_int("slice", args[0]), n)
    end = _int("slice", args[1]) if len(args) > 1 else n
    if end < 0:
        end += n
    return c[start:end] if end > start else []


def _copy(rt, c, args):
    from .shared import shared_copy           # .copy(ck shared {; groupWith}): a shared copy
    if not args:
        return copy_value(c)
    return shared_copy(copy_value(c), args[0], args[1] if len(args) > 1 else None, "copy()")


def _concat(rt, c, args):
    out = list(c)
    for v in args:
        if type(v) is list:
            out.extend(v)
        else:
            out.append(_stored(v))
    return out


def _reverse(rt, c, args):
    return copy_value(c)[::-1]                      # a deep copy in reverse order (.reverse())


def _flat(rt, c, args):
    depth = _int("flat", args[0]) if args else 1

    def flatten(items, d):
        out = []
        for v in items:
            if type(v) is list and d > 0:
                out.extend(flatten(v, d - 1))
            else:
                out.append(v)
        return out
    return flatten(c, depth)


# ---------------------------------------------------------------- reading


def _join(rt, c, args):
    sep = _text("join", args[0])
    skip = len(args) > 1 and bool(_int("join", args[1]) & CK_IGNORE_NULL_OR_EMPTY)
    parts = []
    for v in c:
        if skip and (v is None or v is UNDEFINED or v == ""):
            continue
        parts.append(to_text(v))
    return sep.join(parts)


def _first(rt, c, args):
    return c[0] if c else UNDEFINED


def _last(rt, c, args):
    return c[-1] if c else UNDEFINED


def _at(rt, c, args):
    i = _int("at", args[0])
    if i < 0:
        i += len(c)
    return c[i] if 0 <= i < len(c) else UNDEFINED


def _index_of(rt, c, args):
    same_value = rt.compare.same_value
    n = len(c)
    start = _int("indexOf", args[1]) if len(args) > 1 else 0
    if start >= n:
        return -1
    for i in range(_start_index(start, n), n):
        if same_value(c[i], args[0]):
            return i
    return -1


def _last_index_of(rt, c, args):
    same_value = rt.compare.same_value
    n = len(c)
    start = n - 1
    if len(args) > 1:
        start = _int("lastIndexOf", args[1])
        if start == 0:
            return -1                                # documented: startFrom = 0 searches nothing
        if start < 0:
            start += n
            if start < 0:
                return -1
        start = min(start, n - 1)
    for i in range(start, -1, -1):
        if same_value(c[i], args[0]):
            return i
    return -1


def _includes(rt, c, args):
    same_value = rt.compare.same_value
    n = len(c)
    start = _int("includes", args[1]) if len(args) > 1 else 0
    if start >= n:
        return False
    return any(same_value(c[i], args[0]) for i in range(_start_index(start, n), n))


def _values(fn: str, c, args, i: int = 0) -> list:
    """The elements, or the values at the property path passed in args[i]."""
    if len(args) > i:
        path = _text(fn, args[i])
        return [get_path(v, path) for v in c]
    return list(c)


def _count(rt, c, args):
    return float(sum(1 for v in _values("count", c, args) if v is not None and v is not UNDEFINED))


def _count_values(rt, c, args):
    same_value = rt.compare.same_value
    return float(sum(1 for v in _values("countValues", c, args, 1) if same_value(v, args[0])))


def _numbers(fn: str, c, args) -> list:
    return [float(v) for v in _values(fn, c, args) if _is_num(v)]


def _sum(rt, c, args):
    return float(sum(_numbers("sum", c, args)))


def _average(rt, c, args):
    nums = _numbers("average", c, args)
    return sum(nums) / len(nums) if nums else UNDEFINED


def _sort_key(rt, diacritical: bool = False):
    """sort_key with the process's collation, bound once for a whole sort."""
    return functools.partial(sort_key, key=rt.collation.key, diacritical=diacritical)


def _extreme(rt, fn: str, c, args, last: bool):
    vals = [v for v in _values(fn, c, args) if v is not None and v is not UNDEFINED]
    if not vals:
        return UNDEFINED
    ordered = sorted(vals, key=_sort_key(rt))
    return ordered[-1] if last else ordered[0]


def _min(rt, c, args):
    return _extreme(rt, "min", c, args, False)


def _max(rt, c, args):
    return _extreme(rt, "max", c, args, True)


def _distinct(rt, c, args):
    path, options = None, 0
    for a in args:
        if type(a) is str and path is None:
            path = a
        else:
            options = _int("distinct", a)
    diacritical = bool(options & CK_DIACRITICAL)
    vals = [get_path(v, path) for v in c] if path is not None else list(c)
    seen: dict = {}
    order: list = []
    key = rt.collation.key
    for v in vals:
        if v is None or v is UNDEFINED:
            continue                                 # Null values are not returned
        t = type(v)
        if t is str:
            k = ("s", v if diacritical else key(v))
        elif t is float or t is int:
            k = ("n", float(v))
        elif t is Date:
            k = ("d", v.ordinal())
        elif t is bool:
            k = ("b", v)
        else:
            k = ("r", id(v))                         # objects and collections: by reference
        if k in seen:
            seen[k][1] += 1
        else:
            seen[k] = [v, 1]
            order.append(k)
    order_key = _sort_key(rt, diacritical)
    items = sorted((seen[k] for k in order), key=lambda e: order_key(e[0]))
    if options & CK_COUNT_VALUES:
        return [{"value": v, "count": float(n)} for v, n in items]
    return [v for v, _ in items]


def _extract(rt, c, args):
    if len(args) >= 2 and type(args[1]) is str:
        pairs = []
        for i in range(0, len(args) - 1, 2):
            pairs.append((_text("extract", args[i]), _text("extract", args[i + 1])))
        out = []
        for v in c:
            o: dict = {}
            for src, dst in pairs:
                x = get_path(v, src)
                if x is not UNDEFINED:
                    _set_path(o, dst, x)             # null values are kept with this syntax
            if o:
                out.append(o)
        return out
    path = _text("extract", args[0])
    keep_null = len(args) > 1 and bool(_int("extract", args[1]) & CK_KEEP_NULL)
    out = []
    for v in c:
        x = get_path(v, path)
        if x is None or x is UNDEFINED:
            if keep_null:
                out.append(None)
        else:
            out.append(x)
    return out


def _deep_equal(a, b, diacritical: bool, cmp) -> bool:
    ta, tb = type(a), type(b)
    if ta is list and tb is list:
        return len(a) == len(b) and all(_deep_equal(x, y, diacritical, cmp) for x, y in zip(a, b))
    if (ta is dict or ta is LazyObject) and (tb is dict or tb is LazyObject):
        return a.keys() == b.keys() and all(_deep_equal(a[k], b[k], diacritical, cmp) for k in a)
    if ta is str and tb is str:
        return a == b if diacritical else cmp.key(a) == cmp.key(b)
    if a is None or b is None or a is UNDEFINED or b is UNDEFINED:
        return a is b                                # Null is not equal to Undefined (.equal())
    return cmp.same_value(a, b, wildcard=False)


def _equal(rt, c, args):
    other = args[0]
    if type(other) is not list:
        return False
    diacritical = len(args) > 1 and bool(_int("equal", args[1]) & CK_DIACRITICAL)
    return _deep_equal(c, other, diacritical, rt.compare)


# ---------------------------------------------------------------- sorting


def _sort(rt, c, args):
    if args:
        c[:] = sorted(c, key=_less_key(rt, "sort", args))
        return c
    c[:] = sorted(c, key=_sort_key(rt))
    return c


def _criteria(fn: str, arg) -> list[tuple[str, bool]]:
    """orderBy criteria: "path {asc|desc}, ..." text or a collection of {propertyPath; descending}."""
    out = []
    if type(arg) is str:
        for part in arg.split(","):
            words = part.split()
            if not words:
                continue
            if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise FourDError(E.BAD_PARAMETER, name=f".{fn}()", detail=f"invalid sort criterion \"{part.strip()}\"")
            out.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
        return out
    if type(arg) is list:
        for crit in arg:
            path = get_path(crit, "propertyPath")
            if type(path) is not str:
                raise FourDError(E.BAD_PARAMETER, name=f".{fn}()", detail="each criterion needs a propertyPath")
            out.append((path, get_path(crit, "descending") is True))
        return out
    raise FourDError(E.BAD_PARAMETER, name=f".{fn}()", detail=f"invalid criteria ({type_name(arg)})")


def _order_by(rt, c, args):
    order_key = _sort_key(rt)
    if not args:
        return sorted(c, key=order_key)
    arg = args[0]
    if _is_num(arg):
        return sorted(c, key=order_key, reverse=to_longint(arg) == CK_DESCENDING)
    out = list(c)
    for path, desc in reversed(_criteria("orderBy", arg)):
        out.sort(key=lambda v, p=path: order_key(get_path(v, p)), reverse=desc)
    return out


# ---------------------------------------------------------------- functions that take a callback
# The callback is a formula or a project method's name, called with $1 an object ($1.value the
# element, $1.value2 the other one when sorting) and $2... the extra parameters. Its result is
# what it returns (a formula's value, a method's `return` or $0), else what it put in $1.result;
# $1.stop set to True ends the loop (the result is then the last one computed).


def _callback(rt, fn: str, args: list, start: bool = False):
    """(start index or None, call, extra parameters) of `fn({startFrom;} callback {; param...})`."""
    first = None
    if start and args and _is_num(args[0]):
        first, args = _int(fn, args[0]), args[1:]
    check_count(f"collection.{fn}()", 1, None, len(args))
    return first, callback(rt, fn, args[0]), list(args[1:])


def _result(call, p: dict, extra: list):
    r = call([p, *extra])
    if r is UNDEFINED or r is None:
        return p.get("result", UNDEFINED)
    return r


def _stopped(p: dict) -> bool:
    return p.get("stop") is True


def _every(rt, c, args):
    start, call, extra = _callback(rt, "every", args, start=True)
    n = len(c)
    if start is not None and start >= n:
        return False                                 # startFrom >= length: not tested
    for i in range(_start_index(start or 0, n), n):
        p = {"value": c[i]}
        if _result(call, p, extra) is not True:
            return False
        if _stopped(p):
            break
    return True


def _some(rt, c, args):
    start, call, extra = _callback(rt, "some", args, start=True)
    n = len(c)
    if start is not None and start >= n:
        return False
    for i in range(_start_index(start or 0, n), n):
        p = {"value": c[i]}
        if _result(call, p, extra) is True:
            return True
        if _stopped(p):
            break
    return False


def _find_index(rt, fn: str, c, args) -> int:
    start, call, extra = _callback(rt, fn, args, start=True)
    n = len(c)
    for i in range(_start_index(start or 0, n), n):   # a negative start still searches left to right
        p = {"value": c[i]}
        if _result(call, p, extra) is True:
            return i
        if _stopped(p):
            break
    return -1


def _find(rt, c, args):
    i = _find_index(rt, "find", c, args)
    return c[i] if i >= 0 else UNDEFINED


def _find_index_fn(rt, c, args):
    return float(_find_index(rt, "findIndex", c, args))


def _filter(rt, c, args):
    _, call, extra = _callback(rt, "filter", args)
    out = []
    for v in list(c):
        p = {"value": v}
        if _result(call, p, extra) is True:
            out.append(v)                            # a shallow copy: the same objects
        if _stopped(p):
            break
    return out


def _mapped(rt, fn: str, c, args) -> list:
    _, call, extra = _callback(rt, fn, args)
    out = []
    for v in list(c):
        p = {"value": v}
        out.append(_stored(_result(call, p, extra)))
        if _stopped(p):
            break
    return out


def _map(rt, c, args):
    return _mapped(rt, "map", c, args)


def _flat_map(rt, c, args):
    out = []
    for v in _mapped(rt, "flatMap", c, args):      # map(), then flat() of depth 1
        if type(v) is list:
            out.extend(v)
        else:
            out.append(v)
    return out


def _reduced(rt, fn: str, items, args):
    check_count(f"collection.{fn}()", 1, None, len(args))
    call = callback(rt, fn, args[0])
    acc = _stored(args[1]) if len(args) > 1 else UNDEFINED
    extra = list(args[2:])
    for v in items:
        p = {"value": v}
        if acc is not UNDEFINED:
            p["accumulator"] = acc
        r = call([p, *extra])
        # what it put in $1.accumulator; a value it returns takes its place
        acc = p.get("accumulator", UNDEFINED) if r is UNDEFINED or r is None else r
        if _stopped(p):
            break
    return acc


def _reduce(rt, c, args):
    return _reduced(rt, "reduce", list(c), args)


def _reduce_right(rt, c, args):
    return _reduced(rt, "reduceRight", c[::-1], args)


def _less(rt, fn: str, args):
    """less(a, b): the callback's answer to "is a before b?" ($1.value, $1.value2)."""
    check_count(f"collection.{fn}()", 1, None, len(args))
    call, extra = callback(rt, fn, args[0]), list(args[1:])

    def less(a, b) -> bool:
        return _result(call, {"value": a, "value2": b}, extra) is True
    return less


def _less_key(rt, fn: str, args):
    """A sort key ordering by the callback (sorted() only asks `<`: one call a comparison)."""
    less = _less(rt, fn, args)

    class Key:
        __slots__ = ("v",)

        def __init__(self, v):
            self.v = v

        def __lt__(self, other):
            return less(self.v, other.v)
    return Key


def _order_by_method(rt, c, args):
    return sorted(c, key=_less_key(rt, "orderByMethod", args))   # a sorted shallow copy


def _multi_sort(rt, c, args):
    """multiSort({formula;} {colsToSort}): sort `c`, and each collection of colsToSort with it, in
    place; each of them (a collection, or {collection; order}) breaks the ties left (a stable sort)."""
    if not args:
        return _sort(rt, c, [])
    less = None
    if len(args) > 1 or type(args[0]) is not list:
        less = _less(rt, "multiSort", args[:1])
        args = args[1:]
    check_count("collection.multiSort()", 0 if less else 1, 1, len(args))
    levels = []                                      # (collection, descending)
    for item in (args[0] if args else []):
        if type(item) is list:
            levels.append((item, False))
        elif _is_obj(item) and type(get_path(item, "collection")) is list:
            order = get_path(item, "order")
            levels.append((get_path(item, "collection"), _is_num(order) and to_longint(order) == CK_DESCENDING))
        else:
            raise FourDError(E.BAD_PARAMETER, name="collection.multiSort()",
                             detail=f"colsToSort holds collections or {{collection; order}} objects, not {type_name(item)}")
    n = len(c)
    if any(len(col) != n for col, _ in levels):
        raise FourDError(E.BAD_PARAMETER, name="collection.multiSort()",
                         detail="the collections to sort must all have as many elements as the collection")
    order_key = _sort_key(rt)
    keyed = [(order_key, col, desc) for col, desc in levels]

    def before(i: int, j: int) -> bool:
        if less is not None:
            if less(c[i], c[j]):
                return True
            if less(c[j], c[i]):
                return False
        else:
            a, b = order_key(c[i]), order_key(c[j])
            if a != b:
                return a < b
        for key, col, desc in keyed:
            a, b = key(col[i]), key(col[j])
            if a != b:
                return (b < a) if desc else (a < b)
        return False

    class Key:
        __slots__ = ("i",)

        def __init__(self, i):
            self.i = i

        def __lt__(self, other):
            return before(self.i, other.i)
    perm = sorted(range(n), key=Key)
    c[:] = [c[i] for i in perm]
    for col, _ in levels:
        col[:] = [col[i] for i in perm]
    return c


# ---------------------------------------------------------------- query


_TOKENS = re.compile(r"""
    \s+
  | (?P<lp>\() | (?P<rp>\))
  | (?P<op>===|!==|==|!=|<=|>=|=|\#|<|>|%)
  | (?P<and>&&|&) | (?P<or>\|\||\|)
  | (?P<ph>:(?:\d+|[A-Za-z_]\w*))
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<list>\[[^\]]*\])
  | (?P<word>[^\s()=\#<>!&|%:'"\[\]]+(?:\[\])?(?:\.[^\s()=\#<>!&|%:'"\[\]]+(?:\[\])?)*)
""", re.X)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _query_error(detail: str) -> FourDError:
    return FourDError(E.BAD_PARAMETER, name=".query()", detail=detail)


def _tokenize(q: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(q):
        m = _TOKENS.match(q, i)
        if not m or m.end() == i:
            raise _query_error(f"unexpected character \"{q[i]}\" in \"{q}\"")
        i = m.end()
        kind = m.lastgroup
        if kind is None:
            continue
        text = m.group(kind)
        if kind == "word":
            low = text.lower()
            if low in ("and", "or", "not", "in", "is"):
                kind = low
        out.append((kind, text))
    return out


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def _constant(text: str):
    if text in ("true", "false"):
        return text == "true"
    if text.lower() == "null":
        return None
    if _NUMBER.match(text):
        return float(text)
    return text


class _Query:
    """Parser/evaluator of the query string syntax (.query(), dataClass.query())."""

    def __init__(self, text: str, values: list, settings: dict | None, cmp):
        self.cmp = cmp                                   # the process's Comparison (runtime/compare.py)
        self.toks = _tokenize(text)
        self.pos = 0
        self.values = values
        self.params = get_path(settings, "parameters") if settings else UNDEFINED
        self.attrs = get_path(settings, "attributes") if settings else UNDEFINED
        self.tree = self.parse_or()
        if self.pos != len(self.toks):
            raise _query_error(f"unexpected \"{self.toks[self.pos][1]}\" in \"{text}\"")

    def peek(self):
        return self.toks[self.pos][0] if self.pos < len(self.toks) else None

    def next(self):
        if self.pos >= len(self.toks):
            raise _query_error("the query string is incomplete")
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse_or(self):
        node = self.parse_and()
        while self.peek() == "or":
            self.next()
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_not()
        while self.peek() == "and":
            self.next()
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self):
        kind = self.peek()
        if kind == "not":
            self.next()
            return ("not", self.parse_not())
        if kind == "lp":
            self.next()
            node = self.parse_or()
            if self.next()[0] != "rp":
                raise _query_error("a closing parenthesis is missing")
            return node
        return self.parse_comparison()

    def placeholder(self, text: str, attribute: bool):
        name = text[1:]
        if name.isdigit():
            i = int(name) - 1
            if not 0 <= i < len(self.values):
                raise _query_error(f"no value for placeholder {text}")
            return self.values[i]
        table = self.attrs if attribute else self.params
        v = get_path(table, name) if _is_obj(table) else UNDEFINED
        if v is UNDEFINED:
            raise _query_error(f"no value for placeholder {text}")
        return v

    def parse_comparison(self):
        kind, text = self.next()
        if kind == "word":
            path = text.split(".")
        elif kind == "ph":
            p = self.placeholder(text, True)
            if type(p) is str:
                path = p.split(".")
            elif type(p) is list and all(type(x) is str for x in p):
                path = list(p)
            else:
                raise _query_error(f"placeholder {text} must be a property path")
        else:
            raise _query_error(f"a property path was expected, got \"{text}\"")
        kind, op = self.next()
        if kind == "is":
            op = "==="
            if self.peek() == "not":
                self.next()
                op = "!=="
        elif kind == "in":
            op = "in"
        elif kind == "not" and self.peek() == "in":
            self.next()
            return ("not", ("cmp", path, "in", self.parse_value()))
        elif kind != "op":
            raise _query_error(f"a comparator was expected after \"{'.'.join(path)}\"")
        return ("cmp", path, op, self.parse_value())

    def parse_value(self):
        kind, text = self.next()
        if kind == "ph":
            return self.placeholder(text, False)
        if kind == "str":
            return _unquote(text)
        if kind == "list":
            inner = text[1:-1].strip()
            if not inner:
                return []
            items = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^,]+", inner)
            out = []
            for it in items:
                it = it.strip()
                if it:
                    out.append(_unquote(it) if it[0] in "'\"" else _constant(it))
            return out
        if kind in ("word", "in", "is", "and", "or", "not"):
            return _constant(text)
        raise _query_error(f"a value was expected, got \"{text}\"")

    # -- evaluation
    def match(self, element) -> bool:
        return self.eval(self.tree, element)

    def eval(self, node, element) -> bool:
        kind = node[0]
        if kind == "and":
            return self.eval(node[1], element) and self.eval(node[2], element)
        if kind == "or":
            return self.eval(node[1], element) or self.eval(node[2], element)
        if kind == "not":
            return not self.eval(node[1], element)
        _, path, op, value = node
        values = _candidates(element, path)
        cmp = self.cmp
        if op in ("=", "=="):
            return any(_query_equal(cmp, v, value, True) for v in values)
        if op == "===":
            return any(_query_equal(cmp, v, value, False) for v in values)
        if op in ("#", "!="):
            return not any(_query_equal(cmp, v, value, True) for v in values)
        if op == "!==":
            return not any(_query_equal(cmp, v, value, False) for v in values)
        if op == "in":
            items = value if type(value) is list else [value]
            return any(_query_equal(cmp, v, q, True) for v in values for q in items)
        if op == "%":
            return any(_contains_word(cmp, v, value) for v in values)
        return any(_query_order(cmp, v, value, op) for v in values)


def _candidates(element, path: list[str]) -> list:
    """Values at a path; a `name[]` step goes through every element of a collection."""
    current = [element]
    for step in path:
        many = step.endswith("[]")
        name = step[:-2] if many else step
        nxt = []
        for v in current:
            x = get_path(v, name) if name else v
            if many:
                if type(x) is list:
                    nxt.extend(x)
            else:
                nxt.append(x)
        current = nxt
    return current or [UNDEFINED]


def _as_date(v):
    if type(v) is str and _ISO_DATE.match(v):
        return parse_date(v)
    return v


def _align(v, q):
    if type(v) is Date and type(q) is str:
        q = _as_date(q)
    elif type(q) is Date and type(v) is str:
        v = _as_date(v)
    return v, q


def _query_equal(cmp, v, q, wildcard: bool) -> bool:
    if q is None or q is UNDEFINED:
        return v is None or v is UNDEFINED               # "= null" finds null and undefined
    if v is None or v is UNDEFINED:
        return False
    v, q = _align(v, q)
    return cmp.same_value(v, q, wildcard)


def _query_order(cmp, v, q, op: str) -> bool:
    if v is None or v is UNDEFINED or q is None or q is UNDEFINED:
        return False
    v, q = _align(v, q)
    try:
        c = cmp.compare(v, q, op)
    except FourDError:
        return False                                     # other types simply do not match
    return {"<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def _contains_word(cmp, v, word) -> bool:
    if type(v) is not str or type(word) is not str:
        return False
    return cmp.keyword_match(v, word)


def _query_args(rt, fn: str, args) -> _Query:
    text = _text(fn, args[0])
    rest = list(args[1:])
    settings = None
    if len(rest) == 1 and type(rest[0]) in (dict, LazyObject):
        settings, rest = rest[0], []                  # querySettings: named placeholders
    return _Query(text, rest, settings, rt.compare)


def _query(rt, c, args):
    q = _query_args(rt, "query", args)
    return [v for v in c if _is_obj(v) and q.match(v)]


def _indices(rt, c, args):
    q = _query_args(rt, "indices", args)
    return [float(i) for i, v in enumerate(c) if _is_obj(v) and q.match(v)]


# ---------------------------------------------------------------- dispatch

# name -> (implementation, required parameters, most parameters or None), as CollectionClass.md
# documents each signature; call_collection_function checks the count before the call.
_FUNCTIONS = {
    "at": (_at, 1, 1), "average": (_average, 0, 1), "clear": (_clear, 0, 0), "combine": (_combine, 1, 2),
    "concat": (_concat, 1, None), "copy": (_copy, 0, 2), "count": (_count, 0, 1),
    "countValues": (_count_values, 1, 2), "distinct": (_distinct, 0, 2), "equal": (_equal, 1, 2),
    "extract": (_extract, 1, None), "fill": (_fill, 1, 3), "first": (_first, 0, 0), "flat": (_flat, 0, 1),
    "includes": (_includes, 1, 2), "indexOf": (_index_of, 1, 2), "indices": (_indices, 1, None),
    "insert": (_insert, 2, 2), "join": (_join, 1, 2), "last": (_last, 0, 0),
    "lastIndexOf": (_last_index_of, 1, 2), "max": (_max, 0, 1), "min": (_min, 0, 1),
    "orderBy": (_order_by, 0, 1), "pop": (_pop, 0, 0), "push": (_push, 1, None), "query": (_query, 1, None),
    "remove": (_remove, 1, 2), "resize": (_resize, 1, 2), "reverse": (_reverse, 0, 0), "shift": (_shift, 0, 0),
    "slice": (_slice, 1, 2), "sort": (_sort, 0, None), "sum": (_sum, 0, 1), "unshift": (_unshift, 1, None),
    # the callback functions check their own parameters (an optional startFrom comes first)
    "every": (_every, 1, None), "filter": (_filter, 1, None), "find": (_find, 1, None),
    "findIndex": (_find_index_fn, 1, None), "flatMap": (_flat_map, 1, None), "map": (_map, 1, None),
    "multiSort": (_multi_sort, 0, 2), "orderByMethod": (_order_by_method, 1, None),
    "reduce": (_reduce, 1, None), "reduceRight": (_reduce_right, 1, None), "some": (_some, 1, None),
}

COLLECTION_FUNCTIONS = frozenset(_FUNCTIONS)

# The functions that take a callback (a formula or a method name).
FORMULA_FUNCTIONS = frozenset({"every", "filter", "find", "findIndex", "flatMap", "map", "multiSort",
                               "orderByMethod", "reduce", "reduceRight", "some", "sort"})


def call_collection_function(rt, coll: list, name: str, args: list):
    """`coll.name(args...)`; member function names are case-sensitive."""
    found = _FUNCTIONS.get(name)
    if found is not None:
        fn, required, most = found
        check_count(f"collection.{name}()", required, most, len(args))
        return fn(rt, coll, list(args))
    raise FourDError(E.UNKNOWN_MEMBER_FUNCTION, name=name, cls="Collection")


__all__ = ["call_collection_function", "COLLECTION_FUNCTIONS", "FORMULA_FUNCTIONS", "get_path", "sort_key"]
