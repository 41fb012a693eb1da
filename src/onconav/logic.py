"""Three-valued (Kleene) evaluation of option conditions.

A fact that is not known is UNKNOWN, never false. Values can be broader or narrower (stage 4 is
broader than 4A; "chemotherapy" is broader than FOLFIRI): knowing only the broader value leaves a
test of the narrower one UNKNOWN, while knowing the narrower value satisfies a test of the broader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from onconav.kb.model import AllOf, AnyOf, Condition, FactTest, NotOf


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __invert__(self) -> Truth:
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        return Truth.UNKNOWN


def all_of(values: Iterator[Truth] | list[Truth]) -> Truth:
    result = Truth.TRUE
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_of(values: Iterator[Truth] | list[Truth]) -> Truth:
    result = Truth.FALSE
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


FactValue = str | bool | frozenset[str] | None


@dataclass(frozen=True)
class Vocabulary:
    """For each fact, each value mapped to itself and every broader value above it."""

    ancestors: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    _below: dict[str, dict[str, frozenset[str]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )  # ``below``'s inverse of ``ancestors``, per fact, made on first use

    def up(self, fact: str, value: str) -> frozenset[str]:
        return self.ancestors.get(fact, {}).get(value, frozenset((value,)))

    def below(self, fact: str, value: str) -> frozenset[str]:
        """The known values at or under ``value`` (those with ``value`` among their ``up``)."""
        inverse = self._below.get(fact)
        if inverse is None:
            found: dict[str, set[str]] = {}
            for item, ups in self.ancestors.get(fact, {}).items():
                for up in ups:
                    found.setdefault(up, set()).add(item)
            inverse = self._below[fact] = {k: frozenset(v) for k, v in found.items()}
        return inverse.get(value, frozenset())

    def compare(self, fact: str, known: str, wanted: str) -> Truth:
        """Is a known value ``known`` an instance of ``wanted``?"""
        if wanted in self.up(fact, known):
            return Truth.TRUE
        if known in self.up(fact, wanted):
            return Truth.UNKNOWN  # only the broader value is known
        return Truth.FALSE


def _member(vocab: Vocabulary, fact: str, items: frozenset[str], wanted: str) -> Truth:
    return any_of(vocab.compare(fact, item, wanted) for item in sorted(items))


def evaluate_test(test: FactTest, facts: Mapping[str, FactValue], vocab: Vocabulary) -> Truth:
    value = facts.get(test.fact)
    if value is None:
        return Truth.UNKNOWN
    op = test.operator
    if op == "eq":
        if isinstance(value, bool) or isinstance(test.eq, bool):
            return Truth.TRUE if value == test.eq else Truth.FALSE
        assert isinstance(value, str) and isinstance(test.eq, str)
        return vocab.compare(test.fact, value, test.eq)
    if op == "in":
        assert isinstance(value, str) and test.in_ is not None
        return any_of(vocab.compare(test.fact, value, wanted) for wanted in test.in_)
    assert isinstance(value, frozenset), f"fact {test.fact} is not a set"
    if op == "has":
        assert test.has is not None
        return _member(vocab, test.fact, value, test.has)
    if op == "has_any":
        assert test.has_any is not None
        return any_of(_member(vocab, test.fact, value, wanted) for wanted in test.has_any)
    if op == "only":
        assert test.only is not None
        if not value:
            return Truth.FALSE
        allowed = test.only
        return all_of(
            any_of(vocab.compare(test.fact, item, wanted) for wanted in allowed)
            for item in sorted(value)
        )
    if op == "count_max":
        assert test.count_max is not None
        return Truth.TRUE if 1 <= len(value) <= test.count_max else Truth.FALSE
    raise AssertionError(f"unknown operator {op}")


def evaluate(cond: Condition | None, facts: Mapping[str, FactValue], vocab: Vocabulary) -> Truth:
    """Evaluate a condition tree; ``None`` (no condition) is TRUE."""
    if cond is None:
        return Truth.TRUE
    if isinstance(cond, FactTest):
        return evaluate_test(cond, facts, vocab)
    if isinstance(cond, AllOf):
        return all_of(evaluate(c, facts, vocab) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any_of(evaluate(c, facts, vocab) for c in cond.any)
    if isinstance(cond, NotOf):
        return ~evaluate(cond.not_, facts, vocab)
    raise TypeError(f"not a condition: {cond!r}")


def fact_tests(cond: Condition | None) -> Iterator[FactTest]:
    """Every fact test in a condition tree, depth first."""
    if cond is None:
        return
    if isinstance(cond, FactTest):
        yield cond
    elif isinstance(cond, AllOf):
        for c in cond.all:
            yield from fact_tests(c)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            yield from fact_tests(c)
    elif isinstance(cond, NotOf):
        yield from fact_tests(cond.not_)


def facts_used(cond: Condition | None) -> list[str]:
    seen: dict[str, None] = {}
    for test in fact_tests(cond):
        seen.setdefault(test.fact, None)
    return list(seen)


Compiled = Callable[[Mapping[str, FactValue]], Truth]


class _Table:
    """One fact's known values split by their answer against the wanted values: TRUE if a value
    is (under) a wanted value, UNKNOWN if it is broader than one, FALSE otherwise; so that a set
    of known values is answered with set operations. The split is read off the vocabulary's
    tree (what lies under each wanted value, what lies above it), not by comparing every value."""

    def __init__(self, vocab: Vocabulary, fact: str, wanted: list[str]) -> None:
        self.vocab, self.fact, self.wanted = vocab, fact, wanted
        known = vocab.ancestors.get(fact, {})
        self.known = frozenset(known)
        self.true = frozenset().union(*(vocab.below(fact, w) for w in wanted)) & self.known
        self.unknown = (
            frozenset().union(*(vocab.up(fact, w) for w in wanted)) & self.known
        ) - self.true

    def compare(self, value: str) -> Truth:
        return any_of(self.vocab.compare(self.fact, value, w) for w in self.wanted)

    def one(self, value: str) -> Truth:
        if value in self.true:
            return Truth.TRUE
        if value in self.unknown:
            return Truth.UNKNOWN
        if value in self.known:
            return Truth.FALSE
        return self.compare(value)  # a value outside the vocabulary (another cancer's name, say)

    def any(self, values: frozenset[str]) -> Truth:
        """TRUE if any value is TRUE, else UNKNOWN if any is UNKNOWN, else FALSE."""
        if not values.isdisjoint(self.true):
            return Truth.TRUE
        if values <= self.known:
            return Truth.FALSE if values.isdisjoint(self.unknown) else Truth.UNKNOWN
        return any_of(self.one(v) for v in values)

    def every(self, values: frozenset[str]) -> Truth:
        """FALSE if any value is FALSE, else UNKNOWN if any is UNKNOWN, else TRUE."""
        if values <= self.known:
            if not values <= self.true | self.unknown:
                return Truth.FALSE
            return Truth.TRUE if values <= self.true else Truth.UNKNOWN
        return all_of(self.one(v) for v in values)


def compile_condition(
    cond: Condition | None, vocab: Vocabulary, parts: dict[int, Compiled] | None = None
) -> Compiled:
    """The same answer as ``evaluate(cond, facts, vocab)``, as a closure built once per condition.

    The engine compiles every option's condition when it first indexes a knowledge base; a
    differential test keeps the two evaluators in agreement. ``parts``, if given, receives the
    closure of every subtree too, keyed by ``id()`` of the subtree, for explanations.
    """
    if cond is None:
        return lambda facts: Truth.TRUE
    compiled: Compiled
    if isinstance(cond, AllOf | AnyOf):
        compiled = _connective(
            [compile_condition(c, vocab, parts) for c in cond.all]
            if isinstance(cond, AllOf)
            else [compile_condition(c, vocab, parts) for c in cond.any],
            # all: FALSE decides; any: TRUE decides
            Truth.FALSE if isinstance(cond, AllOf) else Truth.TRUE,
        )
    elif isinstance(cond, NotOf):
        inner = compile_condition(cond.not_, vocab, parts)
        compiled = lambda facts: ~inner(facts)  # noqa: E731
    else:
        compiled = _compile_test(cond, vocab)
    if parts is not None:
        parts[id(cond)] = compiled
    return compiled


def _connective(children: list[Compiled], decides: Truth) -> Compiled:
    """Kleene AND (``decides`` FALSE) or OR (``decides`` TRUE) of compiled children."""
    otherwise = ~decides

    def connective(facts: Mapping[str, FactValue]) -> Truth:
        result = otherwise
        for child in children:
            value = child(facts)
            if value is decides:
                return decides
            if value is Truth.UNKNOWN:
                result = Truth.UNKNOWN
        return result

    return connective


def _compile_test(test: FactTest, vocab: Vocabulary) -> Compiled:
    fact = test.fact
    op = test.operator
    if op == "eq" and isinstance(test.eq, bool):
        wanted_bool = test.eq

        def boolean(facts: Mapping[str, FactValue]) -> Truth:
            value = facts.get(fact)
            if value is None:
                return Truth.UNKNOWN
            return Truth.TRUE if value == wanted_bool else Truth.FALSE

        return boolean
    if op in ("eq", "in"):
        one = _Table(
            vocab, fact, [test.eq] if isinstance(test.eq, str) else list(test.in_ or [])
        ).one

        def enum(facts: Mapping[str, FactValue]) -> Truth:
            value = facts.get(fact)
            return Truth.UNKNOWN if value is None else one(str(value))

        return enum
    if op in ("has", "has_any"):
        member = _Table(
            vocab, fact, [test.has] if test.has is not None else list(test.has_any or [])
        ).any

        def has(facts: Mapping[str, FactValue]) -> Truth:
            value = facts.get(fact)
            if value is None:
                return Truth.UNKNOWN
            assert isinstance(value, frozenset)
            return member(value)

        return has
    if op == "only":
        every = _Table(vocab, fact, list(test.only or [])).every

        def only(facts: Mapping[str, FactValue]) -> Truth:
            value = facts.get(fact)
            if value is None:
                return Truth.UNKNOWN
            assert isinstance(value, frozenset)
            if not value:
                return Truth.FALSE
            return every(value)

        return only
    limit = test.count_max or 0

    def count(facts: Mapping[str, FactValue]) -> Truth:
        value = facts.get(fact)
        if value is None:
            return Truth.UNKNOWN
        assert isinstance(value, frozenset)
        return Truth.TRUE if 1 <= len(value) <= limit else Truth.FALSE

    return count
