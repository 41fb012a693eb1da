"""evaluate(profile, kb) -> Result: every option in scope, with its status, why, and its sources.

Pure and deterministic: no I/O, no global state, inputs are not changed. Conditions are evaluated
with three-valued logic, so a fact that is not known makes an option ``needs_information`` (naming
the fact and the test or question that settles it), never ``not_suitable``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from onconav.kb.load import KnowledgeBase
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
    evaluate_test,
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
    model_config = ConfigDict(frozen=True)


OutT = TypeVar("OutT", bound=Out)


def _build(cls: type[OutT], **values: Any) -> OutT:
    """Make a result model from values the engine itself produced, every field given.

    The same as ``cls.model_construct(**values)`` without its per-field default handling, which
    dominated the time of an evaluation; a test checks the two give equal objects.
    """
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
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
    def of(cls, span: Span) -> Citation:
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
    profile: dict[str, object] = Field(description="The profile as understood")
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


# --------------------------------------------------------------------------------------------
# Explanations
# --------------------------------------------------------------------------------------------


def _value_label(kb: KnowledgeBase, fact_id: str, value: str) -> str:
    for v in kb.facts[fact_id].values:
        if v.id == value:
            return v.label
    record = kb.by_id.get(value)
    return str(getattr(record, "name", value)) if record is not None else value


def describe_test(kb: KnowledgeBase, test: FactTest) -> str:
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
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ", ".join(_value_label(kb, fact_id, v) for v in sorted(value)) or "none"
    return _value_label(kb, fact_id, str(value))


def why_not(kb: KnowledgeBase, cond: Condition, facts: Mapping[str, FactValue]) -> list[str]:
    """Plain reasons a FALSE condition is false."""
    if isinstance(cond, FactTest):
        actual = _actual(kb, cond.fact, facts.get(cond.fact))
        return [f"it is for {describe_test(kb, cond)} (yours: {actual})"]
    if isinstance(cond, AllOf):
        return [r for c in cond.all
                if evaluate_condition(c, facts, kb.vocabulary) is Truth.FALSE
                for r in why_not(kb, c, facts)]  # fmt: skip
    if isinstance(cond, AnyOf):
        parts = [r for c in cond.any for r in why_not(kb, c, facts)]
        return ["none of these holds: " + "; ".join(parts)] if len(parts) > 1 else parts
    assert isinstance(cond, NotOf)
    inner = cond.not_
    if isinstance(inner, FactTest):
        return [f"it is not for {describe_test(kb, inner)}"]
    return ["it is not for this situation"]


def undecided_facts(
    kb: KnowledgeBase, cond: Condition | None, facts: Mapping[str, FactValue]
) -> list[str]:
    """Facts whose tests in an UNKNOWN condition are themselves UNKNOWN: knowing them decides."""
    out: dict[str, None] = {}

    def walk(c: Condition) -> None:
        if evaluate_condition(c, facts, kb.vocabulary) is not Truth.UNKNOWN:
            return
        if isinstance(c, FactTest):
            if evaluate_test(c, facts, kb.vocabulary) is Truth.UNKNOWN:
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


@dataclass(frozen=True)
class _Indexed:
    """An option prepared once per knowledge base: compiled conditions and its fixed output."""

    option: Option
    position: int
    when: Compiled
    caveats: tuple[tuple[Compiled, CaveatOut], ...]
    symptom_tests: tuple[Compiled, ...]
    depends_on: tuple[str, ...]
    values_of: Callable[[Mapping[str, FactValue]], tuple[FactValue, ...]]
    givens: tuple[_Given, ...]
    citations: list[Citation]
    uses: list[str]
    given_with: list[str]
    may_involve: list[str]
    order: tuple[int, int]


@dataclass(frozen=True)
class _Scope:
    options: tuple[_Indexed, ...]
    own_source: bool
    notes: list[NoteOut]
    sources: list[SourceUsed]


# Outcomes are memoised per knowledge base: an option's result depends only on the values of the
# facts it tests (and on the part of the person's answers that can rule it out), so the same
# answer object is shared between results. Bounded in size.
MEMO_LIMIT = 200_000


@dataclass
class EngineIndex:
    options: tuple[_Indexed, ...]
    missing: dict[str, MissingFact]
    missing_fields: dict[str, dict[str, Any]]
    by_id: dict[str, _Indexed] = field(default_factory=dict)
    scopes: dict[tuple[str, bool], _Scope] = field(default_factory=dict)
    outcomes: dict[tuple[object, ...], OptionResult] = field(default_factory=dict)


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, FactValue]], tuple[FactValue, ...]]:
    """A fast reader of several facts at once (a situation holds every fact, known or None)."""
    if not names:
        return lambda facts: ()
    if len(names) == 1:
        one = itemgetter(names[0])
        return lambda facts: (one(facts),)
    return itemgetter(*names)


def _build_index(kb: KnowledgeBase) -> EngineIndex:
    vocab = kb.vocabulary
    indexed = []
    for position, option in enumerate(kb.options):
        facts = set(facts_used(option.when))
        for caveat in option.caveats:
            facts |= set(facts_used(caveat.when))
        symptom_tests = tuple(
            compile_condition(t, vocab) for t in fact_tests(option.when) if t.fact == "symptoms"
        )
        prominence = option.prominence.value if option.prominence else None
        indexed.append(
            _Indexed(
                option=option,
                position=position,
                when=compile_condition(option.when, vocab),
                caveats=tuple(
                    (
                        compile_condition(c.when, vocab),
                        CaveatOut(
                            id=c.id, text=c.text, citations=[Citation.of(s) for s in c.evidence]
                        ),
                    )
                    for c in option.caveats
                ),
                symptom_tests=symptom_tests,
                depends_on=tuple(sorted(facts)),
                values_of=_getter(tuple(sorted(facts))),
                givens=tuple(_given(kb, ident) for ident in (*option.uses, *option.given_with)),
                citations=[Citation.of(s) for s in option.evidence],
                uses=_names(kb, option.uses),
                given_with=_names(kb, option.given_with),
                may_involve=_names(kb, option.may_involve),
                order=(
                    option.rank if option.rank is not None else 1000,
                    PROMINENCE_ORDER.index(prominence) if prominence else len(PROMINENCE_ORDER),
                ),
            )
        )
    missing = {fid: _missing(kb, fid) for fid in kb.facts}
    return EngineIndex(
        options=tuple(indexed),
        by_id={i.option.id: i for i in indexed},
        missing=missing,
        missing_fields={fid: dict(m) for fid, m in missing.items()},
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
        i
        for i in index.options
        if sit.cancer in i.option.cancers
        or ("any" in i.option.cancers and not (own and i.option.general_only))
    )
    notes = [
        NoteOut(id=n.id, title=n.title, text=n.text, citations=[Citation.of(s) for s in n.evidence])
        for n in kb.data.notes
        if sit.cancer in n.cancers or "any" in n.cancers
    ]
    cited = {c.source for i in chosen for c in i.citations} | {
        c.source for n in notes for c in n.citations
    }
    sources = [
        SourceUsed(id=s.id, title=s.title, publisher=s.publisher, dated=s.dated)
        for s in kb.data.sources
        if s.id in cited
    ]
    scope = _Scope(chosen, any(sit.cancer in i.option.cancers for i in chosen), notes, sources)
    if len(index.scopes) < 1000:  # cancer names outside the knowledge base are not kept
        index.scopes[key] = scope
    return scope


def in_scope(kb: KnowledgeBase, sit: Situation) -> list[Option]:
    """The options that apply to this cancer: its own source's, and the general source's."""
    return [i.option for i in _scope(kb, engine_index(kb), sit).options]


def _given(kb: KnowledgeBase, ident: str) -> _Given:
    record = kb.by_id[ident]
    parts = (ident, *getattr(record, "components", []))
    return _Given(
        ident=ident,
        name=str(getattr(record, "name", ident)),
        covered_by=frozenset(up for p in parts for up in kb.vocabulary.up("cannot_have", p)),
        can_stop_working=kb.kind_of.get(ident) in ("drugs", "regimens"),
    )


def ruled_out_by_person(item: _Indexed, facts: Mapping[str, FactValue]) -> tuple[str, ...]:
    """Reasons the person's own answers rule out what the option gives: a treatment they cannot
    have (a drug class covers its drugs, a regimen its drugs), or the very drug or regimen that
    already stopped working. Applied only when known: unknown never rules anything out."""
    cannot = facts.get("cannot_have")
    stopped = facts.get("progressed_on")
    if not cannot and not stopped:
        return ()
    reasons = []
    for given in item.givens:
        if isinstance(cannot, frozenset) and given.covered_by & cannot:
            reasons.append(f"it gives {given.name}, which you cannot have")
        if isinstance(stopped, frozenset) and given.can_stop_working and given.ident in stopped:
            reasons.append(f"{given.name} has already stopped working for you")
    return tuple(reasons)


def _outcome(kb: KnowledgeBase, item: _Indexed, facts: Mapping[str, FactValue]) -> OptionResult:
    option = item.option
    truth = item.when(facts)
    reason = None
    missing: list[MissingFact] = []
    vetoed = ruled_out_by_person(item, facts)
    if vetoed:
        status = Status.not_suitable
        reason = "Not for this situation: " + "; ".join(vetoed) + "."
    elif truth is Truth.FALSE:
        status = Status.not_suitable
        assert option.when is not None
        reason = "Not for this situation: " + "; ".join(why_not(kb, option.when, facts)) + "."
    else:
        if truth is Truth.UNKNOWN:
            missing = [engine_index(kb).missing[f] for f in undecided_facts(kb, option.when, facts)]
        if option.in_trials:
            status = Status.in_trials
        elif truth is Truth.UNKNOWN:
            status = Status.needs_information
        else:
            status = Status.offered
    return _build(
        OptionResult,
        id=option.id,
        name=option.name,
        status=status,
        modality=option.modality,
        treats_cancer=option.treats_cancer,
        not_chosen=option.treats_cancer and facts.get("wants_cancer_treatment") is False,
        intent=[i.value for i in option.intent],
        uses=item.uses,
        given_with=item.given_with,
        may_involve=item.may_involve,
        prominence=option.prominence.value if option.prominence else None,
        timing=[t.value for t in option.timing],
        description=option.description,
        reason=reason,
        missing=missing,
        caveats=[out for test, out in item.caveats if test(facts) is Truth.TRUE],
        relieves_your_symptoms=any(t(facts) is Truth.TRUE for t in item.symptom_tests),
        citations=item.citations,
    )


def _result_for(
    kb: KnowledgeBase, index: EngineIndex, item: _Indexed, sit: Situation
) -> OptionResult:
    facts = sit.facts
    key = (
        item.position,
        ruled_out_by_person(item, facts),
        item.option.treats_cancer and facts.get("wants_cancer_treatment") is False,
        item.values_of(facts),
    )
    found = index.outcomes.get(key)
    if found is None:
        found = _outcome(kb, item, facts)
        if len(index.outcomes) >= MEMO_LIMIT:
            index.outcomes.clear()
        index.outcomes[key] = found
    return found


def evaluate_option(kb: KnowledgeBase, option: Option, sit: Situation) -> OptionResult:
    """One option's status, reasons and sources for a situation."""
    index = engine_index(kb)
    item = index.by_id[option.id]
    return _result_for(kb, index, item, sit)


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
    modality_rank = MODALITY_RANK[sit.facts.get("wants_cancer_treatment") is False]
    keyed = []
    for item in scope.options:
        result = _result_for(kb, index, item, sit)
        key = (
            result.not_chosen,
            modality_rank[result.modality],
            STATUS_RANK[result.status],
            not result.relieves_your_symptoms,
            item.order,
            item.position,
        )
        keyed.append((key, result))
    keyed.sort(key=lambda pair: pair[0])
    ordered = [result for _, result in keyed]

    deciding: dict[str, list[str]] = {}
    for r in ordered:
        for m in r.missing:
            deciding.setdefault(m.fact, []).append(r.id)
    ranked = [
        _build(RankedFact, **dict(index.missing[fact]), decides=len(ids), options=ids)
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
        profile=profile.model_dump(mode="json", exclude_none=True),
        cancer=sit.cancer,
        cancer_name=sit.cancer_name,
        has_own_source=scope.own_source,
        scope=text,
        options=ordered,
        notes=scope.notes,
        what_would_change=ranked,
        questions=[f.question for f in ranked] + QUESTIONS,
        warnings=list(sit.warnings),
        disclaimer=DISCLAIMER,
        kb_version=kb.version,
        sources=scope.sources,
    )
