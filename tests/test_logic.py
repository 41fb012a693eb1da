"""Three-valued logic: unit cases and properties over the knowledge base's own conditions."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onconav.kb.model import AllOf, AnyOf, FactTest, NotOf
from onconav.logic import Truth, Vocabulary, evaluate, facts_used

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
    }
)


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
    conditions = [o.when for o in kb.options if o.when is not None]
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
        before = evaluate(cond, partial, kb.vocabulary)
        after = evaluate(cond, completed, kb.vocabulary)
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
        used = facts_used(option.when)
        facts: dict[str, object] = {}
        for fid in used:
            kind = kb.facts[fid].type.value
            facts[fid] = (
                True
                if kind == "bool"
                else (leaves[fid][0] if kind == "enum" else frozenset(leaves[fid][:1]))
            )
        assert evaluate(option.when, facts, kb.vocabulary) is not Truth.UNKNOWN, option.id


def test_compiled_conditions_agree_with_the_interpreter(kb) -> None:  # type: ignore[no-untyped-def]
    """Differential test: the engine's compiled closures and logic.evaluate never disagree."""
    from onconav.logic import compile_condition

    conditions = [o.when for o in kb.options] + [c.when for o in kb.options for c in o.caveats]
    compiled = [compile_condition(c, kb.vocabulary) for c in conditions]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(facts=_facts_strategy(kb, outside=("kidney", "elsewhere")))
    def check(facts):  # type: ignore[no-untyped-def]
        for cond, fast in zip(conditions, compiled, strict=True):
            assert fast(facts) is evaluate(cond, facts, kb.vocabulary)

    check()


def test_compiled_explanations_agree_with_the_interpreter(kb) -> None:  # type: ignore[no-untyped-def]
    """The engine explains with the compiled closure of every subtree; the reasons and the
    undecided facts are the same as with the interpreter."""
    from onconav.engine import undecided_facts, why_not
    from onconav.logic import compile_condition

    conditions = [o.when for o in kb.options if o.when is not None]
    parts: dict[int, object] = {}
    for cond in conditions:
        compile_condition(cond, kb.vocabulary, parts)  # type: ignore[arg-type]

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(facts=_facts_strategy(kb))
    def check(facts):  # type: ignore[no-untyped-def]
        def compiled(cond):  # type: ignore[no-untyped-def]
            return parts[id(cond)](facts)  # type: ignore[operator]

        for cond in conditions:
            truth = evaluate(cond, facts, kb.vocabulary)
            if truth is Truth.FALSE:
                assert why_not(kb, cond, facts, compiled) == why_not(kb, cond, facts)
            assert undecided_facts(kb, cond, facts, compiled) == undecided_facts(kb, cond, facts)

    check()
