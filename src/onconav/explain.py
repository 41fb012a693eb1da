"""What the knowledge base says about one entity, and how much it holds: the explain view and the
counts, as data for any front end to show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from onconav.kb.load import KnowledgeBase, Record
from onconav.kb.model import (
    KIND_OTHER_WORDS,
    KINDS,
    MODALITY_WORDS,
    PROMINENCE_WORDS,
    TIMING_WORDS,
    Cancer,
    Drug,
    DrugClass,
    LabTest,
    Note,
    Option,
    Procedure,
    ProcedureKind,
    Regimen,
    Span,
    Symptom,
    aim_words,
)
from onconav.kb.vocabulary import CODE_SYSTEMS, as_listed
from onconav.logic import Truth, relieves
from onconav.words import ROUTE, and_list, cut

KIND_LABEL = {
    "sources": "source",
    "cancers": "cancer",
    "drug_classes": "kind of drug",
    "drugs": "drug",
    "regimens": "regimen",
    "procedures": "procedure",
    "tests": "test",
    "symptoms": "symptom",
    "sites": "place the cancer can spread to",
    "glossary": "term",
    "notes": "note",
    "options": "option",
}


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Reading:
    """The entries a name is of (``read``), and, when some of its words were not used to find
    them, the words used (``read_as``) and those set aside (``not_used``: "pills" of "chemo
    pills")."""

    found: list[Record]
    read_as: str | None = None
    not_used: str | None = None
    # with no entry found, the kind of procedure the name is (``kind_view``: surgery)
    kind: EntityView | None = None

    def views(self, kb: KnowledgeBase) -> list[EntityView]:
        """What each front end shows: each entry found, or the kind of procedure."""
        return [view(kb, r) for r in self.found] or ([self.kind] if self.kind else [])

    @property
    def notice(self) -> str | None:
        """The words set aside, said where the entry is shown (the command line, the page, the
        API's ``notices``), as the search says the words of a question it did not use: "chemo
        pills" had shown chemotherapy without a word of "pills"."""
        if not self.found or self.not_used is None:
            return None
        return (f"Read as “{cut(self.read_as or '')}”: “{cut(self.not_used)}”, how it is "
                "given, was not used to find it.")


def read(kb: KnowledgeBase, name: str) -> Reading:
    """The entries a name is of, as `onconav explain`, /explain/{name}, the API's explain and
    search's entries explained find them: by any name or code (``kb.find``), or, with none,
    the treatment a name says with how it is given, as a profile reads a treatment
    (``words.ROUTE``): "chemo pills", "Xeloda tablets" and "IV chemo" are read by a profile
    and had been "nothing in the knowledge base is called ..." to explain; the words of how it
    is given are then said to be set aside (``Reading.notice``)."""
    found = kb.find(name) or _as_test(kb, name)
    route = None if found else ROUTE.fullmatch(name)
    if route is None:
        return Reading(found, kind=None if found else kind_view(kb, name))
    group = next(g for g in range(1, len(route.groups()) + 1) if route.group(g))
    used = route.group(group)
    left = f"{name[: route.start(group)]} {name[route.end(group) :]}"
    return Reading(kb.find(used), used.strip(), " ".join(left.strip(" ()").split()) or None)


def _as_test(kb: KnowledgeBase, name: str) -> list[Record]:
    """The tests a name is of with "test" after it, when the name alone is of nothing: "ISH",
    "FISH" and "IHC" are what a pathology report and the questions call the tests "ISH test",
    "FISH test" and "IHC test", and had been "does not know" though the entry lists those names
    (a review of the page as a family). Tests only: a name of another kind is not a test."""
    if name.casefold().rstrip().endswith("test"):
        return []
    return [r for r in kb.find(f"{name.strip()} test") if kb.kind_of.get(r.id) == "tests"]


def kind_view(kb: KnowledgeBase, name: str) -> EntityView | None:
    """A kind of procedure (``ProcedureKind``: surgery, stent, tube) named, by its own word or
    another (``KIND_OTHER_WORDS``: "operation"), alone or plural, that no entry of the knowledge
    base is: the procedures of that kind, each with a page of its own, each named as a list
    reads (``as_listed``: "gastrectomy" had been listed so beside "Subtotal gastrectomy").
    "surgery" had been "nothing in the knowledge base is called 'surgery'", though a profile
    reads it (a treatment had, any operation) and the answer's words say it; so had
    "operation"."""
    said = " ".join(name.casefold().split())
    kind = next((k for k in ProcedureKind for word in (k.value, *KIND_OTHER_WORDS.get(k, ()))
                 if said in (word, word + "s", word[:-1] + "ies")), None)  # fmt: skip
    if kind is None:
        return None
    of_kind = [p for p in kb.data.procedures if p.kind is kind]
    if not of_kind:
        return None
    return EntityView(
        id=kind.value, kind="procedures", kind_label="kind of procedure",
        title=kind.value.capitalize(), aliases=[],
        text=f"The knowledge base has no entry for {kind.value} in general: it has the "
             f"procedures of this kind below, each explained on its own, with the options that "
             "give it.",
        used_by=[UsedBy(p.id, as_listed(p.name), False) for p in of_kind],
        used_by_heading=OF_THIS_KIND)  # fmt: skip


def find(kb: KnowledgeBase, name: str) -> list[Record]:
    """The entries a name is of (``read``)."""
    return read(kb, name).found


def cancers_of(kb: KnowledgeBase, ident: str) -> list[str]:
    """The cancers an option is for (their ids), when it is not for every cancer; none for an
    option for every cancer and for an entry that is not an option."""
    record = kb.by_id.get(ident)
    if not isinstance(record, Option) or "any" in record.cancers:
        return []
    return list(record.cancers)


def for_cancers(kb: KnowledgeBase, ident: str) -> str | None:
    """The cancers an option is for, in words ("for rectal cancer"), when it is not for every
    cancer; None for an option for every cancer and for an entry that is not an option. A list
    of options (a search's hits, "Options that give it") names them: a search from a stomach
    cancer's answer listed "Chemotherapy into the liver artery" without saying that it is an
    option for rectal cancer only."""
    cancers = cancers_of(kb, ident)
    return "for " + and_list(kb.name_of(c) for c in cancers) if cancers else None


def kind_words(kb: KnowledgeBase, ident: str) -> str:
    """An entry's kind in words, an option's with the cancers it is for when it is not for every
    cancer: "drug", "option", "option for rectal cancer"."""
    of = kb.kind_of.get(ident, "")
    label, cancers = KIND_LABEL.get(of, of), for_cancers(kb, ident)
    return f"{label} {cancers}" if cancers else label


def labels_apart(kb: KnowledgeBase, refs: Sequence[_Named]) -> list[str | None]:
    """For entries listed together (what cites a passage), what a list says beside each name,
    None for a name that needs nothing: its kind where another of the same name is listed
    ("Surgery to stop bleeding" the option and the procedure: two links of the same words led
    to two pages), and the cancers of an option for some cancers only ("for rectal cancer",
    "option for stomach cancer": "Radiation to ease symptoms" for rectal and for stomach
    cancer; "Chemotherapy into the liver artery" listed from a stomach answer without saying it
    is for rectal cancer)."""
    names = Counter(r.name.casefold() for r in refs)
    out: list[str | None] = []
    for r in refs:
        of = kb.kind_of.get(r.id, "")
        kind = KIND_LABEL.get(of, of) if names[r.name.casefold()] > 1 else ""
        out.append(" ".join(w for w in (kind, for_cancers(kb, r.id)) if w) or None)
    return out


def names_apart(kb: KnowledgeBase, refs: Sequence[_Named]) -> list[str]:
    """The names of entries listed together, each with what ``labels_apart`` says beside it:
    "Surgery to stop bleeding (procedure)", "Chemotherapy into the liver artery (for rectal
    cancer)"."""
    return [f"{r.name} ({label})" if label else r.name
            for r, label in zip(refs, labels_apart(kb, refs), strict=True)]  # fmt: skip

# the heading of the options that give an entry, in every front end (the command line said
# "Options that use it", the page "Options that give it")
USED_BY = "Options that give it"
# a symptom's: the options whose condition tests it (``eased_by``)
EASED_BY = "Options that may ease it"
# a kind of procedure that no entry is (``kind_view``: surgery): the procedures of that kind
OF_THIS_KIND = "The procedures of this kind in the knowledge base"


@dataclass(frozen=True)
class UsedBy:
    id: str
    name: str
    in_trials: bool
    cancers: list[str] = field(default_factory=list)  # ``cancers_of``: none for any cancer


@dataclass(frozen=True)
class EntityView:
    """An entity in plain words: what it is, its details as (label, words) lines, its codes, the
    options that use it, what it settles (a test) and the passages it cites."""

    id: str
    kind: str
    kind_label: str
    title: str
    aliases: list[str]
    text: str | None
    details: list[tuple[str, str]] = field(default_factory=list)
    in_trials: bool = False
    notes: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    used_by: list[UsedBy] = field(default_factory=list)
    settles: list[str] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    used_by_heading: str = USED_BY  # what ``used_by`` are: ``EASED_BY`` for a symptom


def eased_by(kb: KnowledgeBase, symptom: str) -> list[Option]:
    """The options that may ease a symptom, by the knowledge base's rules as `onconav options`
    reads them (``logic.relieves``): those whose condition tests it, or tests a kind of it that
    the symptom alone leaves open ("bleeding": from the stomach or bowel, or the vagina?), for a
    person who names only it. A symptom's explain page had shown only its names ("blocked
    kidney", "bleeding": all 22 symptoms)."""
    row = {"symptoms": frozenset({symptom})}
    return [o for o in kb.options if relieves(kb.rules[o.id], row) is not Truth.FALSE]


def codes(record: Record) -> list[str]:
    """The record's codes, as "System code, code"."""
    out = []
    for attr, label, _ in CODE_SYSTEMS.values():
        value = getattr(record, attr, None)
        values = [value] if isinstance(value, str) else list(value or [])
        if values:
            out.append(f"{label} {', '.join(values)}")
    return out


def view(kb: KnowledgeBase, record: Record) -> EntityView:
    kind = kb.kind_of.get(record.id, "")
    details: list[tuple[str, str]] = []

    def names(ids: list[str]) -> str:
        return ", ".join(kb.name_of(i) for i in ids)

    if isinstance(record, Drug):
        details.append(("Kind of drug", names(record.classes)))
    if isinstance(record, Regimen):
        details.append(("Drugs in it", names(record.components)))
    if isinstance(record, Procedure | Symptom) and record.parent:
        details.append(("A kind of", kb.name_of(record.parent)))
    if isinstance(record, Symptom):
        kinds = [s.id for s in kb.data.symptoms if s.parent == record.id]
        if kinds:
            details.append(("Kinds of it", names(kinds)))
    if isinstance(record, Option):
        # the answer's words (render): "Aim: learn" and "type: nutrition" were codes
        details.append(("For", names(record.cancers)))
        details.append(("Kind of option", MODALITY_WORDS[record.modality]))
        if record.uses:
            details.append(("Uses", names(record.uses)))
        if record.given_with:
            details.append(("Given with", names(record.given_with)))
        details.append(("Aim", aim_words((i.value for i in record.intent), record.in_trials)))
        if record.prominence:
            often = record.prominence.value
            details.append(("How often it is used",
                            PROMINENCE_WORDS.get(often, often.replace("_", " "))))  # fmt: skip
        if record.timing:
            details.append(("When", ", ".join(TIMING_WORDS.get(t.value, t.value.replace("_", " "))
                                              for t in record.timing)))  # fmt: skip
    used_by: list[UsedBy] = []
    if isinstance(record, Symptom):
        users = eased_by(kb, record.id)
        used_by = [UsedBy(o.id, o.name, o.in_trials, cancers_of(kb, o.id)) for o in users]
    elif not isinstance(record, Option | Note):
        users = kb.options_using(record.id)
        if isinstance(record, DrugClass | Cancer):
            users = users or [o for o in kb.options if record.id in o.cancers]
        used_by = [UsedBy(o.id, o.name, o.in_trials, cancers_of(kb, o.id)) for o in users]
    return EntityView(
        id=record.id,
        kind=kind,
        kind_label=KIND_LABEL.get(kind, kind),
        title=kb.name_of(record.id),
        aliases=list(getattr(record, "aliases", [])),
        text=getattr(record, "description", None)
        or getattr(record, "text", None)
        or getattr(record, "note", None),
        details=details,
        in_trials=isinstance(record, Option) and record.in_trials,
        notes=[c.text for c in record.caveats] if isinstance(record, Option) else [],
        codes=codes(record),
        used_by=used_by,
        settles=[f.label for f in kb.data.facts if record.id in f.decided_by
                 or any(record.id in v.decided_by for v in f.values)]  # (HER2 2+: ISH)
        if isinstance(record, LabTest)
        else [],
        evidence=kb.evidence_of(record)
        if isinstance(record, Option)
        else list(getattr(record, "evidence", [])),
        used_by_heading=EASED_BY if isinstance(record, Symptom) else USED_BY,
    )


def stats(kb: KnowledgeBase) -> dict[str, object]:
    """Entries per kind and per source, options only in trials, evidence spans."""
    counts = {kind: len(getattr(kb.data, kind)) for kind in KINDS}
    per_source: dict[str, Counter[str]] = {s.id: Counter() for s in kb.data.sources}
    for kind in KINDS:
        for record in getattr(kb.data, kind):
            cited = {span.source for span in getattr(record, "evidence", [])}
            for caveat in getattr(record, "caveats", []):
                cited |= {span.source for span in caveat.evidence}
            for source in cited:
                per_source[source][kind] += 1
    spans = kb.spans()
    for _, span in spans:
        per_source[span.source]["spans"] += 1
    return {
        "version": kb.version,
        "counts": counts,
        "in_trials": sum(1 for o in kb.options if o.in_trials),
        "spans": len(spans),
        "per_source": {sid: dict(counter) for sid, counter in per_source.items()},
    }
