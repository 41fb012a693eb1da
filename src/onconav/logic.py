"""The one way options are decided: three-valued (Kleene) logic over a person's facts, in Python
for one person and compiled to SQL for a table of people. Both read the same rules
(``onconav.kb.rules``) and the same status table (``STATUS_RULES``); a differential test keeps
them in agreement.

A fact that is not known is UNKNOWN (NULL in SQL), never false: a test of it is UNKNOWN, and so is
an ``all``/``any`` that it could still decide. SQL's NULL already follows these rules for AND, OR
and NOT.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum, StrEnum
from typing import Literal

from onconav.kb.rules import (
    DECLINES,
    DISTANT_METASTASES,
    NO_LIMIT,
    NOT_COME_BACK,
    STAGE_EARLIER,
    All,
    Any,
    Expr,
    Implied,
    Not,
    OnlyOneHad,
    RuledOut,
    Rules,
    Scope,
    Test,
    not_given,
)

FactValue = str | bool | frozenset[str] | None
"""A fact's value in a person's row: a value id, yes/no, a set of value ids, or None (unknown)."""

Row = Mapping[str, FactValue]
"""A person's facts, one value each (``profile.Facts.row``): what the rules are read over."""


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __invert__(self) -> Truth:
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        return Truth.UNKNOWN


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene AND: FALSE if any is FALSE, else UNKNOWN if any is UNKNOWN, else TRUE."""
    result = Truth.TRUE
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene OR: TRUE if any is TRUE, else UNKNOWN if any is UNKNOWN, else FALSE."""
    result = Truth.FALSE
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


# --------------------------------------------------------------------------------------------
# Python
# --------------------------------------------------------------------------------------------


def leaf_truth(test: Test, value: FactValue) -> Truth:
    """One test against the person's value of its fact."""
    if test.kind == "unknown":
        return Truth.TRUE if value is None else Truth.FALSE
    if value is None:
        return Truth.UNKNOWN
    if test.kind == "bool":
        return Truth.TRUE if value == test.value else Truth.FALSE
    if test.kind == "one":
        if value in test.true:
            return Truth.TRUE
        return Truth.UNKNOWN if value in test.unknown else Truth.FALSE
    assert isinstance(value, frozenset), f"fact {test.fact} is not a set"
    if test.kind == "any":
        if not value.isdisjoint(test.true):
            return Truth.TRUE
        return Truth.FALSE if value.isdisjoint(test.unknown) else Truth.UNKNOWN
    if test.kind == "every":
        if not value or not value <= test.true | test.unknown:
            return Truth.FALSE
        return Truth.TRUE if value.isdisjoint(test.unknown) else Truth.UNKNOWN
    # count: of the values that count (all, when ``true`` is empty), more than the limit is
    # FALSE whatever else; a list that may not be whole (its ``unknown``) may hold more, or some
    counted = value & test.true if test.true else value - test.unknown
    if len(counted) > test.limit:
        return Truth.FALSE
    if not value.isdisjoint(test.unknown):
        return Truth.TRUE if counted and test.limit == NO_LIMIT else Truth.UNKNOWN
    return Truth.TRUE if counted else Truth.FALSE


def test_truth(test: Test, row: Row) -> Truth:
    """One test against the person's facts: its own fact's value (``leaf_truth``), and for a
    test of what stopped working, the treatments had (``Test.had``): what was never had cannot
    have stopped working, so a test of what stopped, not said, is FALSE when the list of
    treatments had holds nothing that may be it. Not when what stopped is said: a list of
    treatments had that leaves out one that stopped is not whole (pembrolizumab stopped, only
    radiation had: the chemotherapy often given with it may have been had, and stopped)."""
    value = row.get(test.fact)
    if (value is None and test.had is not None
            and leaf_truth(test.had, row.get(test.had.fact)) is Truth.FALSE):  # fmt: skip
        return Truth.FALSE
    return leaf_truth(test, value)


def truth(expr: Expr, row: Row) -> Truth:
    """The truth of an expression for a person's facts."""
    if isinstance(expr, Test):
        return test_truth(expr, row)
    if isinstance(expr, Not):
        return ~truth(expr.part, row)
    if isinstance(expr, All):
        return all_of(truth(part, row) for part in expr.parts)
    return any_of(truth(part, row) for part in expr.parts)


class Status(StrEnum):
    offered = "offered"
    needs_information = "needs_information"
    in_trials = "in_trials"
    declined = "declined"
    not_suitable = "not_suitable"


# the statuses of an option the person may have: offered, asking, or in trials (not one they
# do not want, nor one that does not suit): what the answer's warnings and the order cards read
MAY_HAVE = frozenset({Status.offered, Status.needs_information, Status.in_trials})


Because = Literal[
    "ruled_out",
    "not_advanced",
    "condition_false",
    "declined",
    "in_trials",
    "condition_unknown",
    "ruled_out_unknown",
    "advanced_unknown",
    "declined_unknown",
    "otherwise",
]

# The status of an option in scope: the first line whose test holds.
STATUS_RULES: tuple[tuple[Status, Because], ...] = (
    # it gives something the person cannot have, or that already stopped working (TRUE only)
    (Status.not_suitable, "ruled_out"),
    # stage 1 to 3 that has not come back: the sources are about advanced cancer
    (Status.not_suitable, "not_advanced"),
    (Status.not_suitable, "condition_false"),  # its condition is FALSE for the person
    # a treatment of the cancer, and the person does not want cancer treatment
    (Status.declined, "declined"),
    (Status.in_trials, "in_trials"),  # the sources only describe it as being studied
    (Status.needs_information, "condition_unknown"),  # a fact not known would decide it
    # something it gives may have stopped working (a chemotherapy did, which one is not said)
    (Status.needs_information, "ruled_out_unknown"),
    # stage 1 to 3, and not known whether it came back: that decides whether the sources apply
    (Status.needs_information, "advanced_unknown"),
    # a treatment of the cancer, for a person who does not want cancer treatment, and not known
    # whether it is for a symptom they have (the symptoms not given, or only broadly)
    (Status.needs_information, "declined_unknown"),
    (Status.offered, "otherwise"),
)


def hit_truth(r: RuledOut, row: Row) -> Truth:
    """Whether the person's answer rules out what the option gives: a fact not given rules
    nothing out (FALSE, not UNKNOWN: nobody is asked every treatment they cannot have), unless
    the route is ``asked`` (UNKNOWN: a partial gastrectomy asks whether all of the stomach was
    taken out already) or its ``asked_if`` holds (UNKNOWN: FOLFOX had, and which treatments
    stopped working not said). What the list of treatments had says was never had
    (``had_perhaps`` FALSE) cannot have stopped working: not UNKNOWN, whatever the list of what
    stopped may leave open, but FALSE."""
    value = row.get(r.fact)
    if value is None:
        if r.asked or (r.asked_if is not None
                       and leaf_truth(r.asked_if, row.get(r.asked_if.fact)) is Truth.TRUE):
            return _unless(r, row, Truth.UNKNOWN)
        return Truth.FALSE
    truth = leaf_truth(r.test, value)
    if truth is Truth.UNKNOWN and r.had_perhaps is not None and leaf_truth(
            r.had_perhaps, row.get(r.had_perhaps.fact)) is Truth.FALSE:  # fmt: skip
        return Truth.FALSE  # never had, by the list of treatments had: it cannot have stopped
    return _unless(r, row, truth)


def _unless(r: RuledOut, row: Row, truth: Truth) -> Truth:
    """A route's truth with its ``unless`` (``RuledOut.unless``): the care team says one of the
    kind could still work, or an operation that takes out cancer was had, not ruled out; not
    said, undecided."""
    if r.unless is None:
        return truth
    return all_of((truth, ~leaf_truth(r.unless, row.get(r.unless.fact))))


def ruled_out_hits(rules: Rules, row: Row) -> list[RuledOut]:
    """What the person's answers rule out of what the option gives (TRUE only)."""
    return [r for r in rules.ruled_out if hit_truth(r, row) is Truth.TRUE]


def ruled_out(rules: Rules, row: Row) -> Truth:
    """Whether the person's own answers rule the option out: something it gives that is not one
    choice among others is hit, or every choice is (Kleene OR and AND over the hits)."""
    by_given: dict[str, list[Truth]] = {}
    for r in rules.ruled_out:
        by_given.setdefault(r.given, []).append(hit_truth(r, row))
    hit = {given: any_of(truths) for given, truths in by_given.items()}
    parts = [t for given, t in hit.items() if given not in rules.choices]
    if rules.choices:  # too few choices left: surely (TRUE), or perhaps (UNKNOWN)
        left = sum(hit[c] is Truth.FALSE for c in rules.choices)
        maybe = sum(hit[c] is Truth.UNKNOWN for c in rules.choices)
        if left + maybe < rules.choices_min:
            parts.append(Truth.TRUE)
        elif left < rules.choices_min:
            parts.append(Truth.UNKNOWN)
    return any_of(parts)


def advanced(row: Row) -> Truth:
    """Whether the sources apply: FALSE for stage 1 to 3 that has not come back, UNKNOWN for
    stage 1 to 3 when it is not known whether it came back, TRUE otherwise (a stage not known is
    taken as advanced, the premise of the sources)."""
    if leaf_truth(STAGE_EARLIER, row.get("stage")) is not Truth.TRUE:
        return Truth.TRUE
    return ~leaf_truth(NOT_COME_BACK, row.get("recurrence"))


def advanced_by_premise(row: Row) -> bool:
    """Whether ``advanced`` is TRUE only by the premise of the sources: the stage is not known,
    and nothing says the cancer is advanced (that it came back, or spread to a distant organ,
    which is stage 4 or a cancer come back). One person who asks onconav has advanced cancer; a
    cancer centre's table holds people of every stage, so for them the stage is a gap that
    decides every option (``onconav cohort gaps``)."""
    stage, came_back, spread = row.get("stage"), row.get("recurrence"), row.get("metastases")
    return (leaf_truth(STAGE_EARLIER, stage) is Truth.UNKNOWN
            and leaf_truth(NOT_COME_BACK, came_back) is not Truth.FALSE
            and leaf_truth(DISTANT_METASTASES, spread) is not Truth.TRUE)  # fmt: skip


def if_it_came_back(row: Row) -> dict[str, FactValue]:
    """The facts as if the cancer came back, the place not said: for stage 1 to 3 not known to
    have come back, an option applies only if it did, so its condition is read this way to know
    which facts would still decide it (``missing_facts``)."""
    return {**row, "recurrence": "yes"}


def relieves(rules: Rules, row: Row) -> Truth:
    """Whether the option is for a symptom the person has: TRUE when one of its symptom tests
    is, UNKNOWN when one may be (the symptoms not given, or a broad one: "bleeding", from
    where?), FALSE otherwise (and for an option for no symptom)."""
    return any_of(leaf_truth(t, row.get(t.fact)) for t in rules.relief)


def declines(rules: Rules, row: Row) -> bool:
    """Whether the option is a treatment of the cancer and the person does not want one."""
    return rules.declinable and leaf_truth(
        DECLINES, row.get("wants_cancer_treatment")) is Truth.TRUE


def for_relief_alone(rules: Rules, row: Row) -> bool:
    """Whether the option can be the person's only for a symptom: they do not want cancer
    treatment, it treats the cancer and may relieve a symptom they have, and its condition has
    ways that are not through a symptom (``Rules.relief_when``)."""
    return (rules.relief_when is not None and declines(rules, row)
            and relieves(rules, row) is not Truth.FALSE)  # fmt: skip


def condition_of(rules: Rules, row: Row) -> Expr:
    """The condition that decides the option for the person: its ways through a symptom for one
    who can have it only for a symptom (``for_relief_alone``), else the whole of it. The
    status, the reasons and the questions all read this one."""
    if for_relief_alone(rules, row):
        assert rules.relief_when is not None  # (``for_relief_alone``)
        return rules.relief_when
    return rules.when


def decide(rules: Rules, row: Row) -> tuple[Status, Because, Truth, Truth]:
    """An option's status for a person in its scope, the line of ``STATUS_RULES`` that gave it,
    the truth of its condition (``condition_of``), and whether the person's own answers rule it
    out. ``rules`` are the option's for the person's site (``Rules.at``)."""
    out = ruled_out(rules, row)
    gate = advanced(row)
    condition = truth(condition_of(rules, row), row)
    relief = relieves(rules, row)
    declined = declines(rules, row)
    holds: dict[Because, bool] = {
        "ruled_out": out is Truth.TRUE,
        "not_advanced": gate is Truth.FALSE,
        "condition_false": condition is Truth.FALSE,
        "declined": declined and relief is Truth.FALSE,
        "in_trials": rules.in_trials,
        "condition_unknown": condition is Truth.UNKNOWN,
        "ruled_out_unknown": out is Truth.UNKNOWN,
        "advanced_unknown": gate is Truth.UNKNOWN,
        "declined_unknown": declined and relief is Truth.UNKNOWN,
        "otherwise": True,
    }
    status, because = next((s, b) for s, b in STATUS_RULES if holds[b])
    return status, because, condition, out


def in_scope(scope: Scope, site: str, row: Row) -> bool:
    """Whether an option is listed for this person: it is for their site (``Scope.holds``), or,
    for an option of the general source, their own cancer's sources may not cover their
    situation (cervical cancer that came back after an earlier stage, in the pelvis or where is
    not said: ``Rules.at`` then asks what decides it). Unknown is not negative: only a situation
    known to be covered leaves it out. An option of the general source for one kind of cancer
    (``Scope.for_cancer``) is listed only for a person whose cancer may be that one."""
    if scope.for_cancer is not None and leaf_truth(
            scope.for_cancer, row.get("cancer")) is Truth.FALSE:  # fmt: skip
        return False
    if scope.holds(site):
        return True
    return any(s == site and truth(covers, row) is not Truth.TRUE
               for s, covers in scope.uncovered)  # fmt: skip


def missing_facts(rules: Rules, row: Row, status: Status, condition: Truth,
                  out: Truth) -> list[str]:  # fmt: skip
    """The facts not known that would decide an option (none for one not suitable or not
    chosen), in the order asked: the condition's undecided facts, then the fact of each route
    that may rule out what it gives (``Rules.ruled_out``, in its order: whether it stopped
    working, cannot be had, or was had already), then, for stage 1 to 3, whether the cancer
    came back. The one rule for every engine (the cohort's Python engine sorts them;
    ``sql.missing_sql`` is its SQL, which adds the fact of every unsure route too, checked
    against this by the cohort's tests and tests/test_sql.py).

    For stage 1 to 3 not known to have come back, the condition is read as if it came back
    (``if_it_came_back``): had it not, the option would not be suitable whatever the other
    facts, so a fact that decides the condition only for cancer that has not come back decides
    nothing (phase I trials, for cancer that came back or after a drug stopped working, asked
    which treatments stopped working)."""
    if status in (Status.not_suitable, Status.declined):
        return []
    gate = advanced(row)
    read = if_it_came_back(row) if gate is Truth.UNKNOWN else row
    when = condition_of(rules, row)
    undecided = undecided_facts(when, read) if condition is Truth.UNKNOWN else []
    if out is Truth.UNKNOWN:  # what it gives may have stopped working: each unsure route's fact
        unsure = [r.asks(row) for r in rules.ruled_out if hit_truth(r, row) is Truth.UNKNOWN]
        undecided += [f for f in dict.fromkeys(unsure) if f not in undecided]
    if gate is Truth.UNKNOWN and "recurrence" not in undecided:
        undecided.append("recurrence")  # stage 1 to 3: whether it came back decides
    if declines(rules, row) and relieves(rules, row) is Truth.UNKNOWN:
        # not wanting cancer treatment: whether it is for a symptom they have decides
        undecided += [f for f in undecided_facts(Any(rules.relief), row) if f not in undecided]
    return undecided


def undecided_facts(expr: Expr, row: Row) -> list[str]:
    """Facts whose tests in an UNKNOWN expression are themselves UNKNOWN: knowing them decides."""
    out: dict[str, None] = {}

    def walk(part: Expr) -> None:
        if truth(part, row) is not Truth.UNKNOWN:
            return
        if isinstance(part, Test):
            out.setdefault(part.fact, None)
        elif isinstance(part, Not):
            walk(part.part)
        else:
            for child in part.parts:
                walk(child)

    walk(expr)
    return list(out)


# SQL (DuckDB, and Spark SQL for `onconav cohort --engine spark`): one row of facts per person;
# NULL for unknown, an empty list for none. The two differ only in the functions on lists.
# --------------------------------------------------------------------------------------------


class Dialect:
    """How a SQL engine writes what standard SQL has no words for: lists (DuckDB's)."""

    name = "duckdb"

    def array(self, items: Iterable[str]) -> str:
        """A list of SQL expressions (of text)."""
        return "[" + ", ".join(items) + "]::VARCHAR[]"

    def has_any(self, col: str, values: str) -> str:
        return f"list_has_any({col}, {values})"

    def has_all(self, values: str, col: str) -> str:
        return f"list_has_all({values}, {col})"

    def length(self, items: str) -> str:
        return f"len({items})"

    def intersect(self, col: str, values: str) -> str:
        return f"list_intersect({col}, {values})"

    def not_null(self, items: str) -> str:
        """The list without its NULL items."""
        return f"list_filter({items}, lambda x: x IS NOT NULL)"

    def without(self, col: str, values: str) -> str:
        """The list without the items of ``values``."""
        return f"list_filter({col}, lambda x: NOT list_contains({values}, x))"

    def concat(self, col: str, values: str) -> str:
        """The list with the items of ``values`` after its own."""
        return f"list_concat({col}, {values})"


class SparkDialect(Dialect):
    name = "spark"

    def array(self, items: Iterable[str]) -> str:
        return "CAST(array(" + ", ".join(items) + ") AS ARRAY<STRING>)"

    def has_any(self, col: str, values: str) -> str:
        return f"arrays_overlap({col}, {values})"

    def has_all(self, values: str, col: str) -> str:
        return f"(size(array_except({col}, {values})) = 0)"

    def length(self, items: str) -> str:
        return f"size({items})"

    def intersect(self, col: str, values: str) -> str:
        return f"array_intersect({col}, {values})"

    def not_null(self, items: str) -> str:
        return f"filter({items}, x -> x IS NOT NULL)"

    def without(self, col: str, values: str) -> str:
        return f"array_except({col}, {values})"

    def concat(self, col: str, values: str) -> str:
        return f"concat({col}, {values})"


DUCKDB, SPARK = Dialect(), SparkDialect()


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def column(name: str) -> str:
    """A column's name; DuckDB's double quotes, which Spark reads with ``spark.sql.ansi
    .doubleQuotedIdentifiers`` (set by the spark engine)."""
    return '"' + name.replace('"', '""') + '"'


def _values(values: Iterable[str]) -> str:
    return ", ".join(quote(v) for v in sorted(values))


def leaf_sql(test: Test, dialect: Dialect = DUCKDB) -> str:
    col = column(test.fact)
    d = dialect
    if test.kind == "unknown":
        return f"({col} IS NULL)"
    if test.kind == "bool":
        return f"({col} = {'TRUE' if test.value else 'FALSE'})"
    if test.kind == "count":  # as leaf_truth
        unknown = d.array(quote(v) for v in sorted(test.unknown))
        counted = (d.intersect(col, d.array(quote(v) for v in sorted(test.true))) if test.true
                   else d.without(col, unknown) if test.unknown else col)  # fmt: skip
        some = f"{d.length(counted)} >= 1"
        whens = [f"WHEN {col} IS NULL THEN NULL",
                 f"WHEN {d.length(counted)} > {test.limit} THEN FALSE"]  # fmt: skip
        if test.unknown:
            open_ended = f"CASE WHEN {some} THEN TRUE END" if test.limit == NO_LIMIT else "NULL"
            whens.append(f"WHEN {d.has_any(col, unknown)} THEN ({open_ended})")
        return "(CASE " + " ".join(whens) + f" ELSE {some} END)"
    whens = [f"WHEN {col} IS NULL THEN NULL"]
    true = d.array(quote(v) for v in sorted(test.true))
    unknown = d.array(quote(v) for v in sorted(test.unknown))
    if test.kind == "one":
        if test.true:
            whens.append(f"WHEN {col} IN ({_values(test.true)}) THEN TRUE")
        if test.unknown:
            whens.append(f"WHEN {col} IN ({_values(test.unknown)}) THEN NULL")
    elif test.kind == "any":
        if test.true:
            whens.append(f"WHEN {d.has_any(col, true)} THEN TRUE")
        if test.unknown:
            whens.append(f"WHEN {d.has_any(col, unknown)} THEN NULL")
    else:  # every
        allowed = d.array(quote(v) for v in sorted(test.true | test.unknown))
        whens.append(f"WHEN {d.length(col)} = 0 THEN FALSE")
        if test.true or test.unknown:
            whens.append(f"WHEN NOT {d.has_all(allowed, col)} THEN FALSE")
            if test.unknown:
                whens.append(f"WHEN {d.has_any(col, unknown)} THEN NULL")
            whens.append("ELSE TRUE")
    if not whens[-1].startswith("ELSE"):
        whens.append("ELSE FALSE")
    return "(CASE " + " ".join(whens) + " END)"


Leaf = Callable[[Test], str]
"""How a test is written: ``leaf_sql`` itself, or a column holding it, worked out once per
person (``onconav.sql.Leaves``)."""


def to_sql(expr: Expr, leaf: Leaf = leaf_sql) -> str:
    """An expression as a SQL boolean (NULL for UNKNOWN) over a facts row."""
    if isinstance(expr, Test):
        if expr.had is not None:  # not said, and never had by the list of treatments had:
            # FALSE (``test_truth``)
            not_said = leaf(not_given(expr.fact, "not said"))
            return (f"(CASE WHEN {not_said} AND {leaf(expr.had)} IS FALSE THEN FALSE "
                    f"ELSE {leaf(expr)} END)")  # fmt: skip
        return leaf(expr)
    if isinstance(expr, Not):
        return f"(NOT {to_sql(expr.part, leaf)})"
    joiner, empty = (" AND ", "TRUE") if isinstance(expr, All) else (" OR ", "FALSE")
    return "(" + joiner.join(to_sql(p, leaf) for p in expr.parts) + ")" if expr.parts else empty


def scope_sql(scope: Scope, leaf: Leaf = leaf_sql) -> str:
    """``Scope.holds`` as a SQL boolean over the row's ``site`` (never NULL): the rows of the
    sites the option is for whatever the situation (those of ``Scope.uncovered`` are
    ``uncovered_sql``'s), of a cancer it may be for (``Scope.for_cancer``)."""
    site = column("site")
    parts = [f"{site} IN ({_values(scope.sites)})"] if scope.sites else []
    if scope.everywhere:
        parts.append(f"{site} NOT IN ({_values(scope.not_for)})" if scope.not_for else "TRUE")
    holds = "(" + " OR ".join(parts) + ")" if parts else "FALSE"
    return f"({holds} AND {for_cancer_sql(scope, leaf)})"


def for_cancer_sql(scope: Scope, leaf: Leaf = leaf_sql) -> str:
    """Whether the person's cancer may be the one an option is for (``Scope.for_cancer``), as a
    SQL boolean (never NULL)."""
    return "TRUE" if scope.for_cancer is None else f"({leaf(scope.for_cancer)} IS NOT FALSE)"


def uncovered_sql(scope: Scope, site: str, covers: Expr, leaf: Leaf = leaf_sql) -> str:
    """``in_scope`` for a site of ``Scope.uncovered`` as a SQL boolean (never NULL)."""
    return (f"({column('site')} = {quote(site)} AND {to_sql(covers, leaf)} IS NOT TRUE "
            f"AND {for_cancer_sql(scope, leaf)})")  # fmt: skip


def hit_sql(r: RuledOut, leaf: Leaf = leaf_sql) -> str:
    """``hit_truth`` as a SQL boolean: a fact not given rules nothing out (NULL if asked)."""
    given = f"{leaf(not_given(r.fact, 'not given'))} IS TRUE"
    not_said = "CAST(NULL AS BOOLEAN)" if r.asked else "FALSE"
    if r.asked_if is not None and not r.asked:
        not_said = (f"(CASE WHEN {leaf(r.asked_if)} IS TRUE THEN CAST(NULL AS BOOLEAN) "
                    "ELSE FALSE END)")
    test = to_sql(r.test, leaf)
    if r.had_perhaps is not None:  # never had, by the list of treatments had: FALSE
        test = (f"(CASE WHEN {test} IS NULL AND {leaf(r.had_perhaps)} IS FALSE THEN FALSE "
                f"ELSE {test} END)")  # fmt: skip
    case = f"(CASE WHEN {given} THEN {not_said} ELSE {test} END)"
    if r.unless is not None:  # the care team says one of the kind could still work: FALSE
        return f"({case} AND NOT {leaf(r.unless)})"
    return case


def ruled_out_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """``ruled_out`` as a SQL boolean (NULL for UNKNOWN)."""
    hits: dict[str, list[str]] = {}
    for r in rules.ruled_out:
        hits.setdefault(r.given, []).append(hit_sql(r, leaf))
    hit = {given: "(" + " OR ".join(tests) + ")" for given, tests in hits.items()}
    parts = [h for given, h in hit.items() if given not in rules.choices]
    if rules.choices:
        left = " + ".join(f"(CASE WHEN {hit[c]} IS FALSE THEN 1 ELSE 0 END)"
                          for c in sorted(rules.choices))  # fmt: skip
        maybe = " + ".join(f"(CASE WHEN {hit[c]} IS NULL THEN 1 ELSE 0 END)"
                           for c in sorted(rules.choices))  # fmt: skip
        n = rules.choices_min
        parts.append(f"(CASE WHEN ({left}) + ({maybe}) < {n} THEN TRUE "
                     f"WHEN ({left}) < {n} THEN NULL ELSE FALSE END)")  # fmt: skip
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def relieves_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """``relieves`` as a SQL boolean (NULL for UNKNOWN)."""
    return to_sql(Any(rules.relief), leaf)


def declines_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """``declines`` as a SQL boolean (never NULL)."""
    return f"({leaf(DECLINES)} IS TRUE)" if rules.declinable else "FALSE"


def for_relief_alone_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """``for_relief_alone`` as a SQL boolean (never NULL)."""
    if rules.relief_when is None:
        return "FALSE"
    return f"({declines_sql(rules, leaf)} AND {relieves_sql(rules, leaf)} IS NOT FALSE)"


def condition_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """``truth(condition_of(rules, row), row)`` as a SQL boolean (NULL for UNKNOWN)."""
    if rules.relief_when is None:
        return to_sql(rules.when, leaf)
    return (f"(CASE WHEN {for_relief_alone_sql(rules, leaf)} THEN {to_sql(rules.relief_when, leaf)}"
            f" ELSE {to_sql(rules.when, leaf)} END)")


def advanced_sql(leaf: Leaf = leaf_sql) -> str:
    """``advanced`` as a SQL boolean (NULL for UNKNOWN)."""
    return (f"(CASE WHEN {leaf(STAGE_EARLIER)} IS NOT TRUE THEN TRUE "
            f"ELSE NOT {leaf(NOT_COME_BACK)} END)")  # fmt: skip


def advanced_by_premise_sql(leaf: Leaf = leaf_sql) -> str:
    """``advanced_by_premise`` as a SQL boolean (never NULL)."""
    return (f"({leaf(STAGE_EARLIER)} IS NULL AND {leaf(NOT_COME_BACK)} IS NOT FALSE "
            f"AND {leaf(DISTANT_METASTASES)} IS NOT TRUE)")  # fmt: skip


def if_it_came_back_sql(leaf: Leaf) -> Leaf:
    """``leaf`` with each test of whether the cancer came back answered as ``if_it_came_back``
    answers it (a constant)."""
    answers = {Truth.TRUE: "TRUE", Truth.FALSE: "FALSE", Truth.UNKNOWN: "CAST(NULL AS BOOLEAN)"}

    def asked(test: Test) -> str:
        if test.fact != "recurrence":
            return leaf(test)
        return answers[leaf_truth(test, if_it_came_back({})["recurrence"])]

    return asked


def because_sql(rules: Rules, leaf: Leaf = leaf_sql) -> str:
    """The line of ``STATUS_RULES`` that gives the option's status, as a SQL expression over a row
    that also has the truth of its condition (``_condition``) and of what rules it out
    (``_ruled_out``), each worked out once (see ``onconav.sql``)."""
    when = column("_condition")
    ruled_out = column("_ruled_out")
    gate = advanced_sql(leaf)
    tests: dict[Because, str] = {
        "ruled_out": f"{ruled_out} IS TRUE",
        "ruled_out_unknown": f"{ruled_out} IS NULL",
        "not_advanced": f"{gate} IS FALSE",
        "condition_false": f"{when} IS FALSE",
        "declined": f"{declines_sql(rules, leaf)} AND {relieves_sql(rules, leaf)} IS FALSE",
        "in_trials": "TRUE" if rules.in_trials else "FALSE",
        "condition_unknown": f"{when} IS NULL",
        "advanced_unknown": f"{gate} IS NULL",
        "declined_unknown": f"{declines_sql(rules, leaf)} AND {relieves_sql(rules, leaf)} IS NULL",
    }
    whens = " ".join(
        f"WHEN {tests[b]} THEN {quote(b)}" for _, b in STATUS_RULES if b != "otherwise"
    )
    return f"CASE {whens} ELSE 'otherwise' END"


def status_of_sql(because: str) -> str:
    """The status a line of ``STATUS_RULES`` gives, from a SQL expression of the line."""
    whens = " ".join(f"WHEN {quote(b)} THEN {quote(s.value)}" for s, b in STATUS_RULES)
    return f"CASE {because} {whens} END"


def only_one_had_sql(rule: OnlyOneHad, dialect: Dialect = DUCKDB) -> str:
    """The column of what stopped working with ``OnlyOneHad.adds``'s treatment in the kind's
    place where it applies, else as given (NULL where either list is not given: its tests are
    then NULL)."""
    d = dialect
    stopped, had = column("progressed_on"), column("prior_treatments")

    def values(items: frozenset[str]) -> str:
        return d.array(quote(v) for v in sorted(items))

    one = d.intersect(had, values(rule.members))
    applies = (f"{d.has_any(stopped, values(frozenset({rule.kind})))} "
               f"AND NOT {d.has_any(stopped, values(rule.narrower))} "
               f"AND {d.length(d.intersect(had, values(rule.counted)))} = 1 "
               f"AND {d.length(one)} = 1")  # fmt: skip
    kind = values(frozenset({rule.kind}))
    return (f"(CASE WHEN {applies} THEN {d.concat(d.without(stopped, kind), one)} "
            f"ELSE {stopped} END)")  # fmt: skip


def implied_sql(implied: Implied, leaf: Leaf = leaf_sql, dialect: Dialect = DUCKDB) -> str:
    """The column of an implied fact: its value where the rule applies, else as given."""
    col = column(implied.fact)
    if implied.value is None:
        value = "NULL"
    elif isinstance(implied.value, bool):
        value = "TRUE" if implied.value else "FALSE"
    elif isinstance(implied.value, str):
        value = quote(implied.value)
    else:
        value = dialect.array(quote(v) for v in sorted(implied.value))
    applies = f"{to_sql(implied.when, leaf)} IS TRUE"
    if implied.if_unknown:
        applies = f"{col} IS NULL AND {applies}"
    return f"CASE WHEN {applies} THEN {value} ELSE {col} END"
