"""Every option's rules compiled to SQL over a table of people, one plan for every engine that runs
SQL: ``results_sql`` gives the tables to make, in order, and the query of the result, one row per
(person, option in the person's scope) with the status, the line of ``STATUS_RULES`` that gave
it, the facts not known that would decide it (as ``engine.evaluate_option`` lists them) and
whether the option relieves a symptom the person has (``relieves_your_symptoms``).
``onconav cohort`` runs it on DuckDB and on Spark (``logic.SPARK``); ``statuses_sql`` is the same
plan as one DuckDB query (``tests/test_sql.py`` checks it against ``logic.decide`` for every
person and option). The pieces (a test, a condition, the scope, what rules an option out, the
status) are ``onconav.logic``'s."""

from __future__ import annotations

from onconav.kb import KnowledgeBase
from onconav.kb.rules import Any, Expr, Not, Rules, Test, not_given
from onconav.logic import (
    DUCKDB,
    STATUS_RULES,
    Dialect,
    Leaf,
    Status,
    advanced_sql,
    because_sql,
    column,
    condition_sql,
    declines_sql,
    for_relief_alone_sql,
    hit_sql,
    if_it_came_back_sql,
    implied_sql,
    leaf_sql,
    only_one_had_sql,
    quote,
    relieves_sql,
    ruled_out_sql,
    scope_sql,
    status_of_sql,
    to_sql,
    uncovered_sql,
)
from onconav.profile import facts_table


class Leaves:
    """Each distinct test of the rules as a column of the person's row (``_t0``, ``_t1``, ...):
    worked out once per person, however many options ask it; ``sql`` is each column's test."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.sql: dict[str, str] = {}  # column -> test
        self.fact: dict[str, str] = {}  # column -> the fact it tests
        self._columns: dict[str, str] = {}  # test -> column

    def __call__(self, test: Test) -> str:
        sql = leaf_sql(test, self.dialect)
        if sql not in self._columns:
            self._columns[sql] = name = column(f"_t{len(self._columns)}")
            self.sql[name] = sql
            self.fact[name] = test.fact
        return self._columns[sql]


def _undecided_sql(expr: Expr, path: list[str], found: dict[str, list[str]], leaf: Leaf) -> None:
    """For each fact, when knowing it would decide ``expr``: every expression on the way from
    the condition down to one of its tests is UNKNOWN (``logic.undecided_facts``)."""
    here = [*path, f"{to_sql(expr, leaf)} IS NULL"]
    if isinstance(expr, Test):
        found.setdefault(expr.fact, []).append("(" + " AND ".join(here) + ")")
    elif isinstance(expr, Not):
        _undecided_sql(expr.part, here, found, leaf)
    else:
        for part in expr.parts:
            _undecided_sql(part, here, found, leaf)


DECIDED = tuple(b for s, b in STATUS_RULES if s in (Status.not_suitable, Status.declined))


def missing_sql(rules: Rules, leaf: Leaf, dialect: Dialect) -> str:
    """The facts not known that would decide the option, as ``engine.evaluate_option`` lists
    them (sorted), as a SQL list over a row with ``_condition``, ``_ruled_out`` and ``_because``
    (``logic.missing_facts`` in Python)."""
    whens: dict[str, list[str]] = {}
    # the condition that decides (``logic.condition_of``): its ways through a symptom alone for
    # one who can have the option only for a symptom, else the whole of it
    alone = for_relief_alone_sql(rules, leaf)
    conditions = [(rules.when, [])] if rules.relief_when is None else [
        (rules.when, [f"NOT {alone}"]), (rules.relief_when, [alone])]
    for when, path in conditions:
        found: dict[str, list[str]] = {}
        _undecided_sql(when, path, found, leaf)
        came_back: dict[str, list[str]] = {}  # stage 1 to 3 not known to have come back
        _undecided_sql(when, path, came_back, if_it_came_back_sql(leaf))
        unknown = f"{column('_condition')} IS NULL"
        if came_back == found:  # the condition asks nothing of whether the cancer came back
            for f, c in found.items():
                whens.setdefault(f, []).append(f"({unknown} AND ({' OR '.join(c)}))")
            continue
        gate = advanced_sql(leaf)
        for f, c in found.items():
            whens.setdefault(f, []).append(
                f"({gate} IS NOT NULL AND {unknown} AND ({' OR '.join(c)}))")
        for f, c in came_back.items():
            whens.setdefault(f, []).append(f"({gate} IS NULL AND {unknown} AND ({' OR '.join(c)}))")
    for r in rules.ruled_out:  # what it gives may have stopped working
        unsure = f"({column('_ruled_out')} IS NULL AND {hit_sql(r, leaf)} IS NULL)"
        if r.unless is None:
            whens.setdefault(r.fact, []).append(unsure)
            continue
        # its own fact when not given, else its unless's (``RuledOut.asks``)
        given = f"{leaf(not_given(r.fact, 'not given'))}"
        whens.setdefault(r.fact, []).append(f"({unsure} AND {given} IS TRUE)")
        whens.setdefault(r.unless.fact, []).append(f"({unsure} AND {given} IS FALSE)")
    whens.setdefault("recurrence", []).append(f"({advanced_sql(leaf)} IS NULL)")
    relief: dict[str, list[str]] = {}  # not wanting cancer treatment: is it for a symptom?
    _undecided_sql(Any(rules.relief), [], relief, leaf)
    for f, c in relief.items():
        whens.setdefault(f, []).append(f"({declines_sql(rules, leaf)} AND ({' OR '.join(c)}))")
    items = [f"CASE WHEN {' OR '.join(c)} THEN {quote(f)} END" for f, c in sorted(whens.items())]
    decided = f"{column('_because')} IN ({', '.join(quote(b) for b in DECIDED)})"
    return (f"CASE WHEN {decided} THEN {dialect.array([])} "
            f"ELSE {dialect.not_null(dialect.array(items))} END")  # fmt: skip


def _noting(leaf: Leaf, used: list[str]) -> Leaf:
    """``leaf``, noting in ``used`` each column it gives (once each, in order)."""

    def asked(test: Test) -> str:
        name = leaf(test)
        if name not in used:
            used.append(name)
        return name

    return asked


def results_sql(kb: KnowledgeBase, table: str = "facts",
                dialect: Dialect = DUCKDB) -> tuple[list[tuple[str, str]], str]:  # fmt: skip
    """The tables to make, in order, each (name, query), and the query of the result over them:
    (patient_id, option_id, status, because, missing, relieves) for every person of a facts
    table and every option in their scope.

    1. ``people``: the facts with the implied facts added, in order (as ``profile.facts_of``).
    2. ``tests_<fact>`` for each list fact: its tests (``Leaves``) worked out once per distinct
       list of the population (a test of a list is costly; a population has few distinct lists).
    3. ``decided_facts``: each person with every test of the rules as a column (``Leaves``),
       those of lists joined from step 2, the others worked out here.
    4. The result: per option, over ``decided_facts``."""
    leaf = Leaves(dialect)
    selects = []
    # each option over the rows of the sites it is for, and over each site whose own sources
    # cover only some situations, with its rules there (``Rules.at``)
    plans = [(rules, scope_sql(rules.scope, leaf)) for rules in kb.rules.values()]
    plans += [(rules.at(site), uncovered_sql(rules.scope, site, covers, leaf))
              for rules in kb.rules.values() for site, covers in rules.scope.uncovered]  # fmt: skip
    for r, scope in plans:
        used: list[str] = []  # the option's tests: its query carries these columns only
        asked = _noting(leaf, used)
        condition, out = condition_sql(r, asked), ruled_out_sql(r, asked)
        because, missing = because_sql(r, asked), missing_sql(r, asked, dialect)
        relief = f"coalesce({relieves_sql(r, asked)}, FALSE)"  # relieves_your_symptoms
        carried = ", ".join(["person_id", *used])
        inner = (f"SELECT {carried}, {condition} AS _condition, {out} AS _ruled_out "
                 f"FROM decided_facts WHERE {scope}")  # fmt: skip
        decided = (f"SELECT {carried}, _condition, _ruled_out, {because} AS _because "
                   f"FROM ({inner})")  # fmt: skip
        selects.append(f"SELECT person_id AS patient_id, {quote(r.option)} AS option_id, "
                       f"{status_of_sql(column('_because'))} AS status, _because AS because, "
                       f"{missing} AS missing, {relief} AS relieves FROM ({decided})")  # fmt: skip
    columns = facts_table(kb)
    steps = [("people", people_sql(kb, table, dialect))]
    lists = {n for n, sql_type, _ in columns if sql_type.endswith("[]")}
    tests, joins = [], []
    for fact in sorted({f for f in leaf.fact.values() if f in lists}):
        mine = [name for name, f in leaf.fact.items() if f == fact]
        steps.append((f"tests_{fact}", f"SELECT {column(fact)}, "
                      + ", ".join(f"{leaf.sql[name]} AS {name}" for name in mine)
                      + f" FROM (SELECT DISTINCT {column(fact)} FROM people)"))  # fmt: skip
        joins.append(f"LEFT JOIN {column('tests_' + fact)} ON people.{column(fact)} "
                     f"IS NOT DISTINCT FROM {column('tests_' + fact)}.{column(fact)}")  # fmt: skip
        tests += [f"{column('tests_' + fact)}.{name} AS {name}" for name in mine]
    tests += [f"{sql} AS {name}" for name, sql in leaf.sql.items() if leaf.fact[name] not in lists]
    steps.append(("decided_facts", f"SELECT people.person_id, people.site, {', '.join(tests)} "
                                   f"FROM people {' '.join(joins)}"))  # fmt: skip
    return steps, "\nUNION ALL\n".join(selects)


def people_sql(kb: KnowledgeBase, table: str = "facts", dialect: Dialect = DUCKDB) -> str:
    """The people of a facts table with the facts their others imply added, in order (as
    ``profile.facts_of``): the facts table's columns."""
    names = [n for n, _, _ in facts_table(kb)]
    previous = f"(SELECT {', '.join(column(n) for n in names)} FROM {table})"
    steps = [*(("progressed_on", only_one_had_sql(rule, dialect)) for rule in kb.only_one_had),
             *((i.fact, implied_sql(i, leaf_sql_of(dialect), dialect)) for i in kb.implied)]
    for fact, value in steps:
        previous = ("(SELECT " + ", ".join(f"{value} AS {column(n)}" if n == fact
                                           else column(n) for n in names)
                    + f" FROM {previous})")  # fmt: skip
    return f"SELECT * FROM {previous}"


def leaf_sql_of(dialect: Dialect) -> Leaf:
    """The tests written out in full (before the table of tests exists)."""
    return lambda test: leaf_sql(test, dialect)


def statuses_sql(kb: KnowledgeBase, table: str = "facts") -> str:
    """``results_sql`` as one DuckDB query: (person_id, option_id, status) for every person of a
    facts table (``onconav.profile.facts_table``) and every option in their scope; its tables
    as common table expressions, each worked out once."""
    steps, result = results_sql(kb, table)
    tables = ",\n".join(f"{column(name)} AS MATERIALIZED ({query})" for name, query in steps)
    return (f"WITH {tables}\nSELECT patient_id AS person_id, option_id, status "
            f"FROM ({result})")  # fmt: skip
