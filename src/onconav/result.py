"""The Result every front end shares: what ``onconav.evaluate`` returns, and what the JSON output,
the pages, the cards and the reports are made from (``schemas/result.schema.json``).

Results are values: each evaluation makes new ones, and changing one changes nothing else.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializationInfo, field_serializer

from onconav.kb.model import Modality
from onconav.logic import Status
from onconav.profile import Profile

__all__ = [
    "CaveatOut",
    "Check",
    "Citation",
    "Counts",
    "MissingFact",
    "NoteOut",
    "OptionResult",
    "RankedFact",
    "Reason",
    "Result",
    "SourceUsed",
    "Status",
    "TestRef",
]


class Out(BaseModel):
    # Built on first use (the engine validates each part as it makes it), so that a command
    # that never makes a result does not pay for the schema.
    # Every field is in every answer, a default one too (in_trials, warnings): the schemas say
    # so, for a client's generated types (a field not required reads as one that may be absent).
    model_config = ConfigDict(defer_build=True, json_schema_serialization_defaults_required=True)


class Citation(Out):
    source: str
    start: int
    end: int
    sha256: str
    label: str = Field(description="As printed: [source-id start-end]")


class TestRef(Out):
    id: str
    name: str
    loinc: list[str]


class MissingFact(Out):
    fact: str
    label: str
    question: str
    tests: list[TestRef] = Field(description="Tests that settle it, if it is a test result")


class Check(Out):
    """One test of a fact, as the engine read it for the person."""

    fact: str
    wanted: list[str | bool | int] = Field(
        description="The values the test asks for (yes/no for a yes/no fact; for a test of how "
        "many places, the most allowed; empty for a test that any value at all is given, such "
        "as any symptom)"
    )
    negated: bool = Field(description="True when the option or note is for anything but these")
    yours: list[str] | str | bool | None = Field(description="The person's value (None: unknown)")


REASON_LEAD = "Not for this situation: "  # how an option's reason begins


class Reason(Out):
    """One reason an option is not suitable: the plain words, and what decided it."""

    kind: Literal["ruled_out", "not_advanced", "condition"] = Field(
        description="ruled_out: it gives something the person cannot have or that stopped "
        "working; not_advanced: stage 1 to 3 that has not come back, which the sources are not "
        "about; condition: a fact of the person's situation does not fit it"
    )
    text: str
    check: Check | None = Field(description="The test that decided it, if one test did")
    given: str | None = Field(default=None, description="For ruled_out: the id of what it gives")


class CaveatOut(Out):
    """Something to know about an option, shown when it holds for the person or may hold."""

    id: str
    text: str
    applies: bool = Field(
        description="True: it holds for the person; False: it may hold (shown as 'if this "
        "applies to you'), until the facts in `undecided` are known"
    )
    because: list[Check] = Field(description="The tests that made it apply to the person")
    undecided: list[str] = Field(description="Facts that would say whether it applies")
    citations: list[Citation]


class OptionResult(Out):
    id: str
    name: str
    status: Status
    modality: Modality
    treats_cancer: bool
    standard: bool = Field(
        description="A treatment that aims at the cancer and that the sources describe as given: "
        "not a clinical trial to take part in, not only studied in trials, not care that "
        "relieves symptoms; for a person who does not want cancer treatment, only what is "
        "declined (what of it is offered them, or asked about, is to relieve a symptom of "
        "theirs: surgery for a blocked bowel). The "
        "headline counts the offered ones apart from the trials and care offered (\"9 offered "
        "(6 cancer treatments and 3 trials or care)\")",
    )
    in_trials: bool = Field(
        default=False,
        description="Only described as being studied: given in clinical trials, whatever its "
        "status for the person (its aim is what the studies are to learn)",
    )
    not_chosen: bool = Field(
        description="Declined: a treatment of the cancer, and the person does not want cancer "
        "treatment (shown, never pushed)"
    )
    intent: list[str]
    uses: list[str] = Field(description="Names of what is given")
    given_with: list[str]
    may_involve: list[str]
    prominence: str | None
    timing: list[str]
    description: str
    reason: str | None = Field(description="Why it is not suitable, in plain words: "
                               "\"Not for this situation: \" and why")
    reason_shown: str | None = Field(
        default=None,
        description="The reason as an answer shows it under the option: `reason`, but what the "
        "answer's `scope` says once for all such options (that the cancer's own source does not "
        "say how the situation is treated) only pointed to",
    )
    beyond_own_source: bool = Field(
        default=False,
        description="True when the option does not suit because of the situation and the "
        "cancer's own source does not say how that situation is treated: `reason` then says so "
        "and `reason_shown` only points to the answer's `scope`, which says it once",
    )
    reasons: list[Reason] = Field(description="The same, one by one, with what decided each")
    choices: list[str] = Field(
        description="Names of what it gives that the sources list as alternatives: one of them "
        "is given, or as many as choices_at_least says (empty when there are none)"
    )
    choices_at_least: int = Field(
        1, description="How many of the choices are given together: 1 (one of them), or 2 for "
        "a mix of two or more of them"
    )
    choices_left: list[str] = Field(
        description="Where it is one of several alternatives (5-FU or capecitabine) and the "
        "person's answers remove some: the names of those left (empty otherwise)"
    )
    choices_ruled_out: list[Reason] = Field(
        description="The alternatives the person's answers remove, each with why"
    )
    missing: list[MissingFact] = Field(description="Facts that would decide it")
    caveats: list[CaveatOut] = Field(
        description="What to know about it that holds or may hold for the person; for an "
        "option that does not suit, only what can be done instead (its reason says why)"
    )
    relieves_your_symptoms: bool
    warnings: list[str] = Field(
        default_factory=list,
        description="The answer's warnings about what this option gives, said here too (the "
        "answer's `warnings` hold them with the field they concern): a drug it gives is of the "
        "same kind as one that stopped working or cannot be given (it may not work either, or "
        "the reason may hold for it too); a mix it gives holds a drug that stopped working "
        "beside one not listed as stopped; or it gives a kind of drug as such (hormone "
        "therapy) that stopped working",
    )
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


class Counts(Out):
    """How many options have each status: the headline every front end shows. A declined
    option counts as declined, never as offered."""

    offered: int
    needs_information: int
    in_trials: int
    declined: int
    not_suitable: int


class Understood(Out):
    """One fact of the person's situation as onconav read it, in plain words."""

    fact: str
    label: str = Field(description="What the fact is")
    value: str = Field(description="The value as read, in plain words")
    as_typed: Any = Field(default=None, description="The words as typed, when they differ")
    read_as: str | None = Field(
        default=None,
        description="What the options were decided on instead, in plain words, when the rest "
        "of the answers changed it (cervical stage 4 spread only within the pelvis: stage 4A; "
        "an answer that contradicts others: not known)",
    )


class Result(Out):
    profile: Profile = Field(description="The profile as understood")
    cancer: str
    cancer_name: str
    has_own_source: bool
    scope: str = Field(description="Which sources' options are shown, in plain words")
    understood: list[Understood] = Field(
        description="The situation as understood: each fact given, as read, in plain words"
    )
    counts: Counts = Field(description="How many of the options have each status")
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
        # Only what was given: an absent field is unknown, not null.
        return profile.model_dump(mode=info.mode, exclude_none=True, by_alias=True)

    def cited(self) -> list[Citation]:
        """Every citation of the answer, once each, in the order of the sources: each option's,
        its caveats', and the notes' (what the report quotes, and what the command line warns
        of when a source file no longer matches: it had left out the caveats')."""
        every = [c for o in self.options
                 for c in [*o.citations, *(c for cv in o.caveats for c in cv.citations)]]
        every += [c for n in self.notes for c in n.citations]
        unique = {c.label: c for c in every}
        return sorted(unique.values(), key=lambda c: (c.source, c.start, c.end))
