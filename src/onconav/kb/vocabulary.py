"""Names, codes and value trees: how the words and codes people use map onto the knowledge base.

- ``normalise_name`` folds a name for look-up (case, accents, punctuation and spacing ignored).
- ``Vocabulary`` holds, for each fact, every accepted value with the broader values above it
  (stage 4A is under stage 4; FOLFIRI is under chemotherapy): a test of a narrower value is
  UNKNOWN when only the broader one is known.
- ``CODE_SYSTEMS`` and ``parse_code`` read clinical codes (SNOMED CT, ICD-10, RxNorm, LOINC, NCI
  Thesaurus) written as ``system|code`` or as a bare code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from onconav.kb.model import Fact, FactType, KBData


def normalise_name(name: str) -> str:
    """Fold a name for look-up: case, accents, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+]+", "", text.lower())


# the little words a name may be written with or without ("the", "my"): not what it names
LITTLE_WORDS = frozenset({"the", "a", "an", "my", "his", "her", "their", "our", "your"})


def without_little_words(name: str) -> str:
    """A name without its little words: "bleeding from the vagina" as "bleeding from vagina"."""
    return " ".join(w for w in name.lower().split() if w not in LITTLE_WORDS)


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Where the cancer started" as "where the cancer started", a
    label that starts with a name in capitals ("HER2 status of the cancer") kept as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def as_listed(name: str) -> str:
    """A name as a line of a list begins (``in_sentence`` the other way): with a capital
    ("gastrectomy" as "Gastrectomy", beside "Subtotal gastrectomy"); one in capitals or that
    begins with a digit as it is."""
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Vocabulary:
    """For each fact, each value mapped to itself and every broader value above it."""

    ancestors: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def up(self, fact: str, value: str) -> frozenset[str]:
        """``value`` and every broader value above it."""
        return self.ancestors.get(fact, {}).get(value, frozenset((value,)))

    def up_narrowest_first(self, fact: str, value: str) -> list[str]:
        """``up`` in a fixed order, the narrowest first (fewest values under it; then by id):
        the words that name one of them say the closest kind ("an immune checkpoint inhibitor",
        not "targeted therapy"), the same in every run (a set's order had changed with Python's
        hash seed, and the reasons with it)."""
        return sorted(self.up(fact, value), key=lambda up: (len(self.below(fact, up)), up))

    def below(self, fact: str, value: str) -> frozenset[str]:
        """The known values at or under ``value`` (those with ``value`` among their ``up``)."""
        return frozenset(v for v, ups in self.ancestors.get(fact, {}).items() if value in ups)

    def known(self, fact: str) -> frozenset[str]:
        return frozenset(self.ancestors.get(fact, {}))


def _ancestors(parents: Mapping[str, str | None]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for value in parents:
        chain = [value]
        seen = {value}
        parent = parents.get(value)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = parents.get(parent)
        out[value] = frozenset(chain)
    return out


# Facts for which a drug counts as every regimen that contains it: a person who cannot have
# irinotecan cannot have FOLFIRI either ("cannot_have has folfiri" is then true), and when
# irinotecan stopped working, FOLFIRI, which contains it, counts as stopped working too: the
# choices for when FOLFIRI cannot be used or stopped working apply. Stopped working, only the
# regimens it stops (``Regimen.stopped_by``: its key drugs): 5-FU alone stopped is not FOLFIRI
# stopped, whose irinotecan has not been tried. One who cannot have FOLFIRI may or may not be
# able to have irinotecan ("cannot_have has irinotecan" is then unknown).
CONTAINED_IN_REGIMENS = frozenset({"cannot_have", "progressed_on"})
# The kinds of procedure that are no treatment that can stop working: an operation, a stent, a
# tube, a look inside, care for symptoms. Treatments that stopped working (progressed_on) are
# drugs, regimens, radiation, ablation and drugs into the liver's artery; "colostomy" or
# "palliative care" there had been taken and then read by no rule, while "surgery" was refused.
CANNOT_STOP_WORKING = frozenset({"surgery", "stent", "tube", "endoscopy", "care"})


def fact_values(data: KBData, fact: Fact) -> dict[str, frozenset[str]]:
    """Accepted values of a fact, each with its broader values."""
    if fact.type is FactType.bool:
        return {}
    anc = _ancestors({v.id: v.parent for v in fact.values})
    if "cancers" in fact.values_from:
        for cancer in data.cancers:
            anc.setdefault(cancer.id, frozenset((cancer.id,)))
    if "therapies" in fact.values_from:
        kinds = _ancestors({c.id: c.parent for c in data.drug_classes})  # platinum: chemo
        for drug_class in data.drug_classes:
            anc.setdefault(drug_class.id, kinds[drug_class.id])
        for drug in data.drugs:
            anc[drug.id] = frozenset((drug.id,)).union(*(kinds.get(c, {c}) for c in drug.classes))
        for regimen in data.regimens:
            classes = {c for d in data.drugs if d.id in regimen.components for c in d.classes}
            anc[regimen.id] = frozenset((regimen.id,)).union(*(kinds.get(c, {c}) for c in classes))
        if fact.id in CONTAINED_IN_REGIMENS:  # what stopping working stops: ``stopped_by``
            for regimen in data.regimens:
                parts = regimen.stopped_by if fact.id == "progressed_on" else regimen.components
                for part in parts:
                    if part in anc:
                        anc[part] = anc[part] | {regimen.id}
        if fact.id == "progressed_on":  # a regimen that stopped working stops those that share
            # its key drug, as the drug alone does (CAPIRI stopped: FOLFIRI, whose key drug is
            # irinotecan too, counts as stopped, and the drugs for after FOLFIRI apply; they
            # were ruled out, "FOLFIRI ... which you did not list"); not through other drugs
            # (FOLFOX shares 5-FU with FOLFIRI, whose stopping FOLFIRI comes after)
            for regimen in data.regimens:
                anc[regimen.id] = anc[regimen.id] | {
                    other.id for other in data.regimens
                    if other.id != regimen.id and set(regimen.key_drugs) & set(other.key_drugs)}
        if fact.id == "cannot_have":  # one who cannot have any drug of a kind cannot have a
            # regimen that holds one (no fluoropyrimidine: no FOLFIRI, so the drugs for when
            # FOLFIRI cannot be used apply; they had asked); one of a kind that stopped working
            # says nothing of which, so not for what stopped working
            for drug_class in data.drug_classes:
                members = {d.id for d in data.drugs if drug_class.id in anc[d.id]}
                anc[drug_class.id] = anc[drug_class.id] | {
                    r.id for r in data.regimens if members & set(r.components)}
        procedure_parent = {p.id: p.parent for p in data.procedures}
        for proc, chain in _ancestors(procedure_parent).items():
            anc[proc] = chain | anc.get(proc, frozenset())
        if fact.values:  # a fact of kinds of treatment (prior_treatments, planned)
            _count_as_kinds(data, fact, anc)
        for regimen in data.regimens:  # cisplatin with radiation is chemoradiation, and so on
            for proc in regimen.counts_as:
                anc[regimen.id] = anc[regimen.id] | anc.get(proc, frozenset((proc,)))
        if fact.id == "progressed_on":  # only what treats the cancer can stop working
            for procedure in data.procedures:  # a trial's treatment can (a review: refused)
                if procedure.kind.value in CANNOT_STOP_WORKING:
                    anc.pop(procedure.id, None)
    if "sites" in fact.values_from:
        anc.update(_ancestors({s.id: s.parent for s in data.sites}))
    if "symptoms" in fact.values_from:
        anc.update(_ancestors({s.id: s.parent for s in data.symptoms}))
    return anc


# A procedure counts as the kind of treatment it is, for the facts of kinds of treatment had or
# planned (surgery, radiation); one that gives a drug is that drug treatment as well:
# chemoradiation, and hepatic arterial infusion, chemotherapy sent into the liver's artery (had
# alone, it had been "no drug treatment": nothing could have stopped working).
TREATMENT_OF_KIND = {"surgery": "surgery", "radiation": "radiation"}
ALSO_COUNTS_AS = {"chemoradiation": "chemotherapy", "hepatic-arterial-infusion": "chemotherapy"}
# Of what stopped working, only liver-artery chemotherapy counts as chemotherapy that stopped:
# it is given for cancer spread to the liver, so the options for after chemotherapy apply (they
# had asked whether chemotherapy stopped working, then refused the answer). Chemoradiation that
# stopped is not chemotherapy for spread that did: its chemotherapy is often given for an
# earlier stage. An option for after chemotherapy stops asks of it, however named (cisplatin with
# radiation, whose drug is a chemotherapy drug, too): ``rules.given_with_radiation``.
STOPPED_COUNTS_AS = {"hepatic-arterial-infusion": "chemotherapy"}


def _count_as_kinds(data: KBData, fact: Fact, anc: dict[str, frozenset[str]]) -> None:
    """Every drug, regimen and procedure counts as the kinds of treatment of ``fact`` it is (a
    low anterior resection: a bowel resection, so surgery; FOLFOX: chemotherapy), so that a
    treatment named for what it is answers a question about its kind."""
    own = {v.id for v in fact.values}
    values = _ancestors({v.id: v.parent for v in fact.values})
    for proc in data.procedures:
        kind = TREATMENT_OF_KIND.get(proc.kind.value)
        extra = {kind} if kind in own else set()
        if ALSO_COUNTS_AS.get(proc.id) in own:
            extra.add(ALSO_COUNTS_AS[proc.id])
        if fact.id == "progressed_on" and proc.id in STOPPED_COUNTS_AS:  # a drug's kind
            extra.add(STOPPED_COUNTS_AS[proc.id])
        anc[proc.id] = anc[proc.id] | extra
    for value, ups in list(anc.items()):  # and then as what those kinds are kinds of
        anc[value] = ups.union(*(values[u] for u in ups if u in values))


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------

# Each code system: the record attribute that holds its codes, its name for people, and the ways
# it may be named before the "|" (its FHIR system URI first, then short names), folded with
# normalise_name. In the order a record's codes are shown.
CODE_SYSTEMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "rxnorm": (
        "rxnorm", "RxNorm", ("http://www.nlm.nih.gov/research/umls/rxnorm", "rxnorm", "rxcui"),
    ),
    "ncit": (
        "ncit", "NCI Thesaurus",
        ("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "ncit", "nci", "ncithesaurus"),
    ),
    "icd10": (
        "icd10", "ICD-10",
        ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10", "icd10",
         "icd10cm"),
    ),
    "snomed": ("snomed", "SNOMED CT", ("http://snomed.info/sct", "snomed", "snomedct", "sct")),
    "loinc": ("loinc", "LOINC", ("http://loinc.org", "loinc")),
}  # fmt: skip
_SYSTEM_NAMES = {
    normalise_name(name): system for system, (_, _, names) in CODE_SYSTEMS.items() for name in names
}


def system_of(name: str) -> str | None:
    """The code system a name or URI means (``snomed``, ``icd10``, ...), or None."""
    return _SYSTEM_NAMES.get(normalise_name(name))


ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def is_code(text: str) -> bool:
    """Whether ``text`` is written as a code: ``system|code``, an ICD-10 code (C16, C16.9) or a
    number (SNOMED CT, RxNorm)."""
    bare = text.strip().upper()
    return "|" in text or bool(ICD10.match(bare)) or bare.isdigit()


def parse_code(text: str) -> tuple[str | None, str] | None:
    """``system|code`` as (system, code); a bare code as (None, code); None if ``text`` names a
    system that is not known. Codes are compared as written, with the ends trimmed and in
    upper case."""
    system_name, bar, code = text.partition("|")
    if not bar:
        return None, text.strip().upper()
    system = system_of(system_name)
    if system is None:
        return None
    return system, code.strip().upper()


def record_codes(record: object) -> list[tuple[str, str]]:
    """Every (system, code) a record carries."""
    out: list[tuple[str, str]] = []
    fields = type(record).model_fields  # type: ignore[attr-defined]
    for system, (attr, _, _) in CODE_SYSTEMS.items():
        value = getattr(record, attr) if attr in fields else None
        values = [value] if isinstance(value, str) else list(value or [])
        out += [(system, str(v).strip().upper()) for v in values]
    return out
