"""evaluate(profile, kb) -> Result: every option in scope, with its status, why, and its sources.

Pure and deterministic: no I/O, no global state, inputs are not changed. Conditions are evaluated
with three-valued logic, so a fact that is not known makes an option ``needs_information`` (naming
the fact and the test or question that settles it), never ``not_suitable``.
"""


from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializationInfo, field_serializer

from onconav.kb.load import KnowledgeBase, keep
from onconav.kb.model import (
    AllOf,
    AnyOf,
    Condition,
    FactTest,
    Modality,
    NotOf,
    Option,
    Span,
)
from onconav.logic import (
    Compiled,
    FactValue,
    Truth,
    compile_condition,
    fact_tests,
    facts_used,
)
from onconav.logic import evaluate as evaluate_condition
from onconav.profile import Profile, Situation, situation

DISCLAIMER = (
    "This is information to discuss with your care team, not medical advice. Only your care team "
    "can say which treatment is right for you."
)

MODALITY_ORDER = [
    Modality.chemotherapy,
    Modality.targeted_therapy,
    Modality.immunotherapy,
    Modality.hormone_therapy,
    Modality.chemoradiation,
    Modality.radiation,
    Modality.radiopharmaceutical,
    Modality.surgery,
    Modality.procedure,
    Modality.ablation,
    Modality.bone_drugs,
    Modality.nutrition,
    Modality.supportive_care,
    Modality.care_setting,
    Modality.clinical_trial,
]
CARE_FIRST = [Modality.supportive_care, Modality.nutrition]
PROMINENCE_ORDER = [
    "standard_first_line",
    "most_used",
    "usual",
    "common",
    "sometimes",
    "rarely_used",
]


class Status(StrEnum):
    offered = "offered"
    needs_information = "needs_information"
    in_trials = "in_trials"
    not_suitable = "not_suitable"


STATUS_ORDER = [Status.offered, Status.needs_information, Status.in_trials, Status.not_suitable]


class Out(BaseModel):
    # Built on first use: the text output never validates or serialises a result.
    model_config = ConfigDict(frozen=True, defer_build=True)


OutT = TypeVar("OutT", bound=Out)


_ALL_FIELDS: dict[type, set[str]] = {}


def _build(cls: type[OutT], **values: Any) -> OutT:
    """Make a result model from values the engine itself produced, every field given.

    The same as ``cls.model_construct(**values)`` without its per-field default handling, which
    dominated the time of an evaluation; a test checks the two give equal objects. Every field
    is given, so instances of a class share one set of the names of the fields set (the models
    are frozen: pydantic copies that set before changing it, in ``model_copy``).
    """
    fields_set = _ALL_FIELDS.get(cls)
    if fields_set is None:
        fields_set = _ALL_FIELDS[cls] = set(cls.model_fields)
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", fields_set)
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


class Citation(Out):
    source: str
    start: int
    end: int
    sha256: str
    label: str = Field(description="As printed: [source-id start-end]")

    @classmethod
    def of(cls, span: Span) -> "Citation":
        return cls(source=span.source, start=span.start, end=span.end, sha256=span.sha256,
                   label=span.label())  # fmt: skip


class TestRef(Out):
    id: str
    name: str
    loinc: list[str]


class MissingFact(Out):
    fact: str
    label: str
    question: str
    tests: list[TestRef] = Field(description="Tests that settle it, if it is a test result")


class CaveatOut(Out):
    id: str
    text: str
    citations: list[Citation]


class OptionResult(Out):
    id: str
    name: str
    status: Status
    modality: Modality
    treats_cancer: bool
    not_chosen: bool = Field(
        description="The person does not want cancer treatment: shown, never pushed"
    )
    intent: list[str]
    uses: list[str] = Field(description="Names of what is given")
    given_with: list[str]
    may_involve: list[str]
    prominence: str | None
    timing: list[str]
    description: str
    reason: str | None = Field(description="Why it is not suitable, in plain words")
    missing: list[MissingFact] = Field(description="Facts that would decide it")
    caveats: list[CaveatOut]
    relieves_your_symptoms: bool
    citations: list[Citation]


class NoteOut(Out):
    id: str
    title: str
    text: str
    citations: list[Citation]


class RankedFact(MissingFact):
    decides: int = Field(description="How many options it would decide")
    options: list[str]


class SourceUsed(Out):
    id: str
    title: str
    publisher: str
    dated: str


class Result(Out):
    profile: Profile = Field(description="The profile as understood")
    cancer: str
    cancer_name: str
    has_own_source: bool
    scope: str = Field(description="Which sources' options are shown, in plain words")
    options: list[OptionResult]
    notes: list[NoteOut]
    what_would_change: list[RankedFact]
    questions: list[str]
    warnings: list[str]
    disclaimer: str
    kb_version: str
    sources: list[SourceUsed]

    @field_serializer("profile")
    def _profile(self, profile: Profile, info: SerializationInfo) -> dict[str, object]:
        # Only what was given: an absent field is unknown, not null. Made when the result is
        # written out, not when it is evaluated.
        return profile.model_dump(mode=info.mode, exclude_none=True)


# --------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------

TruthOf = Callable[[Condition], Truth]
"""The truth of a condition subtree for the facts at hand: the interpreter, or compiled closures."""


def interpreted(kb: KnowledgeBase, facts: Mapping[str, FactValue]) -> TruthOf:
    return lambda cond: evaluate_condition(cond, facts, kb.vocabulary)


def _labels(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    return {(f.id, v.id): v.label for f in kb.facts.values() for v in f.values}


def _value_label(kb: KnowledgeBase, fact_id: str, value: str) -> str:
    label = kb.derived("engine-value-labels", lambda: _labels(kb)).get((fact_id, value))
    if label is not None:
        return label
    record = kb.by_id.get(value)
    return str(getattr(record, "name", value)) if record is not None else value


def describe_test(kb: KnowledgeBase, test: FactTest) -> str:
    """What a test asks for, in plain words; kept by the test's id() with the test itself, so
    that the id cannot be reused while it is kept."""
    described: dict[int, tuple[FactTest, str]] = kb.derived("engine-described", dict)
    found = described.get(id(test))
    if found is None:
        found = described[id(test)] = (test, _describe(kb, test))
    return found[1]


def _describe(kb: KnowledgeBase, test: FactTest) -> str:
    fact = kb.facts[test.fact]
    if test.operator == "eq" and isinstance(test.eq, bool):
        return f"{fact.label.lower()}: {'yes' if test.eq else 'no'}"
    wanted: list[str] = []
    for value in (test.eq, test.has):
        if isinstance(value, str):
            wanted.append(value)
    wanted += test.in_ or test.has_any or test.only or []
    labels = " or ".join(_value_label(kb, test.fact, w) for w in wanted)
    if test.operator == "only":
        return f"{fact.label.lower()}: only {labels}"
    if test.operator == "count_max":
        return f"{fact.label.lower()}: at most {test.count_max} place(s)"
    return f"{fact.label.lower()}: {labels}"


def _actual(kb: KnowledgeBase, fact_id: str, value: FactValue) -> str:
    """The person's value of a fact, in words (kept: the same sets come back again and again)."""
    said: dict[tuple[str, FactValue], str] = kb.derived("engine-actual", dict)
    found = said.get((fact_id, value))
    if found is None:
        found = keep(said, (fact_id, value), _in_words(kb, fact_id, value), MEMO_LIMIT)
    return found


def _in_words(kb: KnowledgeBase, fact_id: str, value: FactValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ", ".join(_value_label(kb, fact_id, v) for v in sorted(value)) or "none"
    return _value_label(kb, fact_id, str(value))


# Tests of whether a list holds a value: a reason says the value is (not) in the person's list,
# rather than repeating the whole list, most of which has nothing to do with the option.
LISTED = frozenset({"has", "has_any"})


def _leaf_reason(kb: KnowledgeBase, test: FactTest, value: FactValue) -> str:
    """Why a false test is false, with the person's value; kept by the test's id() (with the test
    itself, so that the id cannot be reused while it is kept) and the value."""
    said: dict[tuple[int, FactValue], tuple[FactTest, str]] = kb.derived("engine-reasons", dict)
    found = said.get((id(test), value))
    if found is None:
        if test.operator in LISTED:  # the person's other answers are beside the point
            text = f"it is for {describe_test(kb, test)}, which you did not list"
        else:
            text = f"it is for {describe_test(kb, test)} (yours: {_actual(kb, test.fact, value)})"
        found = keep(said, (id(test), value), (test, text), MEMO_LIMIT)
    return found[1]


def why_not(
    kb: KnowledgeBase,
    cond: Condition,
    facts: Mapping[str, FactValue],
    truth: TruthOf | None = None,
) -> list[str]:
    """Plain reasons a FALSE condition is false (``truth`` defaults to the interpreter)."""
    truth = truth or interpreted(kb, facts)
    if isinstance(cond, FactTest):
        return [_leaf_reason(kb, cond, facts.get(cond.fact))]
    if isinstance(cond, AllOf):
        return [r for c in cond.all if truth(c) is Truth.FALSE
                for r in why_not(kb, c, facts, truth)]  # fmt: skip
    if isinstance(cond, AnyOf):
        parts = [r for c in cond.any for r in why_not(kb, c, facts, truth)]
        return ["none of these holds: " + "; ".join(parts)] if len(parts) > 1 else parts
    assert isinstance(cond, NotOf)
    inner = cond.not_
    if isinstance(inner, FactTest):
        if inner.operator in LISTED:
            return [f"it is not for {describe_test(kb, inner)}, which you listed"]
        actual = _actual(kb, inner.fact, facts.get(inner.fact))
        return [f"it is not for {describe_test(kb, inner)} (yours: {actual})"]
    return ["it is not for this situation"]


def undecided_facts(
    kb: KnowledgeBase,
    cond: Condition | None,
    facts: Mapping[str, FactValue],
    truth: TruthOf | None = None,
) -> list[str]:
    """Facts whose tests in an UNKNOWN condition are themselves UNKNOWN: knowing them decides."""
    truth = truth or interpreted(kb, facts)
    out: dict[str, None] = {}

    def walk(c: Condition) -> None:
        if truth(c) is not Truth.UNKNOWN:
            return
        if isinstance(c, FactTest):
            out.setdefault(c.fact, None)
        elif isinstance(c, AllOf):
            for child in c.all:
                walk(child)
        elif isinstance(c, AnyOf):
            for child in c.any:
                walk(child)
        elif isinstance(c, NotOf):
            walk(c.not_)

    if cond is not None:
        walk(cond)
    return list(out)


def _missing(kb: KnowledgeBase, fact_id: str) -> MissingFact:
    fact = kb.facts[fact_id]
    tests = [kb.by_id[t] for t in fact.decided_by]
    return MissingFact(
        fact=fact_id,
        label=fact.label,
        question=fact.question,
        tests=[
            TestRef(
                id=t.id, name=str(getattr(t, "name", t.id)), loinc=list(getattr(t, "loinc", []))
            )
            for t in tests
        ],
    )


def _names(kb: KnowledgeBase, ids: list[str]) -> list[str]:
    return [str(getattr(kb.by_id[i], "name", i)) for i in ids]


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Given:
    """Something an option gives, with what the person's answers can rule it out by."""

    ident: str
    name: str
    covered_by: frozenset[str]  # it, its drugs, and their classes
    can_stop_working: bool


# The order of the options in a result is one integer per option (sorting integers is the
# cheapest sort there is), made of these fields, most significant first:
#   the person declined cancer treatment and this is one (1 bit), the modality's rank (6 bits),
#   the status's rank (2 bits), does not relieve the person's own symptoms (1 bit), and the
#   option's fixed place: the source's ranking, its prominence, its place in the data (15 bits).
_NOT_CHOSEN_BIT = 1 << 24
_MODALITY_SHIFT = 18
_STATUS_SHIFT = 16
_NOT_RELIEVING_BIT = 1 << 15


@dataclass(frozen=True)
class _Indexed:
    """An option prepared once per knowledge base: compiled conditions and its fixed output."""

    option: Option
    position: int
    when: Compiled
    parts: dict[int, Compiled]  # every subtree of ``when``, compiled, by id()
    caveats: tuple[tuple[Compiled, CaveatOut], ...]
    symptom_tests: tuple[Compiled, ...]
    values_of: Callable[[Mapping[str, FactValue]], tuple[FactValue, ...]]
    givens: tuple[_Given, ...]
    covered_by: frozenset[str]  # everything that rules one of the givens out if it cannot be had
    can_stop: frozenset[str]  # the givens that can stop working (drugs and regimens)
    citations: list[Citation]
    uses: list[str]
    given_with: list[str]
    may_involve: list[str]
    intent: list[str]
    timing: list[str]
    prominence: str | None
    treats_cancer: bool
    place: tuple[int, int]  # the sort integer's fixed part, by [cancer treatment declined]
    # Each test of the condition and caveats: its fact, compiled, and the truth at which a reason
    # names the person's value (None: never).
    atoms: tuple[tuple[str, Compiled, Truth | None], ...]
    # Answers by [cancer treatment declined], keyed by the values of the facts the option reads
    # (``values_of``), by the truths of its tests (``_truths``), and for an option not suitable
    # by a condition, by those and the values its reason names. When the person's answers rule
    # the option out, the reasons they give lead each key.
    memo: tuple[dict[object, "Answer"], dict[object, "Answer"]] = field(
        default_factory=lambda: ({}, {}), compare=False, repr=False
    )
    by_truths: tuple[dict[object, "Answer"], dict[object, "Answer"]] = field(
        default_factory=lambda: ({}, {}), compare=False, repr=False
    )
    by_reason: tuple[dict[object, "Answer"], dict[object, "Answer"]] = field(
        default_factory=lambda: ({}, {}), compare=False, repr=False
    )

    def truth_of(self, facts: Mapping[str, FactValue]) -> TruthOf:
        """The truth of any subtree of the option's condition for these facts (compiled)."""
        parts = self.parts
        return lambda cond: parts[id(cond)](facts)


@dataclass(frozen=True)
class _Vetoes:
    """Which options a value of ``cannot_have`` or of ``progressed_on`` can rule out, by value:
    a person's few values then name the few options worth a closer look."""

    cannot: dict[str, frozenset[int]]
    stopped: dict[str, frozenset[int]]

    @classmethod
    def of(cls, items: Iterable["_Indexed"]) -> "_Vetoes":
        cannot: dict[str, set[int]] = {}
        stopped: dict[str, set[int]] = {}
        for item in items:
            for value in item.covered_by:
                cannot.setdefault(value, set()).add(item.position)
            for value in item.can_stop:
                stopped.setdefault(value, set()).add(item.position)
        return cls(
            {v: frozenset(p) for v, p in cannot.items()},
            {v: frozenset(p) for v, p in stopped.items()},
        )

    def touched(self, facts: Mapping[str, FactValue]) -> frozenset[int] | set[int]:
        """Positions of the options the person's answers may rule out (unknown rules nothing
        out); ``ruled_out_by_person`` then says whether and why."""
        out: set[int] = set()
        for fact, table in (("cannot_have", self.cannot), ("progressed_on", self.stopped)):
            values = facts[fact]
            if isinstance(values, frozenset):
                for value in values:
                    hit = table.get(value)
                    if hit is not None:
                        out |= hit
        return out or _NO_POSITIONS


_NO_POSITIONS: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Scope:
    options: tuple[_Indexed, ...]
    own_source: bool
    notes: list[NoteOut]
    sources: list[SourceUsed]
    vetoes: _Vetoes


# Answers are memoised per knowledge base: an option's result depends only on the facts it tests
# (and on the part of the person's answers that can rule it out), so the same answer object is
# shared between results. Each table is bounded in size.
MEMO_LIMIT = 200_000  # entries of each table kept for the whole knowledge base


Answer = tuple[int, OptionResult, tuple[str, ...]]
"""An option's sort integer, its result, and the facts that would decide it (if any)."""


@dataclass
class EngineIndex:
    kb: KnowledgeBase
    missing: dict[str, MissingFact]
    missing_fields: dict[str, dict[str, Any]]
    items: dict[str, _Indexed] = field(default_factory=dict)  # built on first need, by option id
    scopes: dict[tuple[str, bool], _Scope] = field(default_factory=dict)
    vetoed: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict)
    ranked: dict[tuple[str, tuple[str, ...]], RankedFact] = field(default_factory=dict)

    def item(self, option: Option) -> _Indexed:
        found = self.items.get(option.id)
        if found is None:
            found = self.items.setdefault(option.id, _index_option(self.kb, option))
        return found


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, FactValue]], tuple[FactValue, ...]]:
    """A fast reader of several facts at once (a situation holds every fact, known or None)."""
    if not names:
        return lambda facts: ()
    if len(names) == 1:
        one = itemgetter(names[0])
        return lambda facts: (one(facts),)
    return itemgetter(*names)


def _citation(span: Span) -> Citation:
    return _build(Citation, source=span.source, start=span.start, end=span.end,
                  sha256=span.sha256, label=span.label())  # fmt: skip


def _atoms(cond: Condition | None, shown: Truth) -> Iterator[tuple[FactTest, Truth | None]]:
    """Every test of a condition, with the truth at which its reason names the person's value:
    FALSE (``it is for X (yours: Y)``), TRUE for a test right under a ``not``, or None for a
    test of whether a list holds a value (its reason never repeats the list)."""
    if isinstance(cond, FactTest):
        yield cond, (None if cond.operator in LISTED else shown)
    elif isinstance(cond, AllOf):
        for c in cond.all:
            yield from _atoms(c, Truth.FALSE)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            yield from _atoms(c, Truth.FALSE)
    elif isinstance(cond, NotOf):
        yield from _atoms(cond.not_, Truth.TRUE)


def _truths(item: _Indexed, facts: Mapping[str, FactValue]) -> tuple[Truth, ...]:
    """The truth of each of an option's tests. Once nothing the option gives is ruled out, its
    answer depends on these alone (status, what would decide it, caveats, symptom relief), but
    for the reason it is not suitable, which names the person's values (see ``_shown``)."""
    return tuple([test(facts) for _, test, _ in item.atoms])


def _shown(
    item: _Indexed, facts: Mapping[str, FactValue], truths: tuple[Truth, ...]
) -> tuple[FactValue, ...]:
    """The person's values of the tests whose reasons would name them."""
    atoms = zip(item.atoms, truths, strict=True)
    return tuple([facts[fact] for (fact, _, shown), truth in atoms if truth is shown])


def _index_option(kb: KnowledgeBase, option: Option) -> _Indexed:
    vocab = kb.vocabulary
    facts = set(facts_used(option.when))
    for caveat in option.caveats:
        facts |= set(facts_used(caveat.when))
    parts: dict[int, Compiled] = {}
    when = compile_condition(option.when, vocab, parts)
    caveat_parts: dict[int, Compiled] = {}
    caveats = tuple(
        (
            compile_condition(c.when, vocab, caveat_parts),
            _build(CaveatOut, id=c.id, text=c.text, citations=[_citation(s) for s in c.evidence]),
        )
        for c in option.caveats
    )
    atoms: list[tuple[str, Compiled, Truth | None]] = [
        (test.fact, parts[id(test)], shown)
        for test, shown in _atoms(option.when, Truth.FALSE)
    ]
    for caveat in option.caveats:  # a caveat's text is fixed: only its truth matters
        atoms += [(test.fact, caveat_parts[id(test)], None) for test in fact_tests(caveat.when)]
    position, fixed = _fixed_places(kb)[option.id]
    givens = tuple(_given(kb, ident) for ident in (*option.uses, *option.given_with))
    return _Indexed(
        option=option,
        position=position,
        when=when,
        parts=parts,
        caveats=caveats,
        atoms=tuple(atoms),
        symptom_tests=tuple(
            parts[id(t)] for t in fact_tests(option.when) if t.fact == "symptoms"
        ),
        values_of=_getter(tuple(sorted(facts))),
        givens=givens,
        covered_by=frozenset().union(*(g.covered_by for g in givens)),
        can_stop=frozenset(g.ident for g in givens if g.can_stop_working),
        citations=[_citation(s) for s in option.evidence],
        uses=_names(kb, option.uses),
        given_with=_names(kb, option.given_with),
        may_involve=_names(kb, option.may_involve),
        intent=[i.value for i in option.intent],
        timing=[t.value for t in option.timing],
        prominence=option.prominence.value if option.prominence else None,
        treats_cancer=option.treats_cancer,
        place=(
            MODALITY_RANK[False][option.modality] << _MODALITY_SHIFT | fixed,
            MODALITY_RANK[True][option.modality] << _MODALITY_SHIFT | fixed,
        ),
    )


def _fixed_places(kb: KnowledgeBase) -> dict[str, tuple[int, int]]:
    """Each option's position in the data, and its place among all options by the source's
    ranking, then prominence, then position: the last part of the sort integer."""

    def build() -> dict[str, tuple[int, int]]:
        def key(pair: tuple[int, Option]) -> tuple[int, int, int]:
            position, option = pair
            prominence = option.prominence.value if option.prominence else None
            return (
                option.rank if option.rank is not None else 1000,
                PROMINENCE_ORDER.index(prominence) if prominence else len(PROMINENCE_ORDER),
                position,
            )

        ranked = sorted(enumerate(kb.options), key=key)
        assert len(ranked) < _NOT_RELIEVING_BIT
        return {option.id: (position, place) for place, (position, option) in enumerate(ranked)}

    return kb.derived("engine-fixed-places", build)


def _build_index(kb: KnowledgeBase) -> EngineIndex:
    missing = {fid: _missing(kb, fid) for fid in kb.facts}
    return EngineIndex(
        kb=kb, missing=missing, missing_fields={fid: dict(m) for fid, m in missing.items()}
    )


def engine_index(kb: KnowledgeBase) -> EngineIndex:
    return kb.derived("engine", lambda: _build_index(kb))


def _scope(kb: KnowledgeBase, index: EngineIndex, sit: Situation) -> _Scope:
    key = (sit.cancer, sit.known_cancer)
    found = index.scopes.get(key)
    if found is not None:
        return found
    own = sit.known_cancer and any(sit.cancer in o.cancers for o in kb.options)
    chosen = tuple(
        index.item(option)
        for option in kb.options
        if sit.cancer in option.cancers
        or ("any" in option.cancers and not (own and option.general_only))
    )
    notes = [
        _build(
            NoteOut, id=n.id, title=n.title, text=n.text,
            citations=[_citation(s) for s in n.evidence],
        )
        for n in kb.data.notes
        if sit.cancer in n.cancers or "any" in n.cancers
    ]
    cited = {c.source for i in chosen for c in i.citations} | {
        c.source for n in notes for c in n.citations
    }
    sources = [
        _build(SourceUsed, id=s.id, title=s.title, publisher=s.publisher, dated=s.dated)
        for s in kb.data.sources
        if s.id in cited
    ]
    scope = _Scope(
        chosen,
        any(sit.cancer in i.option.cancers for i in chosen),
        notes,
        sources,
        _Vetoes.of(chosen),
    )
    return keep(index.scopes, key, scope, 1000)  # cancer names outside the kb are kept too


def in_scope(kb: KnowledgeBase, sit: Situation) -> list[Option]:
    """The options that apply to this cancer: its own source's, and the general source's."""
    return [i.option for i in _scope(kb, engine_index(kb), sit).options]


def _given(kb: KnowledgeBase, ident: str) -> _Given:
    record = kb.by_id[ident]
    parts = (ident, *getattr(record, "components", []))
    return _Given(
        ident=ident,
        name=str(getattr(record, "name", ident)),
        # What rules it out is what it is (it, its drugs, and their classes), not the other
        # regimens its drugs are in: a person who cannot have FOLFOX may have FOLFIRI.
        covered_by=frozenset(
            up
            for p in parts
            for up in kb.vocabulary.up("cannot_have", p)
            if up == ident or kb.kind_of.get(up) != "regimens"
        ),
        can_stop_working=kb.kind_of.get(ident) in ("drugs", "regimens"),
    )


def ruled_out_by_person(item: _Indexed, facts: Mapping[str, FactValue]) -> tuple[str, ...]:
    """Reasons the person's own answers rule out what the option gives: a treatment they cannot
    have (a drug class covers its drugs, a regimen its drugs), or the very drug or regimen that
    already stopped working. Applied only when known: unknown never rules anything out."""
    cannot = facts.get("cannot_have")
    stopped = facts.get("progressed_on")
    if not (isinstance(cannot, frozenset) and not cannot.isdisjoint(item.covered_by)) and not (
        isinstance(stopped, frozenset) and not stopped.isdisjoint(item.can_stop)
    ):
        return ()
    reasons = []
    for given in item.givens:
        if isinstance(cannot, frozenset) and given.covered_by & cannot:
            reasons.append(f"it gives {given.name}, which you cannot have")
        if isinstance(stopped, frozenset) and given.can_stop_working and given.ident in stopped:
            reasons.append(f"{given.name} has already stopped working for you")
    return tuple(reasons)


def _outcome(
    kb: KnowledgeBase,
    item: _Indexed,
    facts: Mapping[str, FactValue],
    vetoed: tuple[str, ...],
    not_chosen: bool,
) -> Answer:
    """An option's answer for these facts, with the part of its sort integer that depends on
    them. Explanations walk the option's condition with its compiled closures."""
    option = item.option
    truth = item.when(facts)
    truth_of = item.truth_of(facts)
    reason = None
    missing: list[MissingFact] = []
    if vetoed:
        status = Status.not_suitable
        reason = "Not for this situation: " + "; ".join(vetoed) + "."
    elif truth is Truth.FALSE:
        status = Status.not_suitable
        assert option.when is not None
        reasons = why_not(kb, option.when, facts, truth_of)
        reason = "Not for this situation: " + "; ".join(reasons) + "."
    else:
        if truth is Truth.UNKNOWN:
            known = engine_index(kb).missing
            missing = [known[f] for f in undecided_facts(kb, option.when, facts, truth_of)]
        if option.in_trials:
            status = Status.in_trials
        elif truth is Truth.UNKNOWN:
            status = Status.needs_information
        else:
            status = Status.offered
    relieves = False
    for test in item.symptom_tests:
        if test(facts) is Truth.TRUE:
            relieves = True
            break
    result = _build(
        OptionResult,
        id=option.id,
        name=option.name,
        status=status,
        modality=option.modality,
        treats_cancer=item.treats_cancer,
        not_chosen=not_chosen,
        intent=item.intent,
        uses=item.uses,
        given_with=item.given_with,
        may_involve=item.may_involve,
        prominence=item.prominence,
        timing=item.timing,
        description=option.description,
        reason=reason,
        missing=missing,
        caveats=[out for test, out in item.caveats if test(facts) is Truth.TRUE]
        if item.caveats
        else [],
        relieves_your_symptoms=relieves,
        citations=item.citations,
    )
    rank = (  # the part of the sort integer that depends on the facts
        (_NOT_CHOSEN_BIT if not_chosen else 0)
        | STATUS_RANK[status] << _STATUS_SHIFT
        | (0 if relieves else _NOT_RELIEVING_BIT)
    )
    return rank, result, tuple(m.fact for m in missing)


ITEM_MEMO_LIMIT = 2_000  # answers kept per option and per [cancer treatment declined]


def _answers(
    kb: KnowledgeBase,
    index: EngineIndex,
    items: Iterable[_Indexed],
    facts: Mapping[str, FactValue],
    vetoes: _Vetoes,
) -> list[Answer]:
    """The answers for these options: from the memo, or worked out and kept. The hot loop of
    ``evaluate``: everything per option that does not depend on the facts is in ``_Indexed``,
    and an option whose answer is kept costs one look-up by the values of the facts it reads."""
    declined = facts["wants_cancer_treatment"] is False
    touched = vetoes.touched(facts)
    cannot, stopped = facts["cannot_have"], facts["progressed_on"]
    out: list[Answer] = []
    for item in items:
        vetoed: tuple[str, ...] = ()
        if touched and item.position in touched:
            key = (item.position, cannot, stopped)
            known = index.vetoed.get(key)
            vetoed = (
                known
                if known is not None
                else keep(index.vetoed, key, ruled_out_by_person(item, facts), MEMO_LIMIT)
            )
        memo = item.memo[declined]
        values = (vetoed, item.values_of(facts)) if vetoed else item.values_of(facts)
        found = memo.get(values)
        if found is None:
            found = keep(memo, values, _by_truths(kb, item, facts, declined, vetoed),
                         ITEM_MEMO_LIMIT)  # fmt: skip
        out.append(found)
    return out


def _by_truths(
    kb: KnowledgeBase,
    item: _Indexed,
    facts: Mapping[str, FactValue],
    declined: bool,
    vetoed: tuple[str, ...],
) -> Answer:
    """The answer kept for another profile whose tests have the same truths (and, for an option
    not suitable by its condition, the same values named in the reason), or worked out. A reason
    for new values is written on the answer kept for the truths, without working the rest out
    again. An option ruled out by the person's answers has those for its reason: the rest of
    its answer (caveats, symptom relief) depends on the truths alone."""
    kept = item.by_truths[declined]
    truths = _truths(item, facts)
    key: object = (vetoed, truths) if vetoed else truths
    template = kept.get(key)
    if template is None:
        rank, result, missing = _outcome(kb, item, facts, vetoed, declined and item.treats_cancer)
        template = keep(kept, key, (rank | item.place[declined], result, missing), ITEM_MEMO_LIMIT)
    if vetoed or template[1].status is not Status.not_suitable:
        return template
    reasons = item.by_reason[declined]
    reason_key = (truths, _shown(item, facts, truths))
    found = reasons.get(reason_key)
    if found is None:
        assert item.option.when is not None  # not suitable without being ruled out: a condition
        said = why_not(kb, item.option.when, facts, item.truth_of(facts))
        reason = "Not for this situation: " + "; ".join(said) + "."
        result = template[1]
        if result.reason != reason:
            result = _build(OptionResult, **{**result.__dict__, "reason": reason})
        found = keep(reasons, reason_key, (template[0], result, template[2]), ITEM_MEMO_LIMIT)
    return found


def evaluate_option(kb: KnowledgeBase, option: Option, sit: Situation) -> OptionResult:
    """One option's status, reasons and sources for a situation."""
    index = engine_index(kb)
    item = index.item(option)
    return _answers(kb, index, (item,), sit.facts, _Vetoes.of((item,)))[0][1]


def _ranked(index: EngineIndex, fact: str, options: list[str]) -> RankedFact:
    """A missing fact with the options it would decide (kept: the same lists recur)."""
    key = (fact, tuple(options))
    found = index.ranked.get(key)
    if found is None:
        found = keep(
            index.ranked,
            key,
            _build(RankedFact, **index.missing_fields[fact], decides=len(options), options=options),
            MEMO_LIMIT,
        )
    return found


QUESTIONS = [
    "What is the goal of each treatment for me: to cure, to control the cancer, "
    "or to ease symptoms?",
    "What side effects should I expect, and how would they be managed?",
    "Is there a clinical trial that could fit me?",
]


def _modality_rank(care_first: bool) -> dict[Modality, int]:
    order = (CARE_FIRST if care_first else []) + [
        m for m in MODALITY_ORDER if not (care_first and m in CARE_FIRST)
    ]
    return {m: i for i, m in enumerate(order)}


MODALITY_RANK = {False: _modality_rank(False), True: _modality_rank(True)}
STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}


def evaluate(profile: Profile, kb: KnowledgeBase) -> Result:
    """Every option in scope for this profile, ordered for a person to follow."""
    sit = situation(profile, kb)
    index = engine_index(kb)
    scope = _scope(kb, index, sit)
    answers = _answers(kb, index, scope.options, sit.facts, scope.vetoes)
    answers.sort()  # by the sort integer alone: it is unique to each option
    options: list[OptionResult] = []
    deciding: dict[str, list[str]] = {}
    for _, result, missing in answers:
        options.append(result)
        for fact in missing:
            deciding.setdefault(fact, []).append(result.id)
    ranked = [
        _ranked(index, fact, ids)
        for fact, ids in sorted(deciding.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    if scope.own_source:
        text = (
            f"Options from the sources about {sit.cancer_name}, and options from the source "
            "about advanced cancer in general that fit particular situations."
        )
    else:
        text = (
            f"No source here is about {sit.cancer_name} itself, so these are the options the "
            "source about advanced cancer in general describes. Ask your care team about the "
            "treatments used for your type of cancer."
        )
    return _build(
        Result,
        profile=profile,
        cancer=sit.cancer,
        cancer_name=sit.cancer_name,
        has_own_source=scope.own_source,
        scope=text,
        options=options,
        notes=scope.notes,
        what_would_change=ranked,
        questions=[f.question for f in ranked] + QUESTIONS,
        warnings=list(sit.warnings),
        disclaimer=DISCLAIMER,
        kb_version=kb.version,
        sources=scope.sources,
    )
