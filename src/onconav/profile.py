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
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from onconav import words
from onconav.kb import KnowledgeBase
from onconav.kb.load import Record
from onconav.kb.model import Cancer, Entity, FactType, Option
from onconav.kb.rules import (
    DRUG_KINDS,
    DRUG_TREATMENTS,
    DRUGS_NOT_KNOWN,
    DRUGS_NOT_SAID,
    OTHERS_NOT_KNOWN,
    SURGERY,
    Test,
    perhaps_removing_cancer,
    removing_cancer,
)
from onconav.kb.vocabulary import (
    ALSO_COUNTS_AS,
    in_sentence,
    is_code,
    normalise_name,
    without_little_words,
)
from onconav.logic import FactValue, Truth, truth

UNKNOWN_SITE = {"any", "unknown", "unk", "notknown", "unknownprimary", "cancerofunknownprimary"}
NONE_WORDS = {"none", "nothing", "no", "nosymptoms", "nil", "nonegiven", "noneknown"}
# The readers of the fields of a few values (onconav.words), each by field name.
READERS = {
    "stage": lambda value: words.stage(value).value,
    "recurrence": lambda value: words.choice(value, "recurrence"),
    "metastasis_extent": lambda value: words.choice(value, "metastasis_extent"),
    "her2": words.her2,
    "kras": words.kras,
}


# A value or a field's name that is not text: half of a UTF-16 pair alone (JSON's "\udfff"),
# or a byte that could not be decoded. Said alike by the profile, the API's parameters and the
# search (it accepted nothing).
NOT_TEXT = "is not text (it is not valid Unicode)"
# What is accepted where text holding a control or format character (NUL, ESC, a right-to-left
# override; ``words.control_character``) is refused: a profile's field or a field's name, the
# search's question (they had said none)
NO_CONTROL_ACCEPTED = ("text without control characters (such as NUL, ESC or a right-to-left "
                       "mark)",)
NOT_TEXT_ACCEPTED = ("text: the character itself, not half of a UTF-16 pair (\\ud800 to "
                     "\\udfff) alone or a byte that is no UTF-8",)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One problem of a profile: where (``biomarkers.her2``, ``symptoms[1]``), the value given,
    what is accepted, and one line of plain words."""

    field: str
    value: Any
    accepted: tuple[str, ...]
    message: str
    # why the value is not one of those accepted, beyond the list ("a dash alone may mean no
    # result ..."), also said in ``message``: for a front end that shows the list its own way
    why: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


# What the cancer takes, said where it is missing or empty, by every front end alike
CANCER_ACCEPTED = ("a place such as stomach, rectum or cervix", "unknown")
MAX_PROBLEMS = 20
"""The most problems an error lists: the rest are counted in one more line. Each problem carries
what is accepted, so a list of 40,000 names not known (256 KiB) listed problem by problem came to
97 MB."""


def at_most(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems, and one that counts the rest (named by the first of them)."""
    if len(problems) <= limit + 1:
        return problems
    rest = problems[limit:]
    fields = list(dict.fromkeys(_top(p.field) for p in rest))
    where = ", ".join(fields[:5]) + (", ..." if len(fields) > 5 else "")
    more = f"and {len(rest)} more problems (in {where}), not listed: correct these first"
    return [*problems[:limit], Problem(rest[0].field, None, (), more)]


def _top(field: str) -> str:
    return field.split("[")[0].split(".")[0]


class ProfileError(ValueError):
    """A profile that cannot be read, with every problem found (one per line when printed), up to
    MAX_PROBLEMS and a line counting the rest."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = at_most(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ProfileError], tuple[list[Problem]]]:
        return (ProfileError, (self.problems,))


def _choose(value: object, field: str) -> str | None:
    """The value the words mean (None when they do not decide it, as "advanced" for a stage)."""
    try:
        return READERS[field](value)
    except words.NotUnderstood as error:
        raise PydanticCustomError(
            "not_accepted", "{given} is not accepted; accepted: {accepted}{because}",
            {"given": words.shown(value), "accepted": error.accepted, "values": list(error.values),
             "why": error.why, "because": f"; {error.why}" if error.why else ""},
        ) from None  # fmt: skip


class Biomarkers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    her2: str | list[str] | None = Field(
        default=None, description="HER2: " + words.HER2_ACCEPTED
    )
    kras: str | list[str] | None = Field(default=None, description="KRAS: " + words.KRAS_ACCEPTED)

    @field_validator("her2", mode="before")
    @classmethod
    def _her2(cls, value: object) -> object:
        return _listwise(value, "her2")

    @field_validator("kras", mode="before")
    @classmethod
    def _kras(cls, value: object) -> object:
        return _listwise(value, "kras")


MARKERS: tuple[str, ...] = tuple(Biomarkers.model_fields)
"""The test results a profile holds under ``biomarkers`` (her2, kras): the one list of them."""


def _listwise(value: object, field: str) -> object:
    """A biomarker given once or as a list (results that disagree): each value chosen, and every
    value not accepted named in one error. Results that say the same are one ("WT", "wild-type":
    wild-type), and an empty list gives none (not known)."""
    if value is None or not isinstance(value, list):
        return None if value is None else _choose(value, field)
    chosen = _each_chosen(value, field)
    distinct = list(dict.fromkeys(chosen))
    return distinct[0] if len(distinct) == 1 else distinct or None


SHOWN_REFUSED = 5  # the most results of a list refused that a message quotes (then a count)


def _each_chosen(value: list[object], field: str) -> list[str | None]:
    """Each result of a list chosen (``_choose``), every one not accepted named in one error."""
    chosen, refused = [], []
    for item in value:
        try:
            chosen.append(_choose(item, field))
        except PydanticCustomError:
            refused.append(words.shown(item))
    if refused:
        accepted, values = {"her2": (words.HER2_ACCEPTED, words.HER2_VALUES),
                            "kras": (words.KRAS_ACCEPTED, words.KRAS_VALUES)}[field]  # fmt: skip
        if len(refused) > SHOWN_REFUSED:  # a list of 40,000 was quoted whole (680 KB)
            refused = [*refused[:SHOWN_REFUSED - 1], f"{len(refused) - SHOWN_REFUSED + 1} more"]
        given = (f"{refused[0]} is" if len(refused) == 1
                 else f"{', '.join(refused[:-1])} and {refused[-1]} are")  # fmt: skip
        raise PydanticCustomError(
            "not_accepted", "{given} not accepted; accepted: {accepted}",
            {"given": given, "accepted": accepted, "values": list(values)},
        )  # fmt: skip
    return chosen


CANCER_CHARS = 300  # the longest cancer a profile takes
YES_NO = TypeAdapter(bool)  # how a profile reads a yes or no ("yes", "true", "no", "false", ...)


def distinct_answers(field: str, values: Iterable[str],
                     kb: KnowledgeBase | None = None) -> list[str]:  # fmt: skip
    """The answers among ``values`` that say different things of ``field``, each as first
    written: "4" and "IV" are one stage (the field's reader), "3+" and "positive" one HER2
    result, "Rectum" and "rectum" one cancer, and with the knowledge base "rectum" and "Rectal"
    too (``read_cancer``: the same record, saying the same of other fields; "colorectal" and
    "colon" stay two). Words a reader refuses stay apart, to be refused by ``parse_profile``,
    naming the field. The command's and the page's one-answer questions take one answer however
    often it is written."""

    def meaning(value: str) -> object:
        # a cancer longer than a profile takes is refused by ``parse_profile``, unread: reading
        # thousands of words took minutes (``read_cancer`` tries every run of them)
        if field == "cancer" and kb is not None and len(value) <= CANCER_CHARS:
            reading = read_cancer(kb, value)
            if reading.record is not None and not reading.problems:
                return reading.record, reading.say
        if field in READERS:
            try:
                return READERS[field](value)
            except words.NotUnderstood:
                return value
        if field in YES_NO_FIELDS:  # "true" and "yes" are one answer, read as a profile reads it
            try:
                return YES_NO.validate_python(value.strip())
            except ValidationError:
                return value
        return normalise_name(value)

    distinct: dict[object, str] = {}
    for value in values:
        distinct.setdefault(meaning(value), value)
    return list(distinct.values())


class Profile(BaseModel):
    """What is known of a person's situation. Every field but ``cancer`` may be left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(
        default=None, description="Any identifier of the profile (kept, not evaluated)"
    )
    label: str | None = Field(default=None, description="A label for people (kept, not evaluated)")
    schema_: str | None = Field(
        default=None, alias="$schema", description="The JSON Schema it follows (kept)"
    )
    cancer: str = Field(
        description="Where the cancer started: stomach (also gastric, gastro-oesophageal "
        "junction), rectum, cervix, or any other site (breast, prostate, thyroid, lung, colon, "
        "...); histology words such as adenocarcinoma are left out",
        min_length=1,
        max_length=CANCER_CHARS,
    )
    stage: Literal["earlier", "4", "4A", "4B"] | None = Field(
        default=None,
        description="The stage; of a cancer that came back, the stage when it was first found "
        "(recurrence says that it came back): " + words.STAGE_ACCEPTED,
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
    weak_bone: bool | None = Field(
        default=None,
        description="Has a scan shown a bone that the cancer has made weak, so that it could "
        "break?",
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
    tumour_on_nerve: bool | None = Field(
        default=None,
        description="Has the care team said that a tumour pressing on a nerve causes pain?",
    )
    tumour_may_block: bool | None = Field(
        default=None,
        description="Has the surgeon or the care team said that a tumour is likely to block the "
        "stomach or the bowel?",
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
    kin_may_work: list[str] | None = Field(
        default=None,
        description="Kinds of drug the care team says could still work although a drug of that "
        "kind stopped working (platinum chemotherapy, fluoropyrimidines, immune checkpoint "
        "inhibitors, ...); [] for none",
    )
    chemo_for_spread: bool | None = Field(
        default=None,
        description="Was chemotherapy given after the cancer had spread (not only with radiation "
        "for an earlier stage)?",
    )
    hormone_sensitive: bool | None = Field(
        default=None, description="Do hormones make this cancer grow?"
    )
    as_typed: dict[str, Any] = Field(
        default_factory=dict,
        description="The words as the person typed them, for each field that onconav read into "
        "other values (filled in by parse_profile; kept, not evaluated)",
    )

    @field_validator("resectable", mode="before")
    @classmethod
    def _resectable(cls, value: object) -> object:
        return words.resectable(value)

    @field_validator("most_treatments_tried", "wants_cancer_treatment", "chemo_for_spread",
                     "hormone_sensitive", "weak_bone", "tumour_on_nerve", "tumour_may_block",
                     mode="before")  # fmt: skip
    @classmethod
    def _yes_no(cls, value: object, info: ValidationInfo) -> object:
        # " yes " as "yes"; "1.0" as 1, as a CSV made from a column of numbers with blanks writes
        # it (it was refused, while a stage "4.0" was read)
        value = words.yes_no_number(value.strip() if isinstance(value, str) else value)
        if info.field_name == "hormone_sensitive":  # a receptor result, as a pathology report
            # or a table's "ER status" column writes it ("positive", "ER+", "ER-/PR-"): a breast
            # cohort's column of them had every row quarantined (a review)
            return words.hormone_result(value)
        return value

    @field_validator("stage", "recurrence", "metastasis_extent", mode="before")
    @classmethod
    def _one_of(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        return _choose(value, str(info.field_name))

    @field_validator(
        "metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
        "used_for_my_cancer", "kin_may_work", mode="before",
    )  # fmt: skip
    @classmethod
    def _list(cls, value: object) -> object:
        return as_list(value)


def split_list(text: str) -> list[str]:
    """The names in a list separated by commas or semicolons (as a cohort's CSV writes a list);
    a separator inside brackets is part of a name (one whose next bracket is a closing one).
    One pass from the end, so linear in the text's length (the regular expression it replaces,
    ``,(?![^()]*\\))``, looked ahead to the end from each comma: 20,000 commas took 11 s, and a
    256 KiB body held a server's core for minutes)."""
    cuts, following = [], ""
    for at in range(len(text) - 1, -1, -1):
        if text[at] in "()":
            following = text[at]
        elif text[at] in ",;" and following != ")":
            cuts.append(at)
    parts, start = [], 0
    for at in reversed(cuts):
        parts.append(text[start:at])
        start = at + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def as_list(value: object) -> object:
    """A list field as given: a comma-separated string is split; "none" alone, or "[]" (as pandas
    writes an empty list in a CSV, whose "[liver]" is read too; alone, or as a list's one item,
    as a cohort's cell or a repeated flag gives it), is the empty list. A string with no name in
    it is refused (say "none" for none)."""
    if isinstance(value, str):
        parts = split_list(value)
        if not parts:
            raise PydanticCustomError(
                "not_accepted", "{given} is not accepted; accepted: {accepted}",
                {"given": repr(value), "accepted": "a list of names, or none", "values": []},
            )  # fmt: skip
        value = parts
    elif isinstance(value, list) and any(isinstance(v, str) and (
            "," in v or ";" in v) for v in value):  # fmt: skip
        # a list whose items are lists ("liver, lung" given to a flag); an item of commas alone
        # is kept as typed, to be refused by name (it had left the empty list: "none")
        split = [(split_list(v) or [v]) if isinstance(v, str) else [v] for v in value]
        value = [part for parts in split for part in parts]
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], str)
        and (normalise_name(value[0]) in NONE_WORDS or value[0].strip() == "[]")
    ):
        return []
    return value




KEPT_NOT_EVALUATED = ("id", "label", "schema_", "as_typed")  # the profile's fields of no fact


def fact_fields() -> list[str]:
    """The profile's fields that say something of the person, in the profile's order, the
    biomarkers by name (``biomarkers.her2``): every field but those kept, not evaluated."""
    out = []
    for name in Profile.model_fields:
        if name == "biomarkers":
            out += [f"biomarkers.{marker}" for marker in Biomarkers.model_fields]
        elif name not in KEPT_NOT_EVALUATED:
            out.append(name)
    return out


SET_FIELDS = ("metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms",
              "planned", "used_for_my_cancer", "kin_may_work")  # fmt: skip
# The yes-or-no fields (``distinct_answers`` reads their answers as one when they say one thing)
YES_NO_FIELDS = frozenset(name for name, f in Profile.model_fields.items()
                          if f.annotation == bool | None)  # fmt: skip
"""The list fields: each is the set fact of the same name, its names resolved in the knowledge
base."""
# A list answered with nothing, in the words of the form's answer for it ("No treatment yet"):
# the form offers these (web/form.py), and every answer says them (``engine.in_words``, in lower
# case), the situation and the reasons alike (they had said "none").
NOTHING_GIVEN = {
    "metastases": "It has not spread",
    "prior_treatments": "No treatment yet",
    "progressed_on": "None has stopped working",
    "cannot_have": "There are none",
    "planned": "Nothing is planned",
    "used_for_my_cancer": "They said neither is used",
    "kin_may_work": "They said none would work",
    "symptoms": "No symptoms from the cancer",
}


# --------------------------------------------------------------------------------------------
# Parsing: every problem at once
# --------------------------------------------------------------------------------------------


def _problem(item: Any, kb: KnowledgeBase) -> Problem:
    """A pydantic error as a Problem. A value of the wrong type (a number for the cancer, a
    mapping for a list) is told what the field accepts, as a value not known is."""
    where = ".".join(str(p) for p in item["loc"] if not isinstance(p, int))
    indexes = [p for p in item["loc"] if isinstance(p, int)]
    if indexes and where in (*SET_FIELDS, "biomarkers.her2", "biomarkers.kras"):
        where += "".join(f"[{i}]" for i in indexes)
    given = item.get("input")
    kind = item["type"]
    if kind == "extra_forbidden":
        model = Biomarkers if item["loc"][0] == "biomarkers" else Profile
        fields = tuple(info.alias or name for name, info in model.model_fields.items())
        same = [f for f in fields if f.lower() == _bare_name(where)]
        if same:  # "Stage" beside "stage" (tidy_keys reads a field's name in any case, once)
            if where.lower() != _bare_name(where):  # "stage " beside "stage": spaces said
                return Problem(where, given, fields, f"is given twice, by names that differ in "
                               f"spaces or case only ({same[0]} and {where!r}); give it "
                               "once")  # fmt: skip
            return Problem(where, given, fields, f"is given twice, by names that differ in case "
                           f"only ({same[0]} and {where}); give it once")  # fmt: skip
        # as_typed is no field to give (it is refused: filled in by onconav), so not offered
        offered = tuple(f for f in fields if f != "as_typed")
        meant = close_field(where.rpartition(".")[2], offered)
        hint = f"did you mean {meant}? " if meant else ""
        if plain := words.not_deciding(str(item["loc"][-1])):  # PD-L1, MSI, Claudin 18.2
            hint = f"{plain}; "
        return Problem(where, given, offered, f"unknown field; {hint}accepted fields: "
                       f"{', '.join(offered)}")  # fmt: skip
    if kind == "missing":
        return Problem(where, None, (), "is required")
    if kind == "not_accepted":
        return Problem(where, given, tuple(item["ctx"]["values"]), item["msg"],
                       item["ctx"].get("why", ""))  # fmt: skip
    if kind == "string_type" and given is None and where == "cancer":  # required: no leaving out
        return Problem(where, given, CANCER_ACCEPTED, "an empty value (null) is not accepted; "
                       "say where the cancer started: a place such as stomach, rectum or "
                       "cervix, or unknown")  # fmt: skip
    # what a list field accepts: the names of its fact, as for a name not known (the list had
    # been empty for a name of the wrong type: true, a number, a mapping)
    names = _names_accepted(kb, _top(where)) if _top(where) in SET_FIELDS else ()
    if kind == "string_type" and given is None:
        return Problem(where, given, names, "an empty item (null) is not accepted; give a name, "
                       "or leave the item out")  # fmt: skip
    if kind == "string_type" and where in ("id", "label", "$schema"):
        return Problem(where, given, ("text",), f"{words.shown(given)} is not accepted; give it "
                       "as text")  # fmt: skip
    if kind == "string_type" and where == "cancer":
        return Problem(where, given, CANCER_ACCEPTED, f"{words.shown(given)} is not accepted; "
                       "say where the cancer started, as text: a place such as stomach, rectum "
                       "or cervix, or unknown")  # fmt: skip
    if kind == "string_type":
        return Problem(where, given, names, f"{words.shown(given)} is not accepted; give a name")
    if kind == "string_too_short":  # "cancer": ""
        if where == "cancer":
            return Problem(where, given, CANCER_ACCEPTED, "is empty; say where the cancer started "
                           "(or unknown)")  # fmt: skip
        return Problem(where, given, names, "is empty; give a name, or leave the field out")
    if kind == "string_too_long":
        # the value given, as any other refused (the API's field error cuts it, as every
        # value it repeats: problems.field_errors); it had been none
        most = item["ctx"]["max_length"]
        return Problem(where, given, (f"at most {most} characters",), f"is {len(given)} "
                       f"characters long; at most {most} are accepted")  # fmt: skip
    if kind == "string_unicode":
        return Problem(where, None, NOT_TEXT_ACCEPTED, NOT_TEXT)
    if kind == "list_type":
        return Problem(where, given, names, f"{words.shown(given)} is not accepted; give a list "
                       "of names")  # fmt: skip
    if kind in ("dict_type", "model_type", "model_attributes_type") and where == "biomarkers":
        return Problem(where, given, MARKERS, f"{words.shown(given)} is not accepted; "
                       'give each result by its test, as {"her2": "positive", "kras": '
                       '"wild-type"} (or her2 and kras as fields of their own)')  # fmt: skip
    if kind == "dict_type" and where == "as_typed":
        return Problem(where, given, (), "is filled in by onconav with the words as typed; leave "
                       "it out")  # fmt: skip
    if kind in ("bool_parsing", "bool_type") and where == "hormone_sensitive":
        return Problem(where, given, ("yes", "no", "positive", "negative"),
                       words.hormone_refused(given))  # fmt: skip
    if kind in ("bool_parsing", "bool_type"):
        return Problem(where, given, ("yes", "no", "true", "false"), f"{words.shown(given)} is not "
                       "accepted; accepted: yes, no (or true, false); leave it out when it is not "
                       "known")  # fmt: skip
    return Problem(where, given, (), item["msg"].removeprefix("Value error, "))


# A FHIR resource given where a profile is read: one problem that says where FHIR is read, not
# one per key of the resource ("resourceType: unknown field", "entry: unknown field", ...)
FHIR_NOT_A_PROFILE = ("is a FHIR {}, not a profile: a person's FHIR Bundle is read by onconav "
                      "options --fhir FILE and by POST /api/v1/options/fhir "
                      "(application/fhir+json); a folder of FHIR Bulk Data NDJSON by onconav "
                      "cohort FOLDER")  # fmt: skip


def parse_profile(data: object, kb: KnowledgeBase) -> Profile:
    """Validate a mapping (from JSON, YAML, flags or a form) into a Profile, reading every word in
    ``kb`` and ``onconav.words``; raise ProfileError with every problem found. The profile holds
    the values as read (knowledge-base ids, ``4B``, ``positive``), and ``as_typed`` the words as
    typed for each field that was read into something else."""
    if not isinstance(data, dict):
        raise ProfileError([Problem("profile", data, (), "must be a JSON object of fields, such "
                                    'as {"cancer": "rectum"}')])  # fmt: skip
    if odd := _not_json(data):
        raise ProfileError(odd)
    if isinstance(kind := data.get("resourceType"), str):  # a FHIR Bundle sent as a profile
        raise ProfileError([Problem("resourceType", kind, (), FHIR_NOT_A_PROFILE.format(kind))])
    data, unknown = _without_not_known(tidy_keys(data))
    problems: list[Problem] = []
    profile = None
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        problems += [_problem(item, kb) for item in error.errors()]
    invalid = {p.field for p in problems}
    read: dict[str, Any] = {}
    listed: dict[str, list[str]] = {}  # a list field's names that were read as something else
    for field in SET_FIELDS:
        names = as_list(data.get(field)) if field not in invalid else None
        if isinstance(names, list):  # each name that is a string, where pydantic found none wrong
            ids: list[str] = []
            for i, name in enumerate(names):
                if isinstance(name, str) and f"{field}[{i}]" not in invalid:
                    # no suggestion for a problem past those an error lists (at_most): 20,000
                    # names not known took 4 s of looking for close ones, all but 20 dropped
                    found, missed = _resolve(kb, field, [name],
                                             suggest=len(problems) <= MAX_PROBLEMS)  # fmt: skip
                    problems += [replace(p, field=f"{field}[{i}]") for p in missed]
                    ids += [v for v in found if v not in ids]
                    if found and not _said_as_read(kb, field, name, found):
                        listed.setdefault(field, []).append(name)
            read[field] = ids
    cancer = data.get("cancer")
    reading = None
    if "cancer" not in invalid and isinstance(cancer, str):
        reading = read_cancer(kb, cancer)
        problems += reading.problems
    if problems:
        raise ProfileError(problems)
    assert profile is not None and reading is not None and isinstance(cancer, str)
    read["cancer"] = reading.record or cancer
    # what the cancer's words say of a field not answered: ER-positive, triple-negative,
    # HER2-positive, KRAS G12D (an answer given wins: facts_of warns when they disagree)
    named = {field: value for field, value in reading.say if _answer(data, field) is None}
    if "hormone_sensitive" in named:
        read["hormone_sensitive"] = named["hormone_sensitive"]
    if "metastases" in named:  # "gastric cancer with peritoneal carcinomatosis"
        read["metastases"] = list(named["metastases"])
    markers = {f: v for f, v in named.items() if f.startswith("biomarkers.")}
    if markers:
        read["biomarkers"] = profile.biomarkers.model_copy(
            update={f.removeprefix("biomarkers."): v for f, v in markers.items()})
    if reading.site == "cervix" and profile.stage is not None:  # FIGO: M1 is 4B, T4 M0 is 4A
        read["stage"] = words.cervical_stage(data["stage"], words.stage(data["stage"])).value
    # a yes or no given otherwise than yes, no, true or false (0, "n", "off") is kept as typed,
    # as a stage is: wants_cancer_treatment=0 read as no had made every cancer treatment "not
    # chosen" with nothing to show how the answer was read
    # a list field keeps only its names read as something else: a value's id or label given as
    # itself (a ticked box's "bowel-resection", "FOLFOX" typed) is no words of the person's to
    # show beside the value ("FOLFOX (you wrote: bowel-resection, FOLFOX)" had shown a tick's id)
    typed = {field: data[field] for field in (*read, "stage", "recurrence", "metastasis_extent",
                                              *sorted(YES_NO_FIELDS))
             if field != "biomarkers" and field in data
             and (listed.get(field) if read.get(field) and field in SET_FIELDS else
                  _changed(data[field], read.get(field, getattr(profile, field))))}  # fmt: skip
    typed |= {field: names for field, names in listed.items() if field in typed}
    typed |= dict.fromkeys(named, cancer)  # read from the words of the cancer
    typed = unknown | typed  # a value read from the cancer's words stays as those words
    for marker in MARKERS:
        given = (data.get("biomarkers") or {}).get(marker)
        if given is not None and given != getattr(profile.biomarkers, marker):
            typed[f"biomarkers.{marker}"] = given
    answered = profile.model_copy(update={**read, "as_typed": typed})
    if profile.as_typed:  # posted back (a result's profile): kept where its words say the same
        kept = _posted_words(kb, data, answered, profile.as_typed)
        answered = answered.model_copy(update={"as_typed": kept | typed})
    return answered  # the words of this profile


def value_of(profile: Profile, field: str) -> object:
    """A field's value in a profile as read (``biomarkers.her2`` inside ``biomarkers``)."""
    if field.startswith("biomarkers."):
        return getattr(profile.biomarkers, field.removeprefix("biomarkers."))
    value = getattr(profile, field)
    return sorted(value) if isinstance(value, list) else value


# The name of a cancer whose start is not known, as every answer says it
START_NOT_KNOWN = "advanced cancer (where it started not known)"


def value_words(kb: KnowledgeBase, field: str, value: object, none: str) -> str:
    """A field's value as read (``value_of``) in the knowledge base's words: yes or no, a value's
    label, a list's labels; ``none`` for no value. A cancer whose start is not known in the
    answer's words (``START_NOT_KNOWN``): "any advanced cancer", the label of the general
    source's options, had read as a record that said nothing of its cancer (a review)."""
    if value is None or value == []:
        return none
    if field == "cancer" and value == "any":
        return START_NOT_KNOWN
    if isinstance(value, bool):
        return "yes" if value else "no"
    items = value if isinstance(value, list) else [value]
    return ", ".join(kb.label(field.removeprefix("biomarkers."), str(v)) for v in items)


def replaced(before: Profile, after: Profile,
             fields: Iterable[str]) -> list[tuple[str, object, object]]:  # fmt: skip
    """Of ``fields``, each that ``before`` gave a value and ``after`` gives another: (field,
    before's value, after's), as read. A record's reading with flags given over it (``onconav
    options --fhir FILE --stage 4B``) says what the flags replaced."""
    out = []
    for field in fields:
        was, now = value_of(before, field), value_of(after, field)
        if was is not None and was != [] and was != now:
            out.append((field, was, now))
    return out


NOT_READ = object()  # words that read as no value at all


def _posted_words(kb: KnowledgeBase, data: dict[str, Any], answered: Profile,
                  posted: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The ``as_typed`` a profile was given (a result's profile posted back), kept for each field
    whose words read as the value given, as if typed in the field: the words a person typed stay
    shown ("you wrote"). Words that read as something else, or name no field, are refused, not
    dropped (they had been replaced silently)."""
    given = {k: v for k, v in data.items() if k != "as_typed"}
    fields = fact_fields()
    problems: list[Problem] = []
    for field, typed in posted.items():
        where = f"as_typed.{field}"
        if field not in fields:
            problems.append(Problem(where, typed, tuple(fields), "is not a field of the profile; "
                                    "as_typed is filled in by onconav: leave it out"))  # fmt: skip
            continue
        if field != "cancer" and typed == posted.get("cancer"):  # read from the cancer's words
            said: object = dict(read_cancer(kb, str(typed)).say).get(field)
            said = list(said) if isinstance(said, tuple) else said  # places of spread
        else:
            trial = dict(given)
            if field.startswith("biomarkers."):
                trial["biomarkers"] = {**(given.get("biomarkers") or {}),
                                       field.removeprefix("biomarkers."): typed}  # fmt: skip
            else:
                trial[field] = typed
            try:
                said = value_of(parse_profile(trial, kb), field)
            except ProfileError:
                said = NOT_READ  # the words read as nothing: not the value given, whatever it is
        value = value_of(answered, field)
        if isinstance(said, list) and isinstance(value, list) and said and set(said) <= set(value):
            said = value  # a list's words keep only its names read as something else: some
        if said != value:
            shown = value_words(kb, field, value, "not known")
            problems.append(Problem(where, typed, (), f"does not read as the {field} given "
                                    f"({shown}); as_typed is filled in by onconav: leave it "
                                    "out"))  # fmt: skip
    if problems:
        raise ProfileError(problems)
    kept = dict(posted)
    for field, typed in posted.items():  # as typed words are kept: a list's names read as other
        if field in SET_FIELDS and isinstance(typed, list):  # values only (_said_as_read)
            other = [name for name in typed if not isinstance(name, str)
                     or not _said_as_read(kb, field, name, _resolve(kb, field, [name], False)[0])]
            if other:
                kept[field] = other
            else:
                del kept[field]
    return kept


SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair alone: not a character


def escaped(text: str) -> str:
    """Text as it can be shown: a lone surrogate (JSON's "\\ud800") as its escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _control_in_name(name: str) -> str | None:
    """The first control or format character of a field's name (``words.CONTROL_CATEGORIES``),
    a tab or a line break too (none belongs in a name; "stage\x1c" was read as stage, the
    character stripped as a space)."""
    return next((c for c in name if unicodedata.category(c) in words.CONTROL_CATEGORIES), None)


def _name_shown(name: object) -> str:
    """A field's name as a problem names it: a control or format character as its escape
    (``\x1b``, ``\u202e``)."""
    text = str(name)
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in words.CONTROL_CATEGORIES else c
                   for c in text)  # fmt: skip


def _not_json(data: dict[str, Any]) -> list[Problem]:
    """A problem for each value of a kind JSON has no word for (bytes from YAML's ``!!binary``, a
    set from ``!!set``, a date; a Decimal, as a table's column may give, is a number): the model
    would read bytes as text and a set as a list, which the reading of names then passed over
    (``symptoms: [!!binary cGFpbg==]``, "pain", was read as no symptoms) or could not read."""
    problems = []
    waiting: list[tuple[object, str]] = [(data, "")]
    while waiting:
        value, where = waiting.pop()
        if isinstance(value, dict):
            problems += [Problem(f"{where}.{k}" if where else str(k), k, (), "is a field name "
                                 f"that is not text ({type(k).__name__}): write it as text")
                         for k in value if not isinstance(k, str)]  # YAML's 1: or null:
            problems += [Problem(f"{where}.{escaped(k)}" if where else escaped(k), None,
                                 NOT_TEXT_ACCEPTED, f"is a field name that {NOT_TEXT}")
                         for k in value if isinstance(k, str) and SURROGATE.search(k)]
            # a field's name is checked as an answer is ({"x\x1b[31m": 1} came back in the
            # error, and turned the terminal red): named with the character escaped
            problems += [Problem(f"{where}.{_name_shown(k)}" if where else _name_shown(k), None,
                                 NO_CONTROL_ACCEPTED, "is a field name holding a control "
                                 f"character ({char!r}): "
                                 "write plain text")
                         for k in value if isinstance(k, str) and not SURROGATE.search(k)
                         and (char := _control_in_name(k)) is not None]  # fmt: skip
            waiting += reversed([(v, f"{where}.{_name_shown(k)}" if where else _name_shown(k))
                                 for k, v in value.items()])  # fmt: skip
        elif isinstance(value, list):
            waiting += reversed([(v, f"{where}[{i}]") for i, v in enumerate(value)])
        elif isinstance(value, str) and SURROGATE.search(value):  # JSON's "\udfff", a byte
            # the command line could not decode: no text, and no view could print it
            problems.append(Problem(where, None, NOT_TEXT_ACCEPTED, NOT_TEXT))
        elif isinstance(value, str) and (char := words.control_character(value)) is not None:
            # "Stomach \x1b[31m": echoed in "you wrote", it turned the terminal red
            problems.append(Problem(where, None, NO_CONTROL_ACCEPTED, "holds a control character "
                                    f"({char!r}): "
                                    "write plain text"))  # fmt: skip
        elif value is not None and not isinstance(value, str | int | float | Decimal):
            kind = ("bytes (YAML's !!binary)" if isinstance(value, bytes) else
                    "a set (YAML's !!set)" if isinstance(value, set) else
                    f"a {type(value).__name__}")  # fmt: skip
            problems.append(Problem(where, repr(value), (), f"is {kind}, not text, a number, "
                                    "true or false, or a list: write it as text"))  # fmt: skip
    return problems


def _changed(given: object, read: object) -> bool:
    """Whether the words given are other than the value read (a list compared item by item; yes
    and no, or true and false, in any case, are the plain words of a yes/no answer)."""
    if isinstance(read, bool):
        plain = {True: ("yes", "true"), False: ("no", "false")}[read]
        return given is not read and str(given).strip().lower() not in plain
    if isinstance(given, list) and isinstance(read, list):
        return [str(g) for g in given] != [str(r) for r in read]
    return str(given) != str(read) if read is not None else given is not None


def _said_as_read(kb: KnowledgeBase, field: str, name: str, found: list[str]) -> bool:
    """Whether a list field's name is a value it was read as, given as itself: the value's id or
    its label, whatever the case, spacing and punctuation ("bowel-resection", "FOLFOX" for
    folfox; chemoradiation, read with the radiation it holds); not a name read as other words
    ("colectomy", "carbo/taxol", brachytherapy read as radiation)."""
    folded = normalise_name(name)
    return any(folded in (normalise_name(v), normalise_name(kb.label(field, v))) for v in found)


def _answer(data: dict[str, Any], field: str) -> Any:
    """The answer the data gives to a field (``biomarkers.her2`` inside ``biomarkers``)."""
    if field.startswith("biomarkers."):
        markers = data.get("biomarkers")
        return markers.get(field.removeprefix("biomarkers.")) if isinstance(markers, dict) else None
    return data.get(field)


def _bare_name(key: str) -> str:
    """A field's name as read: without spaces around it (a spreadsheet's heading), in any case."""
    return key.strip(" \t\u00a0").lower()


def tidy_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Keys as people write them: biomarker names in any case, and ``her2`` or ``kras`` at the
    top level of a profile, are read as the biomarkers. Two spellings of one marker that give
    different results are both kept (the engine then treats the marker as unknown, with a
    warning)."""
    fields = set(Profile.model_fields) | {"$schema"}
    by_case = {f.lower(): f for f in fields}
    spellings = Counter(_bare_name(k) for k in data if isinstance(k, str))
    renamed = {k: by_case[_bare_name(k)] for k in data  # "Cancer", "Stage", "stage "
               if isinstance(k, str) and k not in fields and _bare_name(k) in by_case
               and by_case[_bare_name(k)] not in data  # beside the field itself: given twice
               and spellings[_bare_name(k)] == 1}  # "Stage" beside " stage": the last had won
    data = {renamed.get(k, k): v for k, v in data.items()}
    if "biomarkers" in data and (data["biomarkers"] is None or (
            isinstance(data["biomarkers"], str) and words.not_known(data["biomarkers"]))):
        # null, a blank or a word for not known ("not tested"), as for any field: unknown (it
        # was refused, and a kras beside it at the top level called an unknown field)
        data = {k: v for k, v in data.items() if k != "biomarkers"}
    markers = data.get("biomarkers")
    moved = {k: v for k, v in data.items() if k not in fields and _bare_name(k) in MARKERS}
    data = {k: v for k, v in data.items() if not (k in moved and v is None)}  # null: unknown
    moved = {k: v for k, v in moved.items() if v is not None}
    if not moved and not (isinstance(markers, dict) and any(k != _bare_name(k) for k in markers)):
        return data
    tidy = {k: v for k, v in data.items() if k not in moved}
    combined: dict[str, Any] = {}
    pairs = [*(markers.items() if isinstance(markers, dict) else []), *moved.items()]
    for key, value in pairs:
        name = _bare_name(key) if _bare_name(key) in MARKERS else key
        if name in MARKERS and (value is None or words.not_known(value)):
            combined.setdefault(name, value)  # unknown, which another spelling may give
            continue
        if combined.get(name) is None or words.not_known(combined[name]):
            combined[name] = value
        elif combined[name] != value:
            first = combined[name] if isinstance(combined[name], list) else [combined[name]]
            combined[name] = [*first, *(value if isinstance(value, list) else [value])]
        else:
            combined[name] = value
    if markers is not None and not isinstance(markers, dict):
        # not a mapping: the model names that problem alone (a kras beside it at the top level
        # was called an unknown field too); the markers at the top level are read once it is
        return tidy
    tidy["biomarkers"] = combined
    return tidy


def _without_not_known(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data without the fields whose value says it is not known (``words.not_known``: a word
    such as ``unknown`` or ``not tested``, a blank; for a field that takes a list, a list of one
    such word), which are then unknown as if left out; and those fields' words as typed (by
    field, as ``as_typed``). A list that holds such a word beside names is left as it is (the
    names are read and the word refused); so is a field that is not the profile's, which is
    refused as any unknown field is, and ``cancer`` (``unknown`` is a cancer whose start is not
    known)."""

    def says_not_known(value: object, listed: bool) -> bool:
        if isinstance(value, list):
            return listed and len(value) == 1 and words.not_known(value[0])
        return words.not_known(value)

    fields = {f for f in fact_fields() if f != "cancer" and not f.startswith("biomarkers.")}
    unknown = {k: v for k, v in data.items()
               if k in fields and says_not_known(v, k in SET_FIELDS)}  # fmt: skip
    kept = {k: v for k, v in data.items() if k not in unknown}
    markers = kept.get("biomarkers")
    if isinstance(markers, dict):
        gone = {k: v for k, v in markers.items()
                if k in Biomarkers.model_fields and says_not_known(v, True)}  # fmt: skip
        unknown |= {f"biomarkers.{k}": v for k, v in gone.items()}
        kept["biomarkers"] = {k: v for k, v in markers.items() if k not in gone}
    return kept, unknown


def _places_counted(kb: KnowledgeBase, name: str) -> list[str]:
    """The places of spread a name says with how many tumours ("multiple liver metastases":
    liver), in the knowledge base's words; none if it says no count or no place known."""
    rest = words.without_a_count(name)
    found = _lookup(kb, "metastases", rest) if rest else None
    return [kb.label("metastases", i) for i in found or ()]


# The kinds of radiation one can say stopped working, named when a place radiation was aimed at
# is given instead ("pelvic radiation")
RADIATION_KINDS = ("external-beam-radiation", "brachytherapy", "chemoradiation")


def _lookup(kb: KnowledgeBase, field: str, name: str) -> list[str] | None:
    """The ids a name means among the values of a fact: by any name or alias, by a code, with a
    bracketed note left out ("capecitabine (Xeloda)"), places of spread or a treatment had in a
    family's words ("spread to the liver and bones", "had chemo"), a symptom with how bad it is
    ("severe pain", "heavy bleeding"), or as treatments written
    together with "+", "/", "&", "and", "with" or "plus" (carbo/taxol; FOLFIRI-bev as a last
    resort), when every part is known. A pair of drugs stays two drugs: the regimens they may
    belong to count through them."""
    found = _named(kb, field, name)
    route = words.ROUTE.fullmatch(name) if field in TREATMENT_FIELDS else None
    if route and found is not None and not route.group(3):
        route = None  # a name known as written ("IV feeding", "hepatic artery infusion")
    if found is None and route:  # "IV chemotherapy", "Xeloda tablets": the treatment (it had
        found = _lookup(kb, field, next(g for g in route.groups() if g))  # been refused)
    # a route said ("oral chemotherapy"), or in a note of a name not known as written
    # ("chemotherapy (given orally at home)"; "nutritional support (intravenous or nasogastric
    # feeding before surgery)" is a name as written)
    notes = " ".join(re.findall(r"\(([^()]*)\)", name))
    routed = route or (found and normalise_name(name) not in kb.value_names[field]
                       and words.ROUTE_WORD.search(notes))
    if found and routed and field in ROUTE_NARROWS and any(
            kb.kind_of.get(i) not in ("drugs", "regimens") for i in found):  # fmt: skip
        return None  # "oral chemotherapy", "chemotherapy (oral)" cannot be had: not all of it
    # a harm of the person, theirs and there, that bars a kind of drug (``kb.kinds_harmed``:
    # "DPD deficiency", "DPYD*2A", "capecitabine (DPD deficiency)": the fluoropyrimidines), as
    # the FHIR reader reads it; it had been refused as not known. Said in a warning (``facts_of``)
    barred = kb.kinds_harmed(name) if field == "cannot_have" else []
    if found is not None:
        return list(dict.fromkeys([*found, *barred]))
    if barred:
        return barred
    places = words.spread_said(name) if field == "metastases" else None
    if places:  # "spread to the liver and bones"
        read = [_named(kb, field, place) for place in places]
        if all(r is not None for r in read):
            return list(dict.fromkeys(i for r in read for i in r or ()))
    first = words.DRUG_CHEMORADIATION.fullmatch(name) if field in TREATMENT_FIELDS else None
    if first and (with_drug := _lookup(kb, field, f"chemoradiation with {first.group(1)}")):
        return with_drug  # "cisplatin chemoradiation": chemoradiation with cisplatin
    # when it was had or how much of it ("FOLFOX x6", "FOLFOX 2019-2020", "total gastrectomy
    # done 2021"): the treatment, the words shown as written (they had been refused)
    timed = words.without_when(name) if field in TREATMENT_FIELDS else None
    if timed and (found := _lookup(kb, field, timed)) is not None:
        return found
    # only among the treatments had: among those that stopped working, "had FOLFOX" says it was
    # had, not that it stopped (a review of the change found it read as stopped, without a word)
    had = words.had_said(name) if field == "prior_treatments" else None
    if had and (found := _lookup(kb, field, had)) is not None:
        return found  # "had chemo", "received FOLFOX", "s/p total gastrectomy"
    nodes = words.LYMPH_DISSECTION.fullmatch(name) if field in NODES_SAY_NOTHING else None
    operation = next((g for g in nodes.groups() if g), "") if nodes else ""
    if OPERATION_WORDS.search(operation) and (found := _lookup(kb, field, operation)):
        return found  # "D2 gastrectomy": a gastrectomy (how many nodes is asked by no option)
    how_bad = words.HOW_BAD.fullmatch(name) if field == "symptoms" else None
    if how_bad:  # "severe pain", "heavy bleeding": the symptom (it had been refused)
        return _lookup(kb, field, how_bad.group(1))
    side = words.SIDE.fullmatch(name) if field == "symptoms" else None
    if side and (found := _lookup(kb, field, side.group(1))) is not None:
        return found  # "upper abdominal pain": abdominal pain
    cannot = words.CANNOT.fullmatch(name) if field == "symptoms" else None
    said = f"cannot {cannot.group(1)}" if cannot else ""
    if cannot and normalise_name(said) != normalise_name(name):
        return _lookup(kb, field, said)  # "can't eat", "unable to eat": as "cannot eat"
    for separator in (r"(\s*(?:\+|/|&|\band\b|\bwith\b|\bplus\b)\s*)", r"(\s*-\s*)"):
        pieces = re.split(separator, name, flags=re.IGNORECASE)
        parts = [piece for piece in pieces[0::2] if piece.strip()]
        if len(parts) < 2:
            continue
        segments = _segments(kb, field, pieces)
        if segments is not None:
            return _together(kb, field, list(dict.fromkeys(i for ids in segments for i in ids)))
    return None


def symptom_ids(kb: KnowledgeBase, name: str) -> list[str]:
    """The symptoms some words name, read as a typed symptom is (``_lookup``: "severe abdominal
    pain", "bleeding from the rectum", "unable to eat"); none when they name none. The FHIR
    reader reads a Condition's words by it."""
    return _lookup(kb, "symptoms", name) or []


def _named(kb: KnowledgeBase, field: str, name: str) -> list[str] | None:
    """The ids a name means by itself: any name, alias or code, or with a bracketed note left
    out; None when it names nothing."""
    table = kb.value_names[field]
    # as written, else without its little words ("bleeding from vagina", "pain in my rectum")
    match = table.get(normalise_name(name)) or table.get(normalise_name(without_little_words(name)))
    if match is None and (ours := words.in_our_words(name)) != name:  # "pelvic radiotherapy"
        match = table.get(normalise_name(ours)) or table.get(
            normalise_name(without_little_words(ours)))
    if match is None:  # a code (rxnorm|4492, C78.7) of a record that is a value of the fact
        match = next((r.id for r in kb.find(name) if r.id in table.values()), None)
    if match is not None:
        return where_unsaid(kb, field, match)
    outside = re.sub(r"\([^()]*\)", " ", name).strip()
    if not outside or outside == name or words.denying_note(name, field):  # "(not given)"
        return None
    if field == "prior_treatments" and words.outcome_note(name):  # "(did not work)": refused
        return None
    found = _named(kb, field, outside)
    if found is None:
        return None
    if field in TREATMENT_FIELDS:  # "FOLFOX (with Avastin)", "FOLFOX (bev)": both
        found = _joined(kb, field, found, re.findall(r"\(([^()]*)\)", name))
    # a note that names a kind of what a treatment had, stopped or planned follows ("immunotherapy
    # (Keytruda)", "chemo (FOLFOX)") says which: it is read as it would be alone, in place of the
    # broader name (which had been kept alone). Kinds are those of treatments had: a drug that
    # cannot be had is under each regimen that holds it too. What cannot be had is kept as broad
    # as written: there a note is an example ("immunotherapy (Keytruda)": none of them).
    if field not in NARROWED_BY_A_NOTE:
        return found
    for note in re.findall(r"\(([^()]*)\)", name):
        noted = _lookup(kb, field, note.strip()) or _kinds_listed(kb, field, note, found)
        broader = {f for f in found for i in noted
                   if f != i and f in kb.vocabulary.up("prior_treatments", i)}  # fmt: skip
        wider = any(i not in found and i in kb.vocabulary.up("prior_treatments", f)
                    for f in found for i in noted)  # fmt: skip
        if broader and not wider:  # a note broader than the name says nothing more
            found = list(dict.fromkeys([*(f for f in found if f not in broader), *noted]))
        elif noted and all(kb.kind_of.get(i) == "drugs" for i in noted) and any(
                kb.vocabulary.up(field, f) & RADIATION for f in found):
            # a drug noted with radiation: both ("radiation (cisplatin)", "chemoradiation
            # (capecitabine)": the drug had been left out)
            found = _together(kb, field, list(dict.fromkeys([*found, *noted])))
    return found


def _joined(kb: KnowledgeBase, field: str, found: list[str], notes: list[str]) -> list[str]:
    """A treatment with the treatments its notes join to it: a note that names, after a joining
    word (``words.JOINED_NOTE``: "with", "w/", "+", "and") or alone, a treatment that is
    neither what it follows, a kind of it, one it is a kind of, nor a part of it ("FOLFOX (with
    Avastin)", "FOLFOX (bev)": bevacizumab too; "chemo (FOLFOX)", "FOLFOX (oxaliplatin)",
    "Avastin (bevacizumab)": the same). It had been left out, and bevacizumab with FOLFIRI
    offered after FOLFOX with Avastin stopped working. A note that names no treatment ("(with
    dose reduction)") is left out, as before."""
    up = kb.vocabulary.up
    for note in notes:
        noted = _lookup(kb, field, words.JOINED_NOTE.sub("", note).strip())
        if not noted:
            continue
        parts = {p for f in found for p in getattr(kb.by_id.get(f), "components", ())}
        if any(i == f or f in up("prior_treatments", i) or i in up("prior_treatments", f)
               or i in parts for i in noted for f in found):  # fmt: skip
            continue  # the same, a kind of it or a part of it: read by the caller as before
        found = _together(kb, field, list(dict.fromkeys([*found, *noted])))
    return found


# The lists of treatments, where a note may join another treatment ("FOLFOX (with Avastin)")
TREATMENT_FIELDS = ("prior_treatments", "progressed_on", "planned", "cannot_have")
# The lists of treatments where an operation written with how many lymph nodes were taken out
# ("D2 gastrectomy") is the operation: not what cannot be had, where that would rule out more
NODES_SAY_NOTHING = ("prior_treatments", "planned")


def _kinds_listed(kb: KnowledgeBase, field: str, note: str, found: list[str]) -> list[str]:
    """A note that lists kinds of what it follows ("chemotherapy (FOLFOX, FOLFIRI)"): their ids,
    when each part of it is known and names what was found or a kind of it; else none."""
    parts = [part.strip() for part in re.split(r"[,;]", note) if part.strip()]
    read = [_lookup(kb, field, part) for part in parts]
    if len(parts) < 2 or None in read or not all(
            any(f in kb.vocabulary.up("prior_treatments", i) for i in ids or () for f in found)
            for ids in read):  # fmt: skip
        return []
    return list(dict.fromkeys(i for ids in read for i in ids or ()))


# The lists of treatments a note in brackets may narrow (chemotherapy (FOLFOX)): not cannot_have
NARROWED_BY_A_NOTE = ("prior_treatments", "progressed_on", "planned")
MAX_PARTS_OF_A_NAME = 4  # "leucovorin + 5-FU + oxaliplatin": a name cut at most 3 times


def _segments(kb: KnowledgeBase, field: str, pieces: list[str],
              hyphens: bool = True) -> list[list[str]] | None:  # fmt: skip
    """The ids of each name in a name cut at its separators (``pieces``: the parts, with the
    separators between them), as few names as can be: a name that holds a separator itself
    stays whole ("trifluridine and tipiracil with radiation" is two names, not three), and a
    part may be a pair written with a hyphen ("FOLFIRI-bev + radiation") when ``hyphens``;
    None unless every part belongs to a name that is known. Each step keeps only where it came
    from, so a long name takes time in proportion to its parts."""
    parts = pieces[0::2]
    # parts[:j] as the fewest known names: (how many, where the last one starts, its ids)
    best: dict[int, tuple[int, int, list[str]]] = {0: (0, 0, [])}
    for j in range(1, len(parts) + 1):
        for i in range(max(0, j - MAX_PARTS_OF_A_NAME), j):
            if i not in best:
                continue
            text = "".join(pieces[2 * i : 2 * j - 1])  # parts i to j-1, separators between
            if not text.strip():
                ids: list[str] | None = []  # an empty part ("a + + b"): nothing
            elif j - i == len(parts):
                ids = None  # the whole name: not a name by itself (looked up before)
            else:
                ids = _named(kb, field, text.strip())
                if ids is None and hyphens and j - i == 1:
                    halves = re.split(r"(\s*-\s*)", text.strip())
                    if len(halves) > 1:
                        found = _segments(kb, field, halves, hyphens=False)
                        ids = None if found is None else [i for f in found for i in f]
            if ids is not None and (j not in best or best[i][0] + 1 < best[j][0]):
                best[j] = (best[i][0] + 1, i, ids)
    if len(parts) not in best:
        return None
    names, j = [], len(parts)
    while j > 0:
        _, i, ids = best[j]
        names.append(ids)
        j = i
    return names[::-1]


# Radiation as the lists of treatments name it: the fact's own value, or the kind of treatment
RADIATION = frozenset({"radiation", "radiation-therapy"})


def _together(kb: KnowledgeBase, field: str, ids: list[str]) -> list[str]:
    """Treatments written together as one name: a chemotherapy with radiation ("cisplatin and
    5-FU with radiation") is chemoradiation as well as each part, as the regimens named so are
    (``counts_as``); chemoradiation is often given for an earlier stage, which decides whether
    chemotherapy was given for spread (``kb.rules.IMPLIED``). Of treatments had, stopped or
    planned (``NARROWED_BY_A_NOTE``), the drugs of a regimen that is a chemoradiation, with
    radiation ("cisplatin with radiotherapy", "radiation (cisplatin)"), are that regimen, read as
    its name is, with the radiation said more narrowly kept ("pelvic radiation (cisplatin)"): a
    chemoradiation regimen does not count for the drugs' other regimens, and the same treatment
    had been answered differently by its spelling (the cisplatin pairs ruled out after "cisplatin
    with radiotherapy" stopped working, offered after "cisplatin with radiation"). What cannot be
    had is kept as written, each part ("cisplatin and radiation": neither), but chemoradiation
    said with its drugs ("cisplatin chemoradiation") is that chemoradiation, as its name is."""
    both = kb.value_names[field].get("chemoradiation")
    kinds = {k for i in ids for k in (i, *kb.vocabulary.up(field, i))}
    radiation = kinds & RADIATION
    if both is None or "chemotherapy" not in kinds or not radiation:
        return ids
    drugs = {i for i in ids if kb.kind_of.get(i) == "drugs"}
    rays = [i for i in ids if i not in drugs]
    if field in NARROWED_BY_A_NOTE and all(
            kb.vocabulary.up(field, i) & RADIATION for i in rays):
        for regimen in kb.data.regimens:
            if both in regimen.counts_as and set(regimen.components) == drugs:
                said = where_unsaid(kb, field, regimen.id)  # the regimen, and radiation
                narrower = [i for i in rays if i not in (*said, "radiation-therapy", both)]
                return [*said, *narrower]
    if field == "cannot_have" and rays == [both]:  # "cisplatin chemoradiation", "chemoradiation
        # with cisplatin", "cisplatin CRT": the chemoradiation of those drugs, as its name
        # "cisplatin with radiation" is read (they had ruled out every cisplatin pair as well,
        # where the name kept them: one treatment answered two ways by its spelling)
        regimen_ids = [r.id for r in kb.data.regimens
                       if both in r.counts_as and set(r.components) == drugs]
        if regimen_ids:
            return regimen_ids
    return ids if both in ids else [*ids, both]


def where_unsaid(kb: KnowledgeBase, field: str, ident: str) -> list[str]:
    """Radiation had or planned, named by how it is given (EBRT, brachytherapy, chemoradiation),
    says nothing of where it was aimed: it is read as radiation, which leaves "radiation to the
    pelvis" undecided rather than false. One that is another kind of treatment of the fact as
    well (chemoradiation: chemotherapy too) is also kept as itself, so that what it also is still
    counts (a drug treatment had: whether it stopped working is not known)."""
    own = {v.id for v in kb.facts[field].values}
    kinds = kb.vocabulary.up(field, ident)
    if "radiation" in own and ident not in own and "radiation" in kinds:
        return [ident, "radiation"] if kinds & own - {"radiation"} else ["radiation"]
    return [ident]


# Words of a drug treatment in a name written with doubt ("chemo unknown", "which drugs not
# sure"): the answer for drug treatments not known is named in the hint
DRUG_WORDS = re.compile(r"(?i)chemo|drug|immuno|targeted|medic|tablet|infusion")
# The lists that may say they are not whole (OTHERS_NOT_KNOWN), and words of a name that means
# so ("maybe others", "not all listed", "etc."): the answer that says it is named in the hint
OPEN_LISTS = ("symptoms", "metastases", "prior_treatments", "progressed_on", "planned")
MORE_WORDS = re.compile(r"(?i)\bothers\b|\betc\b|\bnot all\b|\band more\b")
# words of an operation ("hysterectomy", "mastectomy", "Whipple", "cone biopsy"): one the sources
# do not name is answered with what each list may say of it (the hint had spoken only of drugs)
OPERATION_WORDS = re.compile(r"(?i)(ectom|(?<!phleb)otom|ostom)(y|ies)\b|\b(resection|resected|"
                             r"operation|operated|"
                             r"surgery|surgical|excision|excised|whipple|amputation|"
                             r"exenteration|cone biopsy)\b")
MAY_BE_MORE = "when the list may not be whole, give 'others not known' with the rest"


# The lists where how a drug is given narrows what is said: one who cannot have chemotherapy by
# mouth may have it into a vein, and chemo pills that stopped working are not every chemotherapy
# (a review: "oral chemotherapy" among what cannot be had ruled out FOLFOX, given into a vein).
# There a route is read only with a drug or regimen ("Xeloda tablets"), never with a kind.
ROUTE_NARROWS = ("cannot_have", "progressed_on")


# What each list may say of an operation the sources do not name (``OPERATION_WORDS``): among
# the treatments had or planned, that there was or will be one; not what cannot be had, where
# "surgery" rules out every operation and what is given only around one
OPERATIONS_SAID = {
    "prior_treatments": "an operation the sources do not name can be given as {surgery!r} when "
                        "it was an operation for this cancer; or leave it out",
    "planned": "an operation the sources do not name can be given as {surgery!r} when it is "
               "one for this cancer; or leave it out",
    "progressed_on": "an operation is not a treatment that can stop working (a drug, a "
                     "regimen, radiation or ablation), which is what this answer is about: list "
                     "it among the treatments had (prior_treatments) as {surgery!r}",
    "cannot_have": "an operation the sources do not name cannot be told apart here: give "
                   "{surgery!r} only when no operation at all can be had, else leave it out "
                   "and tell the care team",
}  # fmt: skip


def _names_a_treatment(kb: KnowledgeBase, name: str) -> bool:
    """Whether a name's words hold a drug's words (``DRUG_WORDS``) or a word that names a
    treatment other than an operation ("FOLFOX after surgery", "radiation after the operation"):
    the hint for an operation is then not the one (a review: it had told to list "FOLFOX after
    surgery", which stopped working, as surgery had)."""
    if DRUG_WORDS.search(name):
        return True
    for word in re.findall(r"[\w-]+", name):
        found = _named(kb, "prior_treatments", word) or []
        if any(SURGERY not in kb.vocabulary.up("prior_treatments", i) for i in found):
            return True
    return False


def _names_accepted(kb: KnowledgeBase, field: str) -> tuple[str, ...]:
    """What a list field accepts: the ids of its fact's values (its names read as them)."""
    return tuple(sorted(kb.vocabulary.known(field)))


def _resolve(
    kb: KnowledgeBase, field: str, names: list[str], suggest: bool = True
) -> tuple[list[str], list[Problem]]:
    """The ids a list of names means among the values of its fact, in the order written, and a
    problem for each name that is not known (with the closest known name, if one is close and
    ``suggest``)."""
    ids: list[str] = []
    problems = []
    for i, name in enumerate(names):
        # "lung?" is not lung; "N/A" or "unknown" beside names says nothing of what is there
        unsure = bool(words.UNSURE.search(name.lower())) or words.not_known(name)
        found = None if unsure else _lookup(kb, field, name)
        denied = found is None and words.denying_note(name, field)  # "liver (ruled out)"
        unsure = unsure or (found is None and bool(words.NEGATED.match(name.lower())))
        if found is None and field == "prior_treatments" and words.outcome_note(name):
            problems.append(Problem(f"{field}[{i}]", name, (), (
                f"{name!r}: its note in brackets says how it went, which is an answer of its "
                "own: list the treatment here without the note, and also among the treatments "
                "that stopped working (progressed_on) or that cannot be had (cannot_have)")))
            continue
        if denied:
            problems.append(Problem(f"{field}[{i}]", name, (), (
                f"{name!r}: its note in brackets says it is not so, no longer, not yet or not "
                "sure; list only what is there and known, and leave out what is not")))
            continue
        if found is None:
            slip = (closest_name(normalise_name(name), kb.value_names[field])
                    if suggest and not unsure else None)  # fmt: skip
            close = kb.value_names[field][slip] if slip else None
            if normalise_name(name) in NONE_WORDS:  # "none" beside names ("none" alone is [])
                problems.append(Problem(f"{field}[{i}]", name, _names_accepted(kb, field),
                                        f"{name!r} cannot go with "
                                        "other names: give it alone for none, or only the names "
                                        "of what there is"))  # fmt: skip
                continue
            known_elsewhere = (field in ("progressed_on", "cannot_have") and not unsure
                               and not close and _lookup(kb, "prior_treatments", name) is not None)
            if len([line for line in name.splitlines() if line.strip()]) > 1:
                # a spreadsheet cell's Alt+Enter (a cohort's CSV): names on lines of their own,
                # which had been told to check the spelling of them all run together
                hint = ("it holds a line break (as a spreadsheet cell does when Alt+Enter starts "
                        "a new line): give each name as an item of its own, separated by commas "
                        "(by semicolons in a cohort's CSV)")  # fmt: skip
            elif unsure and field == "prior_treatments" and DRUG_WORDS.search(name):
                # "chemo unknown": say so in the words the knowledge base takes
                hint = ("list only what is there and known; leave out what is not or not sure, "
                        "and when which drug treatments were had is not known, give "
                        f"{kb.label(field, DRUGS_NOT_KNOWN)!r} with the rest")
            elif field in OPEN_LISTS and MORE_WORDS.search(name):
                hint = f"list only what is there and known; {MAY_BE_MORE}"
            elif unsure:
                hint = "list only what is there and known; leave out what is not or not sure"
            elif field not in OPEN_LISTS and any(
                    OTHERS_NOT_KNOWN in (_lookup(kb, f, name) or ()) for f in OPEN_LISTS):
                hint = ("it says that a list may not be whole, which only the symptoms, the "
                        "places the cancer has spread to, the treatments had, those that "
                        "stopped working and those planned can say")
            elif field == "metastases" and (counted := _places_counted(kb, name)):
                hint = ("how many tumours there are is an answer of its own (metastasis_extent: "
                        f"few or many): give the places alone ({', '.join(counted)})")
            elif (field in TREATMENT_FIELDS and field != "prior_treatments"
                  and words.had_said(name) and _lookup(kb, "prior_treatments", name)):
                what = {"cannot_have": "cannot be had", "planned": "is planned",
                        "progressed_on": "stopped working"}[field]  # fmt: skip
                hint = ("its words say it was had: list it among the treatments had "
                        f"(prior_treatments), and here only the name of what {what}")
            elif harmed := _harm_named(kb, name):
                hint = (f"it names {harmed}, a harm of the person that bars a kind of drug: "
                        "give it alone among what cannot be had (cannot_have) when it is the "
                        "person's own and is there (not a relative's, a test for it or ruled "
                        "out), else leave it out")  # fmt: skip
            elif field in TREATMENT_FIELDS and words.only_when(name):
                # "FOLFOX, 2019" is two items: the date alone names no treatment
                hint = ("it says when or how much, not which treatment: write it in one item "
                        "with the treatment it is of ('FOLFOX 2019', 'FOLFOX x6'), or leave it "
                        "out")  # fmt: skip
            elif (field in TREATMENT_FIELDS and field not in NODES_SAY_NOTHING
                  and (nodes := words.LYMPH_DISSECTION.fullmatch(name))
                  and _lookup(kb, field, next(g for g in nodes.groups() if g))):
                hint = ("how many lymph nodes an operation takes out is not asked here: give the "
                        "operation alone if no such operation at all can be had, else leave it "
                        "out and tell the care team")
            elif plain := words.not_deciding(name):  # PD-L1, kidney failure, a fistula
                other = (f"a symptom they do not name can be given as "
                         f"{kb.name_of('other-symptom')!r}, or leave it out"
                         if field == "symptoms" and "other-symptom" in kb.vocabulary.known(field)
                         else "leave it out, and tell your care team")  # fmt: skip
                hint = f"{plain}; {other}"
            elif close:
                hint = f"did you mean {_close_words(kb, field, slip or '', close)}?"
            elif (field in ROUTE_NARROWS and words.ROUTE_WORD.search(name)
                  and normalise_name(name) not in kb.value_names["prior_treatments"]
                  and _lookup(kb, "prior_treatments", name)):  # not "IV feeding", a name
                # (in a family's words: "how a drug is given is read here only with a drug's
                # name" had been jargon to them, a review of the page)
                hint = ("it does not say which drug it was: pills or a drip of one kind of drug "
                        "can be any of several drugs, so name the drugs (for example "
                        "capecitabine, or Xeloda tablets), or give the kind alone (such as "
                        "chemotherapy) if it was all of them")  # fmt: skip
            elif known_elsewhere and DRUGS_NOT_KNOWN in (_lookup(kb, "prior_treatments", name)
                                                         or ()):  # fmt: skip
                hint = ("it says that which drug treatments were had is not known: give it "
                        "among the treatments had (prior_treatments)")
            elif known_elsewhere and field == "progressed_on" and any(
                    "radiation" in kb.vocabulary.up("prior_treatments", v)
                    for v in _lookup(kb, "prior_treatments", name) or ()):  # fmt: skip
                # pelvic radiation: where radiation was aimed is not asked here (it had been
                # told that it was not radiation, a review found)
                kinds = words.and_list([in_sentence(kb.label(field, v)) for v in RADIATION_KINDS],
                                       last="or")  # fmt: skip
                hint = (f"say which radiation stopped working ({kinds}), and list this among "
                        "the treatments had (prior_treatments), which say where it was given")
            elif known_elsewhere and field == "progressed_on":  # surgery
                hint = ("it is not a treatment that can stop working (a drug, a regimen, "
                        "radiation or ablation), which is what this answer is about: give those "
                        "that stopped working, and list it among the treatments had "
                        "(prior_treatments)")  # fmt: skip
            elif known_elsewhere:
                hint = "it is a treatment, but not one this answer takes"
            elif (OPERATION_WORDS.search(name) and field in OPERATIONS_SAID
                  and not _names_a_treatment(kb, name)):  # not "FOLFOX after surgery"
                hint = OPERATIONS_SAID[field].format(surgery=kb.label(field, SURGERY))
            elif field in ("prior_treatments", "planned", "progressed_on"):  # a regimen the
                # sources do not name (FOLFOXIRI, FLOT): its drugs say the same of treatments had
                # and of what stopped working (a regimen that stopped: each of its drugs did);
                # not of what cannot be had, where a drug rules out every regimen that holds it
                # and a drug they do not name (letrozole, osimertinib) as its kind, which the
                # general options read: it had been told only of regimens
                general = {u for o in kb.data.options if "any" in o.cancers for u in o.uses}
                kinds = words.and_list([in_sentence(kb.name_of(c.id)) for c in kb.data.drug_classes
                                        if c.parent is None and c.id in general], last="or")
                # (the example is a mix the sources do not name: FOLFOX, which they do, had read
                # as if it were to be given as its drugs, and "as its kind" backwards)
                hint = (f"check the spelling; if it is a drug the sources do not name, give its "
                        f"kind instead ({kinds}); if it is a mix of drugs they do not name (such "
                        "as FOLFOXIRI), give each of its drugs (5-FU, leucovorin, oxaliplatin, "
                        "irinotecan); or leave it out")  # fmt: skip
            elif field == "symptoms" and "other-symptom" in kb.vocabulary.known(field) and any(
                    c.isalpha() for c in name):  # fatigue, cough: no source names their care
                # (a word spelled right had been told to check its spelling: tired, hiccups)
                hint = (f"no source names it as a symptom, so give it as "
                        f"{kb.name_of('other-symptom')!r}, or leave it out and tell your care "
                        f"team")
            else:
                hint = "check the spelling, or leave it out"
            said = "is not known as an answer here" if known_elsewhere else "is not known"
            problems.append(Problem(f"{field}[{i}]", name, _names_accepted(kb, field),
                                    f"{name!r} {said}; {hint}"))  # fmt: skip
        else:
            ids += [i for i in found if i not in ids]
    return ids, problems


def _harm_named(kb: KnowledgeBase, name: str) -> str:
    """The harm of the person (``words.PERSON_HARMS``) whose words a name holds, by the name the
    knowledge base gives it ("DPD deficiency"), whether or not it is theirs and there; blank for
    none."""
    lowered = " ".join(name.lower().split())
    return next((told[0].name for harm, harm_words in words.PERSON_HARMS.items()
                 if re.search(harm_words, lowered) and (told := kb.barred_by(harm))), "")


def _harm_warnings(kb: KnowledgeBase, profile: Profile) -> list[str]:
    """A warning for each name among what cannot be had that is a harm of the person barring a
    kind of drug (``KnowledgeBase.kinds_harmed``: "DPD deficiency"): what it is read as, then
    ``KnowledgeBase.harm_read``'s words, as the FHIR reader's warning gives them."""
    typed = profile.as_typed.get("cannot_have")
    names = [*(typed if isinstance(typed, list) else [typed] if isinstance(typed, str) else []),
             *(profile.cannot_have or [])]  # fmt: skip
    out: list[str] = []
    for name in dict.fromkeys(n for n in names if isinstance(n, str)):
        for harm in words.person_harms(name):
            if told := kb.barred_by(harm):
                read = ("is" if normalise_name(name) == normalise_name(told[0].name) else
                        f"is read as {told[0].name},")  # fmt: skip
                out.append(f"cannot_have: {words.cut(name)!r} {read} a harm of the person that "
                           f"bars a kind of drug, not one drug. {kb.harm_read(harm)}")
    return list(dict.fromkeys(out))


def _close_words(kb: KnowledgeBase, field: str, slip: str, ident: str) -> str:
    """The known name a misspelt one is a slip of (``slip``, folded), as the knowledge base
    writes it, with what it is read as beside it when that is another name: "Xeloda
    (capecitabine)" for xelodaa (a family that typed a brand may not know its drug's name)."""
    label = kb.label(field, ident)
    record = kb.by_id.get(ident)
    names = record.names() if isinstance(record, Entity) else []
    written = next((n for n in names if normalise_name(n) == slip), label)
    return label if normalise_name(written) == normalise_name(label) else f"{written} ({label})"


def close_field(typed: str, fields: Sequence[str]) -> str | None:
    """The field a name not known is a slip of, if one is close, found as a value's slip is
    (``closest_name``: metastasis, symptom), or the field it starts with, a word added
    (her2_status: her2; her2 and kras are fields of the top level too): a field's name
    misspelt was given only the list of every field, where a value misspelt is asked "did you
    mean"."""
    if not isinstance(typed, str):
        return None
    folded = re.sub(r"[-\s]+", "_", _bare_name(typed))
    names = {f.lower(): f for f in fields} | {m: m for m in MARKERS if "biomarkers" in fields}
    if folded in names:  # only its case or spaces differ: said so elsewhere
        return None
    close = closest_name(folded, names)
    if close is None:
        starts = [n for n in names if folded.startswith(n + "_")]
        close = max(starts, key=len) if starts else None
    return names[close] if close is not None else None


def close_name(folded: str, names: Mapping[str, str]) -> str | None:
    """The id of the known name closest to a misspelt one, if one is close (stomache: stomach)."""
    slip = closest_name(folded, names)
    return names[slip] if slip is not None else None


def closest_name(folded: str, names: Mapping[str, str]) -> str | None:
    """The known name (a key of ``names``) closest to a misspelt one, if one is close."""
    import difflib

    if len(folded) < 4:
        return None
    # a slip of the keys, not another word: about as long, and the same first letter (FOLFIRINOX
    # is not a misspelt FOLFIRI, nor vertebral a misspelt cerebral)
    near = [n for n in names if abs(len(n) - len(folded)) <= 2 and n[:1] == folded[:1]]
    found = [n for n in difflib.get_close_matches(folded, near, n=3, cutoff=0.8)
             if _slips_only(folded, n)]  # fmt: skip
    # else the start of a name, most of it ("vaginal bleed": vaginal bleeding): a review found it
    # told to check the spelling, with no name, and steered to "another symptom"
    found = found or [n for n in sorted(names, key=len) if len(folded) >= 8
                      and n.startswith(folded) and 3 * len(folded) >= 2 * len(n)]  # fmt: skip
    found = [n for n in found if not _the_opposite(folded, n, names)]
    return found[0] if found else None


# What, written before a name, makes it another or the opposite thing: "subtotal" is not
# "total", nor "non-resectable" "resectable", "unilateral" "bilateral"
OPPOSITE_PREFIXES = ("sub", "non", "un", "in", "anti", "dis", "de", "semi", "hemi", "partial",
                     "uni", "bi", "total")  # fmt: skip


def _the_opposite(typed: str, known: str, names: Mapping[str, str]) -> bool:
    """Whether a known name (folded) holds a known name the typed one holds, with a prefix
    before it (``OPPOSITE_PREFIXES``) that the typed one does not have there: another thing,
    never offered as a slip ("s/p total gastrectomy" was offered Subtotal gastrectomy, the
    operation a person with no stomach cannot have; a clinical review)."""
    return any(len(name) >= 4 and name in typed
               and any(prefix + name in known and prefix + name not in typed
                       for prefix in OPPOSITE_PREFIXES)
               for name in names)  # fmt: skip


def _slips_only(typed: str, known: str) -> bool:
    """Whether ``typed`` differs from ``known`` by slips of single letters, not by a run of two
    or more letters one has and the other lacks, nor three written for one: FOLFOXIRI holds an
    "ox" that FOLFIRI has not (it is another regimen), brain metastases an "rai" where bone
    metastases has an "o"; stomache, lonsruf and cervics (cervix) are slips."""
    import difflib

    steps = difflib.SequenceMatcher(None, typed, known, autojunk=False).get_opcodes()
    return all(max(i2 - i1, j2 - j1) <= (2 if op == "replace" else 1)  # cervics: cervix
               for op, i1, i2, j1, j2 in steps if op != "equal")  # fmt: skip


@dataclass(frozen=True)
class CancerReading:
    """What the words of ``cancer`` mean: the ``site`` that decides the scope (a cancer id,
    ``any`` when not given, or the folded name of a cancer the knowledge base does not know),
    the ``name`` to show, the ``record`` the words matched (None for an unknown cancer),
    warnings or problems, and what the words ``say`` of the profile's other fields, by field
    ("HER2-positive": ``biomarkers.her2`` positive; "triple-negative": ``hormone_sensitive``
    False)."""

    site: str
    name: str
    record: str | None
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    say: tuple[tuple[str, Any], ...] = ()


def read_cancer(kb: KnowledgeBase, name: str) -> CancerReading:
    """Read where the cancer started (``_read_site``), and what its words say of whether hormones
    make it grow and of HER2 and KRAS: words that say both of one field are not known, with a
    warning."""
    name = re.sub(r"[\u2010-\u2015]", "-", name)  # dashes as hyphens: non–small is non-small
    shown = words.cut(name)
    say: list[tuple[str, Any]] = []
    warnings: list[str] = []
    # the words read, as many times as each was read, not to be named as not read ("KRAS exon 2
    # wild-type, NRAS exon 3 mutated": the second "exon" is not read)
    read: Counter[str] = Counter()
    hormones = words.hormone_answers(name)
    if len(hormones) == 1:
        answer = hormones.pop()
        say.append(("hormone_sensitive", answer))
        read += Counter(words.hormone_words_read(name))  # not PD-L1's "negative"
    elif hormones:
        warnings.append(f"cancer: {shown!r} says both that hormones make it grow and that they "
                        "do not; that is taken as not known")  # fmt: skip
    elif despite := words.GROWS_DESPITE_HORMONE_THERAPY.search(name.lower()):
        read += Counter(words.place_words(despite.group(0)))  # "castration resistant"
        warnings.append(f"cancer: {shown!r} says the cancer grows although hormones are "
                        "lowered; that does not say hormones no longer make it grow (drugs that "
                        "block their effect may still help): ask the care team")  # fmt: skip
    elif one := _one_receptor_negative(name):
        other = {"ER": "PR", "PR": "ER"}[one]
        warnings.append(f"cancer: {shown!r} gives the {one} hormone receptor as negative and "
                        f"not the {other}: whether hormones make the cancer grow is not known "
                        f"until the {other} result is")  # fmt: skip
        read += Counter(words.hormone_words_read(name))
    results = words.results_in_name(name)
    for field in MARKERS:
        values = sorted({r.value for r in results if r.field == field})
        choice = any(r.choice for r in results if r.field == field)  # "2+ or 3+": neither
        if field == "her2" and len(values) == 2 and "equivocal" in values and not choice:
            values.remove("equivocal")  # IHC 2+ with an ISH result: the ISH decides
        read += Counter(w for r in results if r.field == field for w in words.place_words(r.words))
        if len(values) == 1:
            say.append((f"biomarkers.{field}", values[0]))
        elif values:
            warnings.append(f"cancer: {shown!r} gives {field.upper()} as both "
                            f"{' and '.join(values)}; that is taken as not known")  # fmt: skip
    # where it has spread, said after the cancer ("gastric cancer with peritoneal
    # carcinomatosis"): read as the places of spread are, the cancer from the words before (the
    # places had been named as words not read, and "liver" could be taken for the cancer)
    # (a name that says only where it has spread, "lung and liver metastases", is not cut:
    # ``_read_site`` reads it whole)
    # (nor a name that is not sure or says what it is not, "rectal cancer with ?liver mets":
    # refused whole, as before)
    lowered = name.lower()
    cuts = (iter(()) if _only_spread(kb, lowered) or _not_sure(kb, lowered)
            else words.spread_beside(name))  # fmt: skip
    beside, spread = next(((cut, found) for cut in cuts
                           if all(found := [_lookup(kb, "metastases", p) for p in cut[1]])),
                          (None, []))  # fmt: skip
    if beside:
        ids = tuple(sorted({i for found in spread for i in found or ()}))
        say.append(("metastases", ids))
        places = ", ".join(kb.label("metastases", i) for i in ids)
        warnings.append(f"cancer: {shown!r} says where the cancer has spread too ({places}): "
                        "that is read among the places of spread, and where it started from "
                        f"{words.cut(beside[0])!r}")  # fmt: skip
    reading = _read_site(kb, beside[0] if beside else name, read)
    return replace(reading, say=tuple(say), warnings=(*warnings, *reading.warnings))


def _not_sure(kb: KnowledgeBase, lowered: str) -> bool:
    """Whether a cancer's name is not sure or says what it is not ("rectal cancer?", "not
    cancer", "r/o gastric cancer", "stomach or rectum"); a test's result not known yet ("stomach
    cancer, HER2 pending"), nor does a stage not known ("rectal cancer, stage unknown":
    ``words.STAGE_NOT_KNOWN``)."""
    sure = words.STAGE_NOT_KNOWN.sub(" ", words.TEST_NOT_KNOWN.sub(" ", lowered))
    return bool(words.UNSURE.search(sure) or words.NEGATED.match(lowered)
                or words.NO_CANCER.search(lowered) or words.CANCER_DOUBTED.search(lowered)
                or _two_places(kb, sure))  # fmt: skip


def _only_spread(kb: KnowledgeBase, lowered: str) -> bool:
    """Whether a cancer's name says only where it has spread, each place known ("bone
    metastases", "lung and liver mets", "peritoneal carcinomatosis")."""
    spread = words.spread_places(lowered)
    return bool(spread) and all(normalise_name(p) in kb.value_names["metastases"]
                                for p in spread or ())  # fmt: skip


def _the_one_it_is(kb: KnowledgeBase, cancers: list[Record], matched: str, phrases: list[str],
                   said: set[str]) -> tuple[list[Record], str]:  # fmt: skip
    """A name that may be one of several cancers ("bowel cancer": the colon or the rectum)
    beside the name of the one it is ("... in the rectum") is that one, and both are read (it
    had been answered as colon cancer, "rectum" not read); so too the other way round
    ("colorectal cancer of the ascending colon": colorectal is read), and a name beside another
    of the same cancer ("stomach (gastric) cancer"). Only when the two names are all the words
    ``said`` of the place, beside words read already: "bowel cancer not in the rectum", "with
    rectal bleeding", "spread to the rectum", "colon or rectum" are not the rectum."""
    for phrase in phrases:
        both = set(phrase.split()) | set(matched.split())
        if set(phrase.split()) & set(matched.split()) or not said <= both:
            continue
        for record in kb.find(phrase):
            if record.id in getattr(cancers[0], "may_be", []):
                return [record], f"{phrase} {matched}"
            if cancers[0].id in getattr(record, "may_be", []) or record.id == cancers[0].id:
                return cancers, f"{matched} {phrase}"
    return cancers, matched


# What a name typed as the cancer may be instead: the kinds of the knowledge base's entries that
# name no place in the body, in words; and the answers to a yes-or-no question
NOT_A_PLACE = {"drugs": "a drug", "regimens": "a mix of drugs", "drug_classes": "a kind of drug",
               "procedures": "a treatment", "symptoms": "a symptom", "tests": "a test"}  # fmt: skip
ANSWER_WORDS = {"yes", "y", "true", "false", "ok", "okay"}


def _not_a_cancer(kb: KnowledgeBase, primary: str) -> str | None:
    """What the words given as where the cancer started are, when they are a drug, a treatment,
    a symptom or a test of the knowledge base and name no place in the body ("a drug
    (capecitabine)"), or a yes-or-no answer; None otherwise (an organ the sources do not
    describe, "liver", is a cancer of its own)."""
    rest = " ".join(words.place_words(primary))
    if normalise_name(rest) in ANSWER_WORDS:
        return "an answer to a yes-or-no question"
    found = kb.find(primary) or kb.find(rest)  # "blood in vomit"; "Xeloda cancer"
    if any(kb.kind_of.get(r.id) in ("cancers", "sites") for r in found) or normalise_name(
            rest) in kb.value_names["metastases"]:  # fmt: skip
        return None
    for record in found:
        if kind := NOT_A_PLACE.get(kb.kind_of.get(record.id, "")):
            named = in_sentence(kb.name_of(record.id))
            return kind if normalise_name(named) == normalise_name(rest) else f"{kind} ({named})"
    if any(normalise_name(rest) in kb.value_names[f] for f in TREATMENT_FIELDS):
        return "a treatment"
    if normalise_name(rest) in kb.value_names["symptoms"]:
        return "a symptom"
    return None


def with_own_sources(kb: KnowledgeBase) -> str:
    """The cancers that have sources of their own, in words ("stomach cancer, rectal cancer and
    cervical cancer")."""
    own = [kb.name_of(c.id) for c in kb.data.cancers if c.sources and c.id != "any"]
    return f"{', '.join(own[:-1])} and {own[-1]}" if len(own) > 1 else "".join(own)


def _one_receptor_negative(name: str) -> str | None:
    """ER or PR, when the name gives that hormone receptor as negative and says nothing of the
    other ("ER-negative breast cancer": the PR result decides)."""
    lowered = name.lower()
    negative = {m.group(1).upper() for m in words.RECEPTOR_NEGATIVE.finditer(lowered)}
    if len(negative) != 1:
        return None
    [one] = negative
    return None if re.search(rf"\b{'pr' if one == 'ER' else 'er'}\b", lowered) else one


def _two_places(kb: KnowledgeBase, lowered: str) -> bool:
    """Whether a cancer's name gives a choice of places it started, each side a whole name of a
    cancer and not the same one ("stomach or rectum", "either rectal or colon cancer"; not
    "gastric or GEJ cancer", both the stomach, nor "rectal cancer spread to liver or lungs")."""
    sides = [s.strip(" ,") for s in re.split(r"\b(?:either|or)\b", lowered) if s.strip(" ,")]
    if len(sides) < 2:  # (most names: no look-up)
        return False
    places = set()
    for side in sides:
        cancers = [r for r in kb.find(side) if kb.kind_of.get(r.id) == "cancers"]
        if not cancers:
            return False
        places.add(getattr(cancers[0], "read_as", None) or cancers[0].id)
    return len(places) > 1


def _read_site(kb: KnowledgeBase, name: str, read: Counter[str]) -> CancerReading:
    """Read where the cancer started: by any name, alias or code; else with the words that
    describe the cancer left out ("rectal adenocarcinoma", "cancer of the cervix"); a cancer read
    as another (the gastro-oesophageal junction as the stomach, colorectal as the colon) says so;
    a cancer's name with those words left out is a name too ("neck of the womb":
    ``KnowledgeBase.cancers_by_place``); a near miss of a known name is a problem with a
    suggestion; any
    other cancer gets the general options (the answer's scope says no source is about it).
    Words the name holds beside the site that are neither ``read`` already nor describing words
    are named as not read; a test's result written as not known ("HER2 pending") does not make
    the cancer itself unsure."""
    lowered = name.lower()
    if (words.UNKNOWN_PRIMARY.search(lowered) or normalise_name(name) in UNKNOWN_SITE
            or words.dont_know(name)):  # "I don't know", "not sure": as "unknown"
        return CancerReading("any", START_NOT_KNOWN, "any")
    if words.not_known(name) or name.strip().upper() == "\\N":
        # the words of an empty cell ("NULL", "nan", "#N/A", a database's \N), not a cancer: as
        # no cancer given (they had been answered as a cancer of that name, with the general
        # options, in a cohort too; a review)
        message = (f"{words.cut(name)!r} says the value is missing, not where the cancer "
                   "started: give that (a place such as stomach, rectum or cervix), or 'unknown' "
                   "if it is not known")  # fmt: skip
        return CancerReading("", "", None,
                             problems=(Problem("cancer", name, CANCER_ACCEPTED, message),))
    if _only_spread(kb, lowered):
        return CancerReading("any", START_NOT_KNOWN, "any", (
            f"cancer: {words.cut(name)!r} says where the cancer has spread, not where it "
            "started; these are the options for advanced cancer in general: give where it "
            "started if it is known, and where it has spread among the places of spread",))
    if _not_sure(kb, lowered):
        message = (f"{name!r} is not sure or says what it is not; give where the cancer started "
                   "as far as it is known, or 'unknown'")  # fmt: skip
        return CancerReading("", "", None,
                             problems=(Problem("cancer", name, CANCER_ACCEPTED, message),))
    primary = words.primary_part(name)
    other = words.OTHER_KINDS.search(primary.lower())
    cancers = [] if other else [r for r in kb.find(name) if kb.kind_of.get(r.id) == "cancers"]
    matched = ""
    phrases = [] if cancers or other else words.cancer_phrases(primary)
    for phrase in phrases:
        cancers = [r for r in kb.find(phrase) if kb.kind_of.get(r.id) == "cancers"]
        if cancers:
            matched = phrase
            break
    # "neck of the womb", "back passage": all the words typed are a cancer's name with its
    # describing words left out, as the typed name's are (they had been the name of a cancer of
    # no source); all, not some: "pancreatic ductal adenocarcinoma" is not breast cancer's
    # "invasive ductal carcinoma"
    if not cancers and phrases and phrases[0] in (by_place := kb.cancers_by_place):
        matched, cancers = phrases[0], [kb.by_id[by_place[phrases[0]]]]
    if not cancers and not other:  # "TNBC", "linitis plastica": the cancer they are of
        lowered_primary = " ".join(primary.lower().split())
        matched = next((kind for kind in words.CANCER_OF_ITS_KIND
                        if re.search(rf"\b{kind}\b", lowered_primary)), "")  # fmt: skip
        cancers = kb.find(words.CANCER_OF_ITS_KIND[matched]) if matched else []
    if cancers and matched:
        said = set(words.place_words(primary)) - set(read)  # not "KRAS wild-type", read already
        cancers, matched = _the_one_it_is(kb, cancers, matched, phrases, said)
    if cancers and cancers[0].id == "any":  # (a name of UNKNOWN_SITE returned above)
        return CancerReading("any", START_NOT_KNOWN, "any")
    if cancers:
        record = cancers[0]
        target = getattr(record, "read_as", None)
        warnings = []
        left = read.copy()
        unread = []
        for w in words.place_words(primary) if matched else []:
            if w in matched.split():
                continue
            if left[w] > 0:
                left[w] -= 1
            else:
                unread.append(w)
        if unread or primary != name:
            read_as = kb.name_of(target or record.id)
            warnings.append(f"cancer: {words.cut(name)!r} is read as {read_as}"
                            f" from {words.cut(matched or primary)!r}"
                            + (f"; not read: {words.listed(unread)}" if unread else "")
                            + "; check that this is where the cancer started")  # fmt: skip
        if target is None:
            return CancerReading(record.id, kb.name_of(record.id), record.id, tuple(warnings))
        note = getattr(record, "note", "")
        return CancerReading(target, kb.name_of(target), record.id,
                             (f"cancer: {note}", *warnings))  # fmt: skip
    if other:  # (which options these are is the scope sentence's to say)
        warning = (f"cancer: {words.cut(name)!r} names a kind of cancer ({other.group(0)}) "
                   "other than those the sources on stomach, rectal and cervical cancer "
                   "describe")  # fmt: skip
        named = words.cancer_name(primary)
        return CancerReading(words.cut(named), words.cut(named), None, (warning,))
    if is_code(name):
        message = f"{name!r} is a code of no cancer onconav knows; give the cancer's name"
        return CancerReading("", "", None,
                             problems=(Problem("cancer", name, CANCER_ACCEPTED, message),))
    if not any(c.isalpha() for c in name):
        problem = Problem("cancer", name, CANCER_ACCEPTED, f"{name!r} is not a cancer name")
        return CancerReading("", "", None, problems=(problem,))
    if not set(words.place_words(primary)) - words.NOTHING_NAMED - set(read):
        # "Carcinoma", "Squamous cell carcinoma", "Malignant neoplasm, unspecified": a cancer,
        # but not where it started; as "unknown" (a cancer named by these words had options of
        # a named cancer ruled out, radioactive iodine "not for Carcinoma")
        return CancerReading("any", START_NOT_KNOWN, "any", (
            f"cancer: {words.cut(name)!r} does not say where the cancer started; these are the "
            "options for advanced cancer in general: give where it started if it is known",))
    names = {normalise_name(n): c.id for c in kb.data.cancers if c.id != "any" for n in c.names()}
    if what := _not_a_cancer(kb, primary):  # "Xeloda", "FOLFOX", "bleeding", "yes": had been
        # answered as "Xeloda cancer", with options "not for Xeloda cancer"
        message = (f"{name!r} is {what}, not where the cancer started; give the cancer's name "
                   "(where it started), or 'unknown'")  # fmt: skip
        problem = Problem("cancer", name, tuple(sorted(set(names.values()))), message)
        return CancerReading("", "", None, problems=(problem,))
    for phrase in words.cancer_phrases(primary) or [primary]:
        close = close_name(normalise_name(phrase), names)
        if close:
            message = f"{name!r} is not known; did you mean {kb.name_of(close)}?"
            problem = Problem("cancer", name, tuple(sorted(set(names.values()))), message)
            return CancerReading("", "", None, problems=(problem,))
    # (that it has no source of its own is the answer's scope sentence: a warning had said it
    # again, and the page a third time: a review)
    named = words.cancer_name(primary)  # its site: the name, so that it reads as written
    return CancerReading(words.cut(named), words.cut(named), None)


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
    told: dict[str, str]  # an implied fact's reading in a person's words (``Implied.told``)


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
    typed_cancer = profile.as_typed.get("cancer")  # read again for what it says beyond the id
    cancer = read_cancer(kb, typed_cancer if isinstance(typed_cancer, str) else profile.cancer)
    site, cancer_name = cancer.site, cancer.name
    problems += cancer.problems
    warnings += cancer.warnings
    warnings += _stage_notes(profile, site)
    warnings += _name_says(str(typed_cancer or profile.cancer), profile, kb)
    for field, said in cancer.say:  # the answer given wins over the cancer's words
        answer = (getattr(profile.biomarkers, field.removeprefix("biomarkers."))
                  if field.startswith("biomarkers.") else getattr(profile, field))  # fmt: skip
        if field == "metastases" and answer is not None:
            unlisted = [kb.label(field, i) for i in said if i not in answer]
            if unlisted:  # the answer given wins, as for every field the name speaks of
                warnings.append(f"metastases: {words.cut(str(typed_cancer))!r} says the cancer "
                                f"has spread to {words.and_list(unlisted)}, which the places "
                                "of spread given do not list; the answer given is used: check "
                                "it")  # fmt: skip
            continue
        if answer is None or isinstance(answer, list) or answer == said:
            continue
        name = words.cut(str(typed_cancer))
        if field == "hormone_sensitive":
            says = f"hormones {'make' if said else 'do not make'} it grow"
            answer = "yes" if answer else "no"
        else:
            says = f"{field.removeprefix('biomarkers.').upper()} {said}"
        warnings.append(f"{field}: {name!r} says {says}, and the answer given says {answer}; "
                        "the answer given is used: check it")  # fmt: skip
    given: dict[str, FactValue] = dict.fromkeys(kb.facts)
    given.update(
        cancer=None if site == "any" else site,
        stage=profile.stage,
        recurrence=profile.recurrence,
        resectable=profile.resectable,
        metastasis_extent=profile.metastasis_extent,
        weak_bone=profile.weak_bone,
        tumour_on_nerve=profile.tumour_on_nerve,
        tumour_may_block=profile.tumour_may_block,
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
            found, missed = _resolve(kb, field, names)
            given[field] = frozenset(found)
            problems += missed
    if problems:
        raise ProfileError(problems)
    # (the warnings of drugs of the kind of one listed are the answer's: ``kin_warnings``, said
    # of the drugs an option that may suit still gives)
    warnings += _stopped_but_never_had(kb, given) + _chemotherapy_given_with(kb, given, site)
    warnings += _given_with_chemotherapy_that_stopped(kb, given, site)
    warnings += _had_for_another_result(kb, given, site)
    warnings += _answers_that_disagree(kb, given) + _harm_warnings(kb, profile)
    warnings += _stage_says_spread_far(kb, profile, site, given)
    warnings += _sub_stage_not_split(site, given)
    row = dict(given)
    for rule in kb.only_one_had:  # a kind that stopped, of one who had one of it alone: that one,
        # in its place
        if (one := rule.adds(row["progressed_on"], row["prior_treatments"])) is not None:
            assert isinstance(row["progressed_on"], frozenset)  # (``OnlyOneHad.adds``)
            row["progressed_on"] = row["progressed_on"] - {rule.kind} | {one}
            warnings.append(
                f"progressed_on: {kb.phrase('progressed_on', rule.kind)} stopped working, and "
                f"{kb.name_of(one)} is the only treatment of that kind among the treatments "
                "had: it is taken as the one that stopped; if another did, list it among the "
                "treatments that stopped working")  # fmt: skip
    told: dict[str, str] = {}
    for implied in kb.implied:
        unknown = row[implied.fact] is None
        if (unknown or not implied.if_unknown) and truth(implied.when, row) is Truth.TRUE:
            row[implied.fact] = implied.value
            if implied.warning:
                warnings.append(implied.warning)
            if implied.told:
                told[implied.fact] = implied.told
    if row["stage"] == "earlier" and row["recurrence"] is None:
        warnings.append(
            "stage: the sources are about stage 4 or cancer that has come back; for stage 1 to 3 "
            "say whether it has come back"
        )
    return Facts(profile, site, cancer_name, given, row, tuple(warnings), told)


# What a cancer's name may say of the stage or of whether it came back ("stage IVB cervical
# cancer", "metastatic rectal cancer", "recurrent gastric cancer"): such words are not read as an
# answer (a name says where the cancer started), but they are not dropped without a word.
# How far the cancer has gone, in a name ("stomach cancer widespread", "terminal rectal
# cancer", "mets"): each of these describing words (``words.DESCRIBING``) had been left out of
# the name without a word, so the stage went unread and unsaid. Not "secondary to" (a cause).
_FAR = (r"advanced|terminal|end[\s-]stage|late[\s-]stage|metastases|metastasis|mets|"
        r"secondaries|secondary(?!\s+to\b)|spread|widespread|disseminated")
NAME_SAYS = {
    "stage": re.compile(r"(?i)\b(stage\s*[=:]?\s*[0-9ivx]+[a-c]?\d?|figo\s+[0-9ivx]+[a-c]?|"
                        r"iv[a-c]?|metastatic|metastasised|metastasized)\b"
                        rf"|(?<![\w.%+/-])(?:{_FAR})(?![\w.%+/-])"),
    "recurrence": re.compile(r"(?i)\b(recurrent|recurred|recurrence|relapsed?|came back)\b"),
    # "refractory", "platinum-refractory"; not "hormone-refractory" (a prostate cancer's hormone
    # answer, read as such)
    "progressed_on": re.compile(r"(?i)(?<!hormone )(?<![\w-])(?!hormone-|castrat\w*-)"
                                r"((?:\w+-)?refractory)\b"),
}
# A stage alone at the end of a name ("cervical cancer 4B", "rectal cancer (4)", "... iii",
# "four"), unless the word before it says what the number is of (a grade, a type, a count)
STAGE_AT_END = re.compile(r"(?i)(?:^|[\s,;(])((?:ii|iii|iv[a-c]?|[1-4][a-c]?|four))\)?[\s.]*$")
NOT_A_STAGE_BEFORE = frozenset({"grade", "g", "type", "siewert", "borrmann", "cin", "ecog",
                                "brca", "para", "size", "t", "n", "m", "who", "lauren", "x"})
# What to give instead, for each field a name may speak of
NAME_SAYS_GIVE = {"stage": "give the stage as its own answer",
                  "recurrence": "give the recurrence as its own answer",
                  "progressed_on": "list the treatments that stopped working as their own "
                                   "answer"}  # fmt: skip


def _name_says(name: str, profile: Profile, kb: KnowledgeBase) -> list[str]:
    """A warning for each of stage and recurrence that the cancer's name speaks of and the
    profile does not answer: the words are named, and where to give the answer; and for a stage
    in the name that is not the stage given (``_name_stage_differs``)."""
    out = []
    for field, pattern in NAME_SAYS.items():
        found = pattern.search(name)
        span = found.span() if found else _stage_at_end(name) if field == "stage" else None
        if span and field == "stage" and profile.stage is not None:
            out += _name_stage_differs(name, span, profile.stage, kb)
        if span and getattr(profile, field) is None:
            # the words as they stand, with a "not" before them ("not metastatic")
            denied = re.search(r"(?i)\b(not|non|no|never)[\s-]*$", name[:span[0]])
            said = name[denied.start() if denied else span[0]:span[1]]
            out.append(f"{field}: the cancer's name says {said!r}, which is not read as an "
                       f"answer: {NAME_SAYS_GIVE[field]}")  # fmt: skip
    return out


def _name_stage_differs(name: str, span: tuple[int, int], given: str,
                        kb: KnowledgeBase) -> list[str]:
    """A warning when the cancer's name says a stage other than the stage given ("stomach
    cancer stage 4" with stage 1 to 3 chosen), naming both: the name's stage had been dropped
    without a word, when a stage was also chosen (a review of the page as a family). None for
    words that do not say one stage ("advanced"), a stage denied ("not metastatic"), or one
    the given stage is of (4 and 4A)."""
    if re.search(r"(?i)\b(not|non|no|never)[\s-]*$", name[:span[0]]):
        return []
    said = name[span[0]:span[1]]
    try:
        read = words.stage(said).value
    except words.NotUnderstood:
        return []
    if read is None or read.startswith(given) or given.startswith(read):
        return []
    return [f"stage: the cancer's name says {said!r}, but the stage given is "
            f"{kb.label('stage', given)}: the options are for the stage given; check which is "
            "right"]  # fmt: skip


def _stage_at_end(name: str) -> tuple[int, int] | None:
    """Where a stage alone ends a name (``STAGE_AT_END``), unless the word before it says what
    the number is of ("grade 2", "type 4", "ECOG 1"), or None."""
    found = STAGE_AT_END.search(name)
    if found is None:
        return None
    before = name[:found.start(1)].split()
    if before and before[-1].strip("(,;").lower() in NOT_A_STAGE_BEFORE:
        return None
    return found.span(1)


def _typed_stage(profile: Profile, site: str) -> words.Reading | None:
    """How the stage the person typed was read (for the cervix, by FIGO: ``parse_profile``);
    None if not typed."""
    typed = profile.as_typed.get("stage")
    if typed is None:
        return None
    try:
        reading = words.stage(typed)
    except words.NotUnderstood:
        return None
    return words.cervical_stage(typed, reading) if site == "cervix" else reading


def _stage_notes(profile: Profile, site: str) -> list[str]:
    """What a person should know about how the stage they typed was read."""
    reading = _typed_stage(profile, site)
    typed = profile.as_typed.get("stage")
    return [f"stage: {typed!r}: {reading.note}"] if reading and reading.note else []


def _stopped_but_never_had(kb: KnowledgeBase, row: dict[str, FactValue]) -> list[str]:
    """A drug treatment that stopped working, most of the usual treatments tried, or chemotherapy
    for the spread cancer, but no drug treatment listed among the treatments had (and the list
    does not leave the drugs open: "drug treatments not known", a clinical trial, "perhaps other
    treatments not listed")."""
    prior, stopped = row["prior_treatments"], row["progressed_on"]
    if not isinstance(prior, frozenset):
        return []
    had = set(prior).union(*(kb.vocabulary.up("prior_treatments", p) for p in prior))
    if had & DRUGS_NOT_SAID.true:
        return []
    out = []
    # the kinds of drug treatment (``DRUG_TREATMENTS``) that stopped, none of them had: with no
    # drug treatment had at all; or with only hormone therapy or radioactive drugs had, none of
    # the kind that stopped (hormone therapy had had been "no drug treatment" beside
    # chemotherapy that stopped; a radioactive drug had must not hide a chemotherapy never
    # listed). Beside chemotherapy, targeted therapy or immunotherapy had, a drug given with it
    # that stopped is not warned of (bevacizumab stopped after FOLFOX: a review of the change)
    stopped = stopped if isinstance(stopped, frozenset) else frozenset()

    def drug_kinds(treatment: str) -> frozenset[str]:
        """The kinds of drug treatment a treatment that stopped is: as what stopped working
        counts it, and as the treatments had do. Chemoradiation gives chemotherapy, though it
        is not chemotherapy that stopped for the rules (``vocabulary.STOPPED_COUNTS_AS``): it
        had stopped beside radiation alone had without a word, where cisplatin with radiation,
        the same treatment named by its regimen, was warned of."""
        up = kb.vocabulary.up
        return (up("progressed_on", treatment) | up("prior_treatments", treatment)) & (
            DRUG_TREATMENTS)  # fmt: skip

    gone = set().union(*(drug_kinds(s) for s in stopped))
    if gone and not had & DRUG_TREATMENTS:
        out.append("prior_treatments: lists no drug treatment, but one is said to have stopped "
                   "working; check what was had")  # fmt: skip
    elif gone and not had & gone and not had & DRUG_KINDS:
        kinds = words.and_list([in_sentence(kb.name_of(k)) for k in sorted(gone)], last="or")
        names = [in_sentence(kb.name_of(s)) for s in sorted(stopped) if drug_kinds(s) & gone]
        out.append(f"prior_treatments: lists no {kinds}, but {words.and_list(names)} "
                   f"{'is' if len(names) == 1 else 'are'} said to have stopped working; check "
                   "what was had")  # fmt: skip
    # nor can most of the usual treatments have been tried with no drug treatment (drugs for
    # bone spread count here, as usual treatments), or chemotherapy given for the spread with
    # none had (a review: regorafenib, for when most have been tried, was offered beside FOLFOX
    # to one who had had nothing, without a word); each used as given, as answers that disagree
    if row["most_treatments_tried"] is True and not had & (
            DRUG_TREATMENTS | {"bone-metastasis-drugs"}):  # fmt: skip
        out.append("most_treatments_tried: says most of the usual treatments have been tried, "
                   "but the treatments had list no drug treatment; check which is right")
    if row["chemo_for_spread"] is True and not had & {"chemotherapy", "chemoradiation"}:
        out.append("chemo_for_spread: says chemotherapy was given for the spread cancer, but the "
                   "treatments had list no chemotherapy; check which is right")
    return out


def _answers_that_disagree(kb: KnowledgeBase, row: dict[str, FactValue]) -> list[str]:
    """Two answers that cannot both be right, each used as given (neither is known to be the
    wrong one), with a warning to check them: how much the cancer has spread, or that it came
    back far away, beside no spread; a bone the cancer weakened, beside places of spread without
    the bones; a drug treatment of the cancer planned by a person who does not want one. And a
    broad place of spread beside a narrower one (a distant part of the body
    and the liver), each read as given: it may be the same place or another."""
    out = []
    spread = row["metastases"]
    # (a cancer back where it started is not spread: how much of it there is in the pelvis is
    # what a pelvic exenteration asks)
    if spread == frozenset() and row["metastasis_extent"] is not None and (
            row["recurrence"] != "local"):  # fmt: skip
        out.append("metastasis_extent: says how much the cancer has spread, but the places it "
                   "has spread to are given as none; check which is right")  # fmt: skip
    near_only = _no_distant_place(kb, spread, str(row["cancer"]))
    if near_only is not None and row["recurrence"] == "distant":
        out.append("recurrence: says the cancer came back in another part of the body, but the "
                   f"places it has spread to are {near_only}; check which is right")  # fmt: skip
    # cancer that came back returns after treatment (the reading of no treatment had as not come
    # back, ``recurrence``'s derived value, gives way to this answer)
    if row["recurrence"] in ("yes", "local", "distant") and row["prior_treatments"] == frozenset(
            ) and not row["progressed_on"] and row["chemo_for_spread"] is not True:  # fmt: skip
        out.append("recurrence: says the cancer came back, but no treatment is listed as had, and "
                   "cancer comes back after treatment; check which is right")  # fmt: skip
    listed = spread if isinstance(spread, frozenset) else frozenset()
    for broad in sorted(listed):
        narrower = sorted((kb.vocabulary.below("metastases", broad) - {broad}) & listed)
        if narrower:
            names = words.and_list([kb.phrase("metastases", n) for n in narrower])
            out.append(f"metastases: {kb.phrase('metastases', broad)} is listed beside {names}: "
                       f"it is read as perhaps somewhere else too, so options for {names} alone "
                       f"ask where; if that is all, leave {kb.phrase('metastases', broad)} "
                       "out")  # fmt: skip
    symptoms = row["symptoms"]
    weak = (isinstance(symptoms, frozenset) and "weak-bone" in symptoms) or (
        row["weak_bone"] is True)  # fmt: skip
    spread_from = kb.kind_of.get(str(row["cancer"])) == "cancers" and row["cancer"] != "any"
    if (weak and spread_from and isinstance(spread, frozenset) and OTHERS_NOT_KNOWN not in spread
            and not spread & kb.vocabulary.up("metastases", "bone")):  # fmt: skip
        # a bone the cancer weakened is a bone it has spread to (a broken bone may have another
        # cause), for a cancer that started elsewhere (not a myeloma or a bone cancer, which
        # have no source of their own), when the list of places is whole: options for spread
        # to the bone say "bone, which you did not list"
        out.append(f"symptoms: {kb.label('symptoms', 'weak-bone')} means the cancer is in a bone, "
                   "but the bones are not among the places it has spread to; check which is "
                   "right")  # fmt: skip
    # a yes or no given against what a symptom listed says (pain from a tumour pressing on a
    # nerve beside "no" to a tumour on a nerve; a bone weakened by cancer beside "no" to a weak
    # bone: the nerve options had been not suitable, and the metal rod offered, without a word):
    # the values the data derives from a symptom alone (``Derived``)
    for implied in kb.implied:
        when, value = implied.when, row[implied.fact]
        if (implied.if_unknown and isinstance(when, Test) and when.fact == "symptoms"
                and isinstance(value, bool) and value != implied.value
                and truth(when, row) is Truth.TRUE):  # fmt: skip
            said = words.and_list([kb.phrase("symptoms", v) for v in when.wanted])
            out.append(f"{implied.fact}: given as {'yes' if value else 'no'}, but {said} is "
                       "listed among the symptoms; check which is right")  # fmt: skip
    # (the question asks whether a tumour on a nerve causes pain; "another symptom" may be a
    # pain, a headache, and "perhaps others" may hold one)
    if row["tumour_on_nerve"] is True and isinstance(symptoms, frozenset) and not symptoms & (
            kb.vocabulary.below("symptoms", "pain") | {OTHERS_NOT_KNOWN, "other-symptom"}):
        out.append("tumour_on_nerve: given as yes, but no pain is listed among the symptoms; "
                   "check which is right")  # fmt: skip
    # a treatment planned that the person cannot have (FOLFOX planned, oxaliplatin cannot be
    # given; surgery planned, surgery cannot be had)
    planned, cannot = row["planned"], row["cannot_have"]
    if isinstance(planned, frozenset) and isinstance(cannot, frozenset):
        for plan in sorted(planned):
            # itself (by its name read as what cannot be had: "radiation" planned is the kind,
            # radiation therapy in what cannot be had), a kind it is of, or a drug of a mix
            # planned: not a mix that holds a drug planned, nor a narrower one of a kind
            # planned ("irinotecan is planned, but FOLFIRI cannot be had" agree: a review)
            if barred := barring(kb, cannot, "planned", plan):
                names = words.and_list([kb.phrase("cannot_have", c) for c in barred])
                out.append(f"planned: the treatments planned include {kb.phrase('planned', plan)}"
                           f", but {names} cannot be had; check which is right")  # fmt: skip
    # surgery could remove the cancer, but no operation can be had, and none is among the
    # treatments had: the options for cancer surgery cannot remove are said not to suit (a
    # clinical review); chemotherapy after surgery, when the treatments had are whole, is not
    # suitable (``kb.rules.around_surgery``), else it asks them
    prior = row["prior_treatments"]
    # (an operation not said which, "surgery", may have been one: not warned of)
    operated = isinstance(prior, frozenset) and bool(prior & removing_cancer(kb.vocabulary))
    if (row["resectable"] is True and isinstance(cannot, frozenset) and not operated
            and cannot & kb.vocabulary.up("cannot_have", "surgery")):  # fmt: skip
        # (the treatments had not given, perhaps not whole, or holding an operation that may have
        # taken out cancer: not known to have been done)
        whole = isinstance(prior, frozenset) and not prior & perhaps_removing_cancer(
            kb.vocabulary)
        shown = ("the options are shown as for cancer an operation could remove, but "
                 "chemotherapy after surgery as not suitable, since no operation that takes out "
                 "cancer is had or can be"
                 if whole else "the options are shown as for cancer an operation could "
                 "remove, and chemotherapy after surgery asks which treatments were "
                 "had")  # fmt: skip
        done = ("no operation that takes out cancer is among the treatments had" if whole else
                "no operation that takes out cancer is known to have been done")  # fmt: skip
        out.append(f"resectable: given as yes, but surgery cannot be had and {done}; {shown}: "
                   "check which is right with the care team")  # fmt: skip
    # (a treatment of the cancer planned by one who wants none: the answer's, from its options:
    # ``engine._planned_but_declined``)
    return out


def _stage_says_spread_far(kb: KnowledgeBase, profile: Profile, site: str,
                           row: dict[str, FactValue]) -> list[str]:  # fmt: skip
    """A stage that says the cancer has spread far (written "metastatic" or with M1, a cervical
    stage 4B, or any stage 4 of a cancer whose source says its stage 4 has: rectal cancer,
    ``Cancer.stage_4_spread``) beside no places of spread: the two cannot both be right, as a
    cancer that came back far away beside no spread cannot (``_answers_that_disagree``); each
    is used as given. (A review found a rectal stage 4 with no spread offered the chemotherapy
    for distant spread without a word.)"""
    near_only = _no_distant_place(kb, row["metastases"], site)
    if near_only is None:
        return []
    typed = profile.as_typed.get("stage")
    reading = _typed_stage(profile, site)
    cancer = kb.by_id.get(site)
    if reading is not None and reading.far:
        said = f"{words.cut(str(typed))!r} says"
    elif site == "cervix" and row["stage"] == "4B":
        said = "stage 4B of a cervical cancer means"
    elif (str(row["stage"]).startswith("4") and isinstance(cancer, Cancer)
          and cancer.stage_4_spread and not (reading and reading.near)):  # fmt: skip
        # (a note of no distant spread, "Stage IV (M0)", is warned of as such)
        said = f"stage 4 of {cancer.name} means"
    else:
        return []
    return [f"stage: {said} the cancer has spread to distant parts of the body, but the places "
            f"it has spread to are {near_only}; check which is right"]


def _no_distant_place(kb: KnowledgeBase, spread: FactValue, site: str) -> str | None:
    """How a whole list of places of spread (not "perhaps other places not listed") that holds
    no place that may be far from where the cancer started is said ("given as none", "given as
    only the pelvis, not a distant part of the body"), or None when the list is not given, not
    whole, or has a place that may be far: every place but those near the cancer (``Site.
    near_for``: the pelvis, for cervical, rectal and prostate cancer; the lymph nodes may be
    near or far, the sites do not say which). A stage that says the cancer has spread far, or
    a cancer that came back far away, cannot be right beside it: a review found a cervical 4B
    beside spread to the bladder alone, and a cancer come back far away beside the vagina
    alone, answered without a word (only an empty list had been warned of); for a stomach or
    breast cancer the pelvis is far (a review of the change)."""
    near = {s.id for s in kb.data.sites if site in s.near_for}
    if not isinstance(spread, frozenset) or OTHERS_NOT_KNOWN in spread or spread - near:
        return None
    if not spread:
        return "given as none"
    names = words.and_list([kb.phrase("metastases", place) for place in sorted(spread)])
    return f"given as only {names}, not a distant part of the body"


def _sub_stage_not_split(site: str, row: dict[str, FactValue]) -> list[str]:
    """A sub-stage of stage 4 (4A, 4B) for a cancer whose source does not split stage 4 (every
    cancer but cervical): it is read as stage 4, and said so. The letter means different things
    for different cancers (stomach cancer's 4A has not spread to distant parts of the body,
    rectal cancer's has), and no option here is for one of them: stomach cancer "4A" had been
    answered as stage 4 without a word."""
    if site == "cervix" or row["stage"] not in ("4A", "4B"):
        return []
    return [f"stage: stage {row['stage']} is read as stage 4: the sources split stage 4 into 4A "
            "and 4B only for cervical cancer. The letter means different things for different "
            "cancers (for some, 4A has not spread to distant parts of the body), so the options "
            "here are those for stage 4, and where the cancer has spread decides those for "
            "spread; check the stage with your care team"]  # fmt: skip


def kin_warnings(kb: KnowledgeBase, kin: Iterable[Kin]) -> list[str]:
    """The warnings of drugs of the same narrow kind as one listed (``kin_of_listed``), as the
    answer keeps them (``engine``: those an option that may suit still gives). Of a drug that
    cannot be given (a fluoropyrimidine, a checkpoint inhibitor): the reason may hold for its kin
    too, which the care team decides. Of a drug that stopped working (cemiplimab after
    pembrolizumab, cisplatin after carboplatin): its kin may not work either (they were offered
    without a word: a clinical review); a drug of a regimen that stopped is one that stopped
    (rule 1), named with the regimen (``KnowledgeBase.part_of``: "capecitabine (part of CAPOX)
    stopped working"); what only the kin would rule out waits on the care team's word
    (``kin_may_work``: ``rules.kin_stopped_routes``), and a kind it lists is said to be one that
    could still work. Of what cannot be had, said, not decided: no answer would settle it."""
    out = []
    for k in kin:
        names, are, it = _kin_words(kb, k)
        if k.fact == "cannot_have":
            out.append(f"cannot_have: {kb.name_of(k.drug)} cannot be given, and {names} {are} "
                       f"of the same kind ({kb.name_of(k.kind)}): the reason may hold for {it} "
                       f"too; ask the care team before an option that gives {it}")  # fmt: skip
        elif k.may_work:  # the care team's word that one of the kind could still work
            part = "" if k.regimen is None else f" ({kb.part_of([k.drug], k.regimen)})"
            out.append(f"progressed_on: {kb.name_of(k.drug)}{part} stopped working, and {names} "
                       f"{are} of the same kind ({kb.name_of(k.kind)}), which your care team "
                       "says could still work for you")  # fmt: skip
        else:
            part = "" if k.regimen is None else f" ({kb.part_of([k.drug], k.regimen)})"
            out.append(f"progressed_on: {kb.name_of(k.drug)}{part} stopped working, and {names} "
                       f"{are} of the same kind ({kb.name_of(k.kind)}): "
                       f"{'it' if are == 'is' else 'they'} may not work either; ask the care "
                       f"team before an option that gives {it}")  # fmt: skip
    return out


def _chemotherapy_given_with(kb: KnowledgeBase, row: dict[str, FactValue], site: str) -> list[str]:
    """A drug an option gives with chemotherapy (trastuzumab, nivolumab; cetuximab with
    irinotecan, bevacizumab with FOLFIRI) that stopped working, in a list that names no
    chemotherapy: was the chemotherapy given with it left out? Options that give its drugs are
    offered as the list says (a review found 5-FU or capecitabine offered after trastuzumab with
    CAPOX stopped working, and FOLFIRI after cetuximab, which the rectal source gives with
    irinotecan): said, for the team to check, as a whole list is read as given ("only 5-FU and
    bevacizumab" names the chemotherapy). The chemotherapy the options for this cancer give with
    it is named, when they name one, and whether one gives it alone (ramucirumab)."""
    stopped = row["progressed_on"]
    if not isinstance(stopped, frozenset) or OTHERS_NOT_KNOWN in stopped:
        return []  # a list that may not be whole already asks what else stopped
    up = kb.vocabulary.up
    if any("chemotherapy" in up("progressed_on", v) for v in stopped):
        return []
    out = []
    for drug in sorted(d for d in kb.with_chemotherapy & stopped
                       if kb.kind_of.get(d) == "drugs"):  # not their kinds, nor chemoradiation
        options = _options_using(kb, drug, site)
        if not options and any(site in o.cancers for o in kb.options):
            continue  # a cancer with sources of its own none of which gives it (pembrolizumab
            # for rectal cancer): that it is given with chemotherapy is another cancer's source's
        if not options:  # a cancer of the general source alone (lung after pembrolizumab): no
            # source of its says what it is given with, so it is asked, not said (a review)
            out.append(f"progressed_on: {kb.name_of(drug)} stopped working, and no chemotherapy "
                       "is listed as having stopped: if chemotherapy was given with it and "
                       "stopped too, list it; the options that give chemotherapy are shown as if "
                       "it had not")  # fmt: skip
            continue
        partners = list(dict.fromkeys(p for o in options for p in kb.chemotherapy_with(o)))
        if not partners:  # every option for this cancer gives it alone (bevacizumab for stomach
            continue  # cancer, in a trial): "is given with chemotherapy" had been said of it
        named = [kb.name_of(p) for p in partners if p != "chemotherapy"]
        if not named:  # "given with chemotherapy" by the options for this cancer
            out.append(f"progressed_on: {kb.name_of(drug)} is given with chemotherapy, and no "
                       "chemotherapy is listed as having stopped working: if the chemotherapy "
                       "given with it stopped too, list its drugs; the options that give them are "
                       "shown as if they had not")  # fmt: skip
            continue
        alone = any(not kb.chemotherapy_with(o) for o in options)  # ramucirumab, alone too
        partner = words.and_list([*named, *(["other chemotherapy"] if "chemotherapy" in partners
                                            else [])], last="or")  # fmt: skip
        given = (f"may be given with chemotherapy (for this cancer the sources give it with "
                 f"{partner}, or alone)" if alone else f"is given with chemotherapy (for this "
                 f"cancer the sources give it with {partner})")  # fmt: skip
        if_stopped = (f"it was given with {partner} and that stopped too" if alone
                      else f"the {partner} given with it stopped too")  # fmt: skip
        shown = ("it are shown as if it" if all(kb.kind_of.get(p) == "drugs" for p in partners)
                 else "its drugs are shown as if they")  # a regimen's (FOLFIRI's) drugs
        out.append(f"progressed_on: {kb.name_of(drug)} {given}, and no chemotherapy is listed "
                   f"as having stopped working: if {if_stopped}, list it; the options that give "
                   f"{shown} had not")  # fmt: skip
    return out


def _given_with_chemotherapy_that_stopped(kb: KnowledgeBase, row: dict[str, FactValue],
                                          site: str) -> list[str]:  # fmt: skip
    """The other way round from ``_chemotherapy_given_with``: chemotherapy that stopped working,
    and a drug had that the options for this cancer give only with chemotherapy (trastuzumab,
    nivolumab) not listed as having stopped. Given with that chemotherapy, it may have stopped
    too; the list, read as given, offers it again (a clinical review found trastuzumab with
    chemotherapy offered, without a word, after CAPOX given with trastuzumab stopped working).
    Said, for the team to check: it may have been given at another time."""
    prior, stopped = row["prior_treatments"], row["progressed_on"]
    if not isinstance(prior, frozenset) or not isinstance(stopped, frozenset) or (
            OTHERS_NOT_KNOWN in stopped):  # a list that may not be whole already asks
        return []

    def up(value: str) -> frozenset[str]:
        return kb.vocabulary.up("progressed_on", value)

    out = []
    # a drug had that stopped neither itself nor as a kind listed (targeted therapy stopped
    # asks which drug it was, the options that give it asking: no warning beside them)
    for drug in sorted(d for d in kb.with_chemotherapy & prior
                       if kb.kind_of.get(d) == "drugs" and not up(d) & stopped):  # fmt: skip
        options = _options_using(kb, drug, site)
        partners = {p for o in options for p in kb.chemotherapy_with(o)}
        if not options or any(not kb.chemotherapy_with(o) for o in options):
            continue  # no option here gives it, or one gives it alone (ramucirumab)
        chemotherapy = [s for s in sorted(stopped) if _may_be_given_with(kb, s, partners)]
        if not chemotherapy:
            continue
        gone = words.quoted_if_joined([in_sentence(kb.name_of(s)) for s in chemotherapy])
        name, what = kb.name_of(drug), words.and_list(gone, last="or")
        out.append(f"progressed_on: {words.and_list(gone)} stopped working, and {name} was had "
                   f"too and is given with chemotherapy, but is not listed as having stopped: if "
                   f"it was given with {what}, it may have stopped working too; the options "
                   f"that give {name} are shown as if it had not, so ask the care team whether "
                   "they could still help")  # fmt: skip
    return out


def _may_be_given_with(kb: KnowledgeBase, stopped: str, partners: set[str]) -> bool:
    """Whether a treatment that stopped may be the chemotherapy a drug was given with, the options
    giving it with ``partners``: the kind named ("chemotherapy"); one that shares a drug with a
    partner, or is of its kind (CAPOX, with FOLFOX's oxaliplatin, for bevacizumab; FOLFIRI, with
    irinotecan, for cetuximab); any drug treatment of chemotherapy, for a partner "chemotherapy".
    Not chemoradiation, nor chemotherapy into the liver's artery, which no option gives a drug
    with (false alarms of a clinical review)."""
    up = kb.vocabulary.up("progressed_on", stopped)
    if up & ALSO_COUNTS_AS.keys():  # chemoradiation (cisplatin with radiation), liver-artery
        return False
    named = [p for p in partners if p != "chemotherapy"]
    return stopped == "chemotherapy" or any(
        p in up or set(kb.drugs_of(stopped)) & set(kb.drugs_of(p)) for p in named) or (
        "chemotherapy" in partners and "chemotherapy" in up)  # fmt: skip


def _had_for_another_result(kb: KnowledgeBase, row: dict[str, FactValue], site: str) -> list[str]:
    """A drug had that the options for the cancer give only for a test result other than the one
    given (trastuzumab, given for HER2-positive stomach cancer, had beside HER2 negative;
    cetuximab beside KRAS mutated): one of the two may be wrong, or the test was done again.
    Found from the options' conditions, each read with the test result alone known: FALSE for
    every option that gives the drug. Said, not decided (a clinical review: HER2 negative
    beside trastuzumab had gave no word)."""
    had = frozenset().union(*(v for v in (row["prior_treatments"], row["progressed_on"])
                              if isinstance(v, frozenset)))  # what stopped was had  # fmt: skip
    out = []
    for fact in (f.id for f in kb.data.facts if f.decided_by and f.type == "enum"):
        value = row[fact]
        if value is None:
            continue
        for drug in sorted(d for d in had if kb.kind_of.get(d) == "drugs"
                           and _for_another_result(kb, drug=d, site=site, fact=fact,
                                                   value=value)):  # fmt: skip
            options = _options_using(kb, drug, site)
            if all(any(kb.kind_of.get(p) == "drugs" and _for_another_result(
                    kb, drug=p, site=site, fact=fact, value=value) for p in o.given_with)
                   for o in options):  # fmt: skip
                continue  # only through a drug it is given with (pembrolizumab with
                # trastuzumab, for HER2-positive stomach cancer): the result is not about it
            rules = [kb.rules[o.id].at(site) for o in options]
            values = kb.facts[fact].values
            broad = {v.parent for v in values}  # HER2 borderline: positive or negative
            fits = [kb.label(fact, v.id) for v in values if v.id not in broad and any(
                truth(r.when, {fact: v.id}) is not Truth.FALSE for r in rules)]  # fmt: skip
            out.append(f"{fact}: {kb.name_of(drug)} was had, which the sources give for "
                       f"{kb.name_of(site).lower()} only when the result is "
                       f"{words.and_list(fits, last='or')}, but it is given as "
                       f"{kb.label(fact, str(value))}: check which is right (the test may have "
                       "been done again)")  # fmt: skip
    return out


def _options_using(kb: KnowledgeBase, drug: str, site: str) -> list[Option]:
    """The options for a cancer that give a drug as what they use (not as a partner)."""
    return [o for o in kb.options_using(drug) if drug in o.uses and site in o.cancers]


def _for_another_result(kb: KnowledgeBase, drug: str, site: str, fact: str,
                        value: FactValue) -> bool:  # fmt: skip
    """Whether every option for the cancer that uses the drug is for another result of the test
    (``fact``) than ``value``, its condition read with that result alone known."""
    rules = [kb.rules[o.id].at(site) for o in _options_using(kb, drug, site)]
    return bool(rules) and all(truth(r.when, {fact: value}) is Truth.FALSE for r in rules)


@dataclass(frozen=True)
class Kin:
    """A drug of a list (``fact``: cannot_have or progressed_on) and the other drugs of one
    narrow kind it is of (``kind``: a fluoropyrimidine, a checkpoint inhibitor), those an option
    for the cancer gives and neither list names (``kin``, sorted by name). ``regimen``: the
    regimen the drug was listed through (a drug of a regimen that stopped), or None."""

    fact: str
    drug: str
    regimen: str | None
    kind: str
    kin: tuple[str, ...]
    # (progressed_on) the care team says a drug of the kind could still work (``kin_may_work``)
    may_work: bool = False


def kin_of_listed(kb: KnowledgeBase, given: dict[str, FactValue], site: str) -> list[Kin]:
    """For each drug of what cannot be had and of what stopped working, and each narrow kind it
    is of, its kin (``Kin``). The drugs of a regimen that stopped working are among those that
    did (``drugs_listed``); a regimen that cannot be had is not each of its drugs (FOLFIRI may
    be had by one who cannot have FOLFOX). The one rule the answer's warnings say and the CDS
    Hooks card of a drafted drug reads (the card had read only what cannot be had, so 5-FU
    drafted after capecitabine stopped working got no card where the page warned)."""
    lists = ("cannot_have", "progressed_on")
    barred, stopped = (drugs_listed(kb, given, fact) for fact in lists)
    # Kin of what cannot be had: not a drug that cannot be had (said there); one that stopped
    # working may still carry the reason (5-FU, part of FOLFIRI or stopped alone, beside
    # capecitabine that cannot be had: FOLFOX gives it; the card had warned of it, and lost it
    # when it read this rule; the answer keeps it only while an option may give it). Kin of
    # what stopped: no drug of either list (the two notes had named each other, "fluorouracil
    # ... ask before" beside "capecitabine ... ask before").
    said = {"cannot_have": set(barred), "progressed_on": set(barred) | set(stopped)}
    may = given.get("kin_may_work")
    may_work = may if isinstance(may, frozenset) else frozenset()
    out = []
    for fact, listed in zip(lists, (barred, stopped), strict=True):
        for drug in sorted(listed):
            for kind, kin_ids in kb.kin_of(drug).items():
                kin = sorted((d for d in kin_ids if d not in said[fact]
                              and any(site in o.cancers for o in kb.options_using(d))),
                             key=kb.name_of)  # fmt: skip
                if kin:
                    out.append(Kin(fact, drug, listed[drug], kind, tuple(kin),
                                   fact == "progressed_on" and kind in may_work))
    return out


def barring(kb: KnowledgeBase, cannot: frozenset[str], fact: str, value: str) -> list[str]:
    """What of ``cannot`` (what the person cannot have) bars ``value``, a treatment of ``fact``
    (one planned, or a drug drafted by a clinician): itself (by its name read as what cannot be
    had: "radiation" planned, a kind, is radiation therapy there), a drug of it (a mix), or a
    kind it is of; not a mix that holds it, nor a narrower one of a kind ("irinotecan is planned,
    but FOLFIRI cannot be had" agree: a review). The answer's warning of a plan that cannot be
    had and the order card of a drug no option gives read this one rule."""
    same = {value, *(_lookup(kb, "cannot_have", kb.label(fact, value)) or ())}
    return sorted(c for c in cannot if c in same or c in kb.drugs_of(value) or (
        c in kb.vocabulary.up(fact, value) and kb.kind_of.get(c) != "regimens"))


def stopped_of(kb: KnowledgeBase, row: dict[str, FactValue],
               value: str) -> list[tuple[str, str | None]]:  # fmt: skip
    """What of the list of what stopped working holds ``value``, a drug or a mix (drafted by a
    clinician): the thing itself, or each drug of it that stopped, named, or through a regimen
    that stopped whose drug it is that makes the regimen what it is (``Regimen.stopped_by``:
    oxaliplatin of CAPOX), as (what stopped, the regimen it stopped in or None). Not a drug a
    regimen only builds on: leucovorin or fluorouracil drafted after FOLFOX stopped had been
    warned of, and FOLFIRI, which gives them again, as FOLFIRI after FOLFOX is given (a review
    of the change); the options read them so too (``cdshooks.cards._rules_out_itself``)."""
    stopped = row["progressed_on"]
    if not isinstance(stopped, frozenset):
        return []
    if value in stopped:
        return [(value, None)]
    listed = drugs_listed(kb, row, "progressed_on")
    return [(d, listed[d]) for d in kb.drugs_of(value) if d in listed and (
        listed[d] is None or d in getattr(kb.by_id[str(listed[d])], "stopped_by", ()))]


def _kin_words(kb: KnowledgeBase, kin: Kin) -> tuple[str, str, str]:
    """A Kin's drugs in words, with "is" or "are" and "it" or "them"."""
    one = len(kin.kin) == 1
    return (words.and_list([kb.name_of(d) for d in kin.kin]), "is" if one else "are",
            "it" if one else "them")  # fmt: skip


def drugs_listed(kb: KnowledgeBase, row: dict[str, FactValue], fact: str) -> dict[str, str | None]:
    """The drugs a list names, each with the regimen it is named through (None: named itself):
    of what stopped working, a regimen's drugs too, as they stopped with it (rule 1); of
    anything else, the drugs named themselves."""
    listed = row[fact]
    if not isinstance(listed, frozenset):
        return {}
    drugs: dict[str, str | None] = {d: None for d in listed if kb.kind_of.get(d) == "drugs"}
    if fact == "progressed_on":
        for regimen in sorted(listed):
            if kb.kind_of.get(regimen) == "regimens":
                for drug in kb.drugs_of(regimen):
                    drugs.setdefault(drug, regimen)
    return drugs


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
