"""A person's situation: the Profile, its parsing, and its facts (one flat row) for the engine.

A field that is absent is unknown. Names are matched against the knowledge base by any alias
(gastric -> stomach, Xeloda -> capecitabine, IV -> 4). ``parse_profile`` reports every problem of
a profile at once (``ProfileError.problems``), each naming the field, the value given and what is
accepted; values that contradict each other give warnings, not errors.

``facts_of`` turns a profile into the facts the rules read: one value per fact of the knowledge
base (None when unknown), and the ``site`` that decides which options are in scope. The same row,
as a table of people, is the input of the SQL path (``facts_table``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from onconav.kb import KnowledgeBase
from onconav.kb.model import FactType
from onconav.kb.rules import DRUG_KINDS
from onconav.kb.vocabulary import is_code, normalise_name
from onconav.logic import FactValue, Truth, truth

STAGES = {"4": "4", "iv": "4", "4a": "4A", "iva": "4A", "4b": "4B", "ivb": "4B"}
for _earlier in ("1", "2", "3", "i", "ii", "iii"):
    for _sub in ("", "a", "b", "c"):
        STAGES[_earlier + _sub] = "earlier"
STAGES["earlier"] = "earlier"
UNKNOWN_SITE = {"any", "unknown", "notknown", "unknownprimary", "cancerofunknownprimary"}
RECURRENCE = {
    "none": "none", "no": "none", "false": "none",
    "yes": "yes", "true": "yes", "recurrent": "yes",
    "local": "local", "locally": "local",
    "distant": "distant", "metastatic": "distant",
}  # fmt: skip
HER2 = {"positive": "positive", "pos": "positive", "+": "positive",
        "negative": "negative", "neg": "negative", "-": "negative"}  # fmt: skip
KRAS = {
    "wildtype": "wild-type", "wt": "wild-type", "negative": "wild-type", "normal": "wild-type",
    "mutated": "mutated", "mutation": "mutated", "mutant": "mutated", "positive": "mutated",
}  # fmt: skip
EXTENT = {"few": "few", "many": "many"}
NONE_WORDS = {"none", "nothing", "no"}
# Single-choice fields: spellings accepted for each value, and the values named in errors.
CHOICES: dict[str, tuple[dict[str, str], str]] = {
    "stage": (STAGES, "4, 4A, 4B (also IV, IVA, IVB), or 1 to 3"),
    "recurrence": (RECURRENCE, "none, yes, local, distant"),
    "metastasis_extent": (EXTENT, "few, many"),
    "her2": (HER2, "positive, negative"),
    "kras": (KRAS, "wild-type, mutated"),
}


@dataclass(frozen=True)
class Problem:
    """One problem of a profile: where (``biomarkers.her2``, ``symptoms[1]``), the value given,
    what is accepted, and one line of plain words."""

    field: str
    value: Any
    accepted: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ProfileError(ValueError):
    """A profile that cannot be read, with every problem found (one per line when printed)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[type[ProfileError], tuple[list[Problem]]]:
        return (ProfileError, (self.problems,))


def _key(value: object) -> str:
    return re.sub(r"[^a-z0-9+\-]", "", str(value).lower().replace("stage", "")).strip("-")


def _choose(value: object, field: str) -> str:
    """The value a spelling means (a string, or a whole number for a stage)."""
    table, accepted = CHOICES[field]
    found = None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        raw = str(value).strip().lower()
        found = table.get(raw) or table.get(_key(value).replace("-", "")) or table.get(_key(value))
    if found is None:
        raise PydanticCustomError(
            "not_accepted", "{given} is not accepted; accepted: {accepted}",
            {"given": repr(value), "accepted": accepted, "values": sorted(set(table.values()))},
        )  # fmt: skip
    return found


class Biomarkers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    her2: str | list[str] | None = Field(default=None, description="HER2: positive or negative")
    kras: str | list[str] | None = Field(default=None, description="KRAS: wild-type or mutated")

    @field_validator("her2", mode="before")
    @classmethod
    def _her2(cls, value: object) -> object:
        return _listwise(value, "her2")

    @field_validator("kras", mode="before")
    @classmethod
    def _kras(cls, value: object) -> object:
        return _listwise(value, "kras")


def _listwise(value: object, field: str) -> object:
    """A biomarker given once or as a list (results that disagree): each value chosen, and every
    value not accepted named in one error."""
    if value is None or not isinstance(value, list):
        return None if value is None else _choose(value, field)
    chosen, refused = [], []
    for i, item in enumerate(value):
        try:
            chosen.append(_choose(item, field))
        except PydanticCustomError:
            refused.append(f"[{i}] {item!r}")
    if refused:
        table, accepted = CHOICES[field]
        raise PydanticCustomError(
            "not_accepted", "{given} not accepted; accepted: {accepted}",
            {"given": ", ".join(refused), "accepted": accepted,
             "values": sorted(set(table.values()))},
        )  # fmt: skip
    return chosen


class Profile(BaseModel):
    """What is known of a person's situation. Every field but ``cancer`` may be left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cancer: str = Field(
        description="Where the cancer started: stomach, rectum, cervix, or any other site "
        "(breast, prostate, thyroid, lung, colon, ...); synonyms such as gastric are accepted",
        min_length=1,
    )
    stage: Literal["earlier", "4", "4A", "4B"] | None = Field(
        default=None,
        description="4, 4A or 4B (also written IV, IVA, IVB); 1, 2 or 3 (I-III) is read as "
        "'earlier', for a cancer that has come back after an earlier stage",
    )
    recurrence: Literal["none", "yes", "local", "distant"] | None = Field(
        default=None,
        description="none; yes (came back, place not known); local (where it started); distant",
    )
    resectable: bool | None = Field(
        default=None, description="Could surgery remove all of the cancer?"
    )
    metastases: list[str] | None = Field(
        default=None,
        description="Where it has spread: liver, lung, bone, brain, peritoneum, pelvis, "
        "lymph nodes, other; [] for nowhere",
    )
    metastasis_extent: Literal["few", "many"] | None = Field(
        default=None, description="few (a few tumours, e.g. in one organ) or many"
    )
    biomarkers: Biomarkers = Field(default_factory=Biomarkers)
    progressed_on: list[str] | None = Field(
        default=None,
        description="What stopped working: chemotherapy, or named drugs and regimens (FOLFIRI)",
    )
    cannot_have: list[str] | None = Field(
        default=None, description="Treatments that cannot be used or caused severe side effects"
    )
    most_treatments_tried: bool | None = Field(
        default=None, description="Have most of the usual treatments already been tried?"
    )
    prior_treatments: list[str] | None = Field(
        default=None,
        description="Treatments already had: surgery, bowel resection, radiation, pelvic "
        "radiation, chemotherapy, targeted therapy, immunotherapy; [] for none",
    )
    symptoms: list[str] | None = Field(
        default=None,
        description="bleeding, pain, trouble swallowing, blockage, bowel obstruction, weak bone, "
        "broken bone, spinal cord compression, malnutrition, nausea, vomiting, constipation, ...; "
        "[] for none",
    )
    wants_cancer_treatment: bool | None = Field(
        default=None, description="Does the person want treatment aimed at the cancer itself?"
    )
    planned: list[str] | None = Field(
        default=None,
        description="Treatments already planned: surgery (or bowel resection), radiation, "
        "chemotherapy",
    )
    used_for_my_cancer: list[str] | None = Field(
        default=None,
        description="Kinds of drug treatment the care team says are used for this type of "
        "cancer: targeted therapy, immunotherapy; [] for neither",
    )
    chemo_for_spread: bool | None = Field(
        default=None,
        description="Was chemotherapy given after the cancer had spread (not only with radiation "
        "for an earlier stage)?",
    )
    hormone_sensitive: bool | None = Field(
        default=None, description="Do hormones make this cancer grow?"
    )

    @field_validator("stage", "recurrence", "metastasis_extent", mode="before")
    @classmethod
    def _one_of(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        return _choose(value, str(info.field_name))

    @field_validator(
        "metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
        "used_for_my_cancer", mode="before",
    )  # fmt: skip
    @classmethod
    def _list(cls, value: object) -> object:
        return as_list(value)


def as_list(value: object) -> object:
    """A list field as given: a comma-separated string is split; "none" alone is the empty list.
    A string with no name in it is refused (say "none" for none)."""
    if isinstance(value, str):
        parts = [part for part in re.split(r"\s*,\s*", value.strip()) if part]
        if not parts:
            raise PydanticCustomError(
                "not_accepted", "{given} is not accepted; accepted: {accepted}",
                {"given": repr(value), "accepted": "a list of names, or none", "values": []},
            )  # fmt: skip
        value = parts
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], str)
        and normalise_name(value[0]) in NONE_WORDS
    ):
        return []
    return value




SET_FIELDS = ("metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms",
              "planned", "used_for_my_cancer")  # fmt: skip
"""The list fields: each is the set fact of the same name, its names resolved in the knowledge
base."""


# --------------------------------------------------------------------------------------------
# Parsing: every problem at once
# --------------------------------------------------------------------------------------------


def _problem(item: Any) -> Problem:
    """A pydantic error as a Problem."""
    where = ".".join(str(p) for p in item["loc"] if not isinstance(p, int))
    indexes = [p for p in item["loc"] if isinstance(p, int)]
    if indexes and where in (*SET_FIELDS, "biomarkers.her2", "biomarkers.kras"):
        where += "".join(f"[{i}]" for i in indexes)
    given = item.get("input")
    kind = item["type"]
    if kind == "extra_forbidden":
        model = Biomarkers if item["loc"][0] == "biomarkers" else Profile
        fields = tuple(model.model_fields)
        return Problem(where, given, fields, f"unknown field; accepted fields: {', '.join(fields)}")
    if kind == "missing":
        return Problem(where, None, (), "is required")
    if kind == "not_accepted":
        return Problem(where, given, tuple(item["ctx"]["values"]), item["msg"])
    if kind == "string_type":
        return Problem(where, given, (), f"{given!r} is not accepted; give a name")
    if kind == "list_type":
        return Problem(where, given, (), f"{given!r} is not accepted; give a list of names")
    if kind in ("bool_parsing", "bool_type"):
        return Problem(where, given, ("true", "false"), f"{given!r} is not accepted; accepted: "
                       "true, false")  # fmt: skip
    return Problem(where, given, (), item["msg"].removeprefix("Value error, "))


def parse_profile(data: object, kb: KnowledgeBase) -> Profile:
    """Validate a mapping (from JSON, YAML, flags or a form) into a Profile, resolving every name
    in ``kb``; raise ProfileError with every problem found."""
    if not isinstance(data, dict):
        raise ProfileError([Problem("profile", data, (), "must be a JSON object of fields, such "
                                    'as {"cancer": "rectum"}')])  # fmt: skip
    problems: list[Problem] = []
    profile = None
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        problems += [_problem(item) for item in error.errors()]
    invalid = {p.field for p in problems}
    for field in SET_FIELDS:
        names = as_list(data.get(field)) if field not in invalid else None
        if isinstance(names, list):  # each name that is a string, where pydantic found none wrong
            for i, name in enumerate(names):
                if isinstance(name, str) and f"{field}[{i}]" not in invalid:
                    problems += [replace(p, field=f"{field}[{i}]")
                                 for p in _resolve(kb, field, [name])[1]]  # fmt: skip
    cancer = data.get("cancer")
    if "cancer" not in invalid and isinstance(cancer, str):
        problems += _cancer(kb, cancer)[2]
    if problems:
        raise ProfileError(problems)
    assert profile is not None
    return profile


def _resolve(
    kb: KnowledgeBase, field: str, names: list[str]
) -> tuple[frozenset[str], list[Problem]]:
    """The ids a list of names means among the values of its fact, and a problem for each name
    that is not known."""
    table = kb.value_names[field]
    ids: set[str] = set()
    problems = []
    for i, name in enumerate(names):
        match = table.get(normalise_name(name))
        if match is None:  # a code (rxnorm|4492, C78.7) of a record that is a value of the fact
            match = next((r.id for r in kb.find(name) if r.id in table.values()), None)
        if match is None:
            accepted = tuple(sorted(kb.vocabulary.known(field)))
            shown = ", ".join(accepted[:12]) + (", ..." if len(accepted) > 12 else "")
            problems.append(Problem(f"{field}[{i}]", name, accepted,
                                    f"{name!r} is not known; accepted: {shown}"))  # fmt: skip
        else:
            ids.add(match)
    return frozenset(ids), problems


def _cancer(kb: KnowledgeBase, name: str) -> tuple[str, str, list[Problem]]:
    """The site a cancer name means (a cancer id, ``any`` when not given, or the folded name of a
    cancer the knowledge base does not know), its name, and a problem if the name is not a name
    at all or is a code of no known cancer."""
    hits = [r for r in kb.find(name) if kb.kind_of.get(r.id) == "cancers"]
    if normalise_name(name) in UNKNOWN_SITE or (hits and hits[0].id == "any"):
        return "any", "advanced cancer (where it started not given)", []
    if hits:
        return hits[0].id, kb.name_of(hits[0].id), []
    if is_code(name):
        message = f"{name!r} is a code of no cancer onconav knows; give the cancer's name"
        problem = Problem("cancer", name, (), message)
        return "", "", [problem]
    if not any(c.isalpha() for c in name):
        problem = Problem("cancer", name, (), f"{name!r} is not a cancer name")
        return "", "", [problem]
    return normalise_name(name) or name.strip().lower(), name.strip(), []


# --------------------------------------------------------------------------------------------
# Facts: one flat row per person
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """A profile resolved against the knowledge base: what the rules read."""

    profile: Profile
    site: str  # decides the scope: a cancer id, "any" (not given), or another cancer's name
    cancer_name: str
    given: dict[str, FactValue]  # every fact of the knowledge base as given; None when unknown
    row: dict[str, FactValue]  # the same with the facts the profile implies (``kb.implied``)
    warnings: tuple[str, ...]


def _marker(profile: Profile, marker: str, warnings: list[str]) -> str | None:
    """A biomarker's value; given both ways, it is unknown (with a warning)."""
    value = getattr(profile.biomarkers, marker)
    if not isinstance(value, list):
        return value  # type: ignore[no-any-return]
    distinct = sorted(set(value))
    if len(distinct) > 1:
        warnings.append(
            f"biomarkers.{marker}: given as both {' and '.join(distinct)}; "
            "treated as unknown until the result is checked"
        )
        return None
    return distinct[0] if distinct else None


def facts_of(profile: Profile, kb: KnowledgeBase) -> Facts:
    """The facts of a profile: names resolved to knowledge-base ids, then the facts the profile
    implies (``kb.implied``); contradictions as warnings. Raises ProfileError (every problem) if a
    name is not known."""
    warnings: list[str] = []
    problems: list[Problem] = []
    site, cancer_name, bad = _cancer(kb, profile.cancer)
    problems += bad
    given: dict[str, FactValue] = dict.fromkeys(kb.facts)
    given.update(
        cancer=None if site == "any" else site,
        stage=profile.stage,
        recurrence=profile.recurrence,
        resectable=profile.resectable,
        metastasis_extent=profile.metastasis_extent,
        most_treatments_tried=profile.most_treatments_tried,
        wants_cancer_treatment=profile.wants_cancer_treatment,
        hormone_sensitive=profile.hormone_sensitive,
        chemo_for_spread=profile.chemo_for_spread,
        her2=_marker(profile, "her2", warnings),
        kras=_marker(profile, "kras", warnings),
    )
    for field in SET_FIELDS:
        names = getattr(profile, field)
        if names is not None:
            given[field], missed = _resolve(kb, field, names)
            problems += missed
    if problems:
        raise ProfileError(problems)
    warnings += _stopped_but_never_had(kb, given)
    row = dict(given)
    for implied in kb.implied:
        unknown = row[implied.fact] is None
        if (unknown or not implied.if_unknown) and truth(implied.when, row) is Truth.TRUE:
            row[implied.fact] = implied.value
            if implied.warning:
                warnings.append(implied.warning)
    if row["stage"] == "earlier" and row["recurrence"] is None:
        warnings.append(
            "stage: the sources are about stage 4 or cancer that has come back; for stage 1 to 3 "
            "say whether it has come back (recurrence)"
        )
    return Facts(profile, site, cancer_name, given, row, tuple(warnings))


def _stopped_but_never_had(kb: KnowledgeBase, row: dict[str, FactValue]) -> list[str]:
    """A drug treatment that stopped working, but none listed among the treatments had."""
    prior, stopped = row["prior_treatments"], row["progressed_on"]
    if isinstance(prior, frozenset) and isinstance(stopped, frozenset) and stopped:
        classes = set().union(*(kb.vocabulary.up("progressed_on", s) for s in stopped))
        if not prior & DRUG_KINDS and classes & DRUG_KINDS:
            return [
                "prior_treatments: lists no drug treatment, but progressed_on says one stopped "
                "working; check what was had"
            ]
    return []


# --------------------------------------------------------------------------------------------
# The facts table: the same rows for many people, for SQL
# --------------------------------------------------------------------------------------------

SQL_TYPES = {FactType.enum: "VARCHAR", FactType.bool: "BOOLEAN", FactType.set: "VARCHAR[]"}


def facts_table(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """The columns of a facts table, each (name, SQL type, meaning): ``person_id``, ``site``,
    then every fact of the knowledge base (NULL for unknown, an empty list for none)."""
    return [
        ("person_id", "VARCHAR NOT NULL", "Any identifier of the person, unique in the table"),
        ("site", "VARCHAR NOT NULL", "Where the cancer started, as the scope reads it: a cancer "
         "id of the knowledge base, 'any' when not given, or the folded name of another cancer"),
        *((f.id, SQL_TYPES[f.type], f.label) for f in kb.facts.values()),
    ]  # fmt: skip


def table_row(person_id: str, facts: Facts) -> dict[str, object]:
    """A person's facts as given, as a row of the facts table (sets as sorted lists); the query
    adds what they imply."""
    row: dict[str, object] = {"person_id": person_id, "site": facts.site}
    for name, value in facts.given.items():
        row[name] = sorted(value) if isinstance(value, frozenset) else value
    return row
