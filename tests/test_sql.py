"""The SQL path: every option's rules compiled to SQL for DuckDB give the same status as the Python
engine, for every (person, option), on thousands of random profiles with unknowns and every value
of every fact; and the facts table holds what the engine read."""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onconav.engine import evaluate
from onconav.kb import KnowledgeBase, load_kb
from onconav.kb import rules as lowered
from onconav.logic import decide, in_scope, missing_facts
from onconav.profile import ProfileError, facts_of, facts_table, parse_profile, table_row
from onconav.sql import column, results_sql, statuses_sql

KB = load_kb()
CANCERS = ["stomach", "gastric", "rectum", "cervix", "colon", "breast", "lung", "kidney",
           "unknown", "any"]  # fmt: skip
SETS = ["metastases", "progressed_on", "cannot_have", "prior_treatments", "symptoms", "planned",
        "used_for_my_cancer", "kin_may_work"]  # fmt: skip


def values(fact: str) -> list[str]:
    return sorted(KB.vocabulary.known(fact))


def profile(rng: random.Random) -> dict[str, Any]:
    """A profile with each field unknown (left out) half the time, and any value of the
    vocabulary where it is known."""

    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.5 else None

    fields: dict[str, Any] = {
        "cancer": rng.choice(CANCERS),
        "stage": maybe(rng.choice(["earlier", "4", "4A", "4B"])),
        "recurrence": maybe(rng.choice(["none", "yes", "local", "distant"])),
        "metastasis_extent": maybe(rng.choice(["few", "many"])),
    }
    for flag in ("resectable", "most_treatments_tried", "wants_cancer_treatment",
                 "hormone_sensitive", "chemo_for_spread", "weak_bone",
                 "tumour_on_nerve", "tumour_may_block"):  # fmt: skip
        fields[flag] = maybe(rng.random() < 0.5)
    for field in SETS:
        fields[field] = maybe(rng.sample(values(field), rng.randint(0, min(4, len(values(field))))))
    markers = {
        "her2": maybe(rng.choice(["positive", "negative"])),
        "kras": maybe(rng.choice(["wild-type", "mutated"])),
    }
    fields["biomarkers"] = {k: v for k, v in markers.items() if v is not None}
    return {k: v for k, v in fields.items() if v is not None}


QUERY = statuses_sql(KB)


def facts_in_duckdb(kb: KnowledgeBase, rows: list[dict[str, object]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a facts table of these rows (loaded from JSON lines)."""
    columns = facts_table(kb)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        con = duckdb.connect()
        con.execute("CREATE TABLE facts (" + ", ".join(f'"{n}" {t}' for n, t, _ in columns) + ")")
        types = (
            "{" + ", ".join(f"'{n}': '{t.removesuffix(' NOT NULL')}'" for n, t, _ in columns) + "}"
        )
        con.execute(f"INSERT INTO facts BY NAME SELECT * FROM read_json('{path}', columns={types})")
    return con


def sql_statuses(kb: KnowledgeBase, rows: list[dict[str, object]]) -> set[tuple[str, str, str]]:
    """The statuses DuckDB gives for a facts table of these rows."""
    con = facts_in_duckdb(kb, rows)
    found = con.execute(QUERY if kb is KB else statuses_sql(kb)).fetchall()
    con.close()
    return {(str(p), str(o), str(s)) for p, o, s in found}


Statuses = set[tuple[str, str, str]]


def python_statuses(
    kb: KnowledgeBase, people: list[dict[str, Any]], *, engine: bool = True
) -> tuple[Statuses, list[dict[str, object]]]:
    """The statuses Python gives, by the whole engine (``evaluate``), or by the rules alone
    (the scope and ``logic.decide``, what ``evaluate`` calls; faster for many people)."""
    statuses, rows = set(), []
    for i, data in enumerate(people):
        profile = parse_profile(data, kb)
        facts = facts_of(profile, kb)
        rows.append(table_row(str(i), facts))
        if engine:
            statuses |= {(str(i), o.id, o.status.value) for o in evaluate(profile, kb).options}
        else:
            statuses |= {
                (str(i), r.option, decide(r.at(facts.site), facts.row)[0].value)
                for r in kb.rules.values()
                if in_scope(r.scope, facts.site, facts.row)
            }
    return statuses, rows


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_duckdb_and_python_give_the_same_status_for_every_person_and_option(
    seed: int,
) -> None:
    """3 examples of 1000 people each: 3000 profiles (hypothesis draws the seed). The first 100
    are also evaluated by the whole engine, which must give the same statuses as its rules."""
    rng = random.Random(seed)
    people = [profile(rng) for _ in range(1000)]
    expected, rows = python_statuses(KB, people, engine=False)
    assert python_statuses(KB, people[:100])[0] == {s for s in expected if int(s[0]) < 100}
    assert sql_statuses(KB, rows) == expected


def test_every_value_of_every_fact_is_tried() -> None:
    """One person per value of each fact, alone in the profile, on each cancer with a source."""
    people = []
    for cancer in ("stomach", "rectum", "cervix"):
        for field in SETS:
            people += [{"cancer": cancer, field: [v]} for v in values(field)]
        people += [{"cancer": cancer, "stage": s} for s in ("earlier", "4", "4A", "4B")]
    expected, rows = python_statuses(KB, people, engine=False)
    assert {s for _, _, s in expected} == {"offered", "needs_information", "not_suitable",
                                           "in_trials"}  # fmt: skip
    assert sql_statuses(KB, rows) == expected


def test_the_facts_row_is_what_the_engine_read() -> None:
    data = {"cancer": "Gastric", "stage": "IV", "symptoms": [], "biomarkers": {"her2": "maybe"}}
    with pytest.raises(ProfileError, match=r"biomarkers\.her2"):
        parse_profile(data, KB)
    data["biomarkers"] = {"her2": "positive"}
    row = table_row("p1", facts_of(parse_profile(data, KB), KB))
    assert row["site"] == "stomach" and row["cancer"] == "stomach" and row["stage"] == "4"
    assert row["symptoms"] == [] and row["metastases"] is None and row["her2"] == "positive"
    assert set(row) == {n for n, _, _ in facts_table(KB)}


def test_the_query_adds_what_a_profile_implies_as_python_does() -> None:
    """The facts table holds the facts as given; the query adds the implied ones in order."""
    people = [
        {"cancer": "cervix", "stage": "4A", "metastases": ["liver"]},  # read as stage 4
        {"cancer": "cervix", "stage": "4A", "recurrence": "distant", "prior_treatments": []},
        {"cancer": "cervix", "stage": "4B", "prior_treatments": ["surgery"]},  # none stopped
        {"cancer": "cervix", "stage": "4B", "prior_treatments": ["chemotherapy"]},
    ]
    expected, rows = python_statuses(KB, people)
    assert rows[0]["stage"] == "4A" and rows[2]["progressed_on"] is None  # as given
    facts = facts_of(parse_profile(people[0], KB), KB)
    assert facts.row["stage"] == "4" and facts.given["stage"] == "4A"
    status = {(p, o): s for p, o, s in expected}
    assert status[("0", "cervix-chemoradiation-weekly-cisplatin")] == "needs_information"
    assert status[("2", "cervix-cemiplimab")] == "not_suitable"
    assert status[("3", "cervix-cemiplimab")] != "not_suitable"
    assert sql_statuses(KB, rows) == expected


def test_choices_and_kinds_that_stopped_agree_in_sql() -> None:
    """Hand-picked edges of the ruled-out truth: too few choices left for a mix, choices left
    only perhaps (a chemotherapy stopped, not which), a treatment for a listed symptom when cancer
    treatment is declined."""
    drugs = ["cisplatin", "carboplatin", "paclitaxel", "topotecan", "gemcitabine", "fluorouracil"]
    drugs += ["ifosfamide", "docetaxel", "irinotecan", "mitomycin", "vinorelbine", "epirubicin"]
    chemo = ["chemotherapy"]
    cervix = {"cancer": "cervix", "stage": "4B"}
    people = [
        {**cervix, "cannot_have": drugs},
        {**cervix, "cannot_have": drugs[:11], "progressed_on": chemo},
        {**cervix, "cannot_have": drugs[:10], "progressed_on": chemo},
        {"cancer": "rectum", "stage": "4", "progressed_on": chemo},
        {"cancer": "rectum", "wants_cancer_treatment": False, "symptoms": ["bowel obstruction"]},
        {"cancer": "stomach", "progressed_on": ["FOLFOX", *chemo], "cannot_have": ["Xeloda"]},
    ]
    expected, rows = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    assert status[("0", "cervix-chemo-other-combinations")] == "not_suitable"
    assert status[("1", "cervix-chemo-other-combinations")] == "needs_information"
    assert status[("4", "rectum-bowel-resection")] != "declined"
    assert sql_statuses(KB, rows) == expected


def test_the_one_treatment_of_a_kind_had_is_the_one_that_stopped_in_sql_as_in_python() -> None:
    """A kind that stopped, not which, of someone who has had one treatment of it alone, is read
    as that one having stopped, by the query as by ``profile.facts_of`` (``OnlyOneHad``); not
    where the treatments had leave it open, nor where either list is not given."""
    stomach, rectum = {"cancer": "stomach", "stage": "4"}, {"cancer": "rectum", "stage": "4"}
    chemo = {"progressed_on": ["chemotherapy"]}
    people = [
        {**stomach, "prior_treatments": ["Keytruda"], "progressed_on": ["checkpoint inhibitor"]},
        {**rectum, **chemo, "prior_treatments": ["FOLFOX", "bevacizumab"]},
        {**rectum, **chemo, "prior_treatments": ["FOLFOX", "FOLFIRI"]},
        {**rectum, **chemo, "prior_treatments": ["FOLFOX", "chemotherapy"]},
        {**rectum, **chemo, "prior_treatments": ["FOLFOX", "clinical trial"]},
        {**rectum, **chemo},
        {**rectum, "prior_treatments": ["FOLFOX"]},
        {**rectum, "prior_treatments": ["FOLFOX", "bevacizumab"],  # both kinds, each its one
         "progressed_on": ["chemotherapy", "targeted therapy"]},
    ]  # fmt: skip
    expected, rows = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    assert status[("0", "stomach-pembrolizumab-chemotherapy-trastuzumab")] == "not_suitable"
    assert status[("1", "rectum-folfox")] == "not_suitable"
    assert [status[(str(i), "rectum-folfox")] for i in range(2, 7)] == ["needs_information"] * 5
    assert status[("7", "rectum-bevacizumab-folfiri")] == "not_suitable"
    assert rows[1]["progressed_on"] == ["chemotherapy"]  # as given: the query adds it
    assert sql_statuses(KB, rows) == expected


def test_a_derived_value_agrees_in_sql() -> None:
    """Most treatments tried, derived for rectal cancer from what stopped working or cannot be
    used, unless the person answered; the same in the query as in Python."""
    rectum = {"cancer": "rectum", "stage": "4", "metastases": ["liver"]}
    lines = {"progressed_on": ["FOLFOX", "irinotecan"], "cannot_have": ["bevacizumab"]}
    mutated = {"biomarkers": {"kras": "mutated"}}
    people = [
        {**rectum, **lines, **mutated},  # derived: yes
        {**rectum, **lines},  # KRAS not known: not derived
        {**rectum, **lines, **mutated, "most_treatments_tried": False},  # the answer wins
        {**rectum, "progressed_on": ["CAPIRI", "CAPOX", "bevacizumab", "cetuximab"]},
        {**rectum, "progressed_on": ["fluorouracil", "bevacizumab"], **mutated},
    ]
    expected, rows = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    assert [status[(str(i), "rectum-regorafenib")] for i in range(5)] == [
        "offered", "needs_information", "not_suitable", "offered", "needs_information"
    ]  # fmt: skip
    assert sql_statuses(KB, rows) == expected


def test_what_needs_an_operation_agrees_in_sql() -> None:
    """One who cannot have surgery: the options given only before an operation and what is put
    in during one are not suitable in the query as in Python; a kind of surgery (bowel surgery)
    leaves chemotherapy before surgery (for a few tumours: its own condition, clinical19).
    Chemotherapy after surgery, the treatments had not given, asks them; none had, not
    suitable."""
    stomach = {"cancer": "stomach", "stage": "4", "symptoms": ["trouble swallowing", "pain"]}
    rectum = {"cancer": "rectum", "stage": "4", "metastases": ["liver"]}
    people = [
        {**stomach, "cannot_have": ["surgery"]},
        {**rectum, "cannot_have": ["surgery"]},
        {**rectum, "cannot_have": ["bowel surgery"], "metastasis_extent": "few"},
        {**rectum, "cannot_have": ["surgery"], "wants_cancer_treatment": False},
        {**rectum, "cannot_have": ["surgery"], "resectable": True},
        {**rectum, "cannot_have": ["surgery"], "resectable": True, "prior_treatments": ["FOLFOX"]},
        {**rectum, "cannot_have": ["surgery"], "resectable": True,
         "prior_treatments": ["low anterior resection"]},
    ]
    expected, rows = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    for option in ("stomach-stent-placement", "stomach-feeding-tube", "general-pain-medicine-line"):
        assert status[("0", option)] == "not_suitable", option
    for option in ("rectum-chemo-before-surgery", "rectum-chemoradiation"):
        assert status[("1", option)] == "not_suitable", option
        assert status[("3", option)] == "not_suitable", option
    assert status[("2", "rectum-chemo-before-surgery")] == "offered"
    assert [status[(str(i), "rectum-chemo-after-surgery")] for i in (4, 5, 6)] == [
        "needs_information", "not_suitable", "offered"]  # fmt: skip
    assert sql_statuses(KB, rows) == expected


# A route that rules out what an option gives on a fact no route of the knowledge base is on
# (planned surgery; asked when not given, and left undecided by "perhaps others not listed").
PLANNED_ROUTE = lowered.RuledOut(
    "planned",  # type: ignore[arg-type]
    "surgery",
    lowered.Test(fact="planned", operator="has_any", kind="any", wanted=("surgery",),
         true=frozenset({"surgery"}), unknown=frozenset({"others-not-known"}),
         text="surgery planned"),
    (("surgery", "surgery is planned"),),
    asked=True,
)  # fmt: skip
PLANNED_KB = replace(KB, rules={o: replace(r, ruled_out=(*r.ruled_out, PLANNED_ROUTE))
                                for o, r in KB.rules.items()})  # fmt: skip


def missing_in_python(kb: KnowledgeBase, people: list[dict[str, Any]]) -> tuple[
        dict[tuple[str, str], list[str]], list[dict[str, object]]]:  # fmt: skip
    """The missing facts ``logic.missing_facts`` gives each (person, option) in scope, in its
    order, and the people's rows of the facts table."""
    missing, rows = {}, []
    for i, data in enumerate(people):
        facts = facts_of(parse_profile(data, kb), kb)
        rows.append(table_row(str(i), facts))
        for rules in kb.rules.values():
            if in_scope(rules.scope, facts.site, facts.row):
                r = rules.at(facts.site)
                status, _, condition, out = decide(r, facts.row)
                missing[(str(i), r.option)] = missing_facts(r, facts.row, status, condition, out)
    return missing, rows


def missing_in_sql(kb: KnowledgeBase, rows: list[dict[str, object]]) -> dict[
        tuple[str, str], list[str]]:  # fmt: skip
    """The missing facts of ``sql.results_sql`` in DuckDB for each (person, option) (sorted)."""
    steps, result = results_sql(kb)
    tables = ",\n".join(f"{column(name)} AS MATERIALIZED ({query})" for name, query in steps)
    con = facts_in_duckdb(kb, rows)
    found = con.execute(f"WITH {tables}\nSELECT patient_id, option_id, missing "
                        f"FROM ({result})").fetchall()  # fmt: skip
    con.close()
    return {(str(p), str(o)): list(m) for p, o, m in found}


def test_a_ruled_out_route_on_another_fact_is_missing_in_python_as_in_sql() -> None:
    """The fact of every route that may rule an option out is missing, whatever the fact: the
    Python had added only those of a fixed list (what stopped working, cannot be had, was had),
    the SQL every route's; they agreed only because no route was on another fact."""
    stomach = {"cancer": "stomach", "stage": "4"}
    people = [stomach, *({**stomach, "planned": [p]} for p in
                         ("others-not-known", "radiation", "surgery"))]  # fmt: skip
    missing, rows = missing_in_python(PLANNED_KB, people)
    statuses, _ = python_statuses(PLANNED_KB, people, engine=False)
    status = {(p, o): s for p, o, s in statuses}
    option = "stomach-chemotherapy"
    assert "planned" in missing[("0", option)] and "planned" in missing[("1", option)]
    assert "planned" not in missing[("2", option)] and status[("3", option)] == "not_suitable"
    assert missing_in_sql(PLANNED_KB, rows) == {k: sorted(v) for k, v in missing.items()}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_missing_facts_agree_in_sql_with_a_route_on_another_fact(seed: int) -> None:
    """3 examples of 200 random people: with a route on planned surgery added to every option,
    DuckDB gives each (person, option) the missing facts Python gives (sorted, as the cohort's
    engines write them), and the same status."""
    rng = random.Random(seed)
    people = [profile(rng) for _ in range(200)]
    missing, rows = missing_in_python(PLANNED_KB, people)
    assert any("planned" in m for m in missing.values())
    assert missing_in_sql(PLANNED_KB, rows) == {k: sorted(v) for k, v in missing.items()}
    assert sql_statuses(PLANNED_KB, rows) == python_statuses(PLANNED_KB, people, engine=False)[0]


def test_what_was_never_had_has_not_stopped_and_a_kind_in_a_mix_asks_in_sql_as_in_python() -> None:
    """Radiation alone had, nothing said of what stopped: whether the radiation stopped is
    asked (chemoradiation before surgery, radiation to the pelvis), while what was never had (a
    drug) has not stopped, by the query as by ``logic.test_truth``; a kind of drug a mix gives
    (bevacizumab with chemotherapy) that stopped, not which, leaves the mix undecided
    (``rules.kind_stopped_route``); which drugs of it stopped leaves it offered."""
    rectum = {"cancer": "rectum", "recurrence": "local"}
    cervix = {"cancer": "cervix", "stage": "4B"}
    people = [
        {**rectum, "prior_treatments": ["radiation"]},
        {**rectum, "prior_treatments": ["pelvic radiation", "surgery"]},
        {**rectum, "prior_treatments": ["surgery"]},
        {**rectum, "prior_treatments": ["radiation"], "progressed_on": []},
        {**cervix, "prior_treatments": ["radiation"], "recurrence": "local"},
        {**cervix, "progressed_on": ["chemotherapy"]},
        {**cervix, "progressed_on": ["cisplatin and paclitaxel"]},
        {"cancer": "stomach", "stage": "4", "progressed_on": ["chemotherapy"]},
    ]
    missing, rows = missing_in_python(KB, people)
    expected, _ = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    assert status[("0", "rectum-chemoradiation")] == "needs_information"
    assert missing[("0", "rectum-chemoradiation")] == ["progressed_on"]
    assert status[("1", "rectum-chemoradiation")] == "needs_information"
    assert status[("2", "rectum-chemoradiation")] == "offered"
    assert status[("3", "rectum-chemoradiation")] == "offered"
    assert "progressed_on" not in missing[("0", "rectum-folfiri")]
    assert status[("5", "cervix-bevacizumab")] == "needs_information"
    assert status[("5", "cervix-pembrolizumab-chemo")] == "needs_information"
    assert status[("6", "cervix-bevacizumab")] == "offered"
    assert sql_statuses(KB, rows) == expected
    assert missing_in_sql(KB, rows) == {k: sorted(v) for k, v in missing.items()}


def test_a_kin_of_what_stopped_waits_on_the_care_team_in_sql_as_in_python() -> None:
    """A drug of the same narrow kind as one that stopped working (capecitabine alone after
    FOLFOX, whose fluorouracil stopped; panitumumab after cetuximab; the cisplatin pairs after
    carboplatin): with ``kin_may_work`` not given, the option asks it; given with the kind, it
    is offered; given without it, it is not suitable; CAPIRI and FOLFIRI after FOLFOX stay
    offered. The same statuses and missing facts in the query as in Python."""
    rectum = {"cancer": "rectum", "stage": "4", "metastases": ["liver"]}
    folfox = {**rectum, "biomarkers": {"kras": "mutated"}, "prior_treatments": ["FOLFOX"],
              "progressed_on": ["FOLFOX"]}
    cetuximab = {**rectum, "biomarkers": {"kras": "wild-type"},
                 "prior_treatments": ["cetuximab", "irinotecan"],
                 "progressed_on": ["cetuximab", "irinotecan"]}
    carboplatin = {"cancer": "cervix", "stage": "4B", "prior_treatments": ["carboplatin"],
                   "progressed_on": ["carboplatin"]}
    people = [folfox, {**folfox, "kin_may_work": ["fluoropyrimidine"]},
              {**folfox, "kin_may_work": []}, {**folfox, "kin_may_work": ["anti-EGFR"]},
              cetuximab, {**cetuximab, "kin_may_work": ["anti-EGFR"]},
              {**cetuximab, "kin_may_work": []}, carboplatin,
              {**carboplatin, "kin_may_work": ["platinum"]}]  # fmt: skip
    expected, rows = python_statuses(KB, people)
    status = {(p, o): s for p, o, s in expected}
    assert [status[(str(i), "rectum-capecitabine")] for i in range(4)] == [
        "needs_information", "offered", "not_suitable", "not_suitable"]
    assert {status[(str(i), o)] for i in range(4) for o in ("rectum-capiri", "rectum-folfiri")
            } == {"offered"}  # fmt: skip
    assert [status[(str(i), "rectum-panitumumab")] for i in range(4, 7)] == [
        "needs_information", "offered", "not_suitable"]
    assert [status[(str(i), "cervix-chemo-cisplatin-paclitaxel")] for i in (7, 8)] == [
        "needs_information", "offered"]
    assert sql_statuses(KB, rows) == expected
    missing, _ = missing_in_python(KB, people)
    assert missing[("0", "rectum-capecitabine")] == ["kin_may_work"]
    assert missing[("4", "rectum-panitumumab")] == ["kin_may_work"]
    assert missing_in_sql(KB, rows) == {k: sorted(v) for k, v in missing.items()}
