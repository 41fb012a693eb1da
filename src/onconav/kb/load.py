"""Load the knowledge base: read the data, validate it, cross-check every reference, index it.

The data is written in YAML (``kb/data``), reviewed like code. Beside it lies ``kb.json``, the same
document as one JSON file, generated from the YAML (``onconav kb build``) and kept current by a
test. A load reads the JSON when it was made from exactly the YAML files at hand (it records
their sha256) and validates it with the same models; otherwise it reads the YAML. Either way the
document is validated, cross-checked and indexed once: the KnowledgeBase that comes out is never
changed afterwards, so it is safe to share between threads and pickles like any other value.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from onconav.kb.model import (
    KINDS,
    Cancer,
    Condition,
    Drug,
    DrugClass,
    Fact,
    FactTest,
    FactType,
    Intent,
    KBData,
    LabTest,
    Modality,
    Model,
    Note,
    Option,
    PersonHarm,
    Procedure,
    Regimen,
    Site,
    Source,
    Span,
    Symptom,
    Term,
    fact_tests,
)
from onconav.kb.rules import (
    IMPLIED_FIRST,
    IMPLIED_LAST,
    OTHERS_NOT_KNOWN,
    Expr,
    Implied,
    Lowering,
    OnlyOneHad,
    Rules,
    Treatments,
    aims_at_cancer,
    name_of,
    only_one_had,
    option_rules,
    ruled_out_routes,
    tests_of,
    wanted_values,
    widened,
)
from onconav.kb.vocabulary import (
    ICD10,
    Vocabulary,
    fact_values,
    in_sentence,
    normalise_name,
    parse_code,
    record_codes,
    without_little_words,
)
from onconav.words import PERSON_HARMS, and_list, part_of, person_harms, place_words

DATA_DIR = Path(__file__).with_name("data")
ARTEFACT = "kb.json"
ARTEFACT_FORMAT = "onconav-kb-1"

Entity = Cancer | DrugClass | Drug | Regimen | Procedure | LabTest | Symptom | Site | Term
Record = Entity | Source | Fact | Note | Option

# Kinds whose ids an option may name in ``uses`` and ``given_with``.
GIVEN_KINDS = ("drugs", "regimens", "procedures", "drug_classes")


class KBError(Exception):
    """The knowledge base data is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"the knowledge base has {len(problems)} problem(s):\n{shown}{more}")

    def __reduce__(self) -> tuple[type[KBError], tuple[list[str]]]:
        return (KBError, (self.problems,))


def data_dir() -> Path:
    return DATA_DIR


def data_root(root: str | Path | None = None) -> Path:
    """The folder of the data files: ``root`` (a Path or its name), else the packaged one."""
    return Path(root) if root is not None else data_dir()


def data_files(root: str | Path | None = None) -> list[Path]:
    base = data_root(root)
    return sorted([*base.glob("*.yaml"), *base.glob("options/*.yaml")])


def read_files(files: Iterable[Path | tuple[str, bytes]]) -> tuple[dict[str, Any], list[str]]:
    """Merge the data files (paths, or names with their bytes) into one document; report kinds
    that are unknown or not lists. PyYAML's safe loader, the C one (libyaml) where available."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merged: dict[str, Any] = {}
    problems: list[str] = []
    for item in files:
        name, content = (item.name, item.read_bytes()) if isinstance(item, Path) else item
        try:
            doc = yaml.load(content, Loader=loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f" (line {mark.line + 1})" if mark is not None else ""
            problems.append(f"{name}: not valid YAML{line}: {getattr(error, 'problem', error)}")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{name}: must be a mapping of kind -> list")
            continue
        for key, value in doc.items():
            if key == "version":
                merged["version"] = value
            elif key not in KINDS:
                problems.append(f"{name}: unknown kind {key!r}; accepted: {', '.join(KINDS)}")
            elif not isinstance(value, list):
                problems.append(f"{name}: {key} must be a list")
            else:
                merged.setdefault(key, []).extend(value)
    return merged, problems


def _format_validation(error: ValidationError, doc: Mapping[str, Any]) -> list[str]:
    problems = []
    for item in error.errors():
        loc = item["loc"]
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and isinstance(loc[1], int):
            records = doc.get(str(loc[0]), [])
            if loc[1] < len(records) and isinstance(records[loc[1]], dict):
                where = f"{loc[0]}[{records[loc[1]].get('id', loc[1])}]." + ".".join(
                    str(p) for p in loc[2:]
                )
        problems.append(f"{where}: {item['msg']}")
    return problems



@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base with its indexes, all built by ``build`` when it is loaded.
    Never changed afterwards: safe to share between threads and to pickle."""

    data: KBData
    by_id: Mapping[str, Record]
    kind_of: Mapping[str, str]
    names: Mapping[str, tuple[str, ...]]  # folded name -> ids
    codes: Mapping[tuple[str, str], tuple[str, ...]]  # (system, code) -> ids
    vocabulary: Vocabulary
    facts: Mapping[str, Fact]
    sources: Mapping[str, Source]
    options: tuple[Option, ...]
    rules: Mapping[str, Rules]  # by option id
    implied: tuple[Implied, ...]  # the facts a profile implies: IMPLIED_FIRST, the data's derived,
    # then IMPLIED_LAST
    # the facts of the cancer's work-up (``workup``), each with when it is part of a person's:
    # ALWAYS, or a condition on their other facts (a gap only where it is not FALSE)
    workup: Mapping[str, Expr]
    value_names: Mapping[str, Mapping[str, str]]  # fact -> folded name -> the value's id
    value_labels: Mapping[tuple[str, str], str]  # (fact, value) -> plain label
    # the drugs options give with chemotherapy (trastuzumab, nivolumab) and what they are kinds
    # of: one that stopped working leaves open whether that chemotherapy did (``Lowering``)
    with_chemotherapy: frozenset[str] = frozenset()
    # the treatments that stopped working which give chemotherapy with radiation (chemoradiation,
    # cisplatin with radiation): whether the chemotherapy an option comes after stopped is open
    # (``rules.given_with_radiation``)
    given_with_radiation: frozenset[str] = frozenset()
    # what each option gives, by option id: what it uses, is given with or may involve, the
    # drugs of its regimens and the kinds of its procedures (``options_using``)
    gives: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # when each note is shown, by note id (``Note.when``): ALWAYS, or a condition on the
    # person's facts (shown unless FALSE)
    notes_when: Mapping[str, Expr] = field(default_factory=dict)
    # the situations a cancer's own sources cover, by cancer, for a cancer whose sources cover
    # some only (the cervix's, the rectum's: ``Cancer.covers``); outside them the general
    # source's options are shown too (``Scope.uncovered``)
    covers: Mapping[str, Expr] = field(default_factory=dict)
    # a kind of treatment that stopped working, of someone who has had one treatment of it
    # alone: that one stopped (``OnlyOneHad``), before ``implied``
    only_one_had: tuple[OnlyOneHad, ...] = ()
    # a cancer's names that say "cancer", with the words that describe a cancer left out, to the
    # cancer: a name typed is read by these too ("neck of the womb": ``cancers_by_place``)
    cancers_by_place: Mapping[str, str] = field(default_factory=dict)
    # each drug's kin: for each narrow kind it is of, the other drugs of it (``rules.kin_of_drugs``)
    kin: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.data.version or "unversioned"

    def name_of(self, ident: str) -> str:
        """A record's name (or title), or the id itself."""
        return name_of(self.by_id, ident)

    def which(
        self, fact: str, value: str, tested: Collection[str] = (), whole: bool = True
    ) -> str | None:
        """The question that narrows down a broad value of a fact (bleeding: from where? HER2
        2+: has an ISH test been done? radiation stopped working: which?), if it has one; of a
        drug given with chemotherapy that stopped working, whether the chemotherapy given with
        it did too. Every value that leaves a test of an option undecided has one
        (``_unasked``: the data does not load without). ``tested``: what the test the value
        leaves undecided asks for; a kind of drug given with chemotherapy that stopped (targeted
        therapy) leaves a test of chemotherapy undecided for the chemotherapy given with it, so
        that is asked, not which of its drugs it was (ramucirumab, after chemotherapy stops
        working, had asked only "Which targeted drugs stopped working?": a review). Not of a
        list that may not be whole (``whole`` false): its own "Did chemotherapy also stop
        working?" asks it (it had been asked twice: a review)."""
        with_radiation = fact == "progressed_on" and value in self.given_with_radiation
        if (not whole and (value in self.with_chemotherapy or with_radiation)
                and "chemotherapy" in tested):  # fmt: skip
            return None
        for known in self.facts[fact].values:
            if known.id == value and known.which:
                return known.which
        template = self.facts[fact].which_had
        radiation_template = self.facts[fact].which_with_radiation
        if with_radiation and "chemotherapy" in tested and radiation_template:
            # its chemotherapy may have been for an earlier stage (chemoradiation's own question,
            # which drugs, does not decide it; nor does asking again what stopped, just given)
            return radiation_template.format(values=self.phrase(fact, value))
        if (fact == "progressed_on" and value in self.with_chemotherapy and template
                and (self.kind_of.get(value) == "drugs" or "chemotherapy" in tested)):  # fmt: skip
            # a drug given with chemotherapy stopped, the chemotherapy not said: did it stop too?
            # (the fact's own question had asked again for the list just given)
            return template.format(values=f"any chemotherapy given with {self.phrase(fact, value)}")
        if self.kind_of.get(value) in ("drug_classes", "procedures") and fact != "progressed_on":
            return None  # a kind of drug's, or a procedure's, asks which one stopped working
        return getattr(self.by_id.get(value), "which", None)

    def barred_by(self, harm: str) -> list[PersonHarm]:
        """A harm of the person (``words.PERSON_HARMS``' id: dpd-deficiency) as each drug class
        it bars names it (``DrugClass.barred_by``), in the data's order; none if none does."""
        return [h for c in self.data.drug_classes for h in c.barred_by if h.id == harm]

    def drugs_of_kind(self, kind: str) -> list[str]:
        """The names of the drugs of a drug class (``Drug.classes``: fluorouracil, capecitabine and
        floxuridine of ``fluoropyrimidine``), in the data's order."""
        return [d.name for d in self.data.drugs if kind in d.classes]

    def harm_read(self, harm: str) -> str:
        """What a harm of the person (``words.PERSON_HARMS``' id: dpd-deficiency) is read as, in
        plain words, the same in a profile's warning and a FHIR record's: why it bars the kinds of
        drug that name it (``DrugClass.barred_by``, which is general medical knowledge, not from
        the sources), those kinds and their drugs read as drugs that cannot be given, and that
        the care team decides whether any could be given at a lower dose."""
        kinds = [c for c in self.data.drug_classes if any(h.id == harm for h in c.barred_by)]
        drugs = dict.fromkeys(d for c in kinds for d in self.drugs_of_kind(c.id))
        return (f"{self.barred_by(harm)[0].why} (This is general medical knowledge: the sources "
                "onconav reads do not speak of it.) So the "
                f"{and_list([in_sentence(c.name) for c in kinds])} ({and_list(list(drugs))}) "
                "are read as drugs that cannot be given; the care team decides whether any could "
                "be given at a lower dose")  # fmt: skip

    def kinds_harmed(self, text: str) -> list[str]:
        """The kinds of drug (drug classes) barred by the harms of the person that words name,
        theirs and not denied (``words.person_harms``: "DPD deficiency", the fluoropyrimidines;
        not "Family history of DPD deficiency"), in the data's order."""
        harms = person_harms(text)
        return [c.id for c in self.data.drug_classes if any(h.id in harms for h in c.barred_by)]

    def label(self, fact: str, value: str) -> str:
        """A value of a fact in plain words: its label, or the name of the record it is."""
        return self.value_labels.get((fact, value)) or self.name_of(value)

    def phrase(self, fact: str, value: str) -> str:
        """A value of a fact as a question names it: its record's phrase ("the liver", "a low
        anterior resection"), else its label inside a sentence."""
        phrase = getattr(self.by_id.get(value), "phrase", None)
        return str(phrase) if phrase else in_sentence(self.label(fact, value))

    def closest_names(self, name: str, n: int = 3) -> list[str]:
        """The names of the knowledge base closest to a name it does not know, for a suggestion:
        of the entries whose names hold the most of its words (of three letters or more, not
        "the", "and", ...), one name each, the shortest first ("stent": bowel stent; "surgery":
        bowel surgery, not cryosurgery), after any name spelt nearly as it is ("colon cancr":
        colon cancer) and before the rest spelt like it ("lonsruf": Lonsurf), each entry once;
        none if none is close."""
        import difflib

        names: dict[str, str] = {}  # each name, case folded: as written
        owner: dict[str, str] = {}  # and the entry it names
        for record in self.by_id.values():
            for known in getattr(record, "names", lambda: [])():
                names.setdefault(known.casefold(), known)
                owner.setdefault(known.casefold(), record.id)
        typed = [re.compile(rf"\b{re.escape(w)}\b") for w in re.findall(r"\w{3,}", name.casefold())
                 if w not in ("the", "and", "for", "with", "from", "into")]  # fmt: skip
        held = {k: sum(1 for w in typed if w.search(k)) for k in names}
        most = max(held.values(), default=0)
        holding = sorted((k for k in names if most and held[k] == most),
                         key=lambda k: (len(k), k))  # fmt: skip
        folded_name = name.strip().casefold()
        close = difflib.get_close_matches(folded_name, names, n=n, cutoff=0.75)
        nearly = [c for c in close if difflib.SequenceMatcher(None, c, folded_name).ratio() >= 0.8]
        picked: dict[str, str] = {}  # an entry: its name suggested
        for folded in [*nearly, *holding, *close]:
            picked.setdefault(owner[folded], names[folded])
        return list(picked.values())[:n]

    def find(self, name: str) -> list[Record]:
        """Every record whose id, name or alias matches ``name`` (case and punctuation folded),
        or that carries the code ``name`` (``system|code``, as ``http://loinc.org|48676-1`` or
        ``loinc|48676-1``, or a bare code such as ``C16`` or ``4492``; an ICD-10 code with a
        subdivision, such as C16.9, finds the record of its category, C16). An exact id comes
        first."""
        hits = list(self.names.get(normalise_name(name), ()))
        if name in self.by_id:  # an exact id first
            hits = [name, *(h for h in hits if h != name)]
        code = parse_code(name)
        if code is not None:
            system, value = code
            found = self.codes.get((system or "", value), ())
            if not found and "." in value and ICD10.match(value) and system in (None, "icd10"):
                found = self.codes.get((system or "", value.split(".")[0]), ())  # C16.9: C16
            hits += [h for h in found if h not in hits]
        return [self.by_id[h] for h in hits]

    def kin_of(self, drug: str) -> dict[str, list[str]]:
        """The other drugs of each narrow kind a drug is of (a drug class within a broader one:
        fluorouracil's fluoropyrimidines, capecitabine and floxuridine), by kind."""
        return {kind: list(kin) for kind, kin in self.kin.get(drug, {}).items()}

    def regimens_made_of(self, drugs: Iterable[str]) -> list[str]:
        """Drugs given together named as the regimens they make (FOLFOX for fluorouracil,
        leucovorin and oxaliplatin), the largest regimen first, then the drugs left as they
        are, each list sorted. Not the regimens given with radiation (a chemoradiation is
        read from the radiation, not from its drugs). The FHIR reader names a course of drugs
        so; the CDS Hooks service names the drugs of orders drafted together so."""
        left = set(drugs)
        named = []
        regimens = sorted(
            (r for r in self.data.regimens if len(r.components) > 1 and "radiation" not in r.id),
            key=lambda r: (-len(r.components), r.id),
        )
        for regimen in regimens:
            if set(regimen.components) <= left:
                named.append(regimen.id)
                left -= set(regimen.components)
        return sorted(named) + sorted(left)

    def part_of(self, drugs: Iterable[str], regimen: str) -> str:
        """Where drugs were given, after their names (``words.part_of``): "part of FOLFOX";
        "in fluorouracil with leucovorin", whose name names them."""
        return part_of([self.name_of(d) for d in drugs], self.name_of(regimen))

    def drugs_of(self, ident: str) -> list[str]:
        """The drugs a treatment gives: a drug itself, a regimen's components; none for anything
        else (a procedure, a kind of drug). What a regimen that stopped working gave: each of its
        drugs stopped with it (rule 1)."""
        if self.kind_of.get(ident) == "drugs":
            return [ident]
        return list(getattr(self.by_id.get(ident), "components", []))

    def chemotherapy_with(self, option: Option) -> list[str]:
        """What an option gives with what it uses that is chemotherapy (``chemotherapy_with``)."""
        return chemotherapy_with(option, self.vocabulary)

    def options_using(self, ident: str) -> list[Option]:
        """Options that give ``ident``: directly, through a regimen, as a companion, as a
        procedure that may be part of it, or (for a drug class) through a drug of that class."""
        members = {ident}
        if self.kind_of.get(ident) == "drug_classes":
            members |= {d.id for d in self.data.drugs if ident in d.classes}
        return [option for option in self.data.options if members & self.gives[option.id]]

    def evidence_of(self, option: Option) -> list[Span]:
        """What an option is cited for: its own spans, then those of the general options that
        are the same treatment and are shown as it (their ``same_as``), as the answer cites it;
        each passage once (the rectal ablation cites two of the general ablation's passages,
        which were listed and quoted twice)."""
        merged = [self.by_id[same] for same in self.rules[option.id].merged]
        spans = [*option.evidence, *(s for o in merged for s in getattr(o, "evidence", []))]
        once: dict[tuple[str, int, int], Span] = {}
        for span in spans:
            once.setdefault((span.source, span.start, span.end), span)
        return list(once.values())

    def spans(self) -> list[tuple[str, Span]]:
        """Every evidence span with the id of what cites it: a record's own ``evidence`` by the
        record's id, any other list of spans by the record's id and the field's name
        ("rectum/stage_4_spread"), a part of a record by the record's id and the part's id or
        field ("option/caveat-id", "option/derived"). Every field is walked, so a list of spans
        added to the model is checked by ``kb check`` without a word here."""
        out: list[tuple[str, Span]] = []
        for kind in KINDS:
            for record in getattr(self.data, kind):
                _spans_of(record, record.id, out)
        return out


def _spans_of(model: BaseModel, cited_by: str, out: list[tuple[str, Span]]) -> None:
    """The spans of ``model`` and of its parts, in field order, into ``out`` (``spans``)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Span):
                out.append((cited_by if name == "evidence" else f"{cited_by}/{name}", item))
            elif isinstance(item, BaseModel):
                _spans_of(item, f"{cited_by}/{getattr(item, 'id', None) or name}", out)


def chemotherapy_with(option: Option, vocabulary: Vocabulary) -> list[str]:
    """What an option gives with what it uses that is chemotherapy: the word itself, or a kind
    of it, a chemotherapy drug or regimen (cetuximab with irinotecan, bevacizumab with FOLFIRI).
    Not radiation, nor another drug of no chemotherapy (pembrolizumab with trastuzumab)."""
    return [w for w in option.given_with if "chemotherapy" in vocabulary.up("progressed_on", w)]


def partners_of(data: KBData, kind_of: Mapping[str, str]) -> dict[str, list[Option]]:
    """For each option, the options of the same cancers that give alone a regimen it gives or is
    given with: the regimen as a treatment of its own (FOLFOX for bevacizumab with FOLFOX)."""
    alone: dict[str, list[Option]] = {}
    for other in data.options:
        if len(other.uses) == 1 and not other.given_with:
            alone.setdefault(other.uses[0], []).append(other)
    return {
        option.id: [
            other
            for given in dict.fromkeys((*option.uses, *option.given_with))
            if kind_of.get(given) == "regimens"
            for other in alone.get(given, [])
            if other.id != option.id and other.cancers == option.cancers
        ]
        for option in data.options
    }


def record_labels(record: Record) -> list[str]:
    """Every way a record may be looked up: its id, name (or title) and aliases."""
    labels = [record.id]
    if hasattr(record, "names"):
        labels.extend(record.names())
    elif hasattr(record, "name"):
        labels.append(record.name)
    elif hasattr(record, "title"):
        labels.append(record.title)
    return labels

def _check_condition(
    cond: Condition | None, where: str, facts: Mapping[str, Fact], values: Mapping[str, Any]
) -> list[str]:
    problems = []
    for test in fact_tests(cond):
        fact = facts.get(test.fact)
        if fact is None:
            problems.append(f"{where}: unknown fact {test.fact!r}")
            continue
        problems.extend(_check_test(test, fact, values[fact.id], where))
    return problems


def _check_test(test: FactTest, fact: Fact, accepted: Mapping[str, Any], where: str) -> list[str]:
    op = test.operator
    allowed = {
        FactType.bool: {"eq"},
        FactType.enum: {"eq", "in"},
        FactType.set: {"has", "has_any", "only", "count_max", "not_empty"},
    }[fact.type]
    if op not in allowed:
        return [f"{where}: operator {op!r} does not apply to {fact.type.value} fact {fact.id!r}"]
    if fact.type is FactType.bool:
        return [] if isinstance(test.eq, bool) else [f"{where}: {fact.id} takes true or false"]
    if op == "eq" and not isinstance(test.eq, str):
        return [f"{where}: {fact.id} takes one of its values, not {test.eq!r}"]
    wanted = wanted_values(test)
    return [
        f"{where}: {value!r} is not a value of {fact.id!r}"
        for value in wanted
        if value not in accepted
    ]


def build(data: KBData) -> KnowledgeBase:
    """Cross-check a validated document and index it. Raises KBError listing every problem."""
    problems: list[str] = []
    by_id: dict[str, Record] = {}
    kind_of: dict[str, str] = {}
    for kind in KINDS:
        for record in getattr(data, kind):
            if kind == "facts":
                continue
            if record.id in by_id:
                problems.append(f"{kind}[{record.id}]: id already used by {kind_of[record.id]}")
            by_id[record.id] = record
            kind_of[record.id] = kind

    def expect(ident: str, kinds: tuple[str, ...], where: str) -> None:
        if kind_of.get(ident) not in kinds:
            problems.append(f"{where}: {ident!r} is not a known {' or '.join(kinds)} id")

    facts: dict[str, Fact] = {}
    for fact in data.facts:
        if fact.id in facts:
            problems.append(f"facts[{fact.id}]: id given twice")
        facts[fact.id] = fact
        ids = [v.id for v in fact.values]
        if len(set(ids)) != len(ids):
            problems.append(f"facts[{fact.id}]: a value is listed twice")
        for value in fact.values:
            if value.parent is not None and value.parent not in ids:
                problems.append(f"facts[{fact.id}]: parent {value.parent!r} is not a value")
            # the question of a list that may not be whole names what it is asked about
            which = value.which or ""
            named = "{values}" in which
            if re.search(r"[{}]", which.replace("{values}", "")) or (
                    value.which and named != (value.id == OTHERS_NOT_KNOWN)):  # fmt: skip
                problems.append(f"facts[{fact.id}]: the question of {value.id!r} must hold "
                                "{values} (the names of what it asks about) if, and only if, "
                                f"the value is {OTHERS_NOT_KNOWN!r}; no other braces")
        # asked of the values an option names (ask_tested: which_tested asked of the care team)
        for name in ("which_had", "which_with_radiation", "which_tested", "ask_tested", "is_for"):
            template = getattr(fact, name)
            if template is not None and (
                    "{values}" not in template
                    or re.search(r"[{}]", template.replace("{values}", ""))):  # fmt: skip
                problems.append(f"facts[{fact.id}].{name}: must hold {{values}} (the names of "
                                "what it asks about); no other braces")  # fmt: skip
        for test in fact.decided_by:
            expect(test, ("tests",), f"facts[{fact.id}].decided_by")
        for value in fact.values:
            for test in value.decided_by:
                expect(test, ("tests",), f"facts[{fact.id}].values[{value.id}].decided_by")
        if fact.type is not FactType.bool and not fact.values and not fact.values_from:
            problems.append(f"facts[{fact.id}]: an {fact.type.value} fact needs values")
    values = {fid: fact_values(data, fact) for fid, fact in facts.items()}

    for source in data.sources:
        expect(source.cancer, ("cancers",), f"sources[{source.id}].cancer")
    for cancer in data.cancers:
        for sid in cancer.sources:
            expect(sid, ("sources",), f"cancers[{cancer.id}].sources")
    for drug in data.drugs:
        for cid in drug.classes:
            expect(cid, ("drug_classes",), f"drugs[{drug.id}].classes")
    for kind in KINDS:  # a comma separates the items of a list a person types
        for record in getattr(data, kind):
            for written in getattr(record, "names", lambda: [])():
                if "," in re.sub(r"\([^()]*\)", "", written):
                    problems.append(f"{kind}[{record.id}]: the name {written!r} has a comma "
                                    "outside brackets (a comma separates list items)")  # fmt: skip
    for cancer in data.cancers:
        problems.extend(_check_condition(cancer.covers, f"cancers[{cancer.id}].covers", facts,
                                         values))  # fmt: skip
        if cancer.read_as is not None:
            expect(cancer.read_as, ("cancers",), f"cancers[{cancer.id}].read_as")
            if cancer.note is None:
                problems.append(f"cancers[{cancer.id}]: a cancer read as another needs a note")
        for i, one in enumerate(cancer.may_be):
            expect(one, ("cancers",), f"cancers[{cancer.id}].may_be[{i}]")
    for drug_class in data.drug_classes:
        if drug_class.parent is not None:
            expect(drug_class.parent, ("drug_classes",), f"drug_classes[{drug_class.id}].parent")
        for harm in drug_class.barred_by:  # its words are code: a harm without them is never read
            if harm.id not in PERSON_HARMS:
                problems.append(f"drug_classes[{drug_class.id}].barred_by: {harm.id!r} is not a "
                                "harm of the person whose words onconav knows "
                                f"(words.PERSON_HARMS: {', '.join(PERSON_HARMS)})")  # fmt: skip
    for regimen in data.regimens:
        for did in regimen.components:
            expect(did, ("drugs",), f"regimens[{regimen.id}].components")
        for pid in regimen.counts_as:
            expect(pid, ("procedures",), f"regimens[{regimen.id}].counts_as")
        if not set(regimen.key_drugs) <= set(regimen.components):
            problems.append(f"regimens[{regimen.id}].key_drugs: must be among its components")
    for proc in data.procedures:
        if proc.parent is not None:
            expect(proc.parent, ("procedures",), f"procedures[{proc.id}].parent")
        for had in proc.not_after:
            if had not in values.get("prior_treatments", {}):
                problems.append(f"procedures[{proc.id}].not_after: {had!r} is not a value of "
                                "prior_treatments")  # fmt: skip
    for symptom in data.symptoms:
        if symptom.parent is not None:
            expect(symptom.parent, ("symptoms",), f"symptoms[{symptom.id}].parent")
    for site in data.sites:
        if site.parent is not None:
            expect(site.parent, ("sites",), f"sites[{site.id}].parent")
    for fact in data.facts:
        if not isinstance(fact.workup, bool):
            problems.extend(
                _check_condition(fact.workup, f"facts[{fact.id}].workup", facts, values)
            )
        for derived in fact.derived:
            where = f"facts[{fact.id}].derived"
            problems.extend(_check_condition(derived.when, f"{where}.when", facts, values))
            problems.extend(
                _check_test(FactTest(fact=fact.id, eq=derived.value), fact, values[fact.id], where)
            )
    for note in data.notes:
        for cid in note.cancers:
            expect(cid, ("cancers",), f"notes[{note.id}].cancers")
        problems.extend(_check_condition(note.when, f"notes[{note.id}].when", facts, values))
    for option in data.options:
        where = f"options[{option.id}]"
        for cid in option.cancers:
            expect(cid, ("cancers",), f"{where}.cancers")
        for gid in option.uses:
            expect(gid, GIVEN_KINDS, f"{where}.uses")
        for gid in option.given_with:
            expect(gid, GIVEN_KINDS, f"{where}.given_with")
        for gid in option.may_involve:
            expect(gid, ("procedures",), f"{where}.may_involve")
        if not set(option.stopped_partner_asks) <= set(option.given_with):
            problems.append(f"{where}.stopped_partner_asks: ids of its given_with")
        elif option.stopped_partner_asks and not any(
            t.fact == "progressed_on" for c in option.caveats for t in fact_tests(c.when)
        ):
            problems.append(f"{where}.stopped_partner_asks: a caveat must say to ask, with a "
                            "condition on progressed_on")  # fmt: skip
        for oid in option.same_as:
            expect(oid, ("options",), f"{where}.same_as")
        for sid in option.eases:
            expect(sid, ("symptoms",), f"{where}.eases")
        if option.eases and aims_at_cancer(option):
            # eases keeps it from being declined for one with the symptom: not chemotherapy
            problems.append(f"{where}.eases: only for care that relieves symptoms (radioactive "
                            "drugs for bone pain), not a drug treatment of the cancer or one "
                            "that aims to control or cure it (it is for a symptom by its "
                            "condition)")  # fmt: skip
        if option.choices and (len(option.choices) < 2 or not (
                set(option.choices) <= set(option.uses)
                or set(option.choices) <= set(option.given_with))):  # fmt: skip
            # (in one list: a page names them "one of A or B" where that list is named)
            problems.append(f"{where}.choices: two or more of the ids of uses, or of given_with")
        if option.choices_min > max(1, len(option.choices)):
            problems.append(f"{where}.choices_min: more than there are choices")
        if (option.modality is Modality.clinical_trial) != (option.intent == [Intent.learn]):
            problems.append(f"{where}.intent: a clinical trial's aim is learn, and only a "
                            "trial's (a study claims no benefit the sources do not)")  # fmt: skip
        if not option.uses and not option.given_with and option.treats_cancer:
            problems.append(f"{where}: a cancer treatment must say what is given (uses)")
        problems.extend(_check_condition(option.when, f"{where}.when", facts, values))
        caveat_ids = [c.id for c in option.caveats]
        if len(set(caveat_ids)) != len(caveat_ids):
            problems.append(f"{where}: a caveat id is used twice")
        for caveat in option.caveats:
            problems.extend(
                _check_condition(caveat.when, f"{where}.caveats[{caveat.id}]", facts, values)
            )
        # an option rests on the sources about its cancers and the general one, and so does
        # each of its caveats: a stomach option had cited the cervical page, listed among a
        # stomach answer's sources, and the cervical radiation's note on past pelvic radiation
        # the rectal page (what one page says of the pelvis is not said of another cancer)
        about = {s.id: s.cancer for s in data.sources}
        cited = [("evidence", option.evidence),
                 *((f"caveats[{c.id}].evidence", c.evidence) for c in option.caveats)]
        for what, spans in cited:
            for span in spans:
                if span.source in about and about[span.source] not in {*option.cancers, "any"}:
                    problems.append(f"{where}.{what}: cites {span.source}, a source about "
                                    f"{about[span.source]}, not about "
                                    f"{', '.join(option.cancers)} nor advanced cancer in "
                                    "general")  # fmt: skip
    source_ids = {s.id for s in data.sources}
    for kind in KINDS:
        for record in getattr(data, kind):
            # its own evidence, each caveat's and each derived value's: each a list of its own
            lists = [getattr(record, "evidence", []),
                     *(c.evidence for c in getattr(record, "caveats", [])),
                     *(d.evidence for d in getattr(record, "derived", []))]  # fmt: skip
            for cited in lists:
                for span in cited:
                    if span.source not in source_ids:
                        problems.append(
                            f"{kind}[{record.id}]: evidence cites unknown source {span.source!r}"
                        )
                # a list citing a passage twice (a copy and paste) adds nothing
                seen = [(s.source, s.start, s.end) for s in cited]
                for twice in sorted({c for c in seen if seen.count(c) > 1}):
                    problems.append(f"{kind}[{record.id}]: evidence cites {twice[0]} "
                                    f"{twice[1]}-{twice[2]} twice in one list")  # fmt: skip
    if problems:
        raise KBError(problems)
    kb = _index(data, by_id, kind_of, facts, values)
    if problems := _unasked(kb):
        raise KBError(problems)
    return kb


def _unasked(kb: KnowledgeBase) -> list[str]:
    """Each value a person may give that leaves a test of an option undecided (a broader one:
    radiation stopped working, for an option that gives radiation from outside the body) with
    no question that narrows it down (``KnowledgeBase.which``): the engine would ask such a
    person the fact's general question, which they had just answered ("Which treatments have
    been tried that stopped working ...?" of radiation that stopped). The tests are those an
    option's questions come from (``engine._asked``): its condition, for each cancer, what rules
    it out and the symptoms it relieves. "Perhaps others not listed" asks of what was tested."""
    unasked: dict[tuple[str, str], list[str]] = {}  # (fact, value): the options
    for option, rules in kb.rules.items():
        exprs = (rules.when, *(covers for _, covers in rules.scope.uncovered),
                 *(r.test for r in rules.ruled_out), *rules.relief)  # fmt: skip
        for test in (t for expr in exprs for t in tests_of(expr)):
            for value in sorted(test.unknown - {OTHERS_NOT_KNOWN}):
                if kb.which(test.fact, value, test.wanted) is None and option not in unasked.get(
                        (test.fact, value), []):  # fmt: skip
                    unasked.setdefault((test.fact, value), []).append(option)
    out = []
    for (fact, value), options in sorted(unasked.items()):
        own = any(v.id == value for v in kb.facts[fact].values)  # a fact's own value first
        where = (f"facts[{fact}]: the value {value!r}" if own
                 else f"{kb.kind_of.get(value)}[{value}]")  # fmt: skip
        out.append(f"{where}: needs a question that narrows it down (which): given in "
                   f"{fact}, it leaves {', '.join(options)} undecided")  # fmt: skip
    return out


def _index(
    data: KBData,
    by_id: dict[str, Record],
    kind_of: dict[str, str],
    facts: dict[str, Fact],
    values: dict[str, dict[str, frozenset[str]]],
) -> KnowledgeBase:
    """The indexes of a cross-checked document: names, codes, value names and labels, and each
    option's rules lowered against the vocabulary."""
    names: dict[str, list[str]] = {}
    codes: dict[tuple[str, str], list[str]] = {}
    for ident, record in by_id.items():
        for written in record_labels(record):
            bucket = names.setdefault(normalise_name(written), [])
            if ident not in bucket:
                bucket.append(ident)
        for system, code in record_codes(record):
            for key in ((system, code), ("", code)):  # "" for a bare code, of any system
                bucket = codes.setdefault(key, [])
                if ident not in bucket:
                    bucket.append(ident)
    vocabulary = Vocabulary(values)
    value_labels = {(f.id, v.id): v.label for f in facts.values() for v in f.values}

    def label(fact: str, value: str) -> str:
        return value_labels.get((fact, value)) or name_of(by_id, value)

    value_names: dict[str, dict[str, str]] = {}
    for fact_id, fact in facts.items():
        table = value_names[fact_id] = {}  # value ids and labels first, then entity names
        for value in values[fact_id]:
            table.setdefault(normalise_name(value), value)
        for v in fact.values:
            table.setdefault(normalise_name(v.label), v.id)
    facts_with: dict[str, list[str]] = {}  # a value, and the facts it is a value of
    for fact_id in facts:
        for value in values[fact_id]:
            facts_with.setdefault(value, []).append(fact_id)
    for folded, ids in names.items():  # a name means the first of its records a fact accepts
        for ident in ids:
            for fact_id in facts_with.get(ident, []):
                value_names[fact_id].setdefault(folded, ident)
    # a name written without its little words ("bleeding from vagina", "pain in my rectum" once
    # its own are left out too): the same name, where no name is so written (after every name)
    for ident, record in by_id.items():
        for written in record_labels(record):
            for fact_id in facts_with.get(ident, []):
                value_names[fact_id].setdefault(
                    normalise_name(without_little_words(written)), ident)

    treatments = Treatments.of(data, by_id, kind_of, vocabulary)

    # the drugs an option gives with chemotherapy, named as such or as a chemotherapy drug or
    # regimen (trastuzumab, nivolumab; cetuximab with irinotecan, bevacizumab with FOLFIRI), and
    # what they are kinds of (targeted therapy): one of them that stopped working leaves open
    # whether the chemotherapy given with it did
    with_chemotherapy = frozenset().union(*(
        vocabulary.up("progressed_on", used)
        for o in data.options if chemotherapy_with(o, vocabulary)
        for used in o.uses if kind_of.get(used) == "drugs"
    )) - {"chemotherapy"}  # fmt: skip
    lowering = Lowering(
        vocabulary, {f.id: f.label for f in facts.values()}, {f.id: f.type for f in facts.values()},
        label, {drug: frozenset(regimens) for drug, regimens in treatments.containing.items()},
        with_chemotherapy, {f.id: f.is_for for f in facts.values() if f.is_for},
        lambda fact, value: (getattr(by_id.get(value), "phrase", None)
                             or in_sentence(label(fact, value))),
    )  # fmt: skip

    own = frozenset(c for o in data.options for c in o.cancers if c != "any")
    covers = {c.id: lowering.expr(c.covers) for c in data.cancers if c.covers is not None}
    partners = partners_of(data, kind_of)
    by_option = {o.id: o for o in data.options}
    merged: dict[str, list[Option]] = {}  # an option, and the general options that are the same
    for general in data.options:
        for same in general.same_as:
            merged.setdefault(same, []).append(general)
    derived = tuple(  # values the data derives, when the person does not give them
        Implied(fact.id, d.value, lowering.expr(d.when), if_unknown=True, why=d.note,
                warning=None if d.told else f"{fact.id}: {d.note}", told=d.told)
        for fact in facts.values()
        for d in fact.derived
    )  # fmt: skip
    children: dict[str, list[str]] = {}  # the kinds of each procedure (bowel resection's)
    for procedure in data.procedures:
        if procedure.parent:
            children.setdefault(procedure.parent, []).append(procedure.id)

    def gives(option: Option) -> frozenset[str]:
        given = [*option.uses, *option.given_with, *option.may_involve]
        out = set(given)
        for g in given:
            record = by_id.get(g)
            if isinstance(record, Regimen):
                out.update(record.components)
            if isinstance(record, Procedure):
                out.update(children.get(g, []))
        return frozenset(out)

    return KnowledgeBase(
        data=data,
        by_id=by_id,
        kind_of=kind_of,
        names={k: tuple(v) for k, v in names.items()},
        codes={k: tuple(v) for k, v in codes.items()},
        vocabulary=vocabulary,
        facts=facts,
        sources={s.id: s for s in data.sources},
        options=tuple(data.options),
        rules={
            o.id: option_rules(
                o, lowering, own, covers,
                lambda ident: ruled_out_routes(ident, treatments, lowering), partners[o.id],
                [by_option[i] for i in o.same_as],
                merged.get(o.id, []),
            )
            for o in data.options
        },
        implied=tuple(replace(i, when=widened(i.when, vocabulary)) for i in IMPLIED_FIRST)
        + derived
        + tuple(replace(i, when=widened(i.when, vocabulary)) for i in IMPLIED_LAST),
        workup={
            f.id: lowering.expr(None if f.workup is True else f.workup)
            for f in facts.values()
            if f.workup is not False
        },
        value_names=value_names,
        value_labels=value_labels,
        with_chemotherapy=with_chemotherapy,
        given_with_radiation=lowering.with_radiation,
        gives={o.id: gives(o) for o in data.options},
        notes_when={n.id: lowering.expr(n.when) for n in data.notes},
        kin=treatments.kin,
        covers=covers,
        only_one_had=only_one_had(vocabulary, kind_of),
        cancers_by_place=cancers_by_place(data),
    )


def cancers_by_place(data: KBData) -> dict[str, str]:
    """Each name of a cancer that says "cancer", with the words that describe a cancer left out
    (``words.place_words``: "neck of the womb cancer" as "neck womb", "back passage cancer" as
    "back passage", "colonic cancer" as "colonic"), to the cancer's id: those a name typed is
    read by too. Not a name of a kind of tumour ("invasive ductal carcinoma": what is left may be
    a kind of cell, not a place, and "ductal adenocarcinoma" is most often of the pancreas: a
    review), nor a name left with no words ("advanced cancer"), nor one of two cancers."""
    found: dict[str, set[str]] = {}
    for cancer in data.cancers:
        if cancer.id == "any":
            continue
        for name in cancer.names():
            if not re.search(r"\bcancer\b", name.lower()):
                continue
            if place := " ".join(place_words(name)):
                found.setdefault(place, set()).add(cancer.id)
    return {place: ids.pop() for place, ids in found.items() if len(ids) == 1}


def parse(files: Iterable[Path | tuple[str, bytes]]) -> KnowledgeBase:
    """Parse, validate and cross-check the YAML data files. Raises KBError."""
    doc, problems = read_files(files)
    if problems:
        raise KBError(problems)
    try:
        data = KBData.model_validate(doc)
    except ValidationError as error:
        raise KBError(_format_validation(error, doc)) from None
    return build(data)





# --------------------------------------------------------------------------------------------
# The artefact: the document as one JSON file, made from the YAML and validated when read
# --------------------------------------------------------------------------------------------


class Artefact(Model):
    """``kb.json``: the validated document and the sha256 of the YAML files it was made from."""

    format: Literal["onconav-kb-1"]
    yaml_sha256: str
    data: KBData


def yaml_digest(files: list[tuple[str, bytes]]) -> str:
    """The sha256 of the data files' names and bytes."""
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(f"\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def yaml_files(base: Path) -> list[tuple[str, bytes]]:
    """The data files under ``base`` as (relative name, bytes). Raises KBError when there are
    none: a folder that does not exist or holds no data had loaded an empty knowledge base."""
    paths = data_files(base)
    if not paths:
        raise KBError([f"{base}: no data files (*.yaml, options/*.yaml) in it; the root is the "
                       "folder of the knowledge base's data files"])  # fmt: skip
    return [(p.relative_to(base).as_posix(), p.read_bytes()) for p in paths]


def artefact_text(root: str | Path | None = None) -> str:
    """The text ``kb.json`` should hold for the data files under ``root``. Raises KBError."""
    base = data_root(root)
    files = yaml_files(base)
    kb = parse(files)
    doc = {
        "format": ARTEFACT_FORMAT,
        "yaml_sha256": yaml_digest(files),
        "data": kb.data.model_dump(mode="json", by_alias=True, exclude_defaults=True),
    }
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def read_artefact(path: Path, digest: str) -> KBData | None:
    """The document kept in ``path`` if it was made from the YAML with this digest and is valid;
    None otherwise (then the YAML is read)."""
    try:
        kept = Artefact.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None
    return kept.data if kept.yaml_sha256 == digest else None


def load_kb(root: str | Path | None = None) -> KnowledgeBase:
    """Load, validate, cross-check and index the knowledge base (the packaged one by default).

    The document comes from ``kb.json`` beside the YAML when that was made from exactly these
    YAML files (validated by the same models as the YAML), else from the YAML. ``root``, the
    folder of the data files, is a Path or its name. Raises KBError.
    """
    base = data_root(root)
    files = yaml_files(base)
    data = read_artefact(base / ARTEFACT, yaml_digest(files))
    return build(data) if data is not None else parse(files)
