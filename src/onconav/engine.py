"""evaluate(profile, kb) -> Result: every option in scope, with its status, why, and its sources.

Read top to bottom: the profile's facts; the options in scope for the person's cancer; for each,
its status from its rules (``onconav.logic.decide``), the reasons it is not suitable or the facts
that would decide it, its caveats; then the order a person reads them in, and what would change
the answer. Pure and deterministic: no I/O, no state kept between calls, inputs never changed,
and every part of a result is new, so that changing a result changes nothing else. Every part is
validated as it is made (pydantic validates these models faster than it constructs them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from onconav.kb import KnowledgeBase
from onconav.kb.model import LabTest, Modality, Note, Option, Prominence, Regimen, Span
from onconav.kb.rules import (
    ALWAYS,
    DECLINES,
    DRUG_KINDS,
    DRUGS_NOT_KNOWN,
    NOT_COME_BACK,
    OTHERS_NOT_KNOWN,
    All,
    Expr,
    Not,
    RuledOut,
    Rules,
    Test,
    tests_of,
)
from onconav.kb.vocabulary import Vocabulary, in_sentence
from onconav.logic import (
    MAY_HAVE,
    FactValue,
    Status,
    Truth,
    advanced,
    advanced_by_premise,
    condition_of,
    decide,
    declines,
    hit_truth,
    in_scope,
    leaf_truth,
    missing_facts,
    relieves,
    ruled_out_hits,
    test_truth,
    truth,
    undecided_facts,
)
from onconav.profile import (
    MARKERS,
    NOTHING_GIVEN,
    Facts,
    Kin,
    Profile,
    facts_of,
    kin_of_listed,
    kin_warnings,
    with_own_sources,
)
from onconav.result import (
    REASON_LEAD,
    CaveatOut,
    Check,
    Citation,
    Counts,
    MissingFact,
    NoteOut,
    OptionResult,
    RankedFact,
    Reason,
    Result,
    SourceUsed,
    TestRef,
    Understood,
)
from onconav.words import and_list, quoted_if_joined

DISCLAIMER = (
    "This is information to discuss with your care team, not medical advice. Only your care team "
    "can say which treatment is right for you."
)
NOT_ADVANCED_REASON = (
    "the sources here are about stage 4 cancer and cancer that has come back, and yours is "
    "stage 1, 2 or 3 and has not come back"
)
QUESTIONS_WITHOUT_TREATMENT = [
    "What care can help me feel as well as possible, and who gives it?",
    "Which symptoms should I watch for, and whom do I call when they come?",
    "If I change my mind about treating the cancer, what could I still have?",
]
QUESTIONS = [
    "What is the goal of each treatment for me: to cure, to control the cancer, "
    "or to ease symptoms?",
    "What side effects should I expect, and how would they be managed?",
    "Is there a clinical trial that could fit me?",
]

# The order of the options: declined cancer treatments last; then by status, so that what is
# offered comes first and what is not suitable last, across kinds of treatment (issue 9, rule 9);
# then by kind of treatment (care first when the person does not want cancer treatment); options
# for the person's own symptoms first; the source's own ranking; how often it is used; its place
# in the data.
MODALITY_ORDER = [
    Modality.chemotherapy,
    Modality.targeted_therapy,
    Modality.immunotherapy,
    Modality.hormone_therapy,
    Modality.chemoradiation,
    Modality.radiation,
    Modality.radiopharmaceutical,
    Modality.surgery,
    Modality.procedure,
    Modality.ablation,
    Modality.bone_drugs,
    Modality.nutrition,
    Modality.supportive_care,
    Modality.care_setting,
    Modality.clinical_trial,
]
CARE_FIRST = [Modality.supportive_care, Modality.nutrition]
STATUS_ORDER = list(Status)  # the enums are written in the order shown: offered first
PROMINENCE_ORDER = list(Prominence)  # the standard first choice first, rarely used last


def evaluate(profile: Profile, kb: KnowledgeBase) -> Result:
    """Every option in scope for this profile, ordered for a person to follow."""
    facts = facts_of(profile, kb)
    declined = leaf_truth(DECLINES, facts.row["wants_cancer_treatment"]) is Truth.TRUE
    options_in_scope = [o for o in kb.options
                        if in_scope(kb.rules[o.id].scope, facts.site, facts.row)]
    ranked: list[tuple[tuple[int, ...], OptionResult]] = []
    for position, option in enumerate(options_in_scope):  # in the data's order
        result = evaluate_option(kb, option, facts)
        ranked.append((_order(option, result, declined, position), result))
    options = [result for _, result in sorted(ranked, key=lambda pair: pair[0])]
    # the warnings of what stopped working or cannot be had about what options give, each with
    # the options it is about: said in the answer's warnings and on each of those options
    kin = _kin_left_open(kb, facts, options)
    said = [*_kin_said(kb, kin, options),
            *_built_said(kb, built_on_what_stopped(kb, facts, options), options, kin),
            *_a_kind_that_stopped(kb, facts, options),
            *_partner_may_have_stopped(kb, facts, options)]  # fmt: skip
    options = _with_warnings(options, said)

    # the cancer has options of its own (the general options' "any" is no cancer of its own)
    own_source = facts.site != "any" and any(facts.site in o.cancers for o in options_in_scope)
    outside = own_sources_leave_out(kb, facts)
    # a note for the person's cancer, unless its condition is FALSE for them: one that asks
    # which stage, 4A or 4B, the cancer is had been shown to one who gave it (a review)
    notes = [n for n in kb.data.notes if (facts.site in n.cancers or "any" in n.cancers)
             and truth(kb.notes_when.get(n.id, ALWAYS), facts.row) is not Truth.FALSE]  # fmt: skip
    cited = {c.source for o in options for c in o.citations}
    # a caveat may cite another source (the cervical radiation's note on radiation to the
    # pelvis in the past cites the rectal source): every source cited is listed
    cited |= {c.source for o in options for caveat in o.caveats for c in caveat.citations}
    cited |= {s.source for n in notes for s in n.evidence}
    what_would_change, to_ask = _what_would_change(kb, options, facts)
    return Result(
        profile=profile.model_copy(deep=True),  # the caller's own stays theirs
        cancer=facts.site,
        cancer_name=facts.cancer_name,
        has_own_source=own_source,
        scope=(f"{BY_PREMISE} " if advanced_by_premise(facts.row) else "") + _scope_words(
            facts.cancer_name,
            own_source,
            advanced(facts.row),
            outside=outside,
            own_sources=with_own_sources(kb),
            start_known=facts.site != "any",
            beyond=any(o.beyond_own_source for o in options),
        ),
        understood=_understood(kb, facts),
        counts=Counts(**{s.value: sum(1 for o in options if o.status is s) for s in Status}),
        options=options,
        notes=[
            NoteOut(
                id=n.id, title=n.title, text=_note_text(kb, n, facts),
                citations=_citations(n.evidence),
            )
            for n in notes
        ],
        what_would_change=what_would_change,
        questions=(QUESTIONS_WITHOUT_TREATMENT if declined else [])
        + to_ask
        + ([] if declined else QUESTIONS),
        warnings=[*facts.warnings, *_planned_but_declined(kb, facts, options),
                  *_results_deciding_nothing(kb, facts, options_in_scope),
                  *(text for text, _ in said)],
        disclaimer=DISCLAIMER,
        kb_version=kb.version,
        sources=sources_used(kb, cited),
    )


# The test results a profile gives (``biomarkers``): each decides the options of some cancers only
RESULTS = (("her2", "HER2"), ("kras", "KRAS"))


def _results_deciding_nothing(kb: KnowledgeBase, facts: Facts,
                              options: list[Option]) -> list[str]:  # fmt: skip
    """A warning for each test result given that no option shown for the person depends on
    (``options``: those in scope): HER2 for a breast cancer, KRAS for a stomach cancer. It had
    been repeated in the situation and used for nothing, without a word, and a navigator read
    it as not read. Which cancers' options it decides is said."""
    given = [(fact, name) for fact, name in RESULTS if facts.row[fact] is not None]
    read = frozenset().union(*(kb.rules[o.id].at(facts.site).reads for o in options)) if given \
        else frozenset()  # fmt: skip
    out = []
    for fact, name in given:
        if fact in read:
            continue
        deciding = sorted({cancer for o in kb.options if fact in kb.rules[o.id].reads
                           for cancer in o.cancers if cancer != "any"})  # fmt: skip
        users = and_list([kb.name_of(c) for c in deciding])
        out.append(f"biomarkers.{fact}: none of the options shown here depends on the {name} "
                   f"result (it decides options for {users}); it changes none of these "
                   "answers: ask your care team what it means for you")  # fmt: skip
    return out


def _note_text(kb: KnowledgeBase, note: Note, facts: Facts) -> str:
    """A note's text, and, for a cancer that no source it rests on is about (the rectal page's
    standard first treatments, shown for colon cancer too), that it comes from a page about
    another cancer: the sentence had been part of the text, and rectal patients were told to ask
    how it applies to colon cancer (a review)."""
    about = {kb.sources[s.source].cancer for s in note.evidence}
    if facts.site in about or "any" in about:
        return note.text
    pages = and_list(sorted(kb.name_of(c) for c in about))
    return (f"{note.text} This comes from a page about {pages}, so ask your team how it applies "
            f"to {facts.cancer_name}.")


def _planned_but_declined(kb: KnowledgeBase, facts: Facts,
                          options: list[OptionResult]) -> list[str]:  # fmt: skip
    """A treatment planned by one who does not want treatment aimed at the cancer, that this
    answer gives in options aimed at the cancer (declined, or not suitable for another reason)
    and in none the person may have (offered, asking or in trials: to ease a symptom they have):
    the two answers disagree.
    Read from the answer's options, so that a treatment of any kind counts (liver-artery
    chemotherapy, radioactive iodine for a thyroid cancer, ablation: a review found them not
    warned of, as the rule read only kinds of drugs), and one an option gives to ease a symptom
    the person has does not (radium-223 for bone pain). A kind of drug treatment aimed at the
    cancer that no option here gives is warned of too (chemotherapy planned, whatever the
    cancer)."""
    planned = facts.row["planned"]
    if facts.row["wants_cancer_treatment"] is not False or not isinstance(planned, frozenset):
        return []
    aimed = DRUG_KINDS | {"hormone-therapy"}
    for value in sorted(planned):
        # what gives it, or anything narrower it names (ablation: radiofrequency ablation ...),
        # as a treatment: not a procedure it may only involve (a laparoscopy planned had read as
        # the rectal ablation it may be part of)
        named = kb.vocabulary.below("planned", value) | {value}
        giving = [o for o in options if any(
            v in kb.gives[o.id] and v not in getattr(kb.by_id[o.id], "may_involve", ())
            for v in named)]  # fmt: skip
        if any(o.status in MAY_HAVE for o in giving):
            continue  # an option the person may have gives it (to ease a symptom)
        # given only in options aimed at the cancer (declined, or not suitable for another
        # reason: FOLFOX that stopped working), or a kind of drug treatment of the cancer
        if any(o.status is Status.declined or kb.rules[o.id].aims_at_cancer for o in giving) or (
                kb.vocabulary.up("planned", value) & aimed):  # fmt: skip
            return ["planned: a treatment of the cancer is planned, but treatment aimed at the "
                    "cancer is not wanted; check which is right"]
    return []


def _kin_left_open(kb: KnowledgeBase, facts: Facts, options: list[OptionResult]) -> list[Kin]:
    """The drugs of the kind of one listed (``profile.kin_of_listed``) that an option of this
    answer not ruled out (offered, asking, in trials, or not chosen by one who wants no cancer
    treatment) still gives, not as a choice it rules out, as ``built_on_what_stopped`` reads
    them (a trial of lapatinib beside trastuzumab that cannot be had is warned of): "ask
    before an option that gives fluorouracil" had been said where no option gave it any more
    (fluorouracil stopped, stomach cancer), and the reason capecitabine cannot be had lost for
    the fluorouracil that FOLFOX, still offered, gives (reviews). The order card of a drafted
    drug reads the same: its options not ruled out (``cdshooks.cards``)."""
    may_suit = _may_suit(options)
    out = []
    for kin in kin_of_listed(kb, facts.row, facts.site):
        given = tuple(d for d in kin.kin if any(o.id in may_suit and d not in may_suit[o.id]
                                                for o in kb.options_using(d)))  # fmt: skip
        if given:
            out.append(replace(kin, kin=given))
    return out


# A warning of the answer, and the options it is about (ids)
Said = tuple[str, frozenset[str]]


def _with_warnings(options: list[OptionResult], said: list[Said]) -> list[OptionResult]:
    """Each option, with the answer's warnings about what it gives (``said``), each without the
    field's name: a family that read "Capecitabine alone: offered" had not seen the warning at
    the head of the page that it may not work after fluorouracil (a review of the page), nor
    "Hormone therapy: offered" that hormone therapy had stopped (reviews of the change)."""
    on: dict[str, list[str]] = {}
    for warning, about in said:
        text = warning.split(": ", 1)[1]  # "progressed_on: ..." as a sentence of its own
        for ident in about:
            on.setdefault(ident, []).append(text[:1].upper() + text[1:])
    return [o.model_copy(update={"warnings": on[o.id]}) if o.id in on else o for o in options]


def _kin_said(kb: KnowledgeBase, kin: list[Kin], options: list[OptionResult]) -> list[Said]:
    """The warning of each ``Kin`` (``profile.kin_warnings``), with the options not ruled out
    that give one of its drugs, not as a choice they rule out (``_kin_left_open``'s reading)."""
    may_suit = _may_suit(options)
    return [(warning, frozenset(o.id for d in k.kin for o in kb.options_using(d)
                                if o.id in may_suit and d not in may_suit[o.id]))
            for k, warning in zip(kin, kin_warnings(kb, kin), strict=True)]  # fmt: skip


def _may_suit(options: list[OptionResult]) -> dict[str, set[str | None]]:
    """The options not ruled out, each with the choices it rules out."""
    return {o.id: {r.given for r in o.choices_ruled_out} for o in options
            if o.status is not Status.not_suitable}  # fmt: skip


@dataclass(frozen=True)
class Built:
    """What stopped working (``stopped``: a drug, or a mix counted as its drugs), the drugs it gave
    (``gave``), and the mixes an answer leaves open that give some of them beside a drug that
    makes them what they are (``mixes``)."""

    stopped: str
    gave: frozenset[str]
    mixes: tuple[Regimen, ...]


def built_on_what_stopped(kb: KnowledgeBase, facts: Facts,
                          options: list[OptionResult]) -> list[Built]:  # fmt: skip
    """A drug that stopped working, and the mixes this answer leaves open that give it beside a drug
    that makes them what they are (``Regimen.stopped_by``: CAPOX and CAPIRI after capecitabine
    alone): they are not ruled out, since what they add is not listed as stopped working (it may
    have been had: "not yet tried" had been said of cisplatin had with radiation), but they give the
    drug that stopped, which the care team weighs. Said, not decided (issue 9: such a regimen is
    "ruled out or flagged"): in the answer's warnings, and on the order card of a drafted mix. A
    mix that stopped counts as its drugs, as the rules count it (rule 1): CAPOX stopped names
    CAPIRI, as capecitabine and oxaliplatin stopped do (CAPIRI had been offered after CAPOX
    without a word, though capecitabine alone was not suitable, "part of CAPOX"); 5-FU with
    leucovorin names FOLFOX and FOLFIRI. A mix is named only when an option of the answer gives it
    and neither does not suit nor has it among the choices ruled out: the answer's own rule, not a
    copy of it."""
    stopped = facts.row["progressed_on"]
    if not isinstance(stopped, frozenset):
        return []
    # the mixes of options that may suit, not ruled out as a choice
    left = {i for ident, removed in _may_suit(options).items() for i in _gives(kb, ident)
            if kb.kind_of.get(i) == "regimens" and i not in removed}  # fmt: skip
    # what stopped, a drug or a mix, each with the drugs it gave; a drug named itself is said
    # of itself, not again as part of a mix named beside it (capecitabine and CAPOX)
    named = {d for d in stopped if kb.kind_of.get(d) == "drugs"}
    gave = {s: drugs for s in stopped
            if (drugs := set(kb.drugs_of(s)) - (named - {s}))}  # fmt: skip
    out = []
    for drug in sorted(gave):
        # a mix that gives it, or any of its drugs (the cisplatin pairs give one each of
        # paclitaxel and topotecan), beside one that stops it
        built = [r for r in kb.data.regimens if r.id in left
                 and gave[drug] & set(r.components) and not gave[drug] & set(r.stopped_by)]
        if built:
            out.append(Built(drug, frozenset(gave[drug]), tuple(built)))
    return out


def _built_said(kb: KnowledgeBase, built: list[Built], options: list[OptionResult],
                kin: list[Kin]) -> list[Said]:  # fmt: skip
    """The warning of each ``Built``, with the options not ruled out that give one of its mixes,
    not as a choice they rule out (``built_on_what_stopped``'s reading). ``kin``: the drugs of
    the kind of one that stopped (``_kin_left_open``), which a mix may add."""
    may_suit = _may_suit(options)
    alike = {d: k.drug for k in kin if k.fact == "progressed_on" for d in k.kin}
    out = []
    for one, warning in zip(built, _built_warnings(kb, built, alike), strict=True):
        mixes = {r.id for r in one.mixes}
        out.append((warning, frozenset(
            ident for ident, removed in may_suit.items()
            if mixes & (set(_gives(kb, ident)) - removed))))  # fmt: skip
    return out


def _gives(kb: KnowledgeBase, ident: str) -> list[str]:
    """What an option gives: what it uses and what it gives them with."""
    record = kb.by_id[ident]
    return [*record.uses, *record.given_with]  # type: ignore[union-attr]


def _built_warnings(kb: KnowledgeBase, built: list[Built],
                    alike: Mapping[str, str]) -> list[str]:  # fmt: skip
    """The answer's warning for each ``Built``: each mix quoted (a mix's name may hold "and":
    "cisplatin and paclitaxel") with what it adds, and which of the drugs it gives when not
    all. What it adds that is of the kind of a drug that stopped (``alike``: such a drug, and
    the one that stopped) is said to be: "cisplatin and paclitaxel" after carboplatin and
    paclitaxel stopped had been said to add "a drug not listed as stopped working", just below
    the warning that cisplatin is of carboplatin's kind (a review of the page)."""
    out = []
    for one_built in built:
        drug, gave = one_built.stopped, one_built.gave
        shared = {r.id: "" if gave <= set(r.components) else and_list(
            [kb.name_of(d) for d in r.components if d in gave]) + " "
            for r in one_built.mixes}  # fmt: skip
        names = and_list([
            f"\u201c{kb.name_of(r.id)}\u201d ({shared[r.id]}with "
            f"{and_list([kb.name_of(k) for k in r.stopped_by])})" for r in one_built.mixes])
        one = len(one_built.mixes) == 1
        what = ("it" if kb.kind_of.get(drug) == "drugs"
                else "some of its drugs" if any(shared.values()) else "its drugs")
        added = sorted({k for r in one_built.mixes for k in r.stopped_by if k in alike})
        though = "".join(f", though {kb.name_of(k)} is of the same kind as "
                         f"{kb.name_of(alike[k])}, which stopped working too"
                         for k in added)  # fmt: skip
        out.append(f"progressed_on: {kb.name_of(drug)} stopped working, and the "
                   f"{'mix' if one else 'mixes'} {names} {'gives' if one else 'give'} "
                   f"{what} with a drug not listed as stopped working: "
                   f"{'it is' if one else 'they are'} not ruled out{though}; ask the care team "
                   f"whether {'it' if one else 'they'} could still help")  # fmt: skip
    return out


def _partner_may_have_stopped(kb: KnowledgeBase, facts: Facts,
                              options: list[OptionResult]) -> list[Said]:  # fmt: skip
    """A drug that stopped working which every option for this cancer gives with the same other
    drug, not chemotherapy (pembrolizumab, which the stomach source gives with chemotherapy and
    trastuzumab, ccs-stomach-stage4 1180-1300): that drug, not listed as having stopped, was
    likely given with it and may have stopped too. The options that may suit and give it are
    shown as if it had not: said on them, for the team to check (trastuzumab with chemotherapy
    had been offered without a word after pembrolizumab stopped: a clinical review). Not when
    the treatments had are listed without it; chemotherapy given with a drug that stopped is
    ``profile._chemotherapy_given_with``'s."""
    stopped, prior = facts.row["progressed_on"], facts.row["prior_treatments"]
    if not isinstance(stopped, frozenset) or OTHERS_NOT_KNOWN in stopped:
        return []  # a list that may not be whole already asks what else stopped
    up, may_suit = kb.vocabulary.up, _may_suit(options)
    out = []
    for drug in sorted(d for d in stopped if kb.kind_of.get(d) == "drugs"):
        giving = [o for o in kb.options_using(drug) if drug in o.uses and facts.site in o.cancers]
        partners = [{p for p in o.given_with if kb.kind_of.get(p) == "drugs"
                     and p not in o.choices and p not in kb.chemotherapy_with(o)}
                    for o in giving]  # fmt: skip
        for partner in sorted(set.intersection(*partners) if partners else set()):
            if up("progressed_on", partner) & stopped:
                continue  # listed as stopped, or a kind of it (asked which)
            if isinstance(prior, frozenset) and not (
                    prior & up("prior_treatments", partner)
                    or prior & {OTHERS_NOT_KNOWN, DRUGS_NOT_KNOWN, "clinical-trial"}):
                continue  # the treatments had are listed without it
            about = frozenset(o.id for o in kb.options_using(partner)
                              if o.id in may_suit and partner not in may_suit[o.id])
            if about:
                name = kb.name_of(partner)
                out.append((f"progressed_on: {kb.name_of(drug)} stopped working, and for this "
                            f"cancer the sources give it with {name}, which is not listed as "
                            f"having stopped: if {name} was given with it, it may have stopped "
                            f"working too; the options that give {name} are shown as if it had "
                            "not, so ask the care team whether they could still help", about))
    return out


def _a_kind_that_stopped(kb: KnowledgeBase, facts: Facts,
                        options: list[OptionResult]) -> list[Said]:  # fmt: skip
    """An option of the general source that gives a kind of drug as such, naming no drug
    ("Hormone therapy", "Chemotherapy", "Immunotherapy"), that may suit one who says that kind,
    or a drug of it, stopped working: that source does not say which may follow one that
    stopped, so it is not ruled out, but it is said (a clinical review found hormone therapy
    offered after hormone therapy stopped working, without a word). Said, not decided, as
    ``built_on_what_stopped``. (A cancer's own source names the drugs that may follow: its
    options that give "chemotherapy" frame those.)"""
    stopped = facts.row["progressed_on"]
    if not isinstance(stopped, frozenset):
        return []
    up = kb.vocabulary.up
    kinds: dict[str, list[OptionResult]] = {}  # a kind that stopped, and the options giving it
    for option in options:
        record = kb.by_id[option.id]
        if record.cancers == ["any"] and option.status not in (  # type: ignore[union-attr]
                Status.not_suitable, Status.declined):  # fmt: skip
            for used in record.uses:  # type: ignore[union-attr]
                if kb.kind_of.get(used) == "drug_classes" and any(
                        used in up("progressed_on", s) for s in stopped):  # fmt: skip
                    kinds.setdefault(used, []).append(option)
    out = []
    for kind, giving in kinds.items():
        names = [o.name for o in giving]
        what = and_list(quoted_if_joined([in_sentence(kb.name_of(s)) for s in sorted(stopped)
                                          if kind in up("progressed_on", s)]))  # fmt: skip
        one = len(names) == 1
        quoted = and_list([f"\u201c{n}\u201d" for n in names])
        out.append((f"progressed_on: {what} stopped working, and {quoted} "
                   f"{'gives' if one else 'give'} {in_sentence(kb.name_of(kind))} without "
                   f"naming a drug: {'it is' if one else 'they are'} not ruled out, since the "
                   "source about advanced cancer in general does not say which may follow one "
                   "that stopped; ask the care team whether another could still help",
                   frozenset(o.id for o in giving)))  # fmt: skip
    return out


def sources_used(kb: KnowledgeBase, cited: Collection[str] | None = None) -> list[SourceUsed]:
    """The sources an answer rests on, each with its title, publisher and date, in the knowledge
    base's order: those ``cited``, or every one (a cohort's answers, the knowledge base)."""
    return [SourceUsed(id=s.id, title=s.title, publisher=s.publisher, dated=s.dated)
            for s in kb.data.sources if cited is None or s.id in cited]  # fmt: skip


def evaluate_option(kb: KnowledgeBase, option: Option, facts: Facts) -> OptionResult:
    """One option's status, reasons, missing facts, caveats and sources for a person."""
    rules = kb.rules[option.id].at(facts.site)
    row = facts.row
    status, because, condition, out = decide(rules, row)
    when = condition_of(rules, row)  # who it is for, as ``decide`` read it
    hits = ruled_out_hits(rules, row)
    reasons: list[Reason] = []
    words: list[str] = []
    beyond = False  # the option's own source is silent on the situation (``_beyond_own_source``)
    choices_ruled_out: list[Reason] = []
    # a choice among others that the person's answers remove rules the option out only when too
    # few choices are left: the reason says what decided it; otherwise it is a choice removed
    among = [h for h in hits if h.given in rules.choices]
    if because == "ruled_out":
        alone = [h for h in hits if h.given not in rules.choices]
        reasons = _ruled_out(alone or among, row)
        words = _once_per_answer(alone or among, row)
        if condition is Truth.FALSE:  # and who it is for, which the person's situation is not:
            # "it gives cisplatin, which has already stopped working" alone had read as if
            # radiation with weekly cisplatin, for stage 4A, would otherwise fit a 4B cancer
            for text, leaves in why_not(kb, when, row, facts.told):
                words.append(text)
                reasons += leaves
    else:
        choices_ruled_out = _ruled_out(among, row)
    if because == "not_advanced":  # (that it has not come back, how, when the rest implies it)
        # (what it is drawn from, as a derived answer is said: ``why_not``)
        text = NOT_ADVANCED_REASON + (f" ({facts.told['recurrence']})"
                                      if "recurrence" in facts.told else "")  # fmt: skip
        reasons = [
            Reason(kind="not_advanced", text=text, check=_check(NOT_COME_BACK, row))
        ]
        words = [text]
    if because == "condition_false":
        for text, leaves in why_not(kb, when, row, facts.told):
            words.append(text)
            reasons += leaves
        beyond = _beyond_own_source(kb, option, facts, reasons)
    missing = []
    if undecided := missing_facts(rules, row, status, condition, out):
        asked = _asked(rules, row)
        missing = [_missing(kb, fact, _question(kb, fact, *_which(kb, asked, row, fact),
                                                had=_had(kb, rules, row, fact)), row[fact])
                   for fact in undecided]  # fmt: skip
    return OptionResult(
        id=option.id,
        name=option.name,
        status=status,
        modality=option.modality,
        treats_cancer=option.treats_cancer,
        # a treatment of the cancer for one who wants none, not declined, is offered (or asked
        # about) only to relieve a symptom of theirs: for them it is care, as the general source
        # tells of surgery for a blocked bowel (acs-advanced 2606-3123; the rectal source names
        # a bowel resection for one too, ccs-rectal-stage4 5566-5810); a bowel resection for a
        # blocked bowel had been counted "1 cancer treatment" in the headline of one who wants
        # none. Declined, it is the cancer treatment they do not want.
        standard=rules.standard and (status is Status.declined or not declines(rules, row)),
        in_trials=option.in_trials,
        not_chosen=status is Status.declined,
        intent=[i.value for i in option.intent],
        uses=[kb.name_of(i) for i in option.uses],
        given_with=[kb.name_of(i) for i in option.given_with],
        may_involve=[kb.name_of(i) for i in option.may_involve],
        prominence=option.prominence.value if option.prominence else None,
        timing=[t.value for t in option.timing],
        description=option.description,
        reason=_reason(words, beyond_own_source_words(facts.cancer_name) if beyond else None),
        reason_shown=_reason(words, beyond_own_source_pointer(facts.cancer_name) if beyond
                             else None),
        beyond_own_source=beyond,
        reasons=reasons,
        choices=[kb.name_of(i) for i in (*option.uses, *option.given_with) if i in rules.choices],
        choices_at_least=rules.choices_min,
        choices_left=[
            kb.name_of(i)
            for i in (*option.uses, *option.given_with)
            if i in rules.choices and i not in {r.given for r in choices_ruled_out}
        ]
        if choices_ruled_out
        else [],
        choices_ruled_out=choices_ruled_out,
        missing=missing,
        caveats=[
            CaveatOut(
                id=c.id,
                text=c.text,
                applies=truth(when, row) is Truth.TRUE,
                because=_checks(when, row, Truth.TRUE),
                undecided=undecided_facts(when, row),
                citations=_citations(c.evidence),
            )
            for c, (_, when) in zip(option.caveats, rules.caveats, strict=True)
            # shown when it holds or may hold; for an option that does not suit, only what can
            # be done instead: its reason says why, and a caveat on how it is used ("ask your
            # team if it could fit you", "this is not ruled out here") read as if it might
            if truth(when, row) is not Truth.FALSE
            and (status is not Status.not_suitable or c.instead)
        ],
        relieves_your_symptoms=relieves(rules, row) is Truth.TRUE,
        citations=_citations(kb.evidence_of(option)),  # and the general options' it merges
    )


def _reason(words: list[str], last: str | None) -> str | None:
    """An option's reason: why it does not suit, and ``last`` after it."""
    said = [*words, *([last] if last else [])]
    return REASON_LEAD + "; ".join(said) + "." if said else None


def beyond_own_source_words(cancer_name: str) -> str:
    """Said, in the complete reason (``OptionResult.reason``), of each option of a cancer's own
    source that does not suit a situation that source does not say how to treat
    (``_beyond_own_source``)."""
    return (f"the source about {cancer_name} does not say how a situation like yours is treated "
            "(the options of the source about advanced cancer in general are shown for it): ask "
            "your care team whether this treatment may still be used")  # fmt: skip


def beyond_own_source_pointer(cancer_name: str) -> str:
    """What ``OptionResult.reason_shown`` says in place of ``beyond_own_source_words``: the
    answer's scope says it once (``BEYOND_ONCE``). Under each of the eleven cervical drugs, for
    cervical cancer back in the pelvis, the long sentence had been said again and again."""
    return f"the source about {cancer_name} does not cover your situation (see above)"


# Said once in the scope of an answer in which some options' reasons point to it
# (``beyond_own_source_pointer``)
BEYOND_ONCE = ("Its own options for other situations are shown as not for this situation: as it "
               "does not say how a situation like yours is treated, ask your care team whether "
               "any of them may still be used.")  # fmt: skip


# the facts by which a cancer's own source describes some situations only: the stage, and
# whether and where the cancer came back (``_beyond_own_source``)
SILENT_ON = frozenset({"stage", "recurrence"})


def own_sources_leave_out(kb: KnowledgeBase, facts: Facts) -> Truth:
    """Whether the cancer's own sources leave the person's situation out (the general source's
    options are then shown beside their own); FALSE for a cancer whose sources cover every
    situation, or that has none (``KnowledgeBase.covers``)."""
    covers = kb.covers.get(facts.site)
    return Truth.FALSE if covers is None else ~truth(covers, facts.row)


def _beyond_own_source(kb: KnowledgeBase, option: Option, facts: Facts,
                       reasons: list[Reason]) -> bool:  # fmt: skip
    """Whether an option of the cancer's own source does not suit for a situation that source
    does not cover (``own_sources_leave_out``) by the stage or where the cancer came back
    (``SILENT_ON``): its reason says the source is silent there, not only that it does not fit.
    Cisplatin with paclitaxel, for cervical cancer that came back in the pelvis, had read as
    ruled out beside the general source's chemotherapy, offered (a review of the page). Not an
    option ruled out by another answer (pelvic exenteration, when surgery cannot take all of
    the cancer out: a review of the change found it told to ask the team all the same)."""
    if facts.site not in option.cancers or own_sources_leave_out(kb, facts) is not Truth.TRUE:
        return False
    return any(r.check is not None and r.check.fact in SILENT_ON for r in reasons)


def _order(option: Option, result: OptionResult, declined: bool, position: int) -> tuple[int, ...]:
    care_first = CARE_FIRST if declined else []
    modalities = care_first + [m for m in MODALITY_ORDER if m not in care_first]
    prominence = option.prominence
    return (
        result.not_chosen,
        STATUS_ORDER.index(result.status),
        modalities.index(option.modality),
        not result.relieves_your_symptoms,
        option.rank if option.rank is not None else 1000,
        PROMINENCE_ORDER.index(prominence) if prominence else len(PROMINENCE_ORDER),
        position,
    )


# The profile's field for each fact whose name differs (the words as typed are kept by field).
TYPED_KEY = {marker: f"biomarkers.{marker}" for marker in MARKERS}


def _understood(kb: KnowledgeBase, facts: Facts) -> list[Understood]:
    """Each fact the person gave, as read, in plain words, with the words as typed beside it."""
    typed = facts.profile.as_typed
    out = []
    for fact, value in facts.given.items():
        if value is None and fact == "cancer":  # "unknown": said as such, as every answer is
            # (the JSON had no cancer, while the command line and the page said it)
            out.append(Understood(fact=fact, label=kb.facts[fact].label,
                                  value=facts.cancer_name, as_typed=typed.get(fact)))  # fmt: skip
        if value is None:
            continue
        other_cancer = fact == "cancer" and kb.kind_of.get(str(value)) != "cancers"
        # an answer the rest of the answers changed (``kb.implied``: cervical stage 4 spread
        # only within the pelvis is 4A, spread far 4B; one that contradicts others is taken as
        # not known): the page had said "stage 4" beside reasons saying "(yours: stage 4A)"
        read = facts.row[fact]
        read_as = None if read == value else "not known" if read is None else in_words(
            kb, fact, read)  # fmt: skip
        out.append(
            Understood(
                fact=fact,
                label=kb.facts[fact].label,
                value=facts.cancer_name if other_cancer else in_words(kb, fact, value),
                as_typed=typed.get(TYPED_KEY.get(fact, fact)),
                read_as=read_as,
            )
        )
    return out


def _scope_words(cancer_name: str, own_source: bool, gate: Truth,
                 outside: Truth = Truth.FALSE, own_sources: str = "",
                 start_known: bool = True, beyond: bool = False) -> str:  # fmt: skip
    """Which sources the options come from, in words. ``outside``: whether the cancer's own
    sources leave the situation out; ``start_known``: where the cancer started is known;
    ``beyond``: some options' reasons point to the scope for what it says once (``BEYOND_ONCE``);
    ``own_sources``: the cancers that have sources of their own, named to one whose cancer has
    none (a name it did not know had been told so again in a
    warning, and the page said it a third time: a review)."""
    # for a cancer no source is about, the general source's options, said whatever the stage
    # (stage 1 to 3 not said to have come back had not been told it: a review of the change)
    general = "" if own_source else (
        "Where the cancer started is not known, so these are the options the source about "
        f"advanced cancer in general describes; {own_sources} have sources of their own. Ask "
        "your care team about the treatments used for your type of cancer."
    ) if not start_known else (  # "unknown", cancer of unknown primary: no cancer to name
        f"No source here is about {cancer_name} itself, so these are the options the "
        f"source about advanced cancer in general describes; {own_sources} have sources of "
        "their own. Ask your care team about the treatments used for your type of cancer."
    )
    if gate is Truth.FALSE:
        not_advanced = (
            "The sources here are about stage 4 cancer and cancer that has come back after "
            "treatment, so none of these options is for stage 1 to 3 cancer that has not come "
            "back. Ask your care team which treatments are used for your stage."
        )
        return f"{not_advanced} {general}" if general else not_advanced
    beside = (  # why the general source's options are shown beside the cancer's own
        f"The source about {cancer_name} covers this situation only in part (it names the "
        "treatments of some situations only), so the options of the source about advanced "
        "cancer in general are shown beside its own. Ask your care team which of them fit."
        + (f" {BEYOND_ONCE}" if beyond else "")
    ) if outside is Truth.TRUE else (
        f"The source about {cancer_name} names the treatments of some situations only. "
        "Whether it covers yours fully depends on answers not given yet. So the options of the "
        "source about advanced cancer in general are shown beside its own, each with what "
        "would decide it."
    )
    if gate is Truth.UNKNOWN:
        unknown = (
            "The sources here are about stage 4 cancer and cancer that has come back after "
            "treatment. Whether they apply to you depends on whether your cancer has come back."
        )
        if own_source:
            return f"{unknown} {beside}" if outside is not Truth.FALSE else unknown
        return f"{unknown} {general}"
    if own_source and outside is not Truth.FALSE:
        return beside
    if own_source:
        return (
            f"Options from the sources about {cancer_name}, and options from the source "
            "about advanced cancer in general that fit particular situations."
        )
    return general


# Said first in the scope when the cancer is taken as advanced only by the premise of the
# sources (``logic.advanced_by_premise``: no stage given, nothing said of its coming back or
# spreading far): options offered so, that the stage of a stage 2 cancer takes away, had been
# shown with no word that they assume it (a clinical review)
BY_PREMISE = ("The stage is not given, so the options are shown as for stage 4 cancer or "
              "cancer that has come back after treatment, which the sources are about; they do "
              "not apply to stage 1 to 3 cancer unless it came back.")  # fmt: skip


def _citations(spans: list[Span]) -> list[Citation]:
    return [
        Citation(
            source=s.source, start=s.start, end=s.end, sha256=s.sha256, label=s.label()
        )
        for s in spans
    ]


# --------------------------------------------------------------------------------------------
# Explanations: why an option is not suitable, what would decide it
# --------------------------------------------------------------------------------------------


def listed_order(values: frozenset[str]) -> list[str]:
    """A list's values in the order they are shown: "perhaps others not listed" after those
    listed."""
    return sorted(values, key=lambda v: (v == OTHERS_NOT_KNOWN, v))


def _yours(value: FactValue) -> list[str] | str | bool | None:
    return listed_order(value) if isinstance(value, frozenset) else value


def _check(test: Test, row: dict[str, FactValue], negated: bool = False) -> Check:
    wanted: list[str | bool | int] = list(test.wanted)
    if test.kind == "bool":
        wanted = [bool(test.value)]
    elif test.operator == "not_empty":
        wanted = []  # any value at all: no limit to give
    elif test.kind == "count":
        wanted = [test.limit]
    return Check(
        fact=test.fact, wanted=wanted, negated=negated, yours=_yours(row[test.fact])
    )


def in_words(kb: KnowledgeBase, fact: str, value: FactValue) -> str:
    """The person's value of a fact, in plain words; a list's items each as a sentence has it
    ("chemotherapy, FOLFOX": "Chemotherapy", a drug class's name, had stood beside "chemotherapy"
    of another list)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset) and not value:  # the form's words for nothing
        nothing = NOTHING_GIVEN.get(fact, "none")
        return nothing[0].lower() + nothing[1:]
    if isinstance(value, frozenset):
        return ", ".join(in_sentence(kb.label(fact, v)) for v in listed_order(value))
    return kb.label(fact, str(value))


def _yours_in_words(kb: KnowledgeBase, fact: str, value: FactValue, named: bool = False) -> str:
    """The person's answer among others, named by what it answers when it is a yes or a no
    ("whether surgery could remove all of the cancer: yes", not a bare "yes"), or when
    ``named`` (one of several answers: "treatments already had: low anterior resection;
    where the cancer has spread: it has not spread", not "low anterior resection; it has not
    spread")."""
    if isinstance(value, bool) or named:
        return f"{in_sentence(kb.facts[fact].label)}: {in_words(kb, fact, value)}"
    return in_words(kb, fact, value)


def _ruled_out(hits: list[RuledOut], row: dict[str, FactValue]) -> list[Reason]:
    """Reasons for what the person's own answers rule out, naming the route (a drug through the
    regimen it is part of, a regimen through its drug, a drug through its kind)."""
    reasons = []
    for hit in hits:
        values = row[hit.fact]
        assert isinstance(values, frozenset)
        reasons.append(
            Reason(
                kind="ruled_out", text=hit.why(values), check=_check(hit.test, row), given=hit.given
            )
        )
    return reasons


def _once_per_answer(hits: list[RuledOut], row: dict[str, FactValue]) -> list[str]:
    """The words of the reasons, one for each of the person's answers that rules the option out:
    two things an option gives may be ruled out by one answer (weekly cisplatin with radiation
    stopped working rules out the regimen and the chemoradiation it counts as), which had been
    said twice ("cisplatin with radiation has already stopped working for you; cisplatin with
    radiation, a chemoradiation, has already stopped working for you")."""
    by_answer: dict[tuple[str, str], str] = {}  # in the order first said
    for hit in hits:
        values = row[hit.fact]
        assert isinstance(values, frozenset)
        answer = next(value for value, _ in hit.words if value in values)
        if (hit.fact, answer) not in by_answer or hit.given == answer:
            # the words of the thing itself when it is among them ("it gives chemoradiation,
            # which you cannot have"), not of a thing of its kind
            by_answer[(hit.fact, answer)] = hit.why(values)
    return list(by_answer.values())


def _not_among_had(kb: KnowledgeBase, expr: Test) -> str:
    """Why a test of what stopped working is false when the treatments had hold none of what it
    asks for: "it is for when chemotherapy stopped working; you did not list chemotherapy among
    the treatments you have had (if you have had it, add it)". The list may not be finished: the
    hint says what to do then (the list is read as whole, docs/profile.md)."""
    names = [in_sentence(kb.label(expr.fact, v)) for v in expr.wanted]
    listed = and_list(names, last="or")
    add = ("if you have had it, add it" if len(names) == 1
           else "if you have had one of them, add it")
    return (f"it is for {expr.text}; you did not list {listed} among the treatments you have "
            f"had ({add})")


def why_not(
    kb: KnowledgeBase, expr: Expr, row: dict[str, FactValue], told: Mapping[str, str]
) -> list[tuple[str, list[Reason]]]:
    """Why a FALSE expression is false: plain words, each with the tests behind them. A test of
    whether a list holds a value says so, without repeating the person's whole list; of a fact
    the person did not give but the rest implies, how (``told``: "the treatments you have had
    include no drug treatment", not "which you did not list" of a list never asked for)."""
    if isinstance(expr, Test):
        if expr.had is not None and row[expr.fact] is None:  # never had (``Test.had``): the
            # list of treatments had decides it, and its check is that list's
            text = _not_among_had(kb, expr)
            return [(text, [Reason(kind="condition", text=text, check=_check(expr.had, row))])]
        if expr.fact == "progressed_on" and expr.wanted and expr.fact in told:  # nothing had
            # that can stop working: said of what it is for, as the person listed it ("it is
            # for treatments that stopped working: chemotherapy, but the treatments you have had
            # include no drug treatment, radiation or ablation, so none can have stopped
            # working" had read as a label and a value, a review), with what to do if the list
            # was not finished
            text = _not_among_had(kb, expr)
        elif expr.fact in told:  # the answer the rest implies, said as what it is drawn from
            # ("..., but the source about your type of cancer names no hormone therapy among its
            # treatments, so hormones are taken as not making it grow"): "(yours, from your
            # other answers: no, as ...)" had read as if the person had said no (a review)
            text = f"it is for {expr.text}, but {told[expr.fact]}"
        elif expr.listed and row[expr.fact]:  # a list given with other things in it
            text = f"it is for {expr.text}, which you did not list"
        elif expr.listed:  # a list given as empty: "a distant part of the body, which you did
            # not list" had read as if a box was missed (a review); not in the list's own words
            # ("no treatment yet"), which other answers may contradict (a treatment that stopped)
            text = f"it is for {expr.text} (you listed none)"
        else:
            text = f"it is for {expr.text} (yours: {in_words(kb, expr.fact, row[expr.fact])})"
        return [
            (text, [Reason(kind="condition", text=text, check=_check(expr, row))])
        ]
    if isinstance(expr, All):
        clauses = [
            clause
            for part in expr.parts
            if truth(part, row) is Truth.FALSE
            for clause in why_not(kb, part, row, told)
        ]
        if expr.says is None or not clauses:
            return clauses
        # one reason in the words of what they are for together, with the answers that do not
        # fit: "it is for cancer of stage 1 to 3 that came back far away (yours: stage 4A)", not
        # "it is for stage of the cancer: stage 1, 2 or 3", which reads as what it is for
        facts = list(dict.fromkeys(_false_facts(expr, row)))
        yours = "; ".join(dict.fromkeys(
            _yours_in_words(kb, f, row[f], len(facts) > 1) for f in facts if f not in told))
        # an answer the rest implies, said after the person's own as of one test ("..., but the
        # bones are not among the places the cancer has spread to, by your answers, so no bone
        # is taken as weakened by the cancer"), not among them as "from your other answers: no,
        # as ...", which had read as the person's own no (a review)
        implied = " and ".join(dict.fromkeys(told[f] for f in facts if f in told))
        text = (f"it is for {expr.says}" + (f" (yours: {yours})" if yours else "")
                + (f", but {implied}" if implied else ""))  # fmt: skip
        return [(text, _each_once([reason for _, leaves in clauses for reason in leaves]))]
    if isinstance(expr, Not):
        inner = expr.part
        if not isinstance(inner, Test):
            text = "it is not for this situation"
            return [(text, [Reason(kind="condition", text=text, check=None)])]
        held = row[inner.fact]
        if inner.listed and isinstance(held, frozenset) and held & inner.true:
            # only the places (or things) the person listed, not every one the test names
            label = in_sentence(kb.facts[inner.fact].label)
            # each as a sentence names it: "a distant part of the body and the liver"
            listed = and_list(kb.phrase(inner.fact, v) for v in sorted(held & inner.true))
            text = f"it is not for {label}: {listed}, which you listed"
        elif inner.listed:
            text = f"it is not for {inner.text}, which you listed"
        elif inner.kind == "bool":  # the other answer, not a double negative ("it is not for
            # whether surgery could remove it: no" read as reassurance)
            label = in_sentence(kb.facts[inner.fact].label)
            other = "no" if inner.value else "yes"
            text = f"it is for {label}: {other} (yours: {in_words(kb, inner.fact, held)})"
        else:
            text = (
                f"it is not for {inner.text} (yours: {in_words(kb, inner.fact, row[inner.fact])})"
            )
        return [
            (
                text,
                [
                    Reason(
                        kind="condition", text=text, check=_check(inner, row, True)
                    )
                ],
            )
        ]
    # an "any" within an "any" (an option's condition or a merged general one's) is one list of
    # clauses: "none of these holds: none of these holds: ..." had been said
    parts: list[Expr] = []
    waiting = list(expr.parts)
    while waiting:
        part = waiting.pop(0)
        if isinstance(part, type(expr)):  # this branch is an "any"
            waiting[:0] = part.parts
        else:
            parts.append(part)
    found: list[tuple[str, list[Reason]]] = []  # each clause once: merged conditions may repeat one
    for pair in (pair for part in parts for pair in why_not(kb, part, row, told)):
        if all(pair[0] != text for text, _ in found):
            found.append(pair)
    if len(found) > 1:
        text = _either([t for t, _ in found])
        return [(text, _each_once([reason for _, leaves in found for reason in leaves]))]
    return found


def _each_once(reasons: list[Reason]) -> list[Reason]:
    """Reasons in order, each once: two clauses may rest on one test (local excision's two
    branches each test whether the cancer came back where it started; the item was given
    twice)."""
    out: list[Reason] = []
    for reason in reasons:
        if reason not in out:
            out.append(reason)
    return out


def _either(clauses: list[str]) -> str:
    """Clauses of which none holds, as one: "it is for stage 4B, or for cancer of stage 1 to 3
    that came back (yours: stage 4A)", the person's answer said once when each clause gives the
    same; "none of these holds: ...; ..." (read as logic, not as words) only for clauses that
    are not all of what it is for."""
    if not all(c.startswith("it is for ") for c in clauses):
        return "none of these holds: " + "; ".join(clauses)
    bodies = [c.removeprefix("it is for ") for c in clauses]
    ends = {b[b.rfind(" (yours"):] if " (yours" in b and b.endswith(")") else "" for b in bodies}
    if len(ends) == 1 and (end := ends.pop()):
        return "it is for " + ", or for ".join(b.removesuffix(end) for b in bodies) + end
    return "it is for " + ", or for ".join(bodies)


def _false_facts(expr: Expr, row: dict[str, FactValue]) -> list[str]:
    """The facts whose tests make a FALSE expression false (a test FALSE, or one under a "not"
    that is TRUE), in order: the answers a reason names as "yours"."""
    if truth(expr, row) is not Truth.FALSE:
        return []
    if isinstance(expr, Test):
        return [expr.fact]
    if isinstance(expr, Not):
        return [t.fact for t in tests_of(expr.part) if truth(t, row) is Truth.TRUE]
    return [f for part in expr.parts for f in _false_facts(part, row)]


def _checks(expr: Expr, row: dict[str, FactValue], want: Truth) -> list[Check]:
    """The tests of an expression that came out as it did (``want``), e.g. why a caveat applies."""
    if isinstance(expr, Test):
        return (
            [_check(expr, row, want is Truth.FALSE)]
            if test_truth(expr, row) is want
            else []
        )
    if isinstance(expr, Not):
        return _checks(expr.part, row, ~want)
    return [c for part in expr.parts for c in _checks(part, row, want)]


def _which(
    kb: KnowledgeBase, expr: Expr, row: dict[str, FactValue], fact: str
) -> tuple[list[str], list[str]]:
    """What narrows down an answer that leaves a test of the fact undecided: the questions of the
    broad values the person gave (bleeding: from where?), and the values a list that may not be
    whole was tested for ("perhaps other treatments not listed", and an option for someone who
    has not had a total gastrectomy: the gastrectomy)."""
    given = row[fact]
    values = given if isinstance(given, frozenset) else {given}
    whole = OTHERS_NOT_KNOWN not in values
    asked: list[str] = []  # each broad value's own (chemotherapy and targeted therapy stopped)
    beyond: list[str] = []
    for test in tests_of(expr):
        if test.fact == fact and leaf_truth(test, given) is Truth.UNKNOWN:
            for value in sorted(str(v) for v in values if v in test.unknown):
                if value == OTHERS_NOT_KNOWN:  # by name when the list is tested for some, and
                    # names something (a list of nothing but "perhaps others" is as one not
                    # given: its general question, not "also" of a dozen symptoms)
                    tested = test.kind == "any" and len(values) > 1  # not "only these"
                    named = test.wanted if tested else ()
                    # nor what the person gave, or a narrower kind of it (pain from a nerve
                    # beside "pain": what kind of pain is it asks that)
                    up = kb.vocabulary.up
                    beyond += [w for w in named if not up(fact, w) & values and w not in beyond]
                elif (which := kb.which(fact, value, test.wanted, whole)) and which not in asked:
                    asked.append(which)
    return asked, beyond


def _had(kb: KnowledgeBase, rules: Rules, row: dict[str, FactValue], fact: str) -> str | None:
    """For a fact not given, the questions of the values an option waits on (``_of_values``):
    of what the person has had that it asks because of (``RuledOut.asked_if``), whether it did
    it, in the fact's ``which_had`` ("Did FOLFOX stop working (...)?"); of what its condition
    tests, in the fact's ``which_tested`` ("Has the care team said FOLFIRI cannot be given
    ...?")."""
    if kin := _kin_asked(kb, rules, row, fact):
        return kin
    return _of_values(kb, fact, _had_values(rules, row, fact, kb.vocabulary),
                      _tested_values(kb, rules, row, fact))


def _kin_asked(kb: KnowledgeBase, rules: Rules, row: dict[str, FactValue],
               fact: str) -> str | None:  # fmt: skip
    """Of a fact an option's route waits on for the care team's word that a drug of a kind could
    still work (``RuledOut.unless``: ``kin_may_work``), its ``which_had`` naming each kind by
    the drugs of it that stopped, with examples of the others from the knowledge base's drug
    classes, and where each was given ("Could other drugs of the same kind as fluorouracil (such
    as capecitabine) still work, although fluorouracil (part of FOLFOX) stopped working?"; it had
    asked "Could fluoropyrimidines still work, ...", a class name a family does not know: a
    family's review), in words that ask as well for the person as for the list of questions to
    ask the care team; None when none waits."""
    template = kb.facts[fact].which_had
    stopped = row.get("progressed_on")
    if template is None or not isinstance(stopped, frozenset):
        return None
    asked: dict[str, dict[str, list[str]]] = {}  # kind: each drug of it that stopped: where
    for r in rules.ruled_out:
        if r.unless is None or r.unless.fact != fact or hit_truth(r, row) is not Truth.UNKNOWN:
            continue
        kind = r.unless.wanted[0]
        which = asked.setdefault(kind, {})
        for value in sorted(r.test.true & stopped):
            if kb.kind_of.get(value) == "drugs":
                which.setdefault(value, [])
            else:  # a regimen that holds a drug of the kind: that drug, in it
                for d in kb.drugs_of(value):
                    if kind in getattr(kb.by_id[d], "classes", []):
                        which.setdefault(d, []).append(value)
    if not asked:
        return None
    return template.format(values=", and could ".join(
        _kin_phrase(kb, kind, which, rules.option) for kind, which in asked.items()))


def _kin_phrase(kb: KnowledgeBase, kind: str, which: dict[str, list[str]], option: str) -> str:
    """One kind's part of ``_kin_asked``'s question: the drugs of it that stopped, the others
    of it as examples (at most two: those the asking option gives first, then in the data's
    order; "such as oxaliplatin" had been said to a cervical cancer's cisplatin pairs), and where
    each stopped: "other drugs of the same kind as fluorouracil (such as capecitabine) still
    work, although fluorouracil (part of FOLFOX) stopped working"."""
    gone = [kb.name_of(d) for d in which]
    given = [kb.name_of(d) for u in getattr(kb.by_id[option], "uses", []) for d in kb.drugs_of(u)
             if kind in getattr(kb.by_id[d], "classes", [])]  # fmt: skip
    others = [n for n in dict.fromkeys([*given, *kb.drugs_of_kind(kind)]) if n not in gone][:2]
    such_as = f" (such as {and_list(others, last='or')})" if others else ""
    where = [kb.name_of(d) + (f" ({and_list([kb.part_of([d], r) for r in regimens], last='or')})"
                              if regimens else "")
             for d, regimens in which.items()]  # fmt: skip
    return (f"other drugs of the same kind as {and_list(gone)}{such_as} still work, although "
            f"{and_list(where)} stopped working")


def _had_values(rules: Rules, row: dict[str, FactValue], fact: str,
                vocabulary: Vocabulary) -> list[str]:  # fmt: skip
    """What the person has had that an option asks whether it did it (``_had``), in order."""
    had: dict[str, None] = {}
    if row[fact] is not None:
        return []
    for r in rules.ruled_out:
        if (r.fact == fact and r.asked_if is not None
                and leaf_truth(r.asked_if, row.get(r.asked_if.fact)) is Truth.TRUE):  # fmt: skip
            given = row[r.asked_if.fact]
            assert isinstance(given, frozenset)  # a list the person gave (TRUE above)
            had.update(dict.fromkeys(sorted(r.asked_if.true & given)))
    # not a kind another of them is (radiation, of chemoradiation had: "Did chemoradiation or
    # radiation stop working?" had asked of one treatment twice)
    up = vocabulary.ancestors.get("prior_treatments", {})
    return [h for h in had if not any(h in up.get(o, ()) and h != o for o in had)]


def _tested_values(kb: KnowledgeBase, rules: Rules, row: dict[str, FactValue],
                   fact: str) -> list[str]:  # fmt: skip
    """What an option's condition tests a fact not given for, in order, when the fact has a
    question to ask of them (``which_tested``): the single-drug rectal options, for when FOLFIRI
    cannot be given, had asked "Are there treatments your care team says you cannot have ...?",
    which names neither FOLFIRI nor why it matters."""
    if row[fact] is not None or kb.facts[fact].which_tested is None:
        return []
    tested = [t.wanted for t in tests_of(condition_of(rules, row)) if t.fact == fact]
    # and what rules it out that the fact not given leaves undecided (``RuledOut.asked``): a
    # total gastrectomy had, of surgery to remove part of the stomach ("Which treatments have you
    # already had ...?" had been asked of one who had said chemotherapy stopped, where only the
    # operation decides it: a review)
    tested += [r.test.wanted for r in rules.ruled_out
               if r.fact == fact and r.asked and r.unless is None]
    return list(dict.fromkeys(value for wanted in tested for value in wanted))


def _of_values(kb: KnowledgeBase, fact: str, had: Iterable[str],
               tested: Iterable[str], to_team: bool = False) -> str | None:  # fmt: skip
    """The fact's ``which_had`` question of what was had (``had``: "Did chemoradiation or FOLFOX
    stop working (...)?"), then its ``which_tested`` of what a condition tests (``tested``:
    "Has the care team said FOLFIRI cannot be given ...?"; ``to_team``: as the person asks it
    of the care team, its ``ask_tested``), each only when there are values and the fact has
    one; None when neither is asked."""
    known = kb.facts[fact]
    questions = []
    tested_question = known.ask_tested if to_team else known.which_tested
    stoppable = kb.vocabulary.known(fact)
    up = kb.vocabulary.up
    for template, values in ((known.which_had, had), (tested_question, tested)):
        named = list(dict.fromkeys(values))
        if template is tested_question:  # a value below another named left out ("Have you had
            # surgery?", not "surgery or a total gastrectomy": the broader is answered first)
            named = [v for v in named if not (up(fact, v) - {v}) & set(named)]
        if template is not None and named:
            # what was had that is no value of the fact, named as the list of treatments had
            # names it (radiation to the pelvis, had been "pelvic-radiation")
            phrases = and_list((kb.phrase(fact if v in stoppable else "prior_treatments", v)
                                for v in named), last="or")  # fmt: skip
            questions.append(template.format(values=phrases))
    return " ".join(questions) or None


def _question(kb: KnowledgeBase, fact: str, asked: list[str], beyond: list[str],
              had: str | None = None) -> str | None:  # fmt: skip
    """The questions that narrow down a fact's answer as one (``_which``): of a fact not given,
    those of the values an option waits on (``_had``), the broad values' questions, then the
    values a list that may not be whole was tested for, in the fact's question for them ("Has
    there also been surgery to remove all of the stomach?"), a value that a broader one among
    them covers left out (surgery, not "surgery or surgery to remove all of the stomach": the
    answer to the broader one is asked about next)."""
    if had:
        asked = [had, *(a for a in asked if a != had)]
    up = kb.vocabulary.up
    broad = set(beyond)
    # left out: a value below another named, not one of two each counted as the other (FOLFOX
    # and CAPOX stopping, each the other's kind: both had been left out, and bevacizumab with
    # FOLFOX never asked whether FOLFOX had stopped)
    beyond = [v for v in beyond if not {b for b in up(fact, v) & broad if v not in up(fact, b)}]
    template = kb.which(fact, OTHERS_NOT_KNOWN) if beyond else None
    names = and_list((kb.phrase(fact, v) for v in beyond), last="or")
    return " ".join([*asked, *([template.format(values=names)] if template else [])]) or None


def _asked(rules: Rules, row: dict[str, FactValue]) -> Expr:
    """The tests an option's questions narrow down: its condition's, those of what rules it
    out (a chemotherapy stopped working: which?), and, for one who does not want cancer
    treatment, those of the symptoms it relieves (``rules.relief``): a broad "pain" had asked
    "Which symptoms is the cancer causing now?" of one who had listed them, where the answer's
    list of what would change asked "What kind of pain is it?"."""
    relief = rules.relief if declines(rules, row) else ()
    return All((condition_of(rules, row), *(r.test for r in rules.ruled_out), *relief))


def _missing(kb: KnowledgeBase, fact_id: str, question: str | None = None,
             given: FactValue = None) -> MissingFact:  # fmt: skip
    """A fact an option waits on, with the tests that settle it: those of the value the person
    gave, where it names its own (HER2 equivocal, IHC 2+: the ISH test; it had named "HER2 test",
    the test already done), else the fact's."""
    fact = kb.facts[fact_id]
    values = given if isinstance(given, frozenset) else {given}
    own = [t for v in fact.values if v.id in values for t in v.decided_by]
    tests = [kb.by_id[t] for t in dict.fromkeys(own or fact.decided_by)]
    return MissingFact(
        fact=fact_id,
        label=fact.label,
        question=question or fact.question,
        tests=[
            TestRef(
                id=t.id,
                name=kb.name_of(t.id),
                loinc=list(t.loinc) if isinstance(t, LabTest) else [],
            )
            for t in tests
        ],
    )


def _what_would_change(
    kb: KnowledgeBase, options: list[OptionResult], facts: Facts
) -> tuple[list[RankedFact], list[str]]:
    """Each missing fact with the options it would decide, the most decisive first, and its
    options' narrowing questions as one (which chemotherapy drugs, which targeted drugs; the
    values a list that may not be whole was tested for, named once, and then the fact's own
    question if an option asks it: "only the liver?" asks where else), else its own question.
    With them, each as a question to ask the care team, in the person's own voice: the fact's
    ``ask`` for its own question, and its ``ask_tested`` for what a condition tests (the
    narrower questions of values are asked as they are: "Which chemotherapy drugs stopped
    working?"). The list had held "Has the care team said FOLFIRI cannot be given ...?" among
    questions in the first person (a review of the page)."""
    deciding: dict[str, list[str]] = {}
    first: dict[str, MissingFact] = {}
    asked: dict[str, dict[str, None]] = {}  # each fact's questions, in the order first asked
    beyond: dict[str, dict[str, None]] = {}
    general: set[str] = set()  # facts an option asks in its own words (how many places, ...)
    # whether what was had did it (``_had``): one question of all the options' values ("Did
    # FOLFOX stop working?" beside "Did chemoradiation or FOLFOX stop working?" had asked twice);
    # and so of what their conditions test ("Has the care team said FOLFIRI cannot be given
    # ...?", once for six options)
    had: dict[str, dict[str, None]] = {}
    tested: dict[str, dict[str, None]] = {}
    for option in options:
        rules = kb.rules[option.id].at(facts.site)
        expr = _asked(rules, facts.row) if option.missing else ALWAYS
        for missing in option.missing:
            deciding.setdefault(missing.fact, []).append(option.id)
            first.setdefault(missing.fact, missing)
            questions, values = _which(kb, expr, facts.row, missing.fact)
            had.setdefault(missing.fact, {}).update(
                dict.fromkeys(_had_values(rules, facts.row, missing.fact, kb.vocabulary)))
            tested.setdefault(missing.fact, {}).update(
                dict.fromkeys(_tested_values(kb, rules, facts.row, missing.fact)))
            asked.setdefault(missing.fact, {}).update(dict.fromkeys(questions))
            beyond.setdefault(missing.fact, {}).update(dict.fromkeys(values))
            if missing.question == kb.facts[missing.fact].question:
                general.add(missing.fact)
    ranked = []
    to_ask = []
    for fact, ids in sorted(deciding.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        missing = first[fact]
        known = kb.facts[fact]
        question, ask = (
            _question(kb, fact, list(asked[fact]), list(beyond[fact]),
                      had=_of_values(kb, fact, sorted(had[fact]), tested[fact], to_team))
            for to_team in (False, True))  # fmt: skip
        narrowed = beyond[fact] or had[fact] or tested[fact]
        if question and narrowed and fact in general and known.question not in question:
            question += " " + known.question  # "only the liver?": anywhere else? FOLFOX
            # had: did it stop working? and which treatments stopped (for CAPIRI after it)?
            assert ask is not None  # made of the same values
            ask += " " + known.ask
        # the fact's own question in the person's voice; a narrower one as it is (a blockage
        # given, not where it is): "Which parts of the body ...?" had stood among "my" questions
        to_ask.append(known.ask if ask in (None, known.question) else ask)
        ranked.append(
            RankedFact(
                fact=missing.fact,
                label=missing.label,
                question=question or kb.facts[fact].question,
                tests=missing.tests,
                decides=len(ids),
                options=ids,
            )
        )
    return ranked, to_ask
