"""Run the LALR tables lark computes for a language's grammar (lang/tables.py), without importing lark.

Lark analyses the grammar (once; the tables are cached on disk by tables.py). Parsing a script
only needs those tables and a small shift/reduce loop, so `fourmail run` does not pay for
importing lark, a third of its start-up. Reductions follow lark's tree-building rules exactly:
terminals marked filter-out (`_NAME`) are dropped, `_rule` results are spliced into their
parent, a `?rule` expansion without an alias that keeps one child is that child, and otherwise
the builder's method named after the alias or the rule is called with the children.
tests/test_parser_tables.py checks this against lark itself.
"""
from __future__ import annotations

KEEP, EXPAND, DROP = 0, 1, 2


class Rule:
    __slots__ = ("origin", "size", "callback", "plan", "expand1")

    def __init__(self, origin: str, size: int, callback: str | None, plan: tuple, expand1: bool):
        self.origin = origin          # the non-terminal reduced to
        self.size = size              # symbols on the right-hand side
        self.callback = callback      # builder method (alias or rule name); None: inlined (`_rule`)
        self.plan = plan              # KEEP / EXPAND / DROP for each right-hand symbol
        self.expand1 = expand1        # `?rule` without alias: one child is the result


class Tables:
    """states[state][symbol] = (shift?, next state or rule index)."""

    def __init__(self, states: dict, rules: list, start: int, end: int):
        self.states, self.rules, self.start, self.end = states, rules, start, end


class UnexpectedToken(Exception):
    def __init__(self, token, expected: set[str]):
        super().__init__(f"unexpected {token.type}")
        self.token, self.expected = token, expected


class _Inline(list):
    """The children of a `_rule`, to be spliced into the parent's."""


def parse(tokens, tables: Tables, builder, end_token):
    """Shift/reduce `tokens` (then `end_token`, of type $END) and return the start rule's value."""
    states, rules = tables.states, tables.rules
    state_stack = [tables.start]
    values: list = []
    methods: dict[str, object] = {}

    def reduce(rule: Rule):
        n = rule.size
        if n:
            children = values[-n:]
            del values[-n:]
            del state_stack[-n:]
        else:
            children = []
        kept = []
        for how, child in zip(rule.plan, children):
            if how == KEEP:
                kept.append(child)
            elif how == EXPAND:
                kept.extend(child)
        if rule.callback is None:
            value = _Inline(kept)
        elif rule.expand1 and len(kept) == 1:
            value = kept[0]
        else:
            method = methods.get(rule.callback)
            if method is None:
                method = methods[rule.callback] = getattr(builder, rule.callback)
            value = method(kept)
        shift, target = states[state_stack[-1]][rule.origin]
        state_stack.append(target)
        values.append(value)

    for token in tokens:
        while True:
            action = states[state_stack[-1]].get(token.type)
            if action is None:
                raise UnexpectedToken(token, _terminals(states[state_stack[-1]]))
            shift, target = action
            if shift:
                state_stack.append(target)
                values.append(token)
                break
            reduce(rules[target])
    while True:
        state = state_stack[-1]
        if state == tables.end:
            return values[-1]
        action = states[state].get("$END")
        if action is None or action[0]:
            raise UnexpectedToken(end_token, _terminals(states[state]))
        reduce(rules[action[1]])


def _terminals(actions: dict) -> set[str]:
    return {s for s in actions if s.isupper()}
