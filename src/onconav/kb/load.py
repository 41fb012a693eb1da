"""Load the YAML data files, validate them, cross-check every reference and build indexes.

The result of a load is kept as a snapshot in the user's cache directory, named by a hash of the
data files and of the code that validates them, so that a command started later with the same
knowledge base skips parsing and validation (see ``load_kb``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from onconav.kb.model import (
    KINDS,
    Cancer,
    Condition,
    Drug,
    DrugClass,
    Fact,
    FactTest,
    FactType,
    KBData,
    LabTest,
    Note,
    Option,
    Procedure,
    Regimen,
    Site,
    Source,
    Span,
    Symptom,
    Term,
)
from onconav.logic import Vocabulary, fact_tests

DATA_DIR = Path(__file__).with_name("data")
T = TypeVar("T")
K = TypeVar("K")


def keep(table: dict[K, T], key: K, value: T, limit: int) -> T:
    """Store ``value`` in a look-up table the layers above keep, and return it. The table is
    emptied when it reaches ``limit`` entries: the memory stays bounded whatever the input."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value

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


@lru_cache(maxsize=8192)
def normalise_name(name: str) -> str:
    """Fold a name for look-up: case, accents, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+]+", "", text.lower())


def data_dir() -> Path:
    return DATA_DIR


def data_files(root: Path | None = None) -> list[Path]:
    root = root or data_dir()
    return sorted([*root.glob("*.yaml"), *root.glob("options/*.yaml")])


def yaml_loader() -> Any:
    """PyYAML's safe loader, the C one (libyaml) where available. Imported on first use: a
    command that finds a snapshot of the knowledge base never parses YAML."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_files(files: Iterable[Path | tuple[str, bytes]]) -> tuple[dict[str, Any], list[str]]:
    """Merge the data files (paths, or names with their bytes) into one document; report kinds
    that are unknown or not lists."""
    import yaml

    loader = yaml_loader()
    merged: dict[str, Any] = {}
    problems: list[str] = []
    for item in files:
        name, content = (item.name, item.read_bytes()) if isinstance(item, Path) else item
        doc = yaml.load(content, Loader=loader)
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
    """The validated knowledge base with its indexes. Immutable; safe to share between threads."""

    data: KBData
    by_id: Mapping[str, Record]
    kind_of: Mapping[str, str]
    names: Mapping[str, tuple[str, ...]]
    vocabulary: Vocabulary
    facts: Mapping[str, Fact] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Indexes derived from the data by the layers above (built once, on first use)."""

    def derived(self, key: str, build: Callable[[], T]) -> T:
        """An index derived from this knowledge base, built on first use and kept with it."""
        try:
            return self.memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self.memo.setdefault(key, build())
            return value  # type: ignore[no-any-return]

    @property
    def version(self) -> str:
        return self.data.version or "unversioned"

    @cached_property
    def sources(self) -> dict[str, Source]:
        return {s.id: s for s in self.data.sources}

    @cached_property
    def options(self) -> tuple[Option, ...]:
        return tuple(self.data.options)

    def get(self, ident: str) -> Record:
        return self.by_id[ident]

    def find(self, name: str) -> list[Record]:
        """Every record whose id, name or alias matches ``name`` (case and punctuation folded)."""
        key = normalise_name(name)
        hits = list(self.names.get(key, ()))
        if name in self.by_id and name not in hits:
            hits.insert(0, name)
        return [self.by_id[h] for h in hits]

    def options_using(self, ident: str) -> list[Option]:
        """Options that give ``ident``: directly, through a regimen, as a companion, as a
        procedure that may be part of it, or (for a drug class) through a drug of that class."""
        members = {ident}
        if self.kind_of.get(ident) == "drug_classes":
            members |= {d.id for d in self.data.drugs if ident in d.classes}
        found = []
        for option in self.data.options:
            given = [*option.uses, *option.given_with, *option.may_involve]
            expanded = set(given)
            for g in given:
                record = self.by_id.get(g)
                if isinstance(record, Regimen):
                    expanded.update(record.components)
                if isinstance(record, Procedure):
                    expanded.update(self.procedure_children(g))
            if members & expanded:
                found.append(option)
        return found

    def procedure_children(self, ident: str) -> list[str]:
        return [p.id for p in self.data.procedures if p.parent == ident]

    def spans(self) -> list[tuple[str, Span]]:
        """Every evidence span with the id of the record (or record/caveat) that cites it."""
        out: list[tuple[str, Span]] = []
        for kind in KINDS:
            for record in getattr(self.data, kind):
                for span in getattr(record, "evidence", []):
                    out.append((record.id, span))
                for caveat in getattr(record, "caveats", []):
                    out.extend((f"{record.id}/{caveat.id}", span) for span in caveat.evidence)
        return out


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
# irinotecan cannot have FOLFIRI either ("cannot_have has folfiri" is then true); and one who
# cannot have FOLFIRI may or may not be able to have irinotecan ("cannot_have has irinotecan" is
# then unknown, not false). Not for progressed_on: a drug that stopped working on its own says
# nothing certain about a regimen with other drugs.
CONTAINED_IN_REGIMENS = frozenset({"cannot_have"})


def _fact_values(data: KBData, fact: Fact) -> dict[str, frozenset[str]]:
    """Accepted values of a fact, each with its broader values."""
    if fact.type is FactType.bool:
        return {}
    parents: dict[str, str | None] = {v.id: v.parent for v in fact.values}
    anc = _ancestors(parents)
    if "cancers" in fact.values_from:
        for cancer in data.cancers:
            anc.setdefault(cancer.id, frozenset((cancer.id,)))
    if "therapies" in fact.values_from:
        for drug_class in data.drug_classes:
            anc.setdefault(drug_class.id, frozenset((drug_class.id,)))
        for drug in data.drugs:
            anc[drug.id] = frozenset((drug.id, *drug.classes))
        for regimen in data.regimens:
            classes = {c for d in data.drugs if d.id in regimen.components for c in d.classes}
            anc[regimen.id] = frozenset((regimen.id, *classes))
        if fact.id in CONTAINED_IN_REGIMENS:
            for regimen in data.regimens:
                for part in regimen.components:
                    if part in anc:
                        anc[part] = anc[part] | {regimen.id}
        procedure_parent = {p.id: p.parent for p in data.procedures}
        for proc, chain in _ancestors(procedure_parent).items():
            anc[proc] = chain | anc.get(proc, frozenset())
    if "sites" in fact.values_from:
        for site in data.sites:
            anc.setdefault(site.id, frozenset((site.id,)))
    if "symptoms" in fact.values_from:
        anc.update(_ancestors({s.id: s.parent for s in data.symptoms}))
    return anc


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
        FactType.set: {"has", "has_any", "only", "count_max"},
    }[fact.type]
    if op not in allowed:
        return [f"{where}: operator {op!r} does not apply to {fact.type.value} fact {fact.id!r}"]
    if fact.type is FactType.bool:
        return [] if isinstance(test.eq, bool) else [f"{where}: {fact.id} takes true or false"]
    wanted: list[str] = []
    if op == "eq" and isinstance(test.eq, str):
        wanted = [test.eq]
    elif op == "eq":
        return [f"{where}: {fact.id} takes one of its values, not {test.eq!r}"]
    for name in ("in_", "has_any", "only"):
        wanted.extend(getattr(test, name) or [])
    if test.has is not None:
        wanted.append(test.has)
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
        for test in fact.decided_by:
            expect(test, ("tests",), f"facts[{fact.id}].decided_by")
        if fact.type is not FactType.bool and not fact.values and not fact.values_from:
            problems.append(f"facts[{fact.id}]: an {fact.type.value} fact needs values")
    values = {fid: _fact_values(data, fact) for fid, fact in facts.items()}

    for source in data.sources:
        expect(source.cancer, ("cancers",), f"sources[{source.id}].cancer")
    for cancer in data.cancers:
        for sid in cancer.sources:
            expect(sid, ("sources",), f"cancers[{cancer.id}].sources")
    for drug in data.drugs:
        for cid in drug.classes:
            expect(cid, ("drug_classes",), f"drugs[{drug.id}].classes")
    for regimen in data.regimens:
        for did in regimen.components:
            expect(did, ("drugs",), f"regimens[{regimen.id}].components")
    for proc in data.procedures:
        if proc.parent is not None:
            expect(proc.parent, ("procedures",), f"procedures[{proc.id}].parent")
    for symptom in data.symptoms:
        if symptom.parent is not None:
            expect(symptom.parent, ("symptoms",), f"symptoms[{symptom.id}].parent")
    for note in data.notes:
        for cid in note.cancers:
            expect(cid, ("cancers",), f"notes[{note.id}].cancers")
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
    source_ids = {s.id for s in data.sources}
    for kind in KINDS:
        for record in getattr(data, kind):
            spans = list(getattr(record, "evidence", []))
            for caveat in getattr(record, "caveats", []):
                spans.extend(caveat.evidence)
            for span in spans:
                if span.source not in source_ids:
                    problems.append(
                        f"{kind}[{record.id}]: evidence cites unknown source {span.source!r}"
                    )
    if problems:
        raise KBError(problems)

    names: dict[str, list[str]] = {}
    for ident, record in by_id.items():
        for label in record_labels(record):
            key = normalise_name(label)
            bucket = names.setdefault(key, [])
            if ident not in bucket:
                bucket.append(ident)
    vocabulary = Vocabulary({fid: anc for fid, anc in values.items()})
    return KnowledgeBase(
        data=data,
        by_id=by_id,
        kind_of=kind_of,
        names={k: tuple(v) for k, v in names.items()},
        vocabulary=vocabulary,
        facts=facts,
    )


def parse(files: Iterable[Path | tuple[str, bytes]]) -> KnowledgeBase:
    """Parse, validate and cross-check data files, with no snapshot. Raises KBError."""
    doc, problems = read_files(files)
    if problems:
        raise KBError(problems)
    try:
        data = KBData.model_validate(doc)
    except ValidationError as error:
        raise KBError(_format_validation(error, doc)) from None
    return build(data)


# --------------------------------------------------------------------------------------------
# Snapshots: a knowledge base already validated, kept between runs
# --------------------------------------------------------------------------------------------

SNAPSHOT_FORMAT = "onconav-kb-snapshot-1"
# The code whose behaviour a snapshot depends on: a change to any of these makes a new one.
SNAPSHOT_CODE = ("model.py", "load.py", "../logic.py")


def cache_dir() -> Path | None:
    """Where snapshots are kept: ``$ONCONAV_CACHE_DIR``, else ``$XDG_CACHE_HOME/onconav``, else
    ``~/.cache/onconav``. ``ONCONAV_NO_CACHE=1`` turns snapshots off (``None``)."""
    if os.environ.get("ONCONAV_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("ONCONAV_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "onconav"


def snapshot_key(files: list[tuple[str, bytes]]) -> str:
    """A hash of the data files' names and bytes, of the validating code and of the versions of
    Python and pydantic that pickled it."""
    import pydantic

    digest = hashlib.sha256(SNAPSHOT_FORMAT.encode())
    digest.update(f"{sys.version}|{pydantic.VERSION}".encode())
    here = Path(__file__).parent
    for name in SNAPSHOT_CODE:
        digest.update((here / name).read_bytes())
    for name, content in files:
        digest.update(f"\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


_SNAPSHOT_FIELDS = ("data", "by_id", "kind_of", "names", "vocabulary", "facts")


def _read_snapshot(path: Path) -> KnowledgeBase | None:
    """The knowledge base kept at ``path``, or None if there is none or it cannot be read."""
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)  # our own file, named by the hash of its input
        return KnowledgeBase(**dict(zip(_SNAPSHOT_FIELDS, kept, strict=True)))
    except Exception:  # missing, truncated, or from another version: load afresh
        return None


def _write_snapshot(path: Path, kb: KnowledgeBase) -> None:
    """Keep ``kb`` at ``path`` (written whole, then renamed), and drop older snapshots. Failing
    to write (a read-only home, a full disk) is not an error: the next run loads afresh."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = tuple(getattr(kb, name) for name in _SNAPSHOT_FIELDS)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        for old in path.parent.glob("kb-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def load_kb(root: Path | None = None, *, snapshot: bool = True) -> KnowledgeBase:
    """Load, validate and cross-check the knowledge base (the packaged one by default).

    A knowledge base that loaded without problems is kept as a snapshot in ``cache_dir()``, named
    by ``snapshot_key``; the next load of the same files by the same code reads the snapshot
    instead (a few milliseconds instead of parsing and validating the YAML). A changed data file
    or a new release of onconav makes a new snapshot; a snapshot that cannot be read is ignored.
    """
    base = root or data_dir()
    files = [(p.relative_to(base).as_posix(), p.read_bytes()) for p in data_files(base)]
    where = cache_dir() if snapshot else None
    path = where / f"kb-{snapshot_key(files)}.pickle" if where is not None else None
    if path is not None:
        kept = _read_snapshot(path)
        if kept is not None:
            return kept
    kb = parse(files)
    if path is not None:
        _write_snapshot(path, kb)
    return kb
