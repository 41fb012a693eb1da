"""Three-valued logic: unit cases, the rules as lowered against the vocabulary checked against a
plain reading of the YAML trees, and properties over the knowledge base's own conditions."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onconav.kb.model import AllOf, AnyOf, Condition, FactTest, FactType, NotOf, fact_tests
from onconav.kb.rules import Lowering
from onconav.kb.vocabulary import Vocabulary
from onconav.logic import FactValue, Truth, all_of, any_of, truth

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
VOCAB = Vocabulary(
    {
        "stage": {
            "4": frozenset({"4"}),
            "4A": frozenset({"4A", "4"}),
            "4B": frozenset({"4B", "4"}),
        },
        "symptoms": {
            "blockage": frozenset({"blockage"}),
            "bowel-obstruction": frozenset({"bowel-obstruction", "blockage"}),
            "pain": frozenset({"pain"}),
        },
        "her2": {"positive": frozenset({"positive"}), "negative": frozenset({"negative"})},
        "kras": {"mutated": frozenset({"mutated"}), "wild-type": frozenset({"wild-type"})},
        "metastases": {"liver": frozenset({"liver", "distant"}),
                       "lung": frozenset({"lung", "distant"}), "distant": frozenset({"distant"}),
                       "other-site": frozenset({"other-site", "distant"}),
                       "pelvis": frozenset({"pelvis"})},
    }
)
TYPES = {"stage": FactType.enum, "her2": FactType.enum, "kras": FactType.enum,
         "symptoms": FactType.set, "metastases": FactType.set}  # fmt: skip
LOWERING = Lowering(VOCAB, {f: f for f in TYPES}, TYPES, lambda fact, value: value)


def evaluate(cond: Condition, facts: Mapping[str, FactValue], vocab: Vocabulary) -> Truth:
    """The truth of a YAML condition as the engine reads it: lowered, then evaluated."""
    lowering = LOWERING if vocab is VOCAB else None
    assert lowering is not None
    return truth(lowering.expr(cond), facts)


def reference(cond: Condition | None, facts: Mapping[str, FactValue], vocab: Vocabulary,
              with_chemotherapy: frozenset[str] = frozenset(),
              regimens: Mapping[str, frozenset[str]] | None = None,
              with_radiation: frozenset[str] = frozenset()) -> Truth:  # fmt: skip
    """A plain reading of a YAML condition, value by value, written apart from the engine's
    lowering: a known value satisfies a test of it or of a broader value; a test of a narrower
    value than the one known is UNKNOWN; an unknown fact is UNKNOWN; that a drug given with
    chemotherapy stopped working (``with_chemotherapy``) leaves a test of chemotherapy having
    stopped UNKNOWN, and so does chemotherapy given with radiation (``with_radiation``: every
    value below chemoradiation, however named; its chemotherapy may have been for an earlier
    stage); a regimen that stopped working (``regimens``: each regimen's drugs) satisfies a test
    of one of its drugs having stopped."""
    regimens = regimens or {}
    if cond is None:
        return T
    if isinstance(cond, AllOf):
        return all_of(reference(c, facts, vocab, with_chemotherapy, regimens, with_radiation)
                      for c in cond.all)  # fmt: skip
    if isinstance(cond, AnyOf):
        return any_of(reference(c, facts, vocab, with_chemotherapy, regimens, with_radiation)
                      for c in cond.any)  # fmt: skip
    if isinstance(cond, NotOf):
        return ~reference(cond.not_, facts, vocab, with_chemotherapy, regimens, with_radiation)
    value = facts.get(cond.fact)
    if value is None and not (cond.fact == "progressed_on" and (cond.has or cond.has_any)):
        return U
    if isinstance(cond.eq, bool):
        return T if value == cond.eq else F

    def compare(known: str, wanted: str) -> Truth:
        if cond.fact == "progressed_on" and wanted == "chemotherapy" and known in with_radiation:
            return U
        if wanted in vocab.up(cond.fact, known):
            return T
        if cond.fact == "progressed_on" and wanted in regimens.get(known, ()):
            return T
        if cond.fact == "progressed_on" and wanted == "chemotherapy" and known in with_chemotherapy:
            return U
        return U if known in vocab.up(cond.fact, wanted) else F

    wanted = [w for w in (cond.eq, cond.has) if isinstance(w, str)]
    wanted += cond.in_ or cond.has_any or cond.only or []
    if value is None:  # what stopped not said: what was never had cannot have stopped
        had = facts.get("prior_treatments")
        if not isinstance(had, frozenset):
            return U
        not_said = {"clinical-trial", "drugs-not-known", "others-not-known"}
        stoppable = vocab.known("progressed_on")

        def may_be(v: str) -> bool:  # had, it may be one that stopped: were it said to have
            # stopped, the test would be TRUE or UNKNOWN (of a value that names no treatment
            # that can stop, pelvic radiation: of what broader it is)
            forms = [v] if v in stoppable else [a for a in vocab.up("prior_treatments", v)
                                                 if a in stoppable]  # fmt: skip
            # or, as the lowering reads the list of treatments had (``rules._maybe_had``; found
            # when the shared draws moved), a kind that list counts a wanted value as, not said
            # which (chemotherapy had may be chemoradiation: that list counts it as chemotherapy,
            # what stopped does not, ``vocabulary.STOPPED_COUNTS_AS``), or a value naming no
            # treatment under a kind a wanted value is of (pelvic radiation, under radiation)
            kinds = {v} if v in stoppable else vocab.up("prior_treatments", v)
            return any(compare(f, w) is not F for f in forms for w in wanted) or any(
                kinds & vocab.up("prior_treatments", w) for w in wanted
                if w in vocab.known("prior_treatments"))  # fmt: skip

        maybe = any(vocab.up("prior_treatments", v) & not_said or may_be(v) for v in had)
        return U if maybe else F
    if isinstance(value, str):
        return any_of(compare(value, w) for w in wanted)
    assert isinstance(value, frozenset)
    # "perhaps others not listed": the list may hold more than it says, of any value
    more = "others-not-known" in value
    listed = value - {"others-not-known"}
    unlisted = U if more else F  # what a value not listed makes of a test
    if cond.not_empty:  # any value at all
        return T if listed else unlisted
    if cond.count_max is not None:  # places the cancer spread to: distant organs count
        distant = {"liver", "lung", "bone", "brain", "peritoneum", "other-site"}
        counted = listed & distant if cond.fact == "metastases" else listed
        if len(counted) > cond.count_max:
            return F
        # "a distant part of the body", which not said, and "another organ" (every organ not
        # listed has that one name): one or several distant organs
        vague = cond.fact == "metastases" and any(
            v == "other-site" or (v not in distant and vocab.below(cond.fact, v) & distant)
            for v in listed)  # fmt: skip
        return U if more or vague else T if counted else F
    if cond.only is not None:
        if not listed:
            return unlisted
        return all_of([*(any_of(compare(v, w) for w in wanted) for v in listed),
                       U if more else T])  # fmt: skip
    return any_of([*(compare(v, w) for v in listed for w in wanted), unlisted])


def conditions_of(kb, option) -> list[Condition]:  # type: ignore[no-untyped-def]
    """An option's condition (or that of a general option merged into it, ``same_as``) and
    those of its partners (the regimen it is given with, alone)."""
    own = option.when
    merged = [o.when for o in kb.options if option.id in o.same_as]
    if own is not None and merged:
        own = None if None in merged else AnyOf(any=[own, *merged])
    partners = [kb.by_id[p].when for p in kb.rules[option.id].partners]
    return [c for c in (own, *partners) if c]


def facts_used(cond: Condition | None) -> list[str]:
    return list(dict.fromkeys(t.fact for t in fact_tests(cond)))


def ft(fact: str, **op: object) -> FactTest:
    return FactTest.model_validate({"fact": fact, **op})


def test_unknown_fact_is_unknown_not_false() -> None:
    assert evaluate(ft("her2", eq="positive"), {}, VOCAB) is U
    assert (
        evaluate(NotOf.model_validate({"not": {"fact": "her2", "eq": "positive"}}), {}, VOCAB) is U
    )


def test_kleene_connectives() -> None:
    pos = ft("her2", eq="positive")
    facts = {"her2": "negative"}
    assert evaluate(AllOf(all=[pos, ft("kras", eq="mutated")]), facts, VOCAB) is F
    assert evaluate(AnyOf(any=[pos, ft("kras", eq="mutated")]), facts, VOCAB) is U
    assert evaluate(AnyOf(any=[ft("her2", eq="negative"), ft("kras", eq="x")]), facts, VOCAB) is T


def test_broader_value_leaves_narrower_unknown() -> None:
    assert evaluate(ft("stage", **{"in": ["4A"]}), {"stage": "4"}, VOCAB) is U
    assert evaluate(ft("stage", **{"in": ["4"]}), {"stage": "4A"}, VOCAB) is T
    assert evaluate(ft("stage", **{"in": ["4A"]}), {"stage": "4B"}, VOCAB) is F


def test_sets() -> None:
    obstruction = ft("symptoms", has="bowel-obstruction")
    assert evaluate(obstruction, {"symptoms": frozenset()}, VOCAB) is F
    assert evaluate(obstruction, {"symptoms": frozenset({"blockage"})}, VOCAB) is U
    assert (
        evaluate(
            ft("symptoms", has="blockage"), {"symptoms": frozenset({"bowel-obstruction"})}, VOCAB
        )
        is T
    )
    only = ft("metastases", only=["liver"])
    assert evaluate(only, {"metastases": frozenset({"liver"})}, VOCAB) is T
    assert evaluate(only, {"metastases": frozenset({"liver", "lung"})}, VOCAB) is F
    assert evaluate(only, {"metastases": frozenset()}, VOCAB) is F
    assert evaluate(ft("metastases", count_max=1), {"metastases": frozenset({"lung"})}, VOCAB) is T
    nodes_too = {"metastases": frozenset({"lung", "lymph-nodes"})}
    assert evaluate(ft("metastases", count_max=1), nodes_too, VOCAB) is T
    pelvis = {"metastases": frozenset({"pelvis"})}
    assert evaluate(ft("metastases", count_max=1), pelvis, VOCAB) is F
    # spread far, which part of the body not said: a place under it may or may not be it, a
    # count of distant organs is not known, and spread far away is
    far = {"metastases": frozenset({"distant"})}
    assert evaluate(ft("metastases", has="liver"), far, VOCAB) is U
    assert evaluate(only, far, VOCAB) is U
    assert evaluate(ft("metastases", count_max=1), far, VOCAB) is U
    assert evaluate(ft("metastases", count_max=1), {"metastases": frozenset(
        {"distant", "liver"})}, VOCAB) is U  # fmt: skip
    assert evaluate(ft("metastases", count_max=1), {"metastases": frozenset(
        {"distant", "liver", "lung"})}, VOCAB) is F  # fmt: skip
    assert evaluate(ft("metastases", has="distant"), {"metastases": frozenset({"lung"})},
                    VOCAB) is T  # fmt: skip
    assert evaluate(ft("metastases", has="distant"), pelvis, VOCAB) is F
    # "another organ" names every organ not listed: kidney and skin are one value, so how many
    # organs it is, is not known; beside the liver it is two at least
    other = {"metastases": frozenset({"other-site"})}
    assert evaluate(ft("metastases", count_max=1), other, VOCAB) is U
    assert evaluate(ft("metastases", count_max=1), {"metastases": frozenset(
        {"other-site", "liver"})}, VOCAB) is F  # fmt: skip


def _facts_strategy(kb, outside: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """A partial profile: each fact unknown or given one of its accepted values (or one of
    ``outside``, values no fact accepts)."""
    strategies = {}
    for fact in kb.data.facts:
        values = sorted(kb.vocabulary.ancestors.get(fact.id, {})) + list(outside)
        if fact.type.value == "bool":
            known = st.booleans()
        elif fact.type.value == "enum":
            known = st.sampled_from(values)
        else:
            known = st.frozensets(st.sampled_from(values), max_size=3)
        strategies[fact.id] = st.none() | known
    return st.fixed_dictionaries(strategies)


def test_learning_more_never_flips_a_settled_answer(kb) -> None:  # type: ignore[no-untyped-def]
    """Kleene monotonicity: a TRUE or FALSE found with unknowns stays so, whatever they are."""
    conditions = [kb.rules[o.id].when for o in kb.options if o.when is not None]
    assert conditions

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        partial=_facts_strategy(kb),
        full=_facts_strategy(kb),
        index=st.integers(0, len(conditions) - 1),
    )
    def check(partial, full, index):  # type: ignore[no-untyped-def]
        cond = conditions[index]
        completed = {k: (partial[k] if partial[k] is not None else full[k]) for k in partial}
        before = truth(cond, partial)
        after = truth(cond, completed)
        if before is not Truth.UNKNOWN:
            assert after is before

    check()


def test_knowing_every_fact_settles_every_condition(kb) -> None:  # type: ignore[no-untyped-def]
    """With every fact it uses known and specific, no condition stays UNKNOWN."""
    leaves = {
        fid: sorted(
            v for v, anc in values.items() if not any(v in a and v != w for w, a in values.items())
        )
        for fid, values in kb.vocabulary.ancestors.items()
    }
    for option in kb.options:
        used = [f for c in conditions_of(kb, option) for f in facts_used(c)]
        facts: dict[str, object] = {}
        for fid in used:
            kind = kb.facts[fid].type.value
            facts[fid] = (
                True
                if kind == "bool"
                else (leaves[fid][0] if kind == "enum" else frozenset(leaves[fid][:1]))
            )
        assert truth(kb.rules[option.id].when, facts) is not Truth.UNKNOWN, option.id


def test_the_lowered_rules_agree_with_a_plain_reading_of_the_data(kb) -> None:  # type: ignore[no-untyped-def]
    """Differential test: every option's and caveat's condition (with its partners'), as lowered
    at load, gives the same truth as the YAML trees read value by value, including values no fact
    accepts."""
    pairs: list[tuple[Condition | None, object]] = [
        (AllOf(all=conditions_of(kb, o)) if conditions_of(kb, o) else None, kb.rules[o.id].when)
        for o in kb.options
    ]
    pairs += [
        (c.when, lowered)
        for o in kb.options
        for c, (_, lowered) in zip(o.caveats, kb.rules[o.id].caveats, strict=True)
    ]

    # the drugs an option gives with chemotherapy, named so or as a chemotherapy drug or
    # regimen (cetuximab with irinotecan), and what they are kinds of
    drugs = {u for o in kb.options for u in o.uses if kb.kind_of.get(u) == "drugs" and any(
             "chemotherapy" in kb.vocabulary.up("progressed_on", w) for w in o.given_with)}
    with_chemo = frozenset(a for d in drugs for a in kb.vocabulary.up("progressed_on", d))
    assert {"trastuzumab", "nivolumab", "cetuximab", "ramucirumab"} <= with_chemo
    assert "chemotherapy" not in with_chemo
    regimens = {r.id: frozenset(r.components) for r in kb.data.regimens}
    with_radiation = kb.vocabulary.below("progressed_on", "chemoradiation")
    assert {"chemoradiation", "cisplatin-weekly-radiation"} <= with_radiation

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(facts=_facts_strategy(kb, outside=("kidney", "elsewhere")))
    def check(facts):  # type: ignore[no-untyped-def]
        for cond, lowered in pairs:
            assert truth(lowered, facts) is reference(cond, facts, kb.vocabulary, with_chemo,
                                                      regimens, with_radiation), cond

    check()
