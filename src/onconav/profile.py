"""A person's situation: the Profile model, its validation, and its facts for the engine.

A field that is absent is unknown. Names are matched against the knowledge base by any alias
(gastric -> stomach, Xeloda -> capecitabine, IV -> 4). Bad values raise ProfileError naming the
field and what it accepts; values that contradict each other give warnings, not errors.
"""

import re
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from onconav.kb.load import KnowledgeBase, keep, normalise_name
from onconav.logic import FactValue

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
}
DISTANT_SITES = {"liver", "lung", "bone", "brain", "peritoneum", "other-site"}


class ProfileError(ValueError):
    """A profile that cannot be read: one sentence naming the field and the accepted values."""


def _key(value: object) -> str:
    return re.sub(r"[^a-z0-9+\-]", "", str(value).lower().replace("stage", "")).strip("-")


def _choose(value: object, table: dict[str, str], accepted: str) -> str:
    found = table.get(_key(value).replace("-", "")) or table.get(_key(value))
    if found is None:
        raise ValueError(f"{value!r} is not accepted; accepted: {accepted}")
    return found


class Biomarkers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    her2: str | list[str] | None = Field(default=None, description="HER2: positive or negative")
    kras: str | list[str] | None = Field(default=None, description="KRAS: wild-type or mutated")

    @field_validator("her2", mode="before")
    @classmethod
    def _her2(cls, value: object) -> object:
        return _listwise(value, lambda v: _choose(v, HER2, "positive, negative"))

    @field_validator("kras", mode="before")
    @classmethod
    def _kras(cls, value: object) -> object:
        return _listwise(value, lambda v: _choose(v, KRAS, "wild-type, mutated"))


def _listwise(value: object, one: Any) -> object:
    if value is None:
        return None
    if isinstance(value, list):
        return [one(v) for v in value]
    return one(value)


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
        default=None, description="Treatments already planned: surgery, radiation, chemotherapy"
    )
    hormone_sensitive: bool | None = Field(
        default=None, description="Do hormones make this cancer grow?"
    )

    @field_validator(*CHOICES, mode="before")
    @classmethod
    def _one_of(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        table, accepted = CHOICES[str(info.field_name)]
        return _choose(value, table, accepted)

    @field_validator(
        "metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in re.split(r"\s*,\s*", value) if part]
        if (
            isinstance(value, list)
            and len(value) == 1
            and normalise_name(str(value[0])) in NONE_WORDS
        ):
            return []
        return value


def _message(error: ValidationError) -> str:
    item = error.errors()[0]
    where = ".".join(str(p) for p in item["loc"] if not isinstance(p, int))
    if item["type"] == "extra_forbidden":
        fields = ", ".join(Profile.model_fields)
        return f"{where}: unknown field; accepted fields: {fields}"
    if item["type"] == "missing":
        return f"{where}: is required"
    message = item["msg"].removeprefix("Value error, ")
    if item["type"] == "literal_error":
        message = f"{item['input']!r} is not accepted; {message.lower()}"
    if item["type"] in ("bool_parsing", "bool_type"):
        message = f"{item['input']!r} is not accepted; accepted: true, false"
    return f"{where}: {message}"


def parse_profile(data: object) -> Profile:
    """Validate a mapping (from JSON, YAML or flags) into a Profile, or raise ProfileError."""
    if not isinstance(data, dict):
        raise ProfileError('profile: must be a JSON object of fields, such as {"cancer": "rectum"}')
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(_message(error)) from None


class Situation(NamedTuple):
    """A profile resolved against the knowledge base: the facts the engine evaluates."""

    profile: Profile
    cancer: str  # a cancer id of the knowledge base, or the folded name of another cancer
    cancer_name: str
    known_cancer: bool
    facts: dict[str, FactValue]
    warnings: tuple[str, ...]


SET_FIELDS = {
    "metastases": "metastases",
    "progressed_on": "progressed_on",
    "cannot_have": "cannot_have",
    "prior_treatments": "prior_treatments",
    "symptoms": "symptoms",
    "planned": "planned",
}


def _names_of(kb: KnowledgeBase, fact_id: str) -> dict[str, str]:
    """Every accepted way of writing a value of a set fact, folded, mapped to the value's id.
    Value ids and labels come first, then names and aliases of knowledge-base entities."""
    accepted = kb.vocabulary.ancestors.get(fact_id, {})
    table: dict[str, str] = {}
    for value in accepted:
        table.setdefault(normalise_name(value), value)
    for v in kb.facts[fact_id].values:
        table.setdefault(normalise_name(v.label), v.id)
    for key, ids in kb.names.items():
        match = next((i for i in ids if i in accepted), None)
        if match is not None:
            table.setdefault(key, match)
    return table


RESOLVED_LIMIT = 10_000  # bound of each look-up kept below (names outside the kb are kept too)


def _resolve_values(
    kb: KnowledgeBase, fact_id: str, field: str, names: list[str]
) -> frozenset[str]:
    """The ids a list of names means; ``situation`` keeps the answer by the names as written.
    Equal sets come back as the same object, so that the engine's memo compares them by
    identity."""
    ids: dict[tuple[str, str], str] = kb.derived("profile-name-ids", dict)  # name as written
    out = set()
    for name in names:
        match = ids.get((fact_id, name))
        if match is None:
            match = keep(ids, (fact_id, name), _match(kb, fact_id, field, name), RESOLVED_LIMIT)
        out.add(match)
    sets: dict[frozenset[str], frozenset[str]] = kb.derived("profile-sets", dict)
    found = frozenset(out)
    interned = sets.get(found)
    return interned if interned is not None else keep(sets, found, found, RESOLVED_LIMIT)


def _match(kb: KnowledgeBase, fact_id: str, field: str, name: str) -> str:
    """The id one name means among a fact's values (folded, by any alias), or ProfileError."""
    tables: dict[str, dict[str, str]] = kb.derived("profile-names", dict)
    table = tables.get(fact_id)
    if table is None:
        table = tables[fact_id] = _names_of(kb, fact_id)
    match = table.get(normalise_name(str(name)))
    if match is None:
        accepted = kb.vocabulary.ancestors.get(fact_id, {})
        examples = ", ".join(sorted(accepted)[:12])
        raise ProfileError(f"{field}: {name!r} is not known; accepted: {examples}, ...")
    return match


def _cancer(kb: KnowledgeBase, name: str) -> tuple[str, str, bool]:
    """A cancer's id, name and whether the knowledge base knows it; ``any`` for a site not given."""
    hits = [r for r in kb.find(name) if kb.kind_of.get(r.id) == "cancers"]
    if normalise_name(name) in UNKNOWN_SITE or (hits and hits[0].id == "any"):
        return "any", "advanced cancer (where it started not given)", False
    if hits:
        return hits[0].id, hits[0].name, True  # type: ignore[union-attr]
    if not re.search(r"[A-Za-z]", name):
        raise ProfileError(f"cancer: {name!r} is not a cancer name")
    return normalise_name(name), name.strip(), False


def situation(profile: Profile, kb: KnowledgeBase) -> Situation:
    """Resolve a profile's names to knowledge-base ids and collect contradictions as warnings."""
    warnings: list[str] = []
    cancers: dict[str, tuple[str, str, bool]] = kb.derived("profile-cancers", dict)
    found = cancers.get(profile.cancer)
    if found is None:
        found = keep(cancers, profile.cancer, _cancer(kb, profile.cancer), RESOLVED_LIMIT)
    cancer, cancer_name, known = found
    site_unknown = cancer == "any"
    facts: dict[str, FactValue] = kb.derived("profile-no-facts", lambda: dict.fromkeys(kb.facts))
    facts = facts.copy()
    facts["cancer"] = None if site_unknown else cancer
    facts["stage"] = profile.stage
    facts["recurrence"] = profile.recurrence
    facts["resectable"] = profile.resectable
    facts["metastasis_extent"] = profile.metastasis_extent
    facts["most_treatments_tried"] = profile.most_treatments_tried
    facts["wants_cancer_treatment"] = profile.wants_cancer_treatment
    facts["hormone_sensitive"] = profile.hormone_sensitive
    resolved: dict[tuple[str, ...], frozenset[str]] = kb.derived("profile-resolved", dict)
    for field, fact_id in SET_FIELDS.items():
        names = getattr(profile, field)
        if names is not None:
            key = (fact_id, *names)
            kept = resolved.get(key)
            if kept is None:
                kept = keep(resolved, key, _resolve_values(kb, fact_id, field, names),
                            RESOLVED_LIMIT)  # fmt: skip
            facts[fact_id] = kept
    for marker in ("her2", "kras"):
        value = getattr(profile.biomarkers, marker)
        if isinstance(value, list):
            distinct = sorted(set(value))
            if len(distinct) > 1:
                warnings.append(
                    f"biomarkers.{marker}: given as both {' and '.join(distinct)}; "
                    "treated as unknown until the result is checked"
                )
                value = None
            else:
                value = distinct[0] if distinct else None
        facts[marker] = value
    prior = facts["prior_treatments"]
    stopped = facts["progressed_on"]
    drug_kinds = {"chemotherapy", "targeted-therapy", "immunotherapy"}
    if isinstance(prior, frozenset) and isinstance(stopped, frozenset) and stopped:
        classes = set().union(*(kb.vocabulary.up("progressed_on", s) for s in stopped))
        if not prior & drug_kinds and classes & drug_kinds:
            warnings.append(
                "prior_treatments: lists no drug treatment, but progressed_on says one stopped "
                "working; check what was had"
            )
    if (
        isinstance(prior, frozenset)
        and facts["progressed_on"] is None
        and not prior & {"chemotherapy", "targeted-therapy", "immunotherapy"}
    ):
        # No drug treatment was had, so none can have stopped working.
        facts["progressed_on"] = frozenset()
    if profile.stage == "earlier" and profile.recurrence in (None, "none"):
        warnings.append(
            "stage: the sources are about stage 4 or cancer that has come back; for stage 1 to 3 "
            "say whether it has come back (recurrence)"
        )
    metastases = facts["metastases"]
    distant = isinstance(metastases, frozenset) and bool(metastases & DISTANT_SITES)
    if profile.stage == "4A" and (profile.recurrence == "distant" or distant):
        warnings.append(
            "stage: 4A with spread to distant organs does not fit together (distant spread is "
            "stage 4B); options for both are shown as undecided until the stage is checked"
        )
        facts["stage"] = "4"
    return Situation(profile, cancer, cancer_name, known, facts, tuple(warnings))
