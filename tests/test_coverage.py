"""Coverage: every name the sources use resolves, is reachable from an option, and the minimum
situations of the sources are captured as options with the right conditions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onconav.kb.load import KnowledgeBase
from onconav.kb.model import Drug, DrugClass, LabTest, Procedure, Regimen, fact_tests

NAMED = json.loads(
    (
        Path(__file__).resolve().parents[2] / "shared" / "reference" / "named-in-sources.json"
    ).read_text()
)


def _names() -> list[tuple[str, str]]:
    out = []
    for drug in NAMED["drugs"]:
        out += [("drugs", drug["name"]), *(("drugs", a) for a in drug["aliases"])]
    for regimen in NAMED["regimens"]:
        out += [
            ("regimens", regimen["name"]),
            *(("regimens", a) for a in regimen.get("aliases", [])),
        ]
    out += [("drug_classes", n) for n in NAMED["drug_classes"]]
    for kind in ("radiation", "procedures", "care"):
        out += [("procedures", n) for n in NAMED[kind]]
    out += [("tests", n) for n in NAMED["tests"]]
    return out


def reachable(kb: KnowledgeBase, ident: str) -> bool:
    """An option gives it (directly, in a regimen, as a kind of procedure or as its class)."""
    record = kb.by_id[ident]
    if kb.options_using(ident):
        return True
    if isinstance(record, Procedure) and record.parent and kb.options_using(record.parent):
        return True
    if isinstance(record, LabTest):
        facts = {f.id for f in kb.data.facts if ident in f.decided_by}
        return any(t.fact in facts for o in kb.options for t in fact_tests(o.when))
    return False


@pytest.mark.parametrize(("kind", "name"), _names(), ids=lambda v: str(v))
def test_named_entity_resolves(kb, kind: str, name: str) -> None:  # type: ignore[no-untyped-def]
    hits = [r for r in kb.find(name) if kb.kind_of[r.id] == kind]
    assert hits, f"{name!r} does not resolve to any {kind} entry"


@pytest.mark.parametrize(("kind", "name"), _names(), ids=lambda v: str(v))
def test_named_entity_is_reachable_from_an_option(kb, kind: str, name: str) -> None:  # type: ignore[no-untyped-def]
    record = next(r for r in kb.find(name) if kb.kind_of[r.id] == kind)
    assert reachable(kb, record.id), f"no option uses {record.id}"


def test_regimen_components_match_the_checklist(kb) -> None:  # type: ignore[no-untyped-def]
    for regimen in NAMED["regimens"]:
        record = next(r for r in kb.find(regimen["name"]) if isinstance(r, Regimen))
        expected = {
            next(d for d in kb.find(c) if isinstance(d, Drug)).id for c in regimen["components"]
        }
        assert set(record.components) == expected, regimen["name"]


def test_studied_only_drugs_are_in_trials_for_stomach(kb) -> None:  # type: ignore[no-untyped-def]
    for drug in ("lapatinib", "everolimus", "bevacizumab"):
        stomach = [o for o in kb.options_using(drug) if "stomach" in o.cancers]
        assert stomach, f"{drug} must appear for stomach cancer"
        assert all(o.in_trials for o in stomach), f"{drug} is only studied in stomach cancer"
    for drug in ("lapatinib", "everolimus"):
        assert all(o.in_trials for o in kb.options_using(drug))


def test_bevacizumab_is_a_real_option_for_rectal_and_cervical(kb) -> None:  # type: ignore[no-untyped-def]
    for cancer in ("rectum", "cervix"):
        assert any(cancer in o.cancers and not o.in_trials for o in kb.options_using("bevacizumab"))


def test_drug_codes_come_only_from_the_verified_table(kb, reference: Path) -> None:  # type: ignore[no-untyped-def]
    import csv

    with (reference / "codes" / "drug-codes.csv").open(encoding="utf-8") as handle:
        rows = {r["drug"]: r for r in csv.DictReader(handle)}
    by_name = {"trifluridine-tipiracil": "trifluridine/tipiracil"}
    for drug in kb.data.drugs:
        row = rows.get(by_name.get(drug.id, drug.name))
        if drug.rxnorm is not None:
            assert row is not None and row["rxnorm_rxcui"] == drug.rxnorm, drug.id
        if drug.ncit is not None:
            assert row is not None and row["ncit_code"] == drug.ncit, drug.id
        if row is not None and row["rxnorm_rxcui"]:
            assert drug.rxnorm == row["rxnorm_rxcui"], f"{drug.id}: verified RxNorm code missing"


def test_every_description_is_present_and_short(kb) -> None:  # type: ignore[no-untyped-def]
    for kind in ("options", "drugs", "regimens", "procedures", "glossary", "drug_classes", "tests"):
        for record in getattr(kb.data, kind):
            words = len(record.description.split())
            assert 3 <= words <= 120, f"{kind}[{record.id}] has {words} words"


def test_classes_cover_the_drugs(kb) -> None:  # type: ignore[no-untyped-def]
    used = {c for d in kb.data.drugs for c in d.classes}
    assert used <= {c.id for c in kb.data.drug_classes}
    assert all(isinstance(kb.by_id[c], DrugClass) for c in used)
