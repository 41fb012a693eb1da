"""evaluate(profile, kb) -> Result: every option in scope, with its status, why, and its sources.

Pure and deterministic: no I/O, no global state, inputs are not changed. Conditions are evaluated
with three-valued logic, so a fact that is not known makes an option ``needs_information`` (naming
the fact and the test or question that settles it), never ``not_suitable``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum

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
from onconav.logic import FactValue, Truth, evaluate_test
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
    model_config = ConfigDict(frozen=True)


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


def in_scope(kb: KnowledgeBase, sit: Situation) -> list[Option]:
    own = sit.known_cancer and any(sit.cancer in o.cancers for o in kb.options)
    return [
        o
        for o in kb.options
        if sit.cancer in o.cancers or ("any" in o.cancers and not (own and o.general_only))
    ]


def _relieves(kb: KnowledgeBase, option: Option, facts: Mapping[str, FactValue]) -> bool:
    from onconav.logic import fact_tests

    return any(
        t.fact == "symptoms" and evaluate_test(t, facts, kb.vocabulary) is Truth.TRUE
        for t in fact_tests(option.when)
    )


def ruled_out_by_person(
    kb: KnowledgeBase, option: Option, facts: Mapping[str, FactValue]
) -> list[str]:
    """Reasons the person's own answers rule out what the option gives: a treatment they cannot
    have (a drug class covers its drugs, a regimen its drugs), or the very drug or regimen that
    already stopped working. Applied only when known: unknown never rules anything out."""
    given = [*option.uses, *option.given_with]
    reasons = []
    cannot = facts.get("cannot_have")
    if isinstance(cannot, frozenset) and cannot:
        for ident in given:
            record = kb.by_id[ident]
            parts = [ident, *getattr(record, "components", [])]
            if any(kb.vocabulary.up("cannot_have", p) & cannot for p in parts):
                reasons.append(f"it gives {getattr(record, 'name', ident)}, which you cannot have")
    stopped = facts.get("progressed_on")
    if isinstance(stopped, frozenset) and stopped:
        for ident in given:
            if ident in stopped and kb.kind_of.get(ident) in ("drugs", "regimens"):
                name = getattr(kb.by_id[ident], "name", ident)
                reasons.append(f"{name} has already stopped working for you")
    return reasons


def evaluate_option(kb: KnowledgeBase, option: Option, sit: Situation) -> OptionResult:
    facts = sit.facts
    truth = evaluate_condition(option.when, facts, kb.vocabulary)
    reason = None
    missing: list[MissingFact] = []
    vetoed = ruled_out_by_person(kb, option, facts)
    if vetoed:
        status = Status.not_suitable
        reason = "Not for this situation: " + "; ".join(vetoed) + "."
    elif truth is Truth.FALSE:
        status = Status.not_suitable
        reason = "Not for this situation: " + "; ".join(why_not(kb, option.when, facts)) + "."  # type: ignore[arg-type]
    elif option.in_trials:
        status = Status.in_trials
        if truth is Truth.UNKNOWN:
            missing = [_missing(kb, f) for f in undecided_facts(kb, option.when, facts)]
    elif truth is Truth.UNKNOWN:
        status = Status.needs_information
        missing = [_missing(kb, f) for f in undecided_facts(kb, option.when, facts)]
    else:
        status = Status.offered
    caveats = [
        CaveatOut(id=c.id, text=c.text, citations=[Citation.of(s) for s in c.evidence])
        for c in option.caveats
        if evaluate_condition(c.when, facts, kb.vocabulary) is Truth.TRUE
    ]
    return OptionResult(
        id=option.id,
        name=option.name,
        status=status,
        modality=option.modality,
        treats_cancer=option.treats_cancer,
        not_chosen=option.treats_cancer and facts.get("wants_cancer_treatment") is False,
        intent=[i.value for i in option.intent],
        uses=_names(kb, option.uses),
        given_with=_names(kb, option.given_with),
        may_involve=_names(kb, option.may_involve),
        prominence=option.prominence.value if option.prominence else None,
        timing=[t.value for t in option.timing],
        description=option.description,
        reason=reason,
        missing=missing,
        caveats=caveats,
        relieves_your_symptoms=_relieves(kb, option, facts),
        citations=[Citation.of(s) for s in option.evidence],
    )


def _sort_key(
    result: OptionResult, option: Option, index: int, care_first: bool
) -> tuple[object, ...]:
    modality_order = (CARE_FIRST if care_first else []) + [
        m for m in MODALITY_ORDER if not (care_first and m in CARE_FIRST)
    ]
    prominence = (
        PROMINENCE_ORDER.index(result.prominence) if result.prominence else len(PROMINENCE_ORDER)
    )
    return (
        result.not_chosen,
        modality_order.index(result.modality),
        STATUS_ORDER.index(result.status),
        not result.relieves_your_symptoms,
        option.rank if option.rank is not None else 1000,
        prominence,
        index,
    )


def evaluate(profile: Profile, kb: KnowledgeBase) -> Result:
    """Every option in scope for this profile, ordered for a person to follow."""
    sit = situation(profile, kb)
    options = in_scope(kb, sit)
    results = [evaluate_option(kb, o, sit) for o in options]
    care_first = sit.facts.get("wants_cancer_treatment") is False
    order = sorted(
        range(len(results)), key=lambda i: _sort_key(results[i], options[i], i, care_first)
    )
    ordered = [results[i] for i in order]

    counts: Counter[str] = Counter()
    deciding: dict[str, list[str]] = {}
    for r in ordered:
        for m in r.missing:
            counts[m.fact] += 1
            deciding.setdefault(m.fact, []).append(r.id)
    ranked = [
        RankedFact(**_missing(kb, fact).model_dump(), decides=n, options=deciding[fact])
        for fact, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    questions = [f.question for f in ranked]
    questions += [
        "What is the goal of each treatment for me: to cure, to control the cancer, "
        "or to ease symptoms?",
        "What side effects should I expect, and how would they be managed?",
        "Is there a clinical trial that could fit me?",
    ]

    notes = [
        NoteOut(id=n.id, title=n.title, text=n.text, citations=[Citation.of(s) for s in n.evidence])
        for n in kb.data.notes
        if sit.cancer in n.cancers or "any" in n.cancers
    ]
    cited = {c.source for r in ordered for c in r.citations} | {
        c.source for n in notes for c in n.citations
    }
    sources = [
        SourceUsed(id=s.id, title=s.title, publisher=s.publisher, dated=s.dated)
        for s in kb.data.sources
        if s.id in cited
    ]
    own_source = any(sit.cancer in o.cancers for o in options)
    if own_source:
        scope = (
            f"Options from the sources about {sit.cancer_name}, and options from the source "
            "about advanced cancer in general that fit particular situations."
        )
    else:
        scope = (
            f"No source here is about {sit.cancer_name} itself, so these are the options the "
            "source about advanced cancer in general describes. Ask your care team about the "
            "treatments used for your type of cancer."
        )
    return Result(
        profile=profile.model_dump(mode="json", exclude_none=True),
        cancer=sit.cancer,
        cancer_name=sit.cancer_name,
        has_own_source=own_source,
        scope=scope,
        options=ordered,
        notes=notes,
        what_would_change=ranked,
        questions=questions,
        warnings=list(sit.warnings),
        disclaimer=DISCLAIMER,
        kb_version=kb.version,
        sources=sources,
    )
