"""Each option's rules in one small form, lowered from the YAML once, when the data is loaded.

An option's rules say who it is for (its scope: which cancers), what rules it out whatever else is
true (something it gives that the person cannot have, or that already stopped working), and its
condition. The condition tree of the YAML (``all``/``any``/``not`` over fact tests) is lowered
against the vocabulary: each test becomes the set of known values that make it TRUE and the set
that leave it UNKNOWN (a broader value, such as stage 4 for a test of 4B); any other value makes
it FALSE. ``onconav.logic`` evaluates this one form, in Python for a person and as SQL for a
table of people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

from onconav.kb.model import (
    AllOf,
    AnyOf,
    Condition,
    FactTest,
    FactType,
    Intent,
    KBData,
    Modality,
    NotOf,
    Option,
    Regimen,
    Timing,
)
from onconav.kb.vocabulary import Vocabulary, in_sentence
from onconav.words import and_list, one_of_its_kind, part_of

Kind = Literal["bool", "one", "any", "every", "count", "unknown"]
"""How a test reads its fact: a yes/no fact; one value (an enum); a set holding any wanted value
(``has``, ``has_any``); a set that is not empty and holds only wanted values (``only``); a set of
one up to ``limit`` members (``count_max``; its ``true`` holds the values that count, all when
empty: for ``metastases``, the distant organs; ``not_empty``: any number of any values); whether
the fact was not given (``unknown``: TRUE or FALSE, never UNKNOWN; only the implied facts use it,
never an option's condition)."""


@dataclass(frozen=True)
class Test:
    fact: str
    operator: str  # as written in the data: eq, in, has, has_any, only, count_max, not_empty
    kind: Kind
    wanted: tuple[str, ...]  # the values asked for (empty for bool and count tests)
    true: frozenset[str]  # known values that make the test TRUE
    unknown: frozenset[str]  # known values that leave it UNKNOWN (broader than a wanted one)
    value: bool | None = None  # the wanted answer of a yes/no fact
    limit: int = 0  # the most members a count test allows
    text: str = ""  # what the test asks for, in plain words ("stage of the cancer: stage 4B")
    # (what stopped working) the treatments had that may hold what it asks for: a list of
    # treatments had that holds none of them says it was never had, so it cannot have stopped
    # working: FALSE where what stopped is not said. Radiation alone had, nothing said of what
    # stopped, had read as "no drug treatment, so none can have stopped working", radiation
    # too. ``logic.test_truth``
    had: Test | None = None

    @property
    def listed(self) -> bool:
        """A test of whether a list holds a value: its reasons never repeat the person's list."""
        return self.kind == "any"


@dataclass(frozen=True)
class All:
    parts: tuple[Expr, ...]  # no parts: TRUE (an option with no condition)
    says: str | None = None  # what they are for together, in plain words (``AllOf.says``)


@dataclass(frozen=True)
class Any:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    part: Expr


Expr = Test | All | Any | Not
ALWAYS = All(())


@dataclass(frozen=True)
class Scope:
    """The cancers an option is for: the person's site (a cancer id, ``any`` when not given, or
    the folded name of a cancer the knowledge base does not know) is in ``sites``; or the option
    is for every cancer (``everywhere``) and the site is not one of ``not_for`` (cancers whose
    own source's options take the place of a general-only one)."""

    sites: frozenset[str]
    everywhere: bool
    not_for: frozenset[str]
    # cancers of ``not_for`` whose own sources cover only some situations, with the condition
    # that says which: for a person not known to be inside them (the condition not TRUE) the
    # option is in scope, its condition there asking that they are outside (``Rules.at``)
    uncovered: tuple[tuple[str, Expr], ...] = ()
    # the test of the person's cancer its condition asks for, for an option of the general source
    # for one kind of cancer (radioactive iodine, for thyroid cancer): listed only for a person
    # whose cancer may be that one (``logic.in_scope``), not as "not suitable" to every other
    for_cancer: Test | None = None

    def holds(self, site: str) -> bool:
        """Whether the option is for this site whatever the person's situation (see
        ``onconav.logic.in_scope`` for the situations an own source does not cover)."""
        return site in self.sites or (self.everywhere and site not in self.not_for)


@dataclass(frozen=True)
class RuledOut:
    """Something an option gives that rules it out when the person's answer holds it. For
    ``cannot_have``: the thing, its drugs, and what they are kinds of (a regimen the person cannot
    have does not rule out its drugs elsewhere). For ``progressed_on``: a drug, and every regimen
    that contains it; a regimen, and each of its drugs; a procedure that is a drug treatment too
    (chemoradiation, which regimens count as). For ``prior_treatments``: what was had that leaves
    nothing for it to do (a total gastrectomy: no part of the stomach is left to take out).
    Applied only when TRUE: unknown rules nothing out, and a fact not given rules nothing out and
    asks nothing (nobody is asked every treatment they cannot have), unless ``asked``, or
    ``asked_if`` holds (TRUE) of the person's answers: then it is not known, and asked; a broader
    value (that a chemotherapy stopped working, not which) leaves it undecided. ``words`` says,
    for each value of the test that rules it out, why."""

    fact: Literal["cannot_have", "progressed_on", "prior_treatments"]
    given: str
    test: Test
    words: tuple[tuple[str, str], ...]
    # whether it rules out an option that only relieves symptoms too: radiation that stopped
    # working is not given again to treat the cancer, but may be to ease a symptom, or to treat
    # spread in a place of its own (``Option.aimed_at_spread``)
    relief_too: bool = True
    # whether a fact not given leaves it undecided (asked) rather than ruling nothing out
    asked: bool = False
    # or only when this holds: what stopped working not given, of someone who has had what the
    # option gives (FOLFOX had, the cancer back: whether FOLFOX stopped working is not known)
    asked_if: Test | None = None
    # (what stopped working) the treatments had that may hold what the option gives: a list of
    # treatments had that holds none of them says it was never had, so it cannot have stopped
    # working, whatever leaves the test undecided ("perhaps other treatments not listed" among
    # what stopped, or a kind that stopped, not which): ``logic.hit_truth``
    had_perhaps: Test | None = None
    # only of a mix that gives it with something else (``Option.given_with``): a kind of drug
    # that stopped, not which (``kind_stopped_route``)
    mix_only: bool = False
    # it rules out only when this is FALSE of the person's answers: the care team says a drug of
    # the kind could still work (``kin_may_work`` lists it: TRUE, it rules nothing out); not
    # given, it is undecided, and asks it (``kin_stopped_route``; ``logic.hit_truth``). Or an
    # operation that takes out cancer has been had (an option given after one: one who cannot
    # have surgery is ruled out only by a list of treatments had that is whole and holds none;
    # the list not given, or perhaps holding one, asks it: ``around_surgery``)
    unless: Test | None = None

    def asks(self, row: Mapping[str, object]) -> str:
        """The fact whose answer decides the route when it is undecided: its own, when not
        given (whether FOLFOX, which was had, stopped working); else its ``unless``'s (what
        stopped is known: whether the care team says one of the kind could still work)."""
        if self.unless is not None and row.get(self.fact) is not None:
            return self.unless.fact
        return self.fact

    def why(self, values: frozenset[str]) -> str:
        """Why the person's values rule it out: the words of the first value they hold."""
        return next(words for value, words in self.words if value in values)


@dataclass(frozen=True)
class Rules:
    option: str
    scope: Scope
    ruled_out: tuple[RuledOut, ...]
    choices: frozenset[str]  # what it gives that is one choice among others
    choices_min: int  # how many choices must be left (one, or two for a mix of them)
    when: Expr
    in_trials: bool
    caveats: tuple[tuple[str, Expr], ...]  # (caveat id, shown when TRUE)
    # its tests of symptoms not under a not, and of the symptoms it eases (``eases``): TRUE
    # means it relieves one the person has
    relief: tuple[Test, ...]
    # for a person who does not want cancer treatment, the ways of its condition through a
    # symptom (``relief_route``): an option that treats the cancer and relieves a symptom is
    # theirs only for the symptom; None when every way is through one, or none is (``eases``),
    # or it is not ``declinable``
    relief_when: Expr | None
    partners: tuple[str, ...]  # options giving alone a regimen it is given with: their conditions
    declinable: bool  # cancer treatment: a person who does not want cancer treatment declines it
    aims_at_cancer: bool  # it aims to cure or control the cancer, or is a drug treatment of it
    merged: tuple[str, ...]  # general options that are the same treatment (their ``same_as``)
    trial: bool  # taking part in a clinical trial (modality clinical_trial)

    def at(self, site: str) -> Rules:
        """The option's rules for a person of this site. For a site whose own sources cover only
        some situations (``Scope.uncovered``: a general option for cervical cancer), the
        condition also asks that the person's situation is not one of them: not known whether it
        is, the option asks what decides it, as for any condition (it had been left out, as if
        covered)."""
        covers = next((c for s, c in self.scope.uncovered if s == site), None)
        if covers is None:
            return self

        def outside(expr: Expr) -> Expr:
            return Not(covers) if expr == ALWAYS else All((expr, Not(covers)))

        relief_when = None if self.relief_when is None else outside(self.relief_when)
        return replace(self, when=outside(self.when), relief_when=relief_when)

    @cached_property
    def reads(self) -> frozenset[str]:
        """The facts its condition and its caveats test (worked out once: the rules are
        frozen)."""
        return frozenset(test.fact for expr in (self.when, *(shown for _, shown in self.caveats))
                         for test in tests_of(expr))  # fmt: skip

    @property
    def standard(self) -> bool:
        """A standard option: a treatment that aims at the cancer (``aims_at_cancer``) that the
        sources describe as given, not only as studied, and not a clinical trial to take part
        in. A fact of the work-up not on record that would decide one is a care gap (``onconav
        cohort gaps``). Not care that relieves symptoms, though it destroys the cancer to do so
        (ablation, radioactive drugs for the bones: declined with cancer treatment, but they had
        filled the care gaps, the place of spread deciding them for 461 of 565 patients)."""
        return self.aims_at_cancer and not self.in_trials and not self.trial


def tests_of(expr: Expr) -> Iterator[Test]:
    """Every test in an expression, depth first."""
    if isinstance(expr, Test):
        yield expr
    elif isinstance(expr, Not):
        yield from tests_of(expr.part)
    else:
        for part in expr.parts:
            yield from tests_of(part)


def positive_tests(expr: Expr) -> Iterator[Test]:
    """The tests of an expression that are not under a ``not``: a TRUE one speaks for it."""
    if isinstance(expr, Test):
        yield expr
    elif not isinstance(expr, Not):
        for part in expr.parts:
            yield from positive_tests(part)


def _cancer_test(expr: Expr) -> Test | None:
    """The test of the person's cancer that an expression cannot hold without: itself, or one of
    the parts of an ``All``; None if there is none."""
    parts = expr.parts if isinstance(expr, All) else (expr,)
    return next((p for p in parts if isinstance(p, Test) and p.fact == "cancer"), None)


def relief_route(expr: Expr) -> Expr | None:
    """The ways an expression holds through a test of the symptoms (not under a ``not``); None
    when it has none. Of a choice (``Any``), the parts that have one; of parts that must all
    hold (``All``), each part that has one narrowed to it, the others as they are (so an
    ``All`` of two parts each with a symptom asks for both symptoms: no option's condition has
    that shape). Local
    excision, for rectal cancer come back where it started that surgery can take out, or for
    the symptoms of a tumour in the pelvis, is for the symptoms alone: a person who wants no
    cancer treatment had been asked whether the cancer could be taken out."""
    if isinstance(expr, Test):
        return expr if expr.fact == "symptoms" else None
    if isinstance(expr, Not):
        return None
    routes = [relief_route(part) for part in expr.parts]
    if isinstance(expr, Any):
        ways = [r for r in routes if r is not None]
        return None if not ways else ways[0] if len(ways) == 1 else Any(tuple(ways))
    if all(r is None for r in routes):
        return None
    return All(tuple(p if r is None else r for p, r in zip(expr.parts, routes, strict=True)),
               expr.says)


NO_LIMIT = 2**31 - 1  # the limit of a count test that has none (``not_empty``)

# The value of a list (symptoms, where the cancer has spread, treatments had) that says the list
# may not be whole: a record's problem list, say, holds the symptoms someone wrote down, not
# every one. A list without it is read as whole ("pain, which you did not list"); with it, what
# the list does not hold is not known. Every test of such a list has it among its ``unknown``.
OTHERS_NOT_KNOWN = "others-not-known"

Labeller = Callable[[str, str], str]
"""The plain label of a value of a fact: ``label(fact_id, value_id)``."""


class Lowering:
    """Lowers conditions against a knowledge base's vocabulary, fact labels and value labels."""

    def __init__(
        self,
        vocab: Vocabulary,
        fact_labels: dict[str, str],
        types: dict[str, FactType],
        label: Labeller,
        regimens_with: Mapping[str, frozenset[str]] | None = None,
        with_chemotherapy: frozenset[str] = frozenset(),
        is_for: Mapping[str, str] | None = None,
        phrase: Labeller | None = None,
    ) -> None:
        self.vocab, self.fact_labels, self.types, self.label = vocab, fact_labels, types, label
        self.is_for = is_for or {}  # a fact's words for what an option is for (``Fact.is_for``)
        self.phrase = phrase  # a value as a sentence names it ("the liver"), else its label
        self.regimens_with = regimens_with or {}  # a drug, and the regimens that contain it
        self.with_chemotherapy = with_chemotherapy  # drugs given with chemotherapy, their kinds
        self.with_radiation = given_with_radiation(vocab)  # chemoradiation, however named

    def expr(self, cond: Condition | None) -> Expr:
        if cond is None:
            return ALWAYS
        if isinstance(cond, AllOf):
            return All(tuple(self.expr(c) for c in cond.all), cond.says)
        if isinstance(cond, AnyOf):
            return Any(tuple(self.expr(c) for c in cond.any))
        if isinstance(cond, NotOf):
            return Not(self.expr(cond.not_))
        return self.test(cond)

    def test(self, test: FactTest) -> Test:
        fact, op = test.fact, test.operator
        text = self._describe(test)
        if self.types[fact] is FactType.bool:
            assert isinstance(test.eq, bool)
            return Test(fact, op, "bool", (), frozenset(), frozenset(), value=test.eq, text=text)
        # a list that says it may not be whole ("perhaps others not listed") leaves open what
        # it does not hold: a test it could still make TRUE is UNKNOWN, never FALSE
        more = frozenset({OTHERS_NOT_KNOWN}) & self.vocab.known(fact)
        if op == "not_empty":  # a count test with no limit: any value at all
            return Test(fact, op, "count", (), frozenset(), more, limit=NO_LIMIT, text=text)
        if op == "count_max":  # of places the cancer spread to, only distant organs count
            assert test.count_max is not None
            counted = DISTANT_SITES if fact == "metastases" else frozenset()
            # a broader value over those counted (a distant part of the body, which not said)
            # may be one of them or several: the count is not known
            broader = frozenset().union(*(self.vocab.up(fact, v) for v in counted)) - counted
            # "another organ" (other-site) may be one organ or several, kidney and skin alike
            several = (broader | (counted & ONE_OR_SEVERAL)) & self.vocab.known(fact)
            return Test(fact, op, "count", (), counted, more | several, limit=test.count_max,
                        text=text)  # fmt: skip
        wanted = wanted_values(test)
        known = self.vocab.known(fact)
        true = frozenset().union(*(self.vocab.below(fact, w) for w in wanted)) & known
        if fact == "progressed_on":  # a regimen that stopped working: its drugs did (rule 1)
            true |= frozenset().union(*(self.regimens_with.get(w, frozenset()) for w in wanted))
        unknown = (frozenset().union(*(self.vocab.up(fact, w) for w in wanted)) & known) - true
        if fact == "progressed_on" and "chemotherapy" in wanted:  # trastuzumab, given with
            unknown |= (self.with_chemotherapy & known) - true  # chemotherapy, stopped: did it?
            # chemotherapy given with radiation that stopped, however named (chemoradiation,
            # cisplatin with radiation): whether the chemotherapy an option comes after did is
            # open (a review: the regimen had counted, chemoradiation ruled out)
            others = frozenset().union(*(self.vocab.below(fact, w) for w in wanted
                                         if w != "chemotherapy"))  # fmt: skip
            with_radiation = self.with_radiation - others
            true, unknown = true - with_radiation, unknown | with_radiation
        kind: Kind = {"eq": "one", "in": "one", "has": "any", "has_any": "any"}.get(op, "every")  # type: ignore[assignment]
        unknown |= more - true
        stopped = fact == "progressed_on" and kind == "any"  # what was had may be it
        had = self._had(wanted, true, unknown) if stopped else None
        return Test(fact, op, kind, wanted, true, unknown, text=text, had=had)

    def _had(self, wanted: Iterable[str], true: frozenset[str],
             unknown: frozenset[str]) -> Test:  # fmt: skip
        """Of a test that one of ``wanted`` stopped working (``true``, or perhaps: ``unknown``),
        the treatments had that may hold one (``Test.had``): one of them, or what is broader
        (radiation, chemotherapy) or narrower (FOLFOX, of oxaliplatin); a value of the list that
        names no treatment that can stop working under a broader kind one of them is (pelvic
        radiation, which may be the external radiation asked for); and a clinical trial, drugs
        not known, or perhaps other treatments not listed (``DRUGS_NOT_SAID``)."""
        ups = self.vocab.ancestors.get("prior_treatments", {})
        stoppable = self.vocab.known("progressed_on")
        # what is broader than one asked for (not than a regimen that holds it: radiation had,
        # for fluorouracil, which a chemoradiation gives, is not a drug treatment had)
        kinds = frozenset().union(*(ups.get(w, frozenset()) for w in wanted))
        maybe = frozenset(
            value for value, up in ups.items()
            if value in true | unknown | kinds or up & (true | DRUGS_NOT_SAID.true)
            or (value not in stoppable and up & kinds))  # fmt: skip
        return any_of("prior_treatments", maybe, "perhaps had")

    def _describe(self, test: FactTest) -> str:
        label = in_sentence(self.fact_labels[test.fact])
        if test.operator == "eq" and isinstance(test.eq, bool):
            return f"{label}: {'yes' if test.eq else 'no'}"
        if test.operator == "not_empty":  # "it is for symptoms the cancer is causing"
            return label
        if test.operator == "count_max":
            places = "distant organ" if test.fact == "metastases" else "place"
            return f"{label}: one {places}" if test.count_max == 1 else (
                f"{label}: at most {test.count_max} {places}s")  # fmt: skip
        # "FOLFIRI, FOLFOX or CAPOX" (it read "FOLFIRI or FOLFOX or CAPOX")
        template = self.is_for.get(test.fact)
        name = (self.phrase if template and self.phrase else
                lambda fact, value: in_sentence(self.label(fact, value)))  # fmt: skip
        labels = and_list((name(test.fact, w) for w in wanted_values(test)), last="or")
        if test.operator == "only":
            labels = f"only {labels}"
        if template:  # in the fact's own words: "stage 4B cancer", not "stage of the cancer:
            # stage 4B" (a review)
            return template.format(values=labels)
        return f"{label}: {labels}"


def given_with_radiation(vocab: Vocabulary) -> frozenset[str]:
    """The treatments that stopped working which give chemotherapy with radiation: chemoradiation
    and each regimen that counts as it (cisplatin with radiation). Whether the chemotherapy an
    option comes after stopped (cemiplimab's, given for the spread; ramucirumab's) is open when
    only one of them did: it may have been given for an earlier stage, so it is asked (the
    fact's ``which_with_radiation``, by ``KnowledgeBase.which``), the same whatever name was
    typed. Worked out once, by ``Lowering``, and kept as ``KnowledgeBase.given_with_radiation``."""
    return vocab.below("progressed_on", "chemoradiation") & vocab.known("progressed_on")


def wanted_values(test: FactTest) -> tuple[str, ...]:
    """The values a test of a fact with values asks for."""
    one = test.eq if isinstance(test.eq, str) else test.has
    return (*([one] if one is not None else []), *(test.in_ or test.has_any or test.only or []))


def any_of(
    fact: str, values: frozenset[str], text: str, unknown: frozenset[str] = frozenset()
) -> Test:
    """A test that a set fact holds any of ``values`` exactly: TRUE; any of ``unknown`` (broader
    values) and none of ``values``: UNKNOWN; else FALSE."""
    return Test(fact, "has_any", "any", tuple(sorted(values)), values, unknown, text=text)


def widened(expr: Expr, vocab: Vocabulary) -> Expr:
    """The expression with each test of whether a list holds a value made TRUE also for the
    values under it (FOLFOX, or a low anterior resection, under the kinds of treatment had): the
    implied facts are written with the broad values."""
    if isinstance(expr, Test):
        if expr.kind != "any":
            return expr
        known = vocab.known(expr.fact)
        under = frozenset().union(*(vocab.below(expr.fact, v) for v in expr.true)) & known
        more = frozenset({OTHERS_NOT_KNOWN}) & known  # a list that may not be whole: as Lowering
        true = expr.true | under
        return replace(expr, true=true, unknown=(expr.unknown - under) | (more - true))
    if isinstance(expr, Not):
        return Not(widened(expr.part, vocab))
    parts = tuple(widened(p, vocab) for p in expr.parts)
    return All(parts, expr.says) if isinstance(expr, All) else Any(parts)


def not_given(fact: str, text: str) -> Test:
    """A test that a fact was not given (TRUE or FALSE, never UNKNOWN)."""
    return Test(fact, "unknown", "unknown", (), frozenset(), frozenset(), text=text)


def one_of(fact: str, values: frozenset[str], text: str) -> Test:
    """A test that a fact of one value is one of ``values`` exactly."""
    return Test(fact, "in", "one", tuple(sorted(values)), values, frozenset(), text=text)


def _absorbed(alternatives: list[Expr]) -> tuple[Expr, ...]:
    """Alternatives of one condition without those another holds within it: "a, or a and b" is
    "a". The cervical palliative radiation (stage 4B or came back far, with symptoms) merged
    with the general one (symptoms) had said, of one with no symptoms, "it is for stage 4B
    (yours: 4A), or ..., or for symptoms (yours: none)", as if stage 4B alone would do."""
    def within(part: Expr, whole: Expr) -> bool:
        return isinstance(whole, All) and part in whole.parts
    return tuple(a for a in alternatives
                 if not any(within(b, a) for b in alternatives if b is not a))  # fmt: skip


def _either(alternatives: tuple[Expr, ...]) -> Expr:
    """One alternative as itself; more as ``Any``."""
    return alternatives[0] if len(alternatives) == 1 else Any(alternatives)


def _one_list_test(conditions: list[Condition | None]) -> FactTest | None:
    """Conditions that each ask whether one list holds any of some values, as one test of any of
    them all; else None. Its reason is one clause ("it is for symptoms: a, b or c, which you did
    not list"), where the alternatives' gave the same clause twice, values overlapping."""
    tests = [c for c in conditions if isinstance(c, FactTest) and c.operator in ("has", "has_any")]
    if len(tests) != len(conditions) or len({t.fact for t in tests}) != 1:
        return None
    values = dict.fromkeys(v for t in tests for v in ([t.has] if t.has else t.has_any or []))
    return FactTest.model_validate({"fact": tests[0].fact, "has_any": list(values)})


# Any operation, as a value of ``cannot_have``: one who cannot have surgery cannot have what is
# given only before an operation (``AROUND_SURGERY``), nor what is put in during one
# (``Procedure.during_surgery``: ``cannot_have_route``).
SURGERY = "surgery"
# The timings that tie an option to an operation, and why one who cannot have surgery cannot have
# it. Only ``surgery`` itself (any operation) rules it out, not a kind of surgery: which
# operation follows is not said (chemotherapy before surgery for rectal cancer may be to take out
# the tumour in the rectum or those spread to the liver), so one who cannot have bowel surgery may
# still have another.
AROUND_SURGERY = {
    Timing.before_surgery: "it is given before an operation (to make it possible or easier), "
    "and you cannot have surgery",
    Timing.before_any_surgery: "it is given to get ready for an operation, and you cannot have "
    "surgery",
    # given after an operation already done, it needs no other: only one who has had no
    # operation that takes out cancer (by a list of treatments had that is whole) and cannot
    # have one is ruled out; the treatments had not given, or perhaps holding one, it is asked
    # (``AFTER_SURGERY``, ``RuledOut.unless``)
    Timing.after_surgery: "it is given after an operation that takes out the cancer, and you "
    "cannot have surgery and have had no such operation",
}
AFTER_SURGERY = frozenset({Timing.after_surgery})
# The operations that take out cancer, each with those under it (a low anterior resection, a
# total gastrectomy): one had leaves chemotherapy after surgery nothing to wait for. Not a
# colostomy, a nerve block or a rod in a bone, which take out none; an operation not said which
# ("surgery") may have been one.
CANCER_OPERATIONS = ("bowel-resection", "gastrectomy", "metastasectomy", "pelvic-exenteration",
                     "local-excision")  # fmt: skip
# The operations that may or may not have taken out cancer, each itself only: surgery for a
# blocked bowel (which takes out the blocked part, or goes around it: a bypass, under it, takes
# out none), to keep a tumour from blocking the bowel, to stop bleeding, or for a tumour pressing
# on a nerve or the spinal cord. One had leaves it not known (a review of the cohort found one
# who had had surgery for a blocked bowel and cannot have surgery told chemotherapy after
# surgery does not suit: unknown is not negative).
PERHAPS_CANCER_OPERATIONS = ("bowel-obstruction-surgery", "blockage-prevention-surgery",
                             "bleeding-surgery", "nerve-tumour-removal",
                             "spinal-cord-surgery")  # fmt: skip


def removing_cancer(vocab: Vocabulary) -> frozenset[str]:
    """The treatments had that are an operation that takes out cancer (``CANCER_OPERATIONS``,
    each with those under it), or one not said which (``surgery``)."""
    return frozenset().union({SURGERY}, *(vocab.below("prior_treatments", o)
                                          for o in CANCER_OPERATIONS))  # fmt: skip


def perhaps_removing_cancer(vocab: Vocabulary) -> frozenset[str]:
    """The treatments had that leave it not known whether an operation took out cancer
    (``PERHAPS_CANCER_OPERATIONS``), and "perhaps other treatments not listed"."""
    known = vocab.known("prior_treatments")
    return frozenset({OTHERS_NOT_KNOWN, *PERHAPS_CANCER_OPERATIONS}) & known


def around_surgery(option: Option, lowering: Lowering) -> list[RuledOut]:
    """What rules out an option given only before an operation (its ``timing``): that the
    person cannot have surgery (chemotherapy to shrink a tumour so that surgery can take it out
    had been offered to one who cannot have an operation). An option given after an operation
    is ruled out so only when the treatments had are known to hold none (chemotherapy after
    surgery had asked one who cannot have surgery and has had none whether surgery could remove
    the cancer); not known whether one was had, it asks (it had been offered to one who cannot
    have surgery and did not say which treatments were had: a clinical review)."""
    timing = next((t for t in option.timing if t in AROUND_SURGERY), None)
    if timing is None:
        return []
    values = lowering.vocab.up("cannot_have", SURGERY)  # surgery, and anything broader
    had = None
    if timing in AFTER_SURGERY:  # an operation that takes out cancer, or one not said which
        had = any_of("prior_treatments", removing_cancer(lowering.vocab),
                     "an operation that takes out cancer", perhaps_removing_cancer(lowering.vocab))
    return [RuledOut("cannot_have", SURGERY, any_of("cannot_have", values, "cannot have surgery"),
                     tuple((v, AROUND_SURGERY[timing]) for v in sorted(values)),
                     unless=had)]  # fmt: skip


# --------------------------------------------------------------------------------------------
# What rules out something an option gives (``RuledOut``), route by route
# --------------------------------------------------------------------------------------------


def name_of(by_id: Mapping[str, object], ident: str) -> str:
    """A record's name (or title), or the id itself."""
    record = by_id.get(ident)
    return str(getattr(record, "name", None) or getattr(record, "title", None) or ident)


@dataclass(frozen=True)
class Treatments:
    """What the routes that rule out something an option gives read of the knowledge base: the
    vocabulary, every record by id and its kind, the regimens, and (``of``) three indexes made
    from them."""

    vocabulary: Vocabulary
    by_id: Mapping[str, object]
    kind_of: Mapping[str, str]
    regimens: tuple[Regimen, ...]
    # a drug, and the regimens that contain it, in the data's order
    containing: Mapping[str, list[str]]
    # the procedures that are drug treatments too, as regimens count as them (chemoradiation):
    # one that stopped working is not given again, as a drug or a regimen is not
    drug_procedures: frozenset[str]
    # radiation (from a machine, from inside the body) or ablation (heat, cold, alcohol, laser)
    # given to the cancer: one that stopped working is not given again to treat the cancer (nor
    # is radiation once chemoradiation, which gives it, has); one to ease a symptom may be
    # (``RuledOut.relief_too``). Ablation that stopped working had been offered again
    local: frozenset[str]
    # a drug, and for each narrow kind it is of (a drug class within a broader one: platinum,
    # fluoropyrimidine), the other drugs of that kind: its kin (``kin_stopped_route``)
    kin: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, data: KBData, by_id: Mapping[str, object], kind_of: Mapping[str, str],
        vocabulary: Vocabulary,
    ) -> Treatments:  # fmt: skip
        """The routes' view of a cross-checked document."""
        # chemoradiation, which regimens count as, and any procedure the vocabulary counts as a
        # drug treatment stopped (hepatic arterial infusion, chemotherapy into the liver's
        # artery: it had been offered again after it stopped working)
        drug_procedures = frozenset(p for r in data.regimens for p in r.counts_as) | frozenset(
            p.id for p in data.procedures
            if vocabulary.up("progressed_on", p.id) & DRUG_TREATMENTS)  # fmt: skip
        return cls(
            vocabulary, by_id, kind_of, tuple(data.regimens),
            {d.id: [r.id for r in data.regimens if d.id in r.components] for d in data.drugs},
            drug_procedures,
            frozenset(p.id for p in data.procedures if p.kind in ("radiation", "ablation")
                      and p.id not in drug_procedures and p.parent is not None),
            kin_of_drugs(data),
        )  # fmt: skip

    def named(self, ident: str) -> str:
        """A record's name as written inside a sentence, as every clause is ("Not for this
        ...: ...")."""
        return in_sentence(name_of(self.by_id, ident))


def ruled_out_routes(ident: str, treatments: Treatments, lowering: Lowering) -> list[RuledOut]:
    """What rules out ``ident``, something an option gives (a drug, regimen, procedure or kind of
    drug), with the words for each route, in this order: that the person cannot have it
    (``cannot_have_route``); what they have had that leaves nothing for it to do
    (``not_after_route``); for radiation or ablation given to the cancer, that it stopped
    working (``local_stopped_route``); for a drug, a regimen or a procedure that is a drug treatment
    too, that it stopped working (``stopped_route``)."""
    routes = [cannot_have_route(ident, treatments)]
    after = not_after_route(ident, treatments, lowering)
    if after is not None:
        routes.append(after)
    if ident in treatments.local:
        routes.append(local_stopped_route(ident, treatments))
    elif (treatments.kind_of.get(ident) in ("drugs", "regimens")
          or ident in treatments.drug_procedures):  # fmt: skip
        routes.append(stopped := stopped_route(ident, treatments))
        routes += kin_stopped_routes(ident, stopped, treatments)
    elif treatments.kind_of.get(ident) == "drug_classes":
        routes.append(kind_stopped_route(ident, treatments))
    return routes


def cannot_have_route(ident: str, treatments: Treatments) -> RuledOut:
    """What the person cannot have that rules out ``ident``: the thing itself, each of its drugs
    (a regimen's), and what each is a kind of (platinum chemotherapy, chemotherapy), except:

    - a kind only some of a regimen's drugs are is named by the drug ("cisplatin and ifosfamide,
      which contains cisplatin, a kind of platinum chemotherapy": it had read as if ifosfamide
      were one too); a kind all its drugs are, or none, by the whole regimen;
    - not the other regimens its drugs are in: one who cannot have FOLFOX may have FOLFIRI.

    Something put in during an operation (a stent: ``Procedure.during_surgery``) is ruled out
    too for one who cannot have surgery, or anything broader."""
    vocabulary, named = treatments.vocabulary, treatments.named
    record, name = treatments.by_id[ident], named(ident)
    parts = getattr(record, "components", [])
    cannot: dict[str, str] = {ident: f"it gives {name}, which you cannot have"}
    for part in (ident, *parts):
        through = "" if part == ident else f", which contains {named(part)}"
        cannot.setdefault(part, f"it gives {name}{through}, which you cannot have")
        for up in vocabulary.up_narrowest_first("cannot_have", part):
            # a kind only some of its drugs are is named by the drug; one all are, or none, by
            # the whole
            held = [up in vocabulary.up("cannot_have", p) for p in parts
                    if part == ident]  # fmt: skip
            if any(held) and not all(held):
                continue
            # not the other regimens its drugs are in
            if treatments.kind_of.get(up) != "regimens":
                kind = one_of_its_kind(named(up))
                cannot.setdefault(up, f"it gives {name}{through}, {kind}, which you cannot have")
    if getattr(record, "during_surgery", False):  # put in during an operation (a stent)
        for up in vocabulary.up_narrowest_first("cannot_have", SURGERY):
            cannot.setdefault(up, f"it gives {getattr(record, 'phrase', None) or name}, "
                              "put in during an operation, which you cannot have")  # fmt: skip
    return RuledOut("cannot_have", ident, any_of("cannot_have", frozenset(cannot),
                    f"cannot have {name}"), tuple(cannot.items()))  # fmt: skip


def not_after_route(ident: str, treatments: Treatments, lowering: Lowering) -> RuledOut | None:
    """What the person has had that leaves nothing for ``ident`` to do (``Procedure.not_after``:
    after a total gastrectomy no part of the stomach is left to take out); None if nothing does.

    It is tested as a condition is: a broader value (a gastrectomy, not said which) or a list
    that may not be whole ("perhaps other treatments not listed") leaves it undecided; and
    treatments had not given leave it undecided too: it asks (``RuledOut.asked``), unless what
    the option is for says it was not had (``Procedure.not_after_asked``)."""
    record = treatments.by_id[ident]
    after = getattr(record, "not_after", [])
    if not after:
        return None
    name = treatments.named(ident)
    had = lowering.test(FactTest(fact="prior_treatments", has_any=list(after)))
    return RuledOut(
        "prior_treatments", ident,
        replace(had, text=f"{name} after {treatments.named(after[0])}"),
        tuple((a, f"{name} cannot be done after {lowering.label('prior_treatments', a)}, which "
               "you have had") for a in after),
        asked=getattr(record, "not_after_asked", True))  # fmt: skip


def local_stopped_route(ident: str, treatments: Treatments) -> RuledOut:
    """That radiation or ablation given to the cancer (``Treatments.local``) stopped working:
    it is not given again to treat the cancer, nor is radiation once chemoradiation, which gives
    it, has (each procedure that is a drug treatment too and gives radiation, and each regimen
    counted as one: weekly cisplatin with radiation, a chemoradiation too, so its radiation
    stopped working as well). One to ease a symptom may be given again (``relief_too=False``).
    That the broader kind it is stopped working (radiation, ablation), not which, or a list of
    what stopped working that may not be whole ("perhaps other treatments not listed": a record
    whose drug is not known), leaves it undecided; an option that gives one of several kinds of
    ablation keeps the others when one stopped."""
    record, name, named = treatments.by_id[ident], treatments.named(ident), treatments.named
    stopped = {ident: f"{name} has already stopped working for you"}
    radiation = getattr(record, "kind", None) == "radiation"
    for given in sorted(treatments.drug_procedures):  # chemoradiation (not a drug into an artery)
        if radiation and getattr(treatments.by_id[given], "kind", None) == "radiation":
            stopped[given] = (f"{named(given)}, which gives radiation, has already stopped "
                              "working for you")  # fmt: skip
    for counted in treatments.regimens:  # named as its regimen (weekly cisplatin with radiation)
        if radiation and treatments.drug_procedures & set(counted.counts_as):
            stopped[counted.id] = (f"{named(counted.id)}, which gives radiation, has already "
                                   "stopped working for you")  # fmt: skip
    parent = getattr(record, "parent", None)
    test = any_of("progressed_on", frozenset(stopped), f"{name} stopped working",
                  frozenset({parent} if parent else ()) | _not_whole(treatments.vocabulary))
    return RuledOut("progressed_on", ident, test, tuple(stopped.items()), relief_too=False,
                    asked_if=_had_asked(ident, stopped, treatments, local=True),
                    had_perhaps=_had_perhaps(ident, stopped, treatments))  # fmt: skip


def stopped_route(ident: str, treatments: Treatments) -> RuledOut:
    """That a drug, a regimen, or a procedure that is a drug treatment too (chemoradiation)
    stopped working: it is not given again. What stopped working that rules it out, in order:

    - the thing itself;
    - a regimen that contains it (a drug);
    - a regimen's key drugs (``Regimen.stopped_by``), not a drug it only builds on:
      capecitabine alone stopped leaves CAPOX;
    - a chemoradiation that stopped working, named as its regimen (weekly cisplatin with
      radiation): chemoradiation stopped working;
    - another regimen, through a key drug they share; not from one that is also something else
      (weekly cisplatin with radiation, a chemoradiation, does not stop cisplatin and
      paclitaxel, nor the reverse);
    - another regimen that holds every one of its drugs (5-FU with leucovorin, of FOLFOX): that
      one stopping stops it, as it stops each drug alone; not one that is also something else;
    - for a regimen of no key drug, any regimen one of its drugs was given in: it is stopped by
      each of its drugs (``stopped_by``), and a drug by a regimen it was given in (paclitaxel and
      topotecan after cisplatin and paclitaxel stopped, as after paclitaxel alone: it had been
      offered, while the single drug left paclitaxel out as part of the pair); not one that is
      also something else (the cervical pairs after cisplatin with radiation).

    That what it is a kind of stopped working (chemotherapy, targeted therapy; chemoradiation,
    for a regimen given with radiation), not which, leaves it undecided, as does a list of what
    stopped working that may not be whole. And of someone who has had it, or what stopping would
    rule it out (FOLFOX had, for CAPOX), with what stopped working not said: whether it stopped
    working is not known, and asked (``RuledOut.asked_if``)."""
    vocabulary, named, containing = treatments.vocabulary, treatments.named, treatments.containing
    record, name = treatments.by_id[ident], named(ident)
    parts = getattr(record, "components", [])
    stopped = {ident: f"{name} has already stopped working for you"}
    for regimen in containing.get(ident, []):
        stopped[regimen] = (f"it gives {name}, {part_of([name], named(regimen))}, which has "
                            "already stopped working for you")  # fmt: skip
    for part in getattr(record, "stopped_by", parts):  # its key drugs
        stopped[part] = (f"it gives {named(part)}, which has already stopped working "
                         "for you")  # fmt: skip
    for counted in treatments.regimens:  # a chemoradiation, named as its regimen
        if ident in counted.counts_as:
            stopped.setdefault(counted.id, f"{named(counted.id)}, a "
                               f"{name.lower()}, has already stopped working for "
                               "you")  # fmt: skip
    for other in treatments.regimens:  # another regimen, through a key drug they share
        shared = [d for d in other.key_drugs if d in parts]
        if other.id != ident and shared and not getattr(record, "counts_as", []):
            stopped.setdefault(other.id, f"it gives {named(shared[0])}, a key drug "
                               f"of {named(other.id)}, which has already stopped "
                               "working for you")  # fmt: skip
    for other in treatments.regimens:  # another regimen that holds all its drugs
        if (other.id != ident and parts and set(parts) <= set(other.components)
                and not getattr(record, "counts_as", [])):  # fmt: skip
            stopped.setdefault(other.id, f"it gives only drugs of {named(other.id)}, "
                               "which has already stopped working for you")  # fmt: skip
    if parts and not getattr(record, "key_drugs", True) and not getattr(record, "counts_as",
                                                                        []):  # fmt: skip
        # a regimen of no key drug: any regimen one of its drugs was given in, but not one that
        # is also something else (cisplatin with radiation for an earlier stage: the cervical
        # pairs are the chemotherapy for cancer that came back after it)
        for part in parts:
            for other_id in containing.get(part, []):
                if other_id != ident and not getattr(treatments.by_id[other_id], "counts_as",
                                                     []):  # fmt: skip
                    stopped.setdefault(other_id, f"it gives {named(part)}, "
                                       f"{part_of([named(part)], named(other_id))}, which has "
                                       "already stopped working for you")  # fmt: skip
    # what it is a kind of: that one of these stopped working, not which, leaves it undecided
    kinds = frozenset(
        c for d in (ident, *parts) for c in getattr(treatments.by_id[d], "classes", [])
    ).union(getattr(record, "counts_as", [])) - frozenset(stopped)
    if treatments.kind_of.get(ident) == "procedures":  # the drug treatment it is (liver-artery
        # chemotherapy: chemotherapy stopped, not which, had read as not it)
        kinds |= vocabulary.up("progressed_on", ident) & DRUG_TREATMENTS
    test = any_of("progressed_on", frozenset(stopped), f"{name} stopped working",
                  kinds | _not_whole(vocabulary))  # fmt: skip
    return RuledOut("progressed_on", ident, test, tuple(stopped.items()),
                    asked_if=_had_asked(ident, stopped, treatments),
                    had_perhaps=_had_perhaps(ident, stopped, treatments))  # fmt: skip


def kin_of_drugs(data: KBData) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each drug's kin: for each narrow kind it is of (a drug class within a broader one), the
    other drugs of that kind, in the data's order. The one rule of kin: the routes read it
    (``Treatments.kin``), and the warnings and cards through ``KnowledgeBase.kin_of``."""
    narrow = {c.id for c in data.drug_classes if c.parent}
    return {d.id: {k: tuple(o.id for o in data.drugs if k in o.classes and o.id != d.id)
                   for k in d.classes if k in narrow} for d in data.drugs}  # fmt: skip


KIN_MAY_WORK = "kin_may_work"


def kin_stopped_routes(ident: str, stopped: RuledOut, treatments: Treatments) -> list[RuledOut]:
    """That a drug of the same narrow kind (``Treatments.kin``) as one whose stopping would rule
    out ``ident`` stopped working: capecitabine alone once fluorouracil, part of FOLFOX, stopped;
    panitumumab once cetuximab did; nivolumab once pembrolizumab did. Read by the rule that rules
    out what stopped (``stopped_route``: the drugs among ``stopped``'s values), so a mix whose
    kin drug is not one that makes it what it is stays (CAPIRI and FOLFIRI after FOLFOX: their
    key drug is irinotecan). A drug of the kind stopped when it is named, or a regimen that holds
    it is (its drugs stopped with it, rule 1). Whether another of the kind could still work is
    the care team's judgement (``kin_may_work``): listed, the route rules nothing out; given
    without the kind, it rules out; not given, it is undecided, and asks it (``RuledOut.unless``;
    it had been offered, with a warning that it may not work either: a clinical review). One
    route for each kind; none where the vocabulary has no such fact."""
    if not treatments.vocabulary.known(KIN_MAY_WORK):
        return []
    named, containing = treatments.named, treatments.containing
    direct = set(stopped.test.true)
    by_kind: dict[str, dict[str, str]] = {}
    for drug in (v for v in stopped.test.wanted if treatments.kind_of.get(v) == "drugs"):
        for kind, kin in treatments.kin.get(drug, {}).items():
            if kind not in treatments.vocabulary.known(KIN_MAY_WORK):
                continue
            words = by_kind.setdefault(kind, {})
            either = f"{in_sentence(name_of(treatments.by_id, kind))} would not work either"
            for other in kin:
                for value, through in ((other, ""), *((r, f", {part_of([named(other)], named(r))},")
                                                      for r in containing.get(other, []))):
                    if value not in direct:
                        words.setdefault(value, f"it gives {named(drug)}, and your care team "
                                         f"says {either} after {named(other)}{through} "
                                         "stopped working")  # fmt: skip
    name = treatments.named(ident)
    return [RuledOut("progressed_on", ident,
                     any_of("progressed_on", frozenset(words), f"a drug of the kind of {name} "
                            f"stopped working"), tuple(words.items()),
                     # had, what stopped not said: whether it stopped is asked, as of the drug
                     asked_if=_had_asked(ident, words, treatments),
                     unless=any_of(KIN_MAY_WORK, frozenset({kind}),
                                   f"{in_sentence(name_of(treatments.by_id, kind))} could still "
                                   "work"))
            for kind, words in by_kind.items() if words]  # fmt: skip


def kind_stopped_route(ident: str, treatments: Treatments) -> RuledOut:
    """That a kind of drug a mix is given with (bevacizumab with chemotherapy) stopped working,
    not which: the drugs of that kind the mix is given with may be the ones that stopped, so it
    is undecided, and asks which, as a mix of named drugs does (cisplatin and paclitaxel, once
    chemotherapy stopped: "Which chemotherapy drugs stopped working?"). Bevacizumab with
    chemotherapy, pembrolizumab with chemotherapy and the three-drug mix had been offered of
    cervical cancer of stage 4B whose chemotherapy stopped, while the chemotherapy mixes asked
    (a review). It never rules a mix out: which drugs of the kind stopped leaves others to give
    with it. Only of a mix (``Option.given_with``: ``option_rules``); an option that gives the
    kind alone (chemotherapy) is not a mix of what stopped."""
    name = treatments.named(ident)
    ups = treatments.vocabulary.up("progressed_on", ident) & treatments.vocabulary.known(
        "progressed_on")  # fmt: skip
    test = Test("progressed_on", "has_any", "any", (ident,), frozenset(),
                ups | _not_whole(treatments.vocabulary), text=f"{name} stopped working")
    return RuledOut("progressed_on", ident, test, ((ident, f"{name} has stopped working"),),
                    had_perhaps=_had_perhaps(ident, {ident: ""}, treatments),
                    mix_only=True)  # fmt: skip


def _had_asked(ident: str, stopped: Mapping[str, str], treatments: Treatments,
               local: bool = False) -> Test | None:
    """What stopped working not said, of someone who has had what stopping would rule ``ident``
    out (``stopped``): whether it stopped working is not known, and asked
    (``RuledOut.asked_if``). For a drug or a regimen, only what is named (FOLFOX had, for CAPOX;
    chemotherapy had, not which, asks nothing). For radiation or ablation given to the cancer
    (``local``), whatever of that kind was had too, as the list of treatments had names it
    (radiation, radiation to the pelvis, ablation: its words for external radiation and
    brachytherapy are radiation), not a trial or treatments not known: chemoradiation had, its
    outcome not said, had asked whether it stopped before the chemoradiation options but not
    before brachytherapy or radiation alone, which it rules out as well (a review). None when
    nothing is."""
    maybe = frozenset(stopped)
    if local:
        maybe |= _maybe_had(ident, stopped, treatments, said=True)
    had = any_of("prior_treatments", maybe & treatments.vocabulary.known("prior_treatments"),
                 f"{treatments.named(ident)} had")  # fmt: skip
    return had if had.true else None


def _had_perhaps(ident: str, stopped: Mapping[str, str], treatments: Treatments) -> Test:
    """The treatments had that may hold ``ident``, for its route of what stopped working
    (``_maybe_had``). A list of treatments had that holds none of these says it was never had:
    FOLFOX had, with FOLFOX and "perhaps other treatments not listed" stopped, had asked whether
    panitumumab and FOLFIRI, never had, stopped working too (a review)."""
    return any_of("prior_treatments", _maybe_had(ident, stopped, treatments),
                  f"{treatments.named(ident)} perhaps had")  # fmt: skip


def _maybe_had(ident: str, stopped: Mapping[str, str], treatments: Treatments,
               said: bool = False) -> frozenset[str]:
    """The values of the treatments had that may hold ``ident``: what stopping would rule it out
    (``stopped``: the thing, a regimen holding it, its key drugs), a broader kind it or one of
    its drugs is (chemotherapy, fluoropyrimidines, radiation: had, not said which), anything
    narrower, a value naming no treatment under such a kind (pelvic radiation), and, unless
    ``said`` (only what names a treatment), a clinical trial of any phase, or drugs not known or
    perhaps other treatments not listed (``DRUGS_NOT_SAID``)."""
    vocabulary = treatments.vocabulary
    ups_of = vocabulary.ancestors.get("prior_treatments", {})  # each value, with what is above it
    parts = {d for d in (ident, *getattr(treatments.by_id[ident], "components", [])) if d in ups_of}
    broader = {k for d in parts for k in ups_of[d]
               if treatments.kind_of.get(k) not in ("drugs", "regimens")}  # fmt: skip
    maybe = (set(stopped) | broader) & set(ups_of)
    for value, ups in ups_of.items():
        # what is narrower than it; a value of the list that names no treatment of the knowledge
        # base under a broader kind it is (pelvic radiation: radiation given to the pelvis, which
        # may be the external radiation that stopped; it had read as never had, and radiation
        # that stopped was offered again: a review of the change); a trial, drugs not known
        not_said = ups & DRUGS_NOT_SAID.true
        if said and not_said:
            maybe.discard(value)
        elif ups & parts or not_said or (value not in treatments.by_id and ups & broader):
            maybe.add(value)
    return frozenset(maybe)


def _not_whole(vocabulary: Vocabulary) -> frozenset[str]:
    """The value that says a list of what stopped working may not be whole ("perhaps other
    treatments not listed": a record whose drug is not known), where the vocabulary has it: it
    leaves undecided what the list does not hold."""
    return frozenset({OTHERS_NOT_KNOWN}) & vocabulary.known("progressed_on")


def option_rules(
    option: Option,
    lowering: Lowering,
    own_cancers: frozenset[str],
    covers: dict[str, Expr],
    ruled_out_by: Callable[[str], list[RuledOut]],
    partners: list[Option],
    same: list[Option],
    merged: list[Option],
) -> Rules:
    """An option's rules. ``ruled_out_by(id)`` is what rules out something an option gives
    (``ruled_out_routes``).
    ``partners`` are the options that give, on their own, a regimen this one gives or is given
    with (FOLFOX for bevacizumab with FOLFOX): their conditions are this one's too, so that a
    combination is never more available than its parts. ``same`` are the options of a cancer's
    own source that describe the same treatment as this one (``Option.same_as``): for their
    cancers this one is out of scope. ``merged`` are the general options that name this one in
    their ``same_as``: it is for their situations too (its condition or theirs)."""
    # Radiation or ablation that stopped working rules out neither one that only eases symptoms
    # nor one aimed at spread in a place of its own (radiation for the bones or brain after
    # pelvic chemoradiation stopped: a review found it ruled out)
    given_again = set(option.intent) == {Intent.relieve} or option.aimed_at_spread
    ruled_out = [r for ident in (*option.uses, *option.given_with) for r in ruled_out_by(ident)
                 if not (r.fact == "progressed_on" and ident in option.stopped_partner_asks)
                 and not (given_again and not r.relief_too)
                 and not (r.mix_only and ident not in option.given_with)]  # fmt: skip
    ruled_out += around_surgery(option, lowering)
    # An option for after a kind of treatment stopped working (ramucirumab with paclitaxel once
    # chemotherapy stopped) is the next step the source gives: that a chemotherapy stopped, not
    # which, does not leave its own drugs undecided.
    after = {v for t in positive_tests(lowering.expr(option.when)) if t.fact == "progressed_on"
             for v in t.wanted}  # fmt: skip
    ruled_out = [
        replace(r, test=replace(r.test, unknown=r.test.unknown - after))
        if r.fact == "progressed_on"
        else r
        for r in ruled_out
    ]
    own = lowering.expr(option.when)
    if merged and option.when is not None:  # who it is for: its own condition, or a merged one's
        conditions = [option.when, *(m.when for m in merged)]
        one_list = _one_list_test(conditions)  # ("symptoms has any of a, b" or "... of c"): one
        alternatives = [lowering.expr(m.when) for m in merged]
        own = (ALWAYS if ALWAYS in alternatives
               else lowering.expr(one_list) if one_list is not None
               else _either(_absorbed([own, *alternatives])))  # fmt: skip
    required = [own, *(lowering.expr(p.when) for p in partners if p.when is not None)]
    required = [r for r in required if r != ALWAYS]
    when = ALWAYS if not required else required[0] if len(required) == 1 else All(tuple(required))
    # the cancers whose own sources cover only some situations: outside them a general option
    # is for that cancer too (unless its own source has the same option, shown there)
    uncovered: tuple[tuple[str, Expr], ...] = ()
    if option.general_only and "any" in option.cancers:
        shown_there = {c for o in same for c in o.cancers}
        uncovered = tuple((s, e) for s, e in sorted(covers.items()) if s not in shown_there)
    eases = [lowering.test(FactTest(fact="symptoms", has_any=option.eases))] if option.eases else []
    relief_when = relief_route(when) if declinable(option) else None  # (none to decline)
    return Rules(
        option=option.id,
        scope=Scope(
            sites=frozenset(c for c in option.cancers if c != "any"),
            everywhere="any" in option.cancers,
            not_for=(own_cancers if option.general_only else frozenset())
            | frozenset(c for o in same for c in o.cancers),
            uncovered=uncovered,
            for_cancer=_cancer_test(own) if "any" in option.cancers else None,
        ),
        ruled_out=tuple(ruled_out),
        choices=frozenset(option.choices),
        choices_min=option.choices_min,
        when=when,
        in_trials=option.in_trials,
        caveats=tuple((c.id, lowering.expr(c.when)) for c in option.caveats),
        relief=(*(t for t in positive_tests(own) if t.fact == "symptoms"), *eases),
        relief_when=None if relief_when == when else relief_when,
        partners=tuple(p.id for p in partners),
        declinable=declinable(option),
        aims_at_cancer=aims_at_cancer(option),
        merged=tuple(m.id for m in merged),
        trial=option.modality is Modality.clinical_trial,
    )


# Drug treatments of the cancer, whatever their aim: chemotherapy whose aim is to ease symptoms
# is still cancer treatment for a person who does not want any. The one exception is the rule for
# every option (``declinable``'s docstring): an option for a symptom the person has is not
# declined, drugs or not, so that it is shown for them to weigh.
SYSTEMIC = frozenset({Modality.chemotherapy, Modality.targeted_therapy, Modality.immunotherapy,
                      Modality.hormone_therapy, Modality.chemoradiation})  # fmt: skip
# Treatments that destroy the cancer itself whatever their aim: ablation of tumours, and radioactive
# drugs that kill cancer cells in the bones. For a person who does not want cancer treatment they
# are declined unless they are for a symptom the person has (by their condition, or ``eases``);
# they had been offered with no symptom at all (a clinical review).
DESTROYS_CANCER = frozenset({Modality.ablation, Modality.radiopharmaceutical})


def declinable(option: Option) -> bool:
    """Whether declining cancer treatment declines this option: a treatment of the cancer that
    aims to cure or control it, a drug treatment of the cancer, or one that destroys the cancer
    (``DESTROYS_CANCER``). Care that relieves symptoms
    (bleeding control, a stent, a feeding tube, radiation or surgery for a symptom, pain relief)
    is not declined with it (issue 9, rule 6), and neither is a treatment for a symptom the
    person has (``onconav.logic.relieves``)."""
    return aims_at_cancer(option) or (option.treats_cancer and option.modality in DESTROYS_CANCER)


def aims_at_cancer(option: Option) -> bool:
    """Whether an option is a treatment that aims at the cancer: to cure or control it, or a
    drug treatment of it (``SYSTEMIC``), whatever its aim."""
    aims = {Intent.cure, Intent.control, Intent.learn} & set(option.intent)
    return option.treats_cancer and (bool(aims) or option.modality in SYSTEMIC)


# --------------------------------------------------------------------------------------------
# What a profile implies beyond what it says
# --------------------------------------------------------------------------------------------

DRUG_KINDS = frozenset({"chemotherapy", "targeted-therapy", "immunotherapy"})
# Every kind of drug treatment of the cancer: a list of treatments had that holds none of them
# holds no drug treatment, so none can have stopped working. Hormone therapy and radioactive
# drugs count (a list of hormone therapy alone had been read as no drug treatment, "so none can
# have stopped working", and warned of as one when chemotherapy stopped); drugs for bone spread
# protect the bones and are not among them.
DRUG_TREATMENTS = DRUG_KINDS | {"hormone-therapy", "radiopharmaceutical"}
# Every kind of treatment that can stop working, as the list of treatments had names them: the
# drug treatments, radiation and ablation (given to the cancer), blocking the blood vessels of a
# tumour, and drugs for bone spread (``tests/test_kb_load.py`` checks each value of what stopped
# working is under one of these, or a clinical trial or perhaps other treatments not listed)
CAN_STOP = DRUG_TREATMENTS | {"radiation", "ablation", "angiographic-embolisation",
                              "bone-metastasis-drugs"}  # fmt: skip
# A list of treatments had that does not say which drug treatments were had: one that holds a
# clinical trial (of any phase: which treatment it gave is not said), "drug treatments not
# known" (a person who knows their operations but not their drugs), or "perhaps other
# treatments not listed" (``OTHERS_NOT_KNOWN``: every list ``onconav.fhir.reader`` reads).
# Such a list does not say that no drug treatment was had, so the facts below that a list without
# drugs implies are not taken from it.
DRUGS_NOT_KNOWN = "drugs-not-known"
DRUGS_NOT_SAID = any_of("prior_treatments",
                        frozenset({"clinical-trial", DRUGS_NOT_KNOWN, OTHERS_NOT_KNOWN}),
                        "which drug treatments were had is not said")  # fmt: skip
# The distant organs the cancer can spread to (the sites under "a distant part of the body":
# ``tests/test_kb_load.py`` checks it against the knowledge base), and that broader place, given
# when a record or a person says the cancer spread far but not where
DISTANT_SITES = frozenset({"liver", "lung", "bone", "brain", "peritoneum", "other-site"})
DISTANT = "distant"
ONE_OR_SEVERAL = frozenset({"other-site"})  # one name for every organ not listed


@dataclass(frozen=True)
class Implied:
    """A fact the rest of a profile implies: when ``when`` is TRUE (and, if ``if_unknown``, the
    fact is not known), the fact takes ``value``. Applied in the order of ``kb.implied``
    (``IMPLIED_FIRST``, the data's derived values, ``IMPLIED_LAST``) by
    ``onconav.profile.facts_of`` and by the SQL query (``onconav.sql.people_sql``) alike."""

    fact: str
    value: str | bool | frozenset[str] | None  # None: the fact is taken as unknown
    when: Expr
    if_unknown: bool
    why: str
    warning: str | None = None
    told: str | None = None  # the reading in a person's words, for a reason that rests on it


@dataclass(frozen=True)
class OnlyOneHad:
    """That a kind of treatment stopped working, not which (chemotherapy, a checkpoint
    inhibitor), of someone whose list of treatments had holds one treatment of that kind and
    nothing that leaves the kind open: that one is what stopped, and it stands in the kind's
    place among what stopped working (``adds``), as if the person had named it. FOLFOX had
    alone, with chemotherapy stopped, had asked of FOLFOX which chemotherapy stopped working;
    pembrolizumab had alone, with a checkpoint inhibitor stopped, had left nivolumab offered
    without the warning that a drug of its kind stopped (a review). Applied by
    ``onconav.profile.facts_of`` and ``onconav.sql.people_sql`` alike, in the order of
    ``kb.only_one_had``, before ``kb.implied``."""

    kind: str
    members: frozenset[str]  # the treatments of the kind that can be said to have stopped working
    narrower: frozenset[str]  # every value of the treatments had under the kind
    # the values of a list of treatments had that count: the kind itself, what is narrower or
    # broader ("chemotherapy" had beside FOLFOX: another chemotherapy may be the one), and what
    # leaves the drugs had open (a clinical trial, drugs not known, perhaps others not listed)
    counted: frozenset[str]

    def adds(self, stopped: object, had: object) -> str | None:
        """The treatment the kind that stopped is, by the treatments had; None where it does not
        apply: either list not given, the kind not among what stopped, or something narrower
        already said (which one stopped is then the person's to say)."""
        if not isinstance(stopped, frozenset) or not isinstance(had, frozenset):
            return None
        if self.kind not in stopped or stopped & self.narrower:
            return None
        counted = had & self.counted
        return next(iter(counted)) if len(counted) == 1 and counted <= self.members else None


def only_one_had(vocab: Vocabulary, kind_of: Mapping[str, str]) -> tuple[OnlyOneHad, ...]:
    """An ``OnlyOneHad`` for each kind of drug (chemotherapy, a checkpoint inhibitor) that has
    treatments under it among the treatments had, in the order of their ids. Not a kind of
    procedure (radiation, chemoradiation, ablation): radiation named by how it was given is
    read as radiation aimed where not said beside it (``profile.where_unsaid``), which would
    count as another radiation had; nor is what it adds a procedure too."""
    ups = vocab.ancestors.get("prior_treatments", {})
    stoppable = vocab.known("progressed_on")
    open_ended = frozenset().union(*(vocab.below("prior_treatments", v) | {v}
                                     for v in DRUGS_NOT_SAID.true))  # fmt: skip
    rules = []
    for kind in sorted(k for k in stoppable if kind_of.get(k) == "drug_classes"):
        narrower = vocab.below("prior_treatments", kind) - {kind}
        # not one that is a procedure too (cisplatin with radiation, a chemoradiation): that
        # chemotherapy stopped does not say its radiation did
        members = frozenset(m for m in narrower & stoppable
                            if all(kind_of.get(up) != "procedures" for up in ups[m]))  # fmt: skip
        if members:
            broader = ups.get(kind, frozenset()) | {kind}
            rules.append(OnlyOneHad(kind, members, narrower, narrower | broader | open_ended))
    return tuple(rules)


CAME_BACK_FAR = one_of("recurrence", frozenset({"distant"}), "came back far away")
DISTANT_METASTASES = any_of("metastases", DISTANT_SITES | {DISTANT}, "spread to a distant organ")
SPREAD_FAR = Any((CAME_BACK_FAR, DISTANT_METASTASES))
CERVIX = one_of("cancer", frozenset({"cervix"}), "cervical cancer")
NOT_COME_BACK = one_of("recurrence", frozenset({"none"}), "has not come back")
CAME_BACK = one_of("recurrence", frozenset({"yes", "local"}), "came back")
STAGE_EARLIER = one_of("stage", frozenset({"earlier"}), "stage 1 to 3")
STAGE_4 = one_of("stage", frozenset({"4"}), "stage 4, 4A or 4B not said")
STAGE_4A = one_of("stage", frozenset({"4A"}), "stage 4A")
NO_STAGE = not_given("stage", "stage not given")

# chemotherapy with radiation had: among the treatments had or those that stopped working (a
# chemoradiation regimen, such as cisplatin with radiation, counts: Regimen.counts_as)
# (what stopped working counts only when it is said: not said, the treatments had answer it)
CHEMORADIATION = frozenset({"chemoradiation"})
CHEMORADIATION_HAD = Any(
    (
        any_of("prior_treatments", CHEMORADIATION, "had chemotherapy with radiation"),
        All(
            (
                Not(not_given("progressed_on", "not said")),
                any_of("progressed_on", CHEMORADIATION, "chemoradiation stopped working"),
            )
        ),
    )
)
# chemotherapy had: among the treatments had, or among those that stopped working (a list of
# treatments had that leaves out one that stopped working is incomplete, not a "no")
CHEMOTHERAPY_HAD_AS_GIVEN = any_of("prior_treatments", frozenset({"chemotherapy"}),
                                   "had chemotherapy")  # fmt: skip
CHEMOTHERAPY_STOPPED = any_of("progressed_on", frozenset({"chemotherapy"}),
                              "chemotherapy stopped working")  # fmt: skip
CHEMOTHERAPY_HAD = Any((CHEMOTHERAPY_HAD_AS_GIVEN, CHEMOTHERAPY_STOPPED))
# any drug treatment that stopped working (pembrolizumab, often given with chemotherapy; a
# chemoradiation): the list of treatments had is then not the last word on chemotherapy
DRUG_TREATMENT_STOPPED = any_of("progressed_on", DRUG_KINDS | {"chemoradiation"},
                                "a drug treatment stopped working")  # fmt: skip

# spread that may be beyond the pelvis: a distant organ, lymph nodes (which ones decides the
# stage), or perhaps places not listed
NOT_ONLY_PELVIS = any_of("metastases", DISTANT_SITES | {DISTANT, "lymph-nodes", OTHERS_NOT_KNOWN},
                         "spread that may be beyond the pelvis")  # fmt: skip

# something stopped working: the list of what stopped has an entry (a list that may not be whole
# counts only by what it names)
SOMETHING_STOPPED = Test("progressed_on", "not_empty", "count", (), frozenset(),
                         frozenset({OTHERS_NOT_KNOWN}), limit=NO_LIMIT,
                         text="treatments that stopped")  # fmt: skip

# no treatment had: the treatments had given and empty, nothing stopped working, no
# chemotherapy for spread (as the data's derived "not come back" reads it)
NOTHING_HAD = All(
    (
        Not(Test("prior_treatments", "not_empty", "count", (), frozenset(),
                 frozenset({OTHERS_NOT_KNOWN}), limit=NO_LIMIT, text="treatments had")),
        Not(SOMETHING_STOPPED),
        Not(Test("chemo_for_spread", "eq", "bool", (), frozenset(), frozenset(), value=True,
                 text="chemotherapy for spread")),
    )
)

# nothing that says a cancer may have spread beyond where its stage says (rule 7b): no bone said
# to be weak, no symptom of a weak or broken bone or the spine (the derived weak bone's), and
# nothing that stopped working; each not given counts as no sign
BONE_SIGNS = frozenset({"weak-bone", "broken-bone", "spinal-cord-compression"})
NO_SIGN_OF_SPREAD_FAR = All(
    (
        Any((not_given("weak_bone", "not said"),
             Not(Test("weak_bone", "eq", "bool", (), frozenset(), frozenset(), value=True,
                      text="a weak bone")))),
        Any((not_given("symptoms", "not said"),
             Not(any_of("symptoms", BONE_SIGNS,
                        "a symptom of a weak or broken bone or the spine")))),
        Any((not_given("progressed_on", "not said"),
             Not(SOMETHING_STOPPED))),
    )
)

# The facts a profile implies, in two parts, with the data's derived values between them
# (``kb.implied``): first what the treatments, the stage and the places of spread as given
# imply (whether it came back, chemotherapy for spread, nothing stopped of no drug treatment),
# which the derived values read ("not come back" of no treatment had); then stage 1 to 3 said
# not to have come back beside distant spread (unknown: no derived value reads it back) and the
# cervical stage, read after them (its rules read whether the cancer came back, derived or
# given). The first
# part reads whether the cancer came back only as given: stage 1 to 3 with distant spread and
# nothing said is read as came back (before no treatment had could say it has not).
IMPLIED_FIRST: tuple[Implied, ...] = (
    Implied(
        "recurrence",
        "distant",
        All((STAGE_EARLIER, not_given("recurrence", "not said"), DISTANT_METASTASES)),
        if_unknown=True,
        why="Stage 1 to 3 with spread to distant organs now means the cancer came back there.",
        warning="recurrence: stage 1 to 3 with spread to distant organs is read as cancer that "
        "came back far away; check this with your care team",
    ),
    # Nothing had that can stop working: not when radiation or ablation was had (radiation
    # alone had read as "no drug treatment, so none can have stopped working", and radiation
    # that may have stopped was offered again). What was never had cannot have stopped working
    # whatever this says (``Test.had``): a drug, of radiation alone had
    Implied(
        "progressed_on",
        frozenset(),
        All((Not(any_of("prior_treatments", CAN_STOP, "a treatment that can stop working was "
                        "had")),
             Not(DRUGS_NOT_SAID))),
        if_unknown=True,
        why="No treatment that can stop working was had (prior_treatments is given and holds no "
        "drug treatment, radiation, ablation, blocking of blood vessels or drugs for the bones, "
        "nor a clinical trial, which may have given one, nor drug treatments not known or perhaps "
        "other treatments not listed), so none can have stopped working.",
        told="the treatments you have had include no drug treatment, radiation or ablation, so "
        "none can have stopped working",
    ),
    Implied(
        "chemo_for_spread",
        True,
        All(
            (
                one_of("stage", frozenset({"4B"}), "stage 4B"),
                CHEMOTHERAPY_HAD,
                Any((NOT_COME_BACK,
                     All((not_given("recurrence", "not said"), Not(CHEMORADIATION_HAD))))),
            )
        ),
        if_unknown=True,
        why="Chemotherapy had at stage 4B, as given, was given for cancer that had spread (before "
        "a stage 1 to 3 with distant spread is read as 4B below, which says nothing of when the "
        "chemotherapy was given). Said not to have come back, the cancer was 4B from the start, "
        "so every chemotherapy was for it, with radiation or not (a review of cervical answers: "
        "it had been asked when the treatments had were not listed, as they might have held "
        "chemoradiation). Not said, not when chemoradiation was had (or may have been): "
        "chemotherapy given with radiation is often for an earlier stage, and which chemotherapy "
        "was for spread is then not known. Nor when the cancer came back: stage 4B may then be "
        "the stage it came back at, and the chemotherapy may have been given before, for an "
        "earlier stage.",
        told="the chemotherapy you have had at stage 4B is taken as given for cancer that had "
        "spread",
    ),
    Implied(
        "chemo_for_spread",
        False,
        All(
            (
                Not(CHEMOTHERAPY_HAD_AS_GIVEN),
                Not(DRUGS_NOT_SAID),
                # nothing said to have stopped working, or no drug treatment: the list of
                # treatments had answers it
                Any((not_given("progressed_on", "not said"), Not(DRUG_TREATMENT_STOPPED))),
            )
        ),
        if_unknown=True,
        why="No chemotherapy had (prior_treatments is given without it, a clinical trial, "
        "drug treatments not known or perhaps other treatments not listed, and no drug "
        "treatment stopped working): none for spread cancer.",
        told="the treatments you have had include no chemotherapy, so none was given for cancer "
        "that had spread",
    ),
    # (rule 7b) cervical stage 4A, as given, that has not come back (as given, or never
    # treated, as the derived value below will read it): spread only within the pelvis; not
    # when a sign says it may have spread further (NO_SIGN_OF_SPREAD_FAR)
    Implied(
        "metastases",
        frozenset({"pelvis"}),
        All((CERVIX, STAGE_4A, not_given("metastases", "not said"),
             Any((NOT_COME_BACK, All((not_given("recurrence", "not said"), NOTHING_HAD)))),
             NO_SIGN_OF_SPREAD_FAR)),
        if_unknown=True,
        why="Cervical cancer of stage 4A that has not come back has grown into the organs near "
        "the cervix, in the pelvis, and not spread to distant organs (that is 4B, rule 4; 4A "
        "with distant spread is a contradiction, below): where it has spread is read as the "
        "pelvis. A clinical review found such a cancer asked where it had spread by every "
        "option for spread to the bones or far away. Read before the derived values, which read "
        "it (a weak bone), so whether it came back is read as given, or from no treatment had. "
        "Not when a bone is said to be weak or a symptom is of a weak or broken bone or the "
        "spine (spread to the bones), nor when a treatment stopped working (the cancer grew, "
        "and may have spread): a review found the bone drugs ruled out beside a weak bone.",
        told="stage 4A that has not come back has spread only within the pelvis",
    ),
)
IMPLIED_LAST: tuple[Implied, ...] = (
    # Stage 1 to 3 not come back, with distant spread: read after the derived values, so that
    # no treatment had ("so it has not come back") does not read it back as not come back (a
    # random run found every option not suitable for stage 1, spread to bone, no treatment yet,
    # beside the warning that whether it came back is taken as unknown)
    Implied(
        "recurrence",
        None,
        All((STAGE_EARLIER, NOT_COME_BACK, DISTANT_METASTASES)),
        if_unknown=False,
        why="Stage 1 to 3 that has not come back, with spread to distant organs, does not fit "
        "together: whether it came back is taken as unknown until it is checked.",
        warning="recurrence: stage 1 to 3 that has not come back does not fit with spread to "
        "distant organs; whether the cancer came back is taken as unknown until it is checked",
    ),
    Implied(
        "stage",
        "4B",
        All(
            (
                CERVIX,
                SPREAD_FAR,
                # a stage not given, 4, or 1 to 3 (spread far after it means it came back); 4A
                # only when it came back far away, or came back (where not said, or in the
                # pelvis) and has spread far (with spread alone, 4A is a contradiction)
                Any((NO_STAGE, STAGE_4, STAGE_EARLIER,
                     All((STAGE_4A, Any((CAME_BACK_FAR, CAME_BACK)))))),
            )
        ),
        if_unknown=False,
        why="Cervical cancer that has spread to distant organs, or came back there, is metastatic "
        "(stage 4B): the options for metastatic or 4B disease apply (issue 9, rule 4); so is "
        "stage 4A that came back far away, or came back (anywhere) with distant spread. "
        "Stage 4A given with distant spread and not said to have come back stays a "
        "contradiction (below).",
        warning="stage: cervical cancer that has spread to distant organs, or came back in "
        "another part of the body, is read as stage 4B (metastatic); the source is about stage "
        "4, and your care team will confirm which options fit",
    ),
    Implied(
        "stage",
        "4A",
        # not come back (as given, or of no treatment had: the data's derived value, before
        # these rules), or not said (the options for 4A then ask it)
        All((CERVIX, STAGE_4, Any((NOT_COME_BACK, not_given("recurrence", "not said"))),
             Not(not_given("metastases", "not said")), Not(NOT_ONLY_PELVIS))),
        if_unknown=False,
        why="Cervical cancer of stage 4 not known to have come back that has spread to no distant "
        "organ (only within the pelvis, or nowhere, the list of places whole) is stage 4A: distant "
        "spread is 4B (issue 9, rule 4, the other way round). Lymph nodes are left out: which "
        "nodes decides it. A clinical review found such a cancer asked \"4A or 4B?\" by every "
        "option that depends on it.",
        warning="stage: stage 4 cervical cancer not known to have come back that has spread to no "
        "distant organ (only within the pelvis, or nowhere) is read as stage 4A (spread to "
        "distant organs is 4B); your care team will confirm which options fit",
    ),
    Implied(
        "stage",
        "4",
        All((CERVIX, STAGE_4A, SPREAD_FAR)),
        if_unknown=False,
        why="Cervical stage 4A with spread to distant organs does not fit together (distant "
        "spread is stage 4B): the stage is read as 4, so options for 4A and for 4B stay "
        "undecided. (For other cancers, 4A may itself mean spread to one distant organ.)",
        warning="stage: 4A with spread to distant organs does not fit together for cervical "
        "cancer (distant spread is stage 4B); options for both are shown as undecided until the "
        "stage is checked",
    ),
)
IMPLIED = IMPLIED_FIRST + IMPLIED_LAST  # every fact implied written here


# --------------------------------------------------------------------------------------------
# Not wanting cancer treatment
# --------------------------------------------------------------------------------------------


DECLINES = Test(
    "wants_cancer_treatment", "eq", "bool", (), frozenset(), frozenset(), value=False,
    text="does not want cancer treatment",
)  # fmt: skip
"""The person does not want treatment aimed at the cancer itself."""
