"""The care gaps of a population (docs/cohort.md#gaps): for each patient, each fact of the
cancer's work-up not on record that would decide a standard option of theirs, with the tests
that settle it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import combinations, product
from pathlib import Path

import duckdb

from onconav.cohort.table import SEPARATOR, copy_to
from onconav.engine import _missing
from onconav.kb import KnowledgeBase
from onconav.kb.model import FactType
from onconav.kb.rules import ALWAYS, NO_LIMIT, OTHERS_NOT_KNOWN, STAGE_EARLIER, Test
from onconav.logic import (
    Truth,
    advanced_by_premise_sql,
    advanced_sql,
    because_sql,
    column,
    condition_sql,
    implied_sql,
    leaf_sql,
    leaf_truth,
    quote,
    ruled_out_sql,
    scope_sql,
    to_sql,
    uncovered_sql,
)
from onconav.sql import people_sql, statuses_sql

# fact, tests, and of the patients on record as advanced: how many, the options the fact settles
# alone, the options it would decide; then the patients not on record as advanced
Totals = list[tuple[str, str, int, int, int, int]]
Unread = tuple[tuple[str, str, tuple[str, ...]], ...]  # (patient_id, fact, resources)
NOT_READ = "not read: "  # ``given`` of a fact the record names in resources not read


def _no_rows(*columns: str) -> str:
    """A query of no rows with these text columns: the UNION of no parts."""
    return "SELECT " + ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in columns) + " LIMIT 0"


def definitions(kb: KnowledgeBase) -> tuple[list[tuple[str, str, list[str], str]], list[str]]:
    """What a care gap is, from the knowledge base: the facts of the work-up (``workup`` in
    facts.yaml) with their label, the names of the tests that settle them (``decided_by``) and
    where the answer is found (``find_it``); and the standard options (``Rules.standard``: a
    treatment of the cancer, not only studied). A fact of the work-up of some cancers only is
    a gap only where it is part of the person's (``outside_workup``)."""
    facts = [(f, kb.facts[f].label, [kb.name_of(t) for t in kb.facts[f].decided_by],
              kb.facts[f].find_it) for f in kb.workup]  # fmt: skip
    return facts, sorted(o for o, rules in kb.rules.items() if rules.standard)


def deciding_values(kb: KnowledgeBase, fact: str) -> list[bool | str | frozenset[str]]:
    """Every answer to a fact of the work-up that a test or a scan can give: a value with no
    narrower question of its own (``kb.which``: not HER2 2+, whose ISH test decides, nor a stage
    4 without its sub-stage, nor a list that may not be whole); of a list, every list of such
    values (none too); of a yes/no fact, yes and no. What a gap settles is decided over all of
    them (``settled_sql``, which tries one of each kind, ``answers``)."""
    if kb.facts[fact].type is FactType.bool:
        return [True, False]
    known = sorted(v for v in kb.vocabulary.known(fact) if kb.which(fact, v) is None)
    if kb.facts[fact].type is FactType.set:
        return [frozenset(c) for n in range(len(known) + 1) for c in combinations(known, n)]
    return list(known)


def status_tests(kb: KnowledgeBase) -> dict[str, set[Test]]:
    """Per option, every test its status reads for a person, as the engine's SQL plan writes it
    (``sql.results_sql``: its scope, for each site its own sources cover only in part too, its
    condition, what rules it out, the line of ``STATUS_RULES``), with the tests of the implied
    facts that those read (``kb.implied``, whose value the facts tested take from them: the
    stage from the places of spread)."""
    found: dict[str, set[Test]] = {}
    for rules in kb.rules.values():
        seen = found.setdefault(rules.option, set())

        def leaf(test: Test, seen: set[Test] = seen) -> str:
            seen.add(test)
            return leaf_sql(test)

        scope_sql(rules.scope, leaf)
        plans = [rules]
        for site, covers in rules.scope.uncovered:
            uncovered_sql(rules.scope, site, covers, leaf)
            plans.append(rules.at(site))
        for r in plans:
            condition_sql(r, leaf)
            ruled_out_sql(r, leaf)
            because_sql(r, leaf)
        facts = {t.fact for t in seen}
        for implied in reversed(kb.implied):  # (in order, each may read one made before it)
            if implied.fact in facts:
                implied_sql(implied, leaf)
                facts |= {t.fact for t in seen}
    return found


def answers(kb: KnowledgeBase, fact: str,
            options: Iterable[Iterable[Test]]) -> list[bool | str | frozenset[str]]:  # fmt: skip
    """Answers to a fact of the work-up (``deciding_values``) that stand for every answer, for
    options each given by the tests its status reads (``status_tests``): two answers that every
    test of an option reads alike leave that option as each other does, all else the same; so
    an answer of each way each option's tests can read it is kept, as few as that takes
    (the first that reads a new way, in the order of ``deciding_values``). A list's answers are
    made of its values in groups that every test reads alike (each place of spread a group of its
    own: the tests tell them apart), of a group as many as a test of how many could tell apart,
    no more (one test of at most one place tells one from two, not two from three): of 7 places
    of spread, 128 lists, the tests of one option tell at most 6 kinds apart."""
    mine = [[t for t in tests if t.fact == fact] for tests in options]
    every = [t for tests in mine for t in tests]
    candidates: list[bool | str | frozenset[str]]
    if kb.facts[fact].type is not FactType.set or fact in ONE_HAD_READS:
        candidates = deciding_values(kb, fact)
    else:
        known = sorted(v for v in kb.vocabulary.known(fact) if kb.which(fact, v) is None)
        groups: dict[tuple[tuple[bool, bool], ...], list[str]] = {}
        for item in known:
            groups.setdefault(tuple((item in t.true, item in t.unknown) for t in every),
                              []).append(item)  # fmt: skip
        most = 1 + max((t.limit for t in every if t.kind == "count" and t.limit != NO_LIMIT),
                       default=0)  # fmt: skip
        candidates = [frozenset(v for group, n in zip(groups.values(), counts, strict=True)
                                for v in group[:n])
                      for counts in product(*(range(min(len(g), most) + 1)
                                              for g in groups.values()))]  # fmt: skip
    kept: list[bool | str | frozenset[str]] = []
    read: set[tuple[int, tuple[Truth, ...]]] = set()
    for value in candidates:
        ways = {(i, tuple(leaf_truth(t, value) for t in tests)) for i, tests in enumerate(mine)}
        if ways - read:
            kept.append(value)
            read |= ways
    return kept


# the facts that ``kb.only_one_had`` reads whole (which one treatment was had), not by tests:
# ``answers`` tries each of their answers (none is a fact of the work-up today)
ONE_HAD_READS = frozenset({"progressed_on", "prior_treatments"})


def answers_table(kb: KnowledgeBase, con: duckdb.DuckDBPyConnection) -> str:
    """A table (made on ``con``, its name returned) of (fact, option_id, answer): for each fact
    of the work-up and standard option, the answers that stand for every answer to it for that
    option (``answers``), each as a list (a value alone in one, yes and no as ``true`` and
    ``false``). A gap tries those of each of its options: the same first answer of a kind
    stands for it in every option, so a gap of 10 options tries few more than one of them."""
    con.execute("CREATE TEMP TABLE gap_answers (fact VARCHAR, option_id VARCHAR, "
                "answer VARCHAR[])")  # fmt: skip
    tests = status_tests(kb)
    rows = []
    for fact in kb.workup:
        for option in definitions(kb)[1]:
            for value in answers(kb, fact, [tests[option]]):
                items = (sorted(value) if isinstance(value, frozenset) else
                         [str(value).lower() if isinstance(value, bool) else value])  # fmt: skip
                rows.append(f"({quote(fact)}, {quote(option)}, "
                            f"[{', '.join(map(quote, items))}]::VARCHAR[])")  # fmt: skip
    if rows:
        con.execute("INSERT INTO gap_answers VALUES " + ", ".join(rows))
    return "gap_answers"


def settled_sql(kb: KnowledgeBase, people: str, gaps: str, answers: str) -> str:
    """A query of (patient_id, fact, settled_ids) over a facts table (``people``, SQL), gaps
    (``gaps``: patient_id, fact, option_ids) and the answers to try (``answers``:
    ``answers_table``): of each gap's options, those the fact alone settles: for every answer to
    it (``deciding_values``) the person's record with that answer is decided by the engine's own
    rules (``sql.statuses_sql``) to an option that does not need information (offered, not
    suitable, ...). Every answer is tried by one of each kind the options' tests tell apart
    (``answers``): exact, and a few per gap (a list of places of spread had been tried as none,
    each one place and each two, 29 lists, and never three). The others it only narrows:
    another fact not on record decides them too (the recurrence of a stage 4 rectal cancer
    whose KRAS is not known)."""
    values = []
    for fact in kb.workup:
        kind = kb.facts[fact].type
        sql_value = ("a.answer" if kind is FactType.set else
                     "(a.answer[1] = 'true')" if kind is FactType.bool else
                     "a.answer[1]")  # fmt: skip
        values.append(f"SELECT p.* REPLACE ({sql_value} AS {column(fact)}), "
                      f"a.patient_id AS _patient, a.fact AS _fact FROM {people} p "
                      f"JOIN tried a ON p.person_id = a.patient_id "
                      f"AND a.fact = {quote(fact)}")  # fmt: skip
    if not values:
        return ("SELECT CAST(NULL AS VARCHAR) AS patient_id, CAST(NULL AS VARCHAR) AS fact, "
                "CAST(NULL AS VARCHAR[]) AS settled_ids LIMIT 0")
    # one person per (gap, answer), by number; what the engine decides of each
    variants = ("SELECT * EXCLUDE (_patient, _fact) REPLACE (CAST(row_number() OVER () AS "
                "VARCHAR) AS person_id), _patient, _fact FROM (" + " UNION ALL ".join(values)
                + ")")  # fmt: skip
    # the answers of each gap: those of each of its options, each once
    tried = ("SELECT DISTINCT g.patient_id, g.fact, a.answer FROM (SELECT patient_id, fact, "
             f"unnest(option_ids) AS option_id FROM {gaps}) g JOIN {answers} a "
             "USING (fact, option_id)")  # fmt: skip
    return (f"WITH tried AS MATERIALIZED ({tried}), variants AS MATERIALIZED ({variants}), "
            f"decided AS MATERIALIZED ({statuses_sql(kb, 'variants')}), "
            "unsure AS (SELECT DISTINCT v._patient AS patient_id, v._fact AS fact, d.option_id "
            "FROM decided d JOIN variants v USING (person_id) "
            "WHERE d.status = 'needs_information'), "
            f"each AS (SELECT patient_id, fact, unnest(option_ids) AS option_id FROM {gaps}) "
            "SELECT patient_id, fact, list(option_id ORDER BY option_id) AS settled_ids "
            "FROM (SELECT * FROM each ANTI JOIN unsure USING (patient_id, fact, option_id)) "
            "GROUP BY patient_id, fact")


def outside_workup(kb: KnowledgeBase, people: str) -> str:
    """A query of (patient_id, fact) over a facts table (``people``, SQL): each fact of the
    work-up of some cancers only that is not part of that person's (its ``workup`` condition
    FALSE: hormone receptors for a lung cancer). Unknown is not FALSE: a person whose cancer is
    not given keeps the gap."""
    outside = [f"SELECT person_id AS patient_id, {quote(fact)} AS fact FROM people "
               f"WHERE {to_sql(when)} IS FALSE"
               for fact, when in kb.workup.items() if when != ALWAYS]  # fmt: skip
    if not outside:
        return _no_rows("patient_id", "fact")
    return (f"WITH people AS MATERIALIZED ({people_sql(kb, people)}) "
            + " UNION ALL ".join(outside))


def asked_sql(kb: KnowledgeBase, people: str) -> str:
    """A query of (patient_id, fact, question) over a facts table (``people``, SQL):
    for a fact of the work-up whose answer is on record but does not yet decide (a value with
    its own question, ``which`` in the data: HER2 borderline asks for an ISH test, stage 4 of a
    cervical cancer for 4A or 4B), that narrower question, as ``onconav options`` asks it. A
    list on record that may not be whole asks the fact's own question: ``onconav options`` names
    what each option was looking for, which is no gap's to ask."""
    parts = []
    for fact in kb.workup:
        # each value with a question of its own, as ``onconav options`` reads it (``kb.which``:
        # HER2 borderline; of a list, another organ not named: "only one other organ ...?", which
        # had been asked the list's own question), in the order of the fact's values
        values = [v for v in kb.vocabulary.known(fact) if v != OTHERS_NOT_KNOWN]
        for rank, value in enumerate(sorted(values)):
            which = kb.which(fact, value)
            if which is None:
                continue
            held = (f"list_contains({column(fact)}, {quote(value)}) AND NOT "
                    f"list_contains({column(fact)}, {quote(OTHERS_NOT_KNOWN)})"
                    if kb.facts[fact].type is FactType.set else
                    f"CAST({column(fact)} AS VARCHAR) = {quote(value)}")  # fmt: skip
            parts.append(f"SELECT person_id AS patient_id, {quote(fact)} AS fact, {rank} AS "
                         f"rank, {quote(which)} AS question FROM people WHERE {held}")  # fmt: skip
    if not parts:
        return _no_rows("patient_id", "fact", "question")
    # the facts as the rules read them, what the rest implies included (stage 4 from spread);
    # one question per (patient, fact): the first value's
    return (f"WITH people AS MATERIALIZED ({people_sql(kb, people)}) "
            "SELECT patient_id, fact, arg_min(question, rank) AS question FROM ("
            + " UNION ALL ".join(parts) + ") GROUP BY patient_id, fact")


def given_sql(kb: KnowledgeBase, people: str) -> str:
    """A query of (patient_id, fact, given) over a facts table (``people``, SQL): for each fact
    of the work-up, what is on record for it, as text, so that a gap can be told by it (HER2
    ``equivocal``, tested, from no HER2 result at all): a value as given (``4``, ``equivocal``,
    ``true``), a list's items joined by ``SEPARATOR`` (``none`` for an empty list); NULL when
    nothing is (never what the rest implies: a stage read from spread is not on record)."""
    parts = []
    for fact in kb.workup:
        value = (f"CASE WHEN len({column(fact)}) = 0 THEN 'none' ELSE "
                 f"array_to_string({column(fact)}, {quote(SEPARATOR)}) END"
                 if kb.facts[fact].type is FactType.set else
                 f"CAST({column(fact)} AS VARCHAR)")  # fmt: skip
        parts.append(f"SELECT person_id AS patient_id, {quote(fact)} AS fact, {value} AS given "
                     f"FROM {people} WHERE {column(fact)} IS NOT NULL")  # fmt: skip
    if not parts:
        return _no_rows("patient_id", "fact", "given")
    return " UNION ALL ".join(parts)


def own_tests(kb: KnowledgeBase, con: duckdb.DuckDBPyConnection, people: str) -> str:
    """A query of (patient_id, fact, tests) over a facts table (``people``, SQL): for each fact
    of the work-up one of whose values names tests of its own (``decided_by`` of a value in
    facts.yaml: HER2 borderline, IHC 2+, the ISH test), the tests that settle it for each
    person who has such a value, named as ``onconav options`` names them (``engine._missing``,
    the one rule, over the facts as the rules read them): a HER2 gap of an equivocal result had
    named the HER2 test, the test already done. Everyone else's are the fact's own
    (``definitions``). Each distinct value of the population is named once."""
    facts = [f for f in kb.workup if any(v.decided_by for v in kb.facts[f].values)]
    if not facts:
        return ("SELECT CAST(NULL AS VARCHAR) AS patient_id, CAST(NULL AS VARCHAR) AS fact, "
                "CAST(NULL AS VARCHAR[]) AS tests LIMIT 0")
    con.execute(f"CREATE TEMP TABLE own_people AS {people_sql(kb, people)}")
    con.execute("CREATE TEMP TABLE own_named (fact VARCHAR, value VARCHAR, tests VARCHAR[])")
    for fact in facts:
        for text, value in con.execute(f"SELECT DISTINCT CAST({column(fact)} AS VARCHAR), "
                                       f"{column(fact)} FROM own_people WHERE {column(fact)} "
                                       "IS NOT NULL").fetchall():  # fmt: skip
            given = frozenset(value) if isinstance(value, list) else value
            con.execute("INSERT INTO own_named VALUES (?, ?, ?)",
                        [fact, text, [t.name for t in _missing(kb, fact, None, given).tests]])
    return " UNION ALL ".join(
        f"SELECT p.person_id AS patient_id, n.fact, n.tests FROM own_people p JOIN own_named n "
        f"ON n.fact = {quote(fact)} AND n.value = CAST(p.{column(fact)} AS VARCHAR)"
        for fact in facts)  # fmt: skip


def advanced_on_record_sql(kb: KnowledgeBase, people: str) -> str:
    """A query of (patient_id, advanced) over a facts table (``people``, SQL): whether the record
    says the cancer is advanced (stage 4, come back, or spread to a distant organ: ``advanced``
    TRUE, and not only by the premise, ``advanced_by_premise``); FALSE otherwise (no stage on
    record, or stage 1 to 3 not known to have come back). A gap of a patient not on record as
    advanced may be of one whom the sources' options do not suit."""
    return (f"WITH people AS MATERIALIZED ({people_sql(kb, people)}) "
            f"SELECT person_id AS patient_id, coalesce({advanced_sql()} AND NOT "
            f"{advanced_by_premise_sql()}, FALSE) AS advanced FROM people")


def by_premise_sql(kb: KnowledgeBase, people: str) -> str:
    """A query of (patient_id) over a facts table (``people``, SQL): each person whose cancer is
    advanced only by the premise of the sources (``logic.advanced_by_premise``: no stage on
    record, nor spread that implies one, and nothing saying it came back). Every option of
    theirs is answered as for advanced cancer, as ``onconav options`` answers one person; the
    stage would decide them all."""
    return (f"WITH people AS MATERIALIZED ({people_sql(kb, people)}) "
            f"SELECT person_id AS patient_id FROM people WHERE {advanced_by_premise_sql()}")


def write_gaps(kb: KnowledgeBase, result: Path, people: Path, out: Path, fmt: str,
               unread: Unread = ()) -> Totals:  # fmt: skip
    """The gaps from a run's result (Parquet, ``onconav.cohort.run``) and its people (Parquet,
    the facts table: ``run(facts_out=...)``) written to ``out``: a (patient, fact) for each
    fact of the work-up among the missing facts of a standard option of theirs that needs
    information, unless the fact is not part of their cancer's work-up; and for a person whose
    cancer is advanced only by the premise (``by_premise_sql``), the stage, deciding each
    standard option of theirs that is offered or needs information; each with what is on
    record for the fact (``given_sql``: HER2 ``equivocal``; NULL if nothing) and whether the
    cancer is advanced on record (``advanced_on_record_sql``); for a fact with nothing on record
    whose result the record names in resources not read (``unread``, of a FHIR folder:
    ``bulk.not_read``), ``not read: `` and those resources, so that it is never taken for no
    result at all. Returns per fact: (fact, what settles it: ``settled_by``, and of the
    patients on record as advanced: how many, the options it settles alone, the options it
    would decide; then how many patients not on record as advanced have the gap), ranked by
    the options settled, then patients."""
    with duckdb.connect() as con:
        facts, standard = definitions(kb)
        con.execute("CREATE TABLE outside AS "
                    + outside_workup(kb, f"read_parquet({quote(str(people))})"))  # fmt: skip
        con.execute("CREATE TABLE gap_facts (fact VARCHAR, label VARCHAR, tests VARCHAR[], "
                    "find_it VARCHAR, question VARCHAR)")  # fmt: skip
        if facts:
            con.executemany("INSERT INTO gap_facts VALUES (?, ?, ?, ?, ?)",
                            [(*f, kb.facts[f[0]].question) for f in facts])  # fmt: skip
        con.execute("CREATE TABLE standard_options (option_id VARCHAR)")
        if standard:
            con.executemany("INSERT INTO standard_options VALUES (?)", [(o,) for o in standard])
        con.execute("CREATE TABLE asked AS "
                    + asked_sql(kb, f"read_parquet({quote(str(people))})"))  # fmt: skip
        con.execute("CREATE TABLE on_record AS "
                    + given_sql(kb, f"read_parquet({quote(str(people))})"))  # fmt: skip
        con.execute("CREATE TABLE own AS "
                    + own_tests(kb, con, f"read_parquet({quote(str(people))})"))  # fmt: skip
        con.execute("CREATE TABLE advanced AS "
                    + advanced_on_record_sql(kb, f"read_parquet({quote(str(people))})"))
        con.execute("CREATE TABLE by_premise AS "
                    + by_premise_sql(kb, f"read_parquet({quote(str(people))})"))  # fmt: skip
        con.execute("CREATE TABLE unread (patient_id VARCHAR, fact VARCHAR, given VARCHAR)")
        if unread:
            con.executemany("INSERT INTO unread VALUES (?, ?, ?)",
                            [(who, fact, NOT_READ + SEPARATOR.join(refs))
                             for who, fact, refs in unread])  # fmt: skip
        results = f"read_parquet({quote(str(result))})"
        # the missing facts of the standard options that need information
        missing = ("SELECT patient_id, fact, count(*) AS options, "
                   "list(option_id ORDER BY option_id) AS option_ids FROM "
                   f"(SELECT patient_id, option_id, unnest(missing) AS fact FROM {results} "
                   "WHERE status = 'needs_information' "
                   "AND option_id IN (SELECT option_id FROM standard_options)) "
                   "GROUP BY ALL")  # fmt: skip
        # the stage of a cancer advanced only by the premise: it decides every standard option
        # that is offered or needs information (stage 1 to 3 not come back suits none)
        con.execute(f"CREATE TABLE premise AS SELECT patient_id, {quote(STAGE_EARLIER.fact)} "
                    "AS fact, count(*) AS options, list(option_id ORDER BY option_id) AS "
                    f"option_ids FROM {results} WHERE status IN ('offered', 'needs_information') "
                    "AND option_id IN (SELECT option_id FROM standard_options) "
                    "AND patient_id IN (SELECT patient_id FROM by_premise) "
                    "GROUP BY ALL")  # fmt: skip
        con.execute(
            "CREATE TABLE gaps AS SELECT g.patient_id, g.fact, coalesce(r.given, u.given) AS "
            "given, v.advanced, t.label, "
            "coalesce(a.question, t.question) AS question, "
            "coalesce(o.tests, t.tests) AS tests, t.find_it, g.options, g.option_ids FROM "
            f"((FROM premise) UNION ALL (SELECT * FROM ({missing}) "
            "ANTI JOIN premise USING (patient_id, fact))) g "
            "JOIN gap_facts t USING (fact) ANTI JOIN outside USING (patient_id, fact) "
            "LEFT JOIN asked a USING (patient_id, fact) "
            "LEFT JOIN on_record r USING (patient_id, fact) "
            "LEFT JOIN unread u USING (patient_id, fact) LEFT JOIN own o USING (patient_id, fact) "
            "JOIN advanced v USING (patient_id)"
        )
        # of each gap's options, those the fact alone settles (the others it only narrows)
        people_table = f"read_parquet({quote(str(people))})"
        con.execute("CREATE TABLE settled AS " + settled_sql(
            kb, people_table, "gaps", answers_table(kb, con)))
        con.execute("CREATE TABLE ranked AS SELECT g.*, "
                    "len(coalesce(s.settled_ids, [])) AS settles, "
                    "coalesce(s.settled_ids, []::VARCHAR[]) AS settled_ids "
                    "FROM gaps g LEFT JOIN settled s USING (patient_id, fact)")  # fmt: skip
        # in the order of the table, said whole: the same file from the same input, every run
        copy_to(con, "SELECT * FROM ranked ORDER BY settles DESC, options DESC, patient_id, "
                "fact", out, fmt)  # fmt: skip
        # the patients on record as advanced; those not (stage 1 to 3, or no stage), whom the
        # standard options may not suit at all, in a column of their own
        totals = con.execute(
            "SELECT fact, tests, find_it, count(*) FILTER (advanced), "
            "coalesce(sum(settles) FILTER (advanced), 0), "
            "coalesce(sum(options) FILTER (advanced), 0), count(*) FILTER (NOT advanced) "
            "FROM ranked GROUP BY fact, tests, find_it ORDER BY 5 DESC, 4 DESC, 7 DESC, fact"
        ).fetchall()
        return [(str(f), settled_by(t, w), int(p), int(s), int(n), int(e))
                for f, t, w, p, s, n, e in totals]  # fmt: skip


def settled_by(tests: list[str], find_it: str | None) -> str:
    """What settles a fact, in a line: its tests joined by ``SEPARATOR`` (``HER2 test``); for
    a fact that no test of the knowledge base settles (the sources name none for the stage or
    the spread: scans and the pathology report are read, not one test), the first sentence of
    where the answer is found (``find_it``: "Scan reports (CT, MRI, PET) list where tumours
    were found.")."""
    if tests:
        return SEPARATOR.join(tests)
    return re.split(r"(?<=[.!?])\s+", (find_it or "").strip(), maxsplit=1)[0]


__all__ = ["NOT_READ", "Totals", "Unread", "advanced_on_record_sql", "answers",
           "answers_table", "asked_sql", "by_premise_sql", "deciding_values", "definitions",
           "given_sql", "outside_workup", "own_tests", "settled_by", "settled_sql",
           "status_tests", "write_gaps"]
