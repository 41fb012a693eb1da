"""The knowledge base's types: every YAML file in ``kb/data`` is validated against these.

Models are strict (``extra="forbid"``) so that a misspelt key in the data is an error, not a field
silently ignored. Cross-references between entities are checked after loading, in ``load.py``.
"""

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, description="Lower-case id, words joined by - or _")]
PlainText = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------


class Span(Model):
    """A passage of a source document, by character offsets into its UTF-8 decoded text."""

    source: Id = Field(description="Source id, as in sources.yaml")
    start: int = Field(ge=0, description="Offset of the first character")
    end: int = Field(gt=0, description="Offset one past the last character")
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="sha256 of the span's text, UTF-8 encoded"
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} must be after start {self.start}")
        return self

    def label(self) -> str:
        return f"[{self.source} {self.start}-{self.end}]"


Evidence = Annotated[list[Span], Field(min_length=1)]


class Excluded(Model):
    """A region of a source that holds no treatment content (menus, disclaimers, references)."""

    start: int = Field(ge=0)
    end: int = Field(gt=0)
    why: PlainText


class Source(Model):
    id: Id
    title: PlainText
    publisher: PlainText
    dated: PlainText = Field(description="Date as the copy gives it, or why it is missing")
    file: PlainText = Field(description="File name in the sources directory")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    chars: int = Field(gt=0, description="Length of the decoded text in characters")
    cancer: Id = Field(description="Cancer id this source is about ('any' for the general one)")
    not_treatment_content: list[Excluded] = Field(
        default_factory=list,
        description="Regions left out of the citation-coverage figures, each with the reason",
    )


# --------------------------------------------------------------------------------------------
# Facts and conditions
# --------------------------------------------------------------------------------------------


class FactType(StrEnum):
    enum = "enum"
    bool = "bool"
    set = "set"


class FactValue(Model):
    id: str = Field(min_length=1)
    label: PlainText
    parent: str | None = Field(
        default=None,
        description="A broader value: knowing only the parent leaves this value undecided",
    )
    which: PlainText | None = Field(
        default=None,
        description="The question that narrows it down when a person gives only this value and "
        "an option depends on which narrower one it is; for a list that may not be whole "
        "(others-not-known), the question of whether it holds what an option was tested for, "
        "{values} standing for their names ('Has there also been {values}?')",
    )
    decided_by: list[Id] = Field(
        default_factory=list,
        description="Tests that settle the fact when a person gives this value (ids in "
        "tests.yaml), named in place of the fact's own: a HER2 result of IHC 2+ (equivocal) is "
        "settled by the ISH test, not by the HER2 test again",
    )


class Fact(Model):
    """A named fact about a person's situation that option conditions can test."""

    id: Id
    label: PlainText = Field(description="What the fact is, in plain words")
    type: FactType
    values: list[FactValue] = Field(
        default_factory=list, description="Accepted values (enum and set facts)"
    )
    values_from: list[Literal["cancers", "therapies", "sites", "symptoms"]] = Field(
        default_factory=list,
        description="Values taken from knowledge-base entities as well as the listed ones",
    )
    question: PlainText = Field(description="The question that settles this fact")
    which_had: PlainText | None = Field(
        default=None,
        description="The question asked, when the fact is not given, of what the person has had "
        "that an option waits on ('Did {values} stop working ...?': progressed_on, for FOLFOX "
        "had)",
    )
    which_with_radiation: PlainText | None = Field(
        default=None,
        description="The question asked of chemotherapy given with radiation that stopped "
        "working, when an option waits on chemotherapy having stopped ('Was {values}, which "
        "stopped working, given after the cancer had spread ...?': progressed_on, for "
        "chemoradiation or cisplatin with radiation): its chemotherapy may have been for an "
        "earlier stage",
    )
    which_tested: PlainText | None = Field(
        default=None,
        description="The question asked, when the fact is not given, of the values an option's "
        "condition tests ('Has the care team said {values} cannot be given ...?': cannot_have, "
        "for the drugs given when FOLFIRI cannot be), in place of the fact's general question",
    )
    ask_tested: PlainText | None = Field(
        default=None,
        description="The which_tested question as the person asks it of their care team, in "
        "their own voice ('Is there a reason I cannot be given {values}, ...?'): for the "
        "questions to ask the care team, where which_tested ('Has the care team said ...?') "
        "had been listed as it is. Required with which_tested",
    )
    ask: PlainText = Field(
        description="The same question as the person asks it of their care team, in their own "
        "voice (\"Has my cancer been tested for HER2?\"): for the questions to ask the care team"
    )
    why: PlainText = Field(description="Why the form asks it: one line on what the answer changes")
    is_for: PlainText | None = Field(
        default=None,
        description="What an option whose condition tests values of the fact is for, {values} "
        "standing for their names (stage: '{values} cancer', \"it is for stage 4B cancer "
        "(yours: stage 4A)\"), in place of the fact's label and a colon (\"it is for stage of "
        "the cancer: stage 4B\", a review)",
    )
    find_it: PlainText = Field(
        description="Where a person finds the answer (the pathology report, the care team)"
    )
    in_record: PlainText | None = Field(
        default=None,
        description="Where a clinician finds it in the chart, in clinical words (\"Pathology "
        "report (HER2 IHC; ISH if IHC 2+)\", \"Imaging reports\"): the CDS Hooks cards' "
        "'Where in the record' line, where find_it is written for the patient (\"You know this "
        "best\"). Left out where the chart does not hold it (the care team's judgement asked "
        "of them)",
    )
    decided_by: list[Id] = Field(
        default_factory=list, description="Tests that settle it (ids in tests.yaml)"
    )
    workup: "bool | Condition" = Field(
        default=False,
        description="Settled by the care team's work-up of the cancer (a test of the tumour, its "
        "staging, scans), so the record should hold it: not on record and deciding a standard "
        "option, it is a care gap (onconav cohort gaps). True for every cancer; a condition "
        "for the cancers whose work-up it is part of (hormone receptor tests: breast cancer), "
        "a gap only when the condition is not FALSE for the person. False for what the person "
        "says (symptoms, wishes) and for the treatment history",
    )
    derived: list["Derived"] = Field(
        default_factory=list,
        description="Values the fact takes, when the person does not give it, from their other "
        "answers",
    )

    @model_validator(mode="after")
    def _asked_of_the_care_team(self) -> "Fact":
        """Each question of the fact that a list of questions to ask the care team can hold has
        its words for that list, in the person's own voice (``ask``, ``ask_tested``)."""
        if self.which_tested is not None and self.ask_tested is None:
            raise ValueError("a fact with which_tested needs ask_tested: the question in the "
                             "person's own voice, for the questions to ask the care team")
        return self


class FactTest(Model):
    """A test of one fact. Exactly one operator is given."""

    fact: Id
    eq: str | bool | None = Field(default=None, description="The fact equals this value")
    in_: list[str] | None = Field(default=None, alias="in", description="The fact is one of these")
    has: str | None = Field(default=None, description="The set contains this value")
    has_any: list[str] | None = Field(default=None, description="The set contains any of these")
    only: list[str] | None = Field(
        default=None, description="The set is not empty and holds nothing outside these"
    )
    count_max: int | None = Field(
        default=None, ge=1, description="The set is not empty and has at most this many members"
    )
    not_empty: Literal[True] | None = Field(
        default=None, description="The set holds at least one value, whichever (a symptom)"
    )

    @model_validator(mode="after")
    def _one_operator(self) -> "FactTest":
        ops = [
            name
            for name in ("eq", "in_", "has", "has_any", "only", "count_max", "not_empty")
            if getattr(self, name) is not None
        ]
        if len(ops) != 1:
            raise ValueError(
                f"a fact test on {self.fact!r} needs exactly one of eq, in, has, has_any, only, "
                f"count_max, not_empty; got {len(ops)}"
            )
        return self

    @property
    def operator(self) -> str:
        for name in ("eq", "in_", "has", "has_any", "only", "count_max", "not_empty"):
            if getattr(self, name) is not None:
                return name.rstrip("_")
        raise AssertionError("validated to have one operator")


class AllOf(Model):
    all: list["Condition"] = Field(min_length=1)
    says: str | None = Field(
        default=None,
        description="What the conditions together are for, in plain words, for a reason that "
        "they do not hold (\"cancer of stage 1 to 3 that came back far away\"): the reason "
        "names this, with the person's answers that do not fit, and not each test",
    )


class AnyOf(Model):
    any: list["Condition"] = Field(min_length=1)


class NotOf(Model):
    not_: "Condition" = Field(alias="not")


Condition = FactTest | AllOf | AnyOf | NotOf


class Derived(Model):
    """A value a fact takes from a person's other answers when they do not give it themselves
    (their own answer wins): most treatments count as tried when those the source lists before
    regorafenib have all stopped working or cannot be used."""

    value: bool | str = Field(description="The value the fact takes")
    when: Condition = Field(description="When it takes it: the condition is TRUE")
    note: PlainText = Field(description="How it was derived, in plain words, shown to the person")
    told: PlainText | None = Field(
        default=None,
        description="When given, how it was derived is said in the reason of each option that "
        "rests on it (\"it is for ..., and <told>\"), not as a warning to every person it is "
        "derived for: for a value most people take without it mattering",
    )
    evidence: Evidence


def fact_tests(cond: Condition | None) -> list[FactTest]:
    """Every fact test in a condition tree, depth first."""
    if cond is None:
        return []
    if isinstance(cond, FactTest):
        return [cond]
    if isinstance(cond, NotOf):
        return fact_tests(cond.not_)
    return [t for c in (cond.all if isinstance(cond, AllOf) else cond.any) for t in fact_tests(c)]


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------


class Entity(Model):
    id: Id
    name: PlainText
    aliases: list[PlainText] = Field(
        default_factory=list, description="Other names: brands, abbreviations, synonyms"
    )
    phrase: PlainText | None = Field(
        default=None,
        description="The name as a question says it, where the name alone reads badly there: "
        "with its article ('Has the cancer also spread to the liver?', 'Has there also been a "
        "low anterior resection?'); not looked up as a name",
    )

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Described(Entity):
    description: PlainText = Field(description="Plain words for a patient, written fresh")


class Cancer(Entity):
    icd10: list[str] = Field(default_factory=list)
    snomed: list[str] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list, description="Sources written about it")
    covers: "Condition | None" = Field(
        default=None,
        description="The situations its own sources cover (cervix: stage 4); for a person "
        "outside them the general source's options are shown too",
    )
    read_as: Id | None = Field(
        default=None,
        description="The cancer whose options answer for this one (gastro-oesophageal junction: "
        "stomach); its note is then shown to the person as a warning",
    )
    may_be: list[Id] = Field(
        default_factory=list,
        description="The cancers a name that may be one of several is, when the person's words "
        "name one beside it (colorectal: colon or rectum; \"bowel cancer in the rectum\" is "
        "rectal cancer)",
    )
    note: str | None = None
    evidence: list[Span] = Field(default_factory=list)
    stage_4_spread: list[Span] = Field(
        default_factory=list,
        description="The passage of its own source that says its stage 4 means spread to other "
        "organs (rectal cancer), where one does: a stage 4 beside no places of spread is then "
        "said not to fit, as M1 is (stomach cancer's clinical stage 4A has not spread far)",
    )


class PersonHarm(Model):
    """A harm that is a property of the person, not of one drug (a lack of the enzyme DPD), and
    bars every drug of the class that names it. Clinical knowledge the sources do not give: it
    cites nothing (no evidence, so no claim that a source says it), and is for a clinician to
    confirm. Its words, as people and records type them, are ``onconav.words.PERSON_HARMS``,
    keyed by its id; the load refuses an id that has none."""

    id: Id = Field(description="The harm's id, as in onconav.words.PERSON_HARMS (dpd-deficiency)")
    name: PlainText = Field(description="The harm's name, as the person is told it")
    why: PlainText = Field(
        description="Why it bars the class, in plain words written fresh; not from the sources"
    )


class DrugClass(Described):
    parent: Id | None = Field(
        default=None, description="A broader class this is a kind of (platinum: chemotherapy)"
    )
    which: PlainText | None = Field(
        default=None,
        description="The question that narrows it down when a person says only that a drug of "
        "this class stopped working (progressed_on; the one fact where a class leaves an option "
        "undecided) and an option depends on which drug it was",
    )
    barred_by: list[PersonHarm] = Field(
        default_factory=list,
        description="The harms of the person that bar every drug of this class, whichever "
        "record names them (DPD deficiency: the fluoropyrimidines); not from the sources, so "
        "cited by nothing",
    )
    evidence: Evidence


class Drug(Described):
    classes: list[Id] = Field(min_length=1, description="Drug class ids")
    rxnorm: str | None = Field(
        default=None, description="RxNorm ingredient code, only where drug-codes.csv verifies it"
    )
    ncit: str | None = None
    evidence: Evidence


class Regimen(Described):
    components: list[Id] = Field(min_length=1, description="Drug ids")
    counts_as: list[Id] = Field(
        default_factory=list,
        description="Procedures it is a form of (cisplatin with radiation: chemoradiation), so "
        "that a test of the procedure finds it, as a test of chemotherapy finds its drugs",
    )
    key_drugs: list[Id] = Field(
        default_factory=list,
        description="The components that make it what it is (oxaliplatin for FOLFOX): when it "
        "stopped working, another regimen with one of them counts as stopped too (not one that "
        "only shares the rest, such as the fluorouracil of FOLFOX and FOLFIRI)",
    )
    evidence: Evidence

    @property
    def stopped_by(self) -> list[Id]:
        """The drugs whose stopping working stops this regimen: its key drugs, or, with none,
        every drug it gives (5-FU with leucovorin). Not a drug it only builds on: capecitabine
        alone having stopped working leaves CAPOX, whose oxaliplatin has not been tried (CAPOX
        and CAPIRI had been not suitable, while FOLFOX, the same but for 5-FU, was offered)."""
        return self.key_drugs or self.components


class ProcedureKind(StrEnum):
    surgery = "surgery"
    stent = "stent"
    tube = "tube"
    ablation = "ablation"
    radiation = "radiation"
    endoscopy = "endoscopy"
    infusion = "infusion"
    care = "care"
    # a research study of new treatments, not care: its treatment can stop working
    # (progressed_on), which care cannot (``vocabulary.CANNOT_STOP_WORKING``)
    trial = "trial"


# The other words a kind of procedure is called by, beside its own (each alone or plural, as
# ``explain.kind_view`` reads them): "an operation" is surgery, as the knowledge base's own
# descriptions of surgery say ("An operation that takes out the rectum")
KIND_OTHER_WORDS: dict[ProcedureKind, tuple[str, ...]] = {ProcedureKind.surgery: ("operation",)}


class Procedure(Described):
    kind: ProcedureKind
    parent: Id | None = Field(default=None, description="A broader procedure this is a kind of")
    which: PlainText | None = Field(
        default=None,
        description="The question that narrows it down when a person says only that this broad "
        "procedure stopped working (progressed_on: radiation, not which) and an option depends "
        "on which narrower one it was",
    )
    not_after: list[Id] = Field(
        default_factory=list,
        description="Treatments had (values of prior_treatments) after which it cannot be done: "
        "no part of the stomach is left to take out after a total gastrectomy. An option that "
        "gives it is not suitable when the treatments had hold one; a broader one (a gastrectomy, "
        "part or all) leaves it undecided, asking which; the treatments had not given, it asks "
        "them, unless not_after_asked is false",
    )
    not_after_asked: bool = Field(
        default=True,
        description="Whether, the treatments had not given, an option that gives it asks them "
        "(taking out part of the stomach: all of it may have been taken out). False where what "
        "the option is for already says it was not: a stent to open the top of the stomach, "
        "given for a blockage there, which a stomach taken out cannot have",
    )
    during_surgery: bool = Field(
        default=False,
        description="Put in during an operation, as its sources say (a stent to open the top of "
        "the stomach, a feeding tube, small tubes into blood vessels for pain medicine), though "
        "not itself a kind of surgery: an option that gives it is not suitable for one who "
        "cannot have surgery",
    )
    evidence: Evidence


class LabTest(Described):
    loinc: list[str] = Field(default_factory=list)
    evidence: Evidence


class Symptom(Entity):
    parent: Id | None = None
    which: PlainText | None = Field(
        default=None,
        description="The question that narrows it down when a person names only this symptom "
        "and an option depends on which kind it is",
    )
    evidence: list[Span] = Field(default_factory=list)


class Site(Entity):
    parent: Id | None = Field(
        default=None,
        description="A broader place this is part of (the liver: a distant part of the body); "
        "a list that holds only the broader one leaves which of them open",
    )
    which: PlainText | None = Field(
        default=None,
        description="The question that narrows it down when a person names only this place and "
        "an option depends on which one it is",
    )
    hint: PlainText | None = Field(
        default=None,
        description="What the page's form says beside its box, for a place whose name alone "
        "may be taken for another (the pelvis: the organs there too, such as the bladder)",
    )
    icd10: list[str] = Field(default_factory=list, description="Secondary-neoplasm codes")
    near_for: list[Id] = Field(
        default_factory=list,
        description="The cancers that start close by, for which spread here is not far from "
        "where they started (the pelvis: cervical and rectal cancer); for any other cancer, a "
        "place not under the distant parts of the body may be far",
    )
    evidence: list[Span] = Field(default_factory=list)


class Term(Described):
    evidence: list[Span] = Field(default_factory=list)


class Note(Model):
    """Something a person should know that is not itself a treatment option."""

    id: Id
    title: PlainText
    cancers: list[Id] = Field(min_length=1)
    text: PlainText
    when: Condition | None = Field(
        default=None,
        description="Shown when this holds or may hold for the person; FALSE hides it (a note "
        "that asks which stage 4A or 4B the cancer is, not when the stage was given)",
    )
    evidence: Evidence


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


class Modality(StrEnum):
    chemotherapy = "chemotherapy"
    targeted_therapy = "targeted_therapy"
    immunotherapy = "immunotherapy"
    hormone_therapy = "hormone_therapy"
    chemoradiation = "chemoradiation"
    radiation = "radiation"
    radiopharmaceutical = "radiopharmaceutical"
    surgery = "surgery"
    procedure = "procedure"
    ablation = "ablation"
    bone_drugs = "bone_drugs"
    supportive_care = "supportive_care"
    nutrition = "nutrition"
    clinical_trial = "clinical_trial"
    care_setting = "care_setting"


class Intent(StrEnum):
    cure = "cure"
    control = "control"
    relieve = "relieve"
    learn = "learn"  # a clinical trial: whether a new treatment is safe and works (no benefit)


class Prominence(StrEnum):
    standard_first_line = "standard_first_line"
    most_used = "most_used"
    usual = "usual"
    common = "common"
    sometimes = "sometimes"
    rarely_used = "rarely_used"


class Timing(StrEnum):
    before_surgery = "before_surgery"
    after_surgery = "after_surgery"
    during_radiation = "during_radiation"
    during_and_after_external_radiation = "during_and_after_external_radiation"
    weekly = "weekly"
    every_four_weeks = "every_four_weeks"
    about_six_months = "about_six_months"
    until_it_stops_working = "until_it_stops_working"
    after_chemotherapy_stops_working = "after_chemotherapy_stops_working"
    after_most_other_treatments = "after_most_other_treatments"
    before_any_surgery = "before_any_surgery"


# How often a source says an option is used, and when it is given, in plain words (what the
# command, the page and ``onconav explain`` show; a value not here is shown as its id's words).
PROMINENCE_WORDS = {"standard_first_line": "as the standard first choice",
                    "most_used": "most often", "usual": "usually", "common": "often",
                    "sometimes": "sometimes", "rarely_used": "rarely"}  # fmt: skip
TIMING_WORDS = {"about_six_months": "for about six months", "weekly": "every week",
                "until_it_stops_working": "for as long as it works"}  # fmt: skip
# An option's aim and kind in plain words (every view of an option, and ``onconav explain``).
INTENT_WORDS = {"cure": "to cure", "control": "to control the cancer and help you live longer",
                "relieve": "to relieve symptoms",
                "learn": "to test a new treatment, or a new way to give one, and learn whether "
                         "it is safe and works against the cancer; it may or may not help "
                         "you"}  # fmt: skip
MODALITY_WORDS = {m: m.value.replace("_", " ").capitalize() for m in Modality}
MODALITY_WORDS[Modality.bone_drugs] = "Drugs for cancer in the bones"
MODALITY_WORDS[Modality.supportive_care] = "Care without cancer treatment and symptom relief"
MODALITY_WORDS[Modality.care_setting] = "Where to be treated"
MODALITY_WORDS[Modality.clinical_trial] = "Clinical trials"


def aim_words(intents: Iterable[str], studied: bool = False) -> str:
    """An option's aim in plain words; of one only being studied (``in_trials``), what the
    studies are to learn: no source says a study's drug controls the cancer ("Aim: to control
    the cancer" had been shown for lapatinib, only being evaluated)."""
    intents = list(intents)
    words = "; ".join(INTENT_WORDS[i] for i in intents)
    if studied and "learn" not in intents:
        return f"being studied, to learn whether it works {words}"
    return words


class Caveat(Model):
    id: Id
    text: PlainText = Field(description="Plain words")
    when: Condition | None = Field(
        default=None, description="Shown when this holds (or may hold) for the person"
    )
    instead: bool = Field(
        default=False,
        description="What can be done instead when the option does not suit: shown then too "
        "(any other caveat is about using the option, and an option that does not suit has none)",
    )
    evidence: Evidence


class Option(Model):
    id: Id
    name: PlainText
    cancers: list[Id] = Field(min_length=1, description="Cancer ids; 'any' for every cancer")
    modality: Modality
    treats_cancer: bool = Field(
        default=True, description="False for care that relieves symptoms without treating cancer"
    )
    uses: list[Id] = Field(
        default_factory=list, description="What is given: drug, regimen, procedure or class ids"
    )
    given_with: list[Id] = Field(
        default_factory=list, description="What it is combined with (ids, classes included)"
    )
    stopped_partner_asks: list[Id] = Field(
        default_factory=list,
        description="Drugs of given_with that, having stopped working, do not rule it out (as "
        "a drug given stopped rules out what gives it): the source puts no limit on them, and "
        "a caveat with a condition on progressed_on says to ask (cetuximab with irinotecan, "
        "after irinotecan stopped working)",
    )
    aimed_at_spread: bool = Field(
        default=False,
        description="Radiation or ablation aimed at spread in places of its own (the bones, the "
        "brain): one that stopped working, aimed elsewhere as far as is known, does not rule it "
        "out (a caveat on progressed_on says the team decides whether a place treated before "
        "can be treated again)",
    )
    choices: list[Id] = Field(
        default_factory=list,
        description="Ids among uses and given_with that the source lists as alternatives (one "
        "of them will do): one that cannot be had or stopped working leaves the others",
    )
    choices_min: int = Field(
        default=1, ge=1, description="How many of the choices must be left (2 for a mix of them)"
    )
    may_involve: list[Id] = Field(
        default_factory=list,
        description="Procedures that may be part of it (a stoma after pelvic exenteration, ...)",
    )
    intent: list[Intent] = Field(min_length=1)
    prominence: Prominence | None = None
    rank: int | None = Field(
        default=None, ge=1, description="Order within its modality where a source gives one"
    )
    timing: list[Timing] = Field(default_factory=list)
    when: Condition | None = Field(
        default=None, description="Who it is for; absent means everyone in scope"
    )
    in_trials: bool = Field(default=False, description="Only described as being studied")
    eases: list[Id] = Field(
        default_factory=list,
        description="Symptoms it eases (ids in symptoms.yaml) when who it is for does not "
        "depend on them (relief of pain, constipation, nausea and vomiting): a person with one "
        "sees it marked as for their symptoms, as a person with a symptom its condition names "
        "(and, like such a one, it is not declined with cancer treatment: radioactive drugs for "
        "the bones, a treatment of the cancer, are shown for bone pain to one who declines it)",
    )
    same_as: list[Id] = Field(
        default_factory=list,
        description="Options of a cancer's own source that describe the same treatment: for "
        "those cancers this one is not shown, and its sources are cited there",
    )
    general_only: bool = Field(
        default=False,
        description="Shown only for cancers without a source of their own (their own source's "
        "options take its place)",
    )
    description: PlainText = Field(description="Plain words for a patient, written fresh")
    caveats: list[Caveat] = Field(default_factory=list)
    evidence: Evidence

    @field_validator("uses", "given_with", "stopped_partner_asks", "choices", "may_involve")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists the same id twice")
        return value


# --------------------------------------------------------------------------------------------
# The whole knowledge base, as the YAML files hold it
# --------------------------------------------------------------------------------------------


class KBData(Model):
    """Every data file is one part of this document; files are merged before validation."""

    version: str | None = Field(default=None, description="Knowledge base version")
    sources: list[Source] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    cancers: list[Cancer] = Field(default_factory=list)
    drug_classes: list[DrugClass] = Field(default_factory=list)
    drugs: list[Drug] = Field(default_factory=list)
    regimens: list[Regimen] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    tests: list[LabTest] = Field(default_factory=list)
    symptoms: list[Symptom] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
    glossary: list[Term] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)


KINDS = (
    "sources",
    "facts",
    "cancers",
    "drug_classes",
    "drugs",
    "regimens",
    "procedures",
    "tests",
    "symptoms",
    "sites",
    "glossary",
    "notes",
    "options",
)

WORD = re.compile(r"[A-Za-z0-9]+")


