"""CDS Hooks cards from a Result: which of its facts a clinician sees in the record, and in what
words. No clinical rule is made here: every status, reason and missing fact is the engine's
(``onconav.evaluate``); this module only chooses which of them become cards.

patient-view:

- one **options** card (info): how many options are offered and how many need information,
  each with how many of them treat the cancer (``Rules.standard``; the rest are trials or
  care), the offered options in the detail with their aims and citations, the treatments of
  the cancer that need information each with what it waits on (the tests with their codes),
  what was read from
  the record and from which resources, and a link to the onconav page for this situation;
- up to ``FACT_CARDS`` **not on record** cards (info), for the facts whose answer would decide the
  most options: every fact a test settles (such as HER2: "HER2 not on record", naming the test
  and its LOINC codes) first, then the others by how many options they decide; a result on
  record that does not decide (HER2 IHC 2+, KRAS results that disagree) is said as such, and
  a test on record whose result the reading does not read, with the reading's reason for each
  resource ("HER2 test on record, result pending": ``FhirReading.named``).

Every card that names a test a fact waits on (a not-on-record card, an order card whose options
need its result, the options card) names it with the codes the knowledge base has for it
(``_test_lines``: "Test: **KRAS test** (LOINC 21702-6, ...)"), which a clinician orders it by.

Each fact read names at most ``REFS_SHOWN`` of its resources, then how many more; what could not
be read (``Incomplete``: a resource type the FHIR server does not support, orders naming a
Medication not read) is said with what was read.

order-select, for each drafted drug onconav knows (by its code) that an option in scope gives:

- the record rules the drug itself out (it cannot be had, or it is what stopped working; not a
  regimen that holds it, FOLFIRI for fluorouracil, which FOLFOX gives again): a warning,
  whatever else the options that give it ask; a drug of the same narrow kind cannot be had
  (capecitabine beside fluorouracil; for a drafted mix, a drug of it) or stopped working, and an
  option giving it is offered or asks: a warning that the reason may hold for it too; a drafted
  mix that gives a drug that stopped working beside one that makes it what it is (CAPOX after
  capecitabine alone), as the answer flags it: a warning to ask whether it could still help;
- the drug (or mix) itself stopped working, named or as what makes a regimen that stopped what
  it is (irinotecan of FOLFIRI, oxaliplatin of CAPOX: ``profile.stopped_of``), and an option the
  person may have gives it again (cetuximab with irinotecan after FOLFIRI): a warning that it
  stopped, naming the options that give it again; with none, the rules below warn of it;
- otherwise the statuses of the options that give it decide; an option where it is one choice
  among others that the record removes (5-FU of chemoradiation, after FOLFIRI) does not give it;
- some option giving it is offered: no card, unless not every drug on record could be read
  (then an info card says so);
- none is offered, and some need a test result not on record: an info card naming the test
  (cetuximab with KRAS not on record);
- the sources give it only in clinical trials here: an info card;
- every option giving it is not suitable, or none gives it: a warning with the engine's reasons
  (cetuximab with a KRAS mutation; a drug that stopped working or that the patient cannot have).

A drafted drug (or mix) onconav knows that no option in scope gives gets a warning only when the
record says the patient cannot have it (it, a drug of it, or a kind it is of: the answer's rule
for a plan that cannot be had, ``profile.barring``) or that it stopped working (it, or a drug of
it, named or the drug that makes a regimen that stopped what it is: ``profile.stopped_of``);
otherwise no card, as the sources say nothing of it here.

A drafted order whose Medication could not be read gets an info card (``unchecked``). A record
with no cancer gets no card (the service answers ``[]``); one whose cancer could not be read,
``cancer_not_read``.

Card ids are UUIDs made from the hook call's ``hookInstance`` and what the card is about, so that
the same call gives the same cards (and feedback can name them).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from onconav.cdshooks.models import SUMMARY_LIMIT, Card, Coding, Link, Source
from onconav.engine import Built, built_on_what_stopped, in_words
from onconav.kb import KnowledgeBase
from onconav.kb.model import FactType, Regimen, aim_words, fact_tests
from onconav.kb.vocabulary import in_sentence
from onconav.logic import MAY_HAVE
from onconav.profile import Facts, Kin, barring, facts_of, kin_of_listed, stopped_of
from onconav.reading import NO_FINAL_RESULT, RESULT_NOT_READABLE
from onconav.render import (
    STATUS_WORDS,
    given_words,
    md_escape,
    others_kind,
    source_words,
    split_among,
    split_words,
    warning_words,
)
from onconav.result import (
    Citation,
    OptionResult,
    RankedFact,
    Reason,
    Result,
    Status,
    TestRef,
)
from onconav.words import and_list

__all__ = [
    "FACT_CARDS",
    "Drafted",
    "Incomplete",
    "Situation",
    "cancer_not_read",
    "order_select",
    "patient_view",
    "unchecked",
    "unreadable",
]

FACT_CARDS = 3
REFS_SHOWN = 3  # the resources named for a fact read from the record; then "and N more"
NAMESPACE = uuid.UUID("6f0c1e52-8d1b-4b7e-9c55-0e3c3f5a9a10")  # onconav's cards
OVERRIDE_SYSTEM = "urn:onconav:cds-hooks:override-reason"
OVERRIDE_REASONS = [
    Coding(code="record-incomplete", system=OVERRIDE_SYSTEM,
           display="The record is incomplete or out of date"),
    Coding(code="care-team-decision", system=OVERRIDE_SYSTEM,
           display="Decided with the patient and the care team"),
]  # fmt: skip
PATIENT_WORDS = (
    "The reasons and questions are onconav's words for patients and families; the statuses are "
    "the same as on the onconav page."
)


@dataclass(frozen=True)
class Incomplete:
    """What the record may hold that could not be read: the resource types the FHIR server does
    not support (MedicationStatement), and how many medication resources name a Medication that
    could not be read (their drugs not known)."""

    not_supported: list[str] = field(default_factory=list)
    orders_unread: int = 0

    def drugs(self) -> bool:
        """Whether drugs on record could not be read (an order names a Medication not read), so
        that those had, stopped or not tolerated may be more than was read. Not for a resource
        type the server does not support: it holds none, and a card on every order would say
        what is not so."""
        return bool(self.orders_unread)

    def lines(self) -> list[str]:
        lines = []
        if self.not_supported:
            lines.append(f"- Not read: {', '.join(self.not_supported)} (the FHIR server does not "
                         "support searching it): what it holds is missing here")  # fmt: skip
        if self.orders_unread:
            n = self.orders_unread
            lines.append(f"- {_count(n, 'order')} name{'s' if n == 1 else ''} a Medication that "
                         "could not be read: the treatments had, those that stopped working "
                         "and those the patient cannot have may be incomplete")  # fmt: skip
        return lines


@dataclass(frozen=True)
class Situation:
    """What the cards are made from: the Result for the record's profile, and where each fact
    came from."""

    result: Result
    hook_instance: str
    base_url: str  # the onconav service, as record systems reach it
    page_url: str  # the onconav page for this situation (absolute)
    read_from: Mapping[str, list[str]] = field(default_factory=dict)  # profile field -> refs
    unused: int = 0  # resources read but not used
    warnings: list[str] = field(default_factory=list)  # from reading the record
    incomplete: Incomplete = field(default_factory=Incomplete)  # what could not be read
    # a field whose result resources not read name, each with the reading's reason when it
    # gives one ("no final result yet"; "" for HER2 named in a report's conclusion):
    # ``FhirReading.named``
    named: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # a change on record in a gene onconav does not read beside KRAS (NRAS, BRAF), with the
    # resources that record it: ``FhirReading.genes_not_read``
    genes_not_read: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Drafted:
    """A drug in a drafted order: the order's reference and the knowledge base's drug id."""

    order: str  # MedicationRequest/abc
    drug: str  # a drug or regimen id of the knowledge base


# -- patient-view -------------------------------------------------------------------------------


def patient_view(situation: Situation, kb: KnowledgeBase) -> list[Card]:
    """The options card, then the not-on-record cards."""
    return [_options_card(situation, kb)] + [
        _fact_card(situation, fact, kb) for fact in chosen_facts(situation.result)
    ]


def chosen_facts(result: Result) -> list[RankedFact]:
    """The facts that get a card: those a test settles first, then the rest, each group in the
    Result's order (most options decided first); at most FACT_CARDS."""
    tested = [f for f in result.what_would_change if f.tests]
    others = [f for f in result.what_would_change if not f.tests]
    return (tested + others)[:FACT_CARDS]


def _options_card(situation: Situation, kb: KnowledgeBase) -> Card:
    result = situation.result
    counts = result.counts
    # the options offered as the page counts them, and which of them are treatments of the
    # cancer (``render.split_among``), which a clinician looks for; those that need
    # information split the same way: "26 need information" had counted the care (surgery for
    # a blockage, a nerve block, ...) with the treatments (a review)
    treating, others = split_among(result, Status.offered)
    asking, asking_others = split_among(result, Status.needs_information)
    offered_split = len(treating), len(others)
    asking_split = len(asking), len(asking_others)
    # (in the summary, the treatments' number of each alone, and "12 offered", not "12 options
    # offered": both numbers of both splits are over a summary's 140 characters, and a stomach
    # cancer's had been cut short even with one; the detail gives both)
    summary = (
        f"{_situation_words(result)}: {counts.offered} offered"
        f"{_treatments_only(*offered_split)}, "
        f"{counts.needs_information} need information"
        f"{_treatments_only(*asking_split)}"
    )
    if counts.not_suitable:  # as the page counts them (it had been left out)
        summary += f", {counts.not_suitable} not suitable"
    if counts.in_trials:
        summary += f", {counts.in_trials} only in trials"
    lines = [f"onconav lists every option its patient-education sources describe. "
             f"{md_escape(result.scope)}", ""]  # fmt: skip
    if not treating + others:
        lines += ["No option is offered yet.", ""]
    if treating:
        lines += ["**Offered: treatments of the cancer**", ""]
        lines += [_option_line(option) for option in treating]
    if others:
        lines += [*([""] if treating else []), f"**Offered: {others_kind(others)[2]}**", ""]
        lines += [_option_line(option) for option in others]
    if asking:  # which treatments of the cancer wait on what (a clinician's review: the card
        # had given only their number), the tests that settle it with their codes once below
        lines += [*([""] if treating + others else []),
                  "**Need information: treatments of the cancer**", ""]  # fmt: skip
        lines += [_asking_line(option) for option in asking]
        if tests := _test_lines(t for o in asking for m in o.missing for t in m.tests):
            lines += ["", *tests]
    trials = [o for o in result.options if o.status is Status.in_trials]
    if trials:
        lines += ["", "**Only in clinical trials**", ""]
        lines += [f"- {o.name} {_cite(o.citations)}" for o in trials]
    unsuitable = [o for o in result.options if o.status is Status.not_suitable]
    if unsuitable:
        lines += ["", "**Not suitable**", ""]
        lines += [f"- {o.name}: {_reason_words(o.reasons, o, kb)}" for o in unsuitable]
    if counts.needs_information:
        lines += ["", f"**Need information**: {counts.needs_information} options"
                      f" ({split_words(asking, asking_others)}); the facts that would decide the "
                      "most are in the cards below and on the onconav page."]  # fmt: skip
    lines += ["", *_read_lines(situation), "", PATIENT_WORDS, "", *_footer(result)]
    return Card(
        uuid=_uuid(situation.hook_instance, "options"),
        summary=_short(summary),
        detail="\n".join(lines),
        indicator="info",
        source=_source(situation, kb),
        links=[_page_link(situation)],
    )


def _treatments_only(treating: int, others: int) -> str:
    """How many options of a status treat the cancer, for the options card's summary, where
    the trials and care are left out for its length: " (2 cancer treatments)", " (no cancer
    treatment)"; "" when there are none (the detail says both: ``render.split_words``)."""
    if not treating + others:
        return ""
    return f" ({_count(treating, 'cancer treatment') if treating else 'no cancer treatment'})"


def _fact_card(situation: Situation, fact: RankedFact, kb: KnowledgeBase) -> Card:
    result = situation.result
    known = kb.facts[fact.fact]
    n = _count(fact.decides, "option")
    undecided = _on_record(situation, fact.fact, kb)
    short = _short_name(fact.fact, kb)
    tests = " or ".join(t.name for t in fact.tests)
    if undecided is not None:
        disagree, said = undecided
        state = "results on record disagree" if disagree else "on record, not decided"
        if disagree:
            summary = f"{_capital(short)} {state}: checking which is right would decide {n}"
        else:
            summary = f"{_capital(short)} {state}: " + (f"a {tests} would decide {n}" if tests
                                                        else f"it would decide {n}")  # fmt: skip
        lines = [f"**{known.label}**: {said}. {known.why}", ""]
    elif (held := _held_words(situation, fact.fact)) is not None:
        # a test on record whose result is not read (still to come, or not readable): it had
        # been called "not on record", as if a test were to be ordered (a review of the API)
        summary = f"{short} test on record, {held}: its result would decide {n}"
        lines = [f"**{known.label}**: a test is on record, {held}. {known.why}", ""]
    else:
        summary = (f"{short} not on record: a {tests} would decide {n}" if tests else
                   f"Not on record: {short}; it would decide {n}")  # fmt: skip
        lines = [f"**{known.label}** is not in the record onconav read. {known.why}", ""]
    by_id = {o.id: o for o in result.options}
    lines += _test_lines(fact.tests)
    if undecided is None:
        lines += _named_lines(situation, fact.fact)
    if undecided is None and fact.tests:
        # the record is asked for results by the codes of onconav's table: one filed under a
        # laboratory's own code is not seen, which the command line warns of when it is given
        # the record whole (a review)
        lines.append("- onconav asks the record for this result by the codes of its table (as "
                     "above); one filed under another code, such as a laboratory's own, is not "
                     "read: check the record")  # fmt: skip
    # where in the chart, in a clinician's words (``Fact.in_record``); ``find_it`` is written for
    # the patient ("You know this best", "Ask the care team"), and a clinician's card had said it
    # (a clinician's review); a fact the chart does not hold (the care team's own judgement) has
    # none: the question says it
    lines += [*([f"- Where in the record: {known.in_record}"] if known.in_record else []),
              f"- Asked as: {fact.question}", "", f"It would decide {n}:", ""]  # fmt: skip
    for ident in fact.options:
        option = by_id.get(ident)
        if option is not None:
            status = _status_said(option)
            lines.append(f"- {option.name}{f' ({status})' if status else ''} "
                         f"{_cite(option.citations)}")  # fmt: skip
    lines += ["", *_footer(result)]
    return Card(
        uuid=_uuid(situation.hook_instance, f"fact:{fact.fact}"),
        summary=_short(summary),
        detail="\n".join(lines),
        indicator="info",
        source=_source(situation, kb),
        links=[_page_link(situation)],
    )


# -- order-select -------------------------------------------------------------------------------


def order_select(situation: Situation, drafted: Iterable[Drafted], kb: KnowledgeBase) -> list[Card]:
    """A card for each drafted drug that needs one (see the module's rules)."""
    # the drugs of the kind of one the record lists as not to be had or stopped working (the
    # core's one rule, ``kin_of_listed``, which the answer's warnings read too): read once
    facts = facts_of(situation.result.profile, kb)
    kin = kin_of_listed(kb, facts.row, facts.site)
    # the mixes the answer leaves open that give a drug that stopped working (its warnings' rule)
    built = built_on_what_stopped(kb, facts, situation.result.options)
    cards: list[tuple[Card, str, str]] = []  # each card, with its drug's name and its summary
    of_kind: set[str] = set()  # the drugs whose card says they are of a listed drug's kind
    said_of: set[str] = set()  # the drugs whose card says what the record says of them
    drafted = list(drafted)
    seen = set()
    for draft in drafted:
        if draft.drug in seen:
            continue
        seen.add(draft.drug)
        made = _drug_card(situation, draft, kb, kin, built, facts)
        if made is not None:
            cards.append((made[0], _capital(kb.name_of(draft.drug)), made[2]))
            if made[1] == "kin":
                of_kind.add(draft.drug)
            if made[1] == "record":
                said_of.add(draft.drug)
    # orders drafted together that make a regimen, as order sets write one (FOLFIRI as orders of
    # irinotecan, fluorouracil and leucovorin), are read as that regimen too, as the FHIR reader
    # names a course of drugs (``KnowledgeBase.regimens_made_of``): FOLFIRI after FOLFOX stopped
    # got no card drafted so, and a warning drafted as one order. Its card, unless it only says
    # again what its drugs' cards say: that they are of a listed drug's kind (hiding it whenever
    # a drug of it was warned of had hidden FOLFIRI that cannot be had behind 5-FU's kin: a
    # review)
    drafted_ids = {d.drug for d in drafted}
    for regimen in kb.regimens_made_of(d for d in drafted_ids if kb.kind_of.get(d) == "drugs"):
        if kb.kind_of.get(regimen) != "regimens" or regimen in drafted_ids:
            continue
        parts = set(kb.drugs_of(regimen))
        order = next(d.order for d in drafted if d.drug in parts)
        made = _drug_card(situation, Drafted(order=order, drug=regimen), kb, kin, built, facts)
        alike = {d for d in parts if any(d in k.kin for k in kin)}
        # (nor what the record says of its drugs, when their own cards say it)
        if made is not None and not (made[1] == "kin" and alike <= of_kind) and not (
                made[1] == "record" and parts & said_of):  # fmt: skip
            cards.append((made[0], _capital(kb.name_of(regimen)), made[2]))
    return _said_once(situation, cards)


def _said_once(situation: Situation, cards: list[tuple[Card, str, str]]) -> list[Card]:
    """The order cards, those that say the same thing of different drafted drugs made one card
    naming them together ("Oxaliplatin and FOLFOX: not suitable here, FOLFOX stopped working
    for this patient"): FOLFOX drafted as its three drugs had given two warnings saying the
    same (a clinician's review). The card keeps the first one's place and key, its options,
    then the options only the others list, and links to each drug's page. ``cards``: each card
    with its drug's name and its summary in full (a card's own may be cut short)."""
    tail = "\n" + "\n".join(_tail_lines(situation))  # what every card ends with
    said: dict[tuple[str, str], list[tuple[Card, str]]] = {}
    for card, name, summary in cards:
        statement = summary.removeprefix(f"{name}: ")
        # (a summary that does not begin with the drug's name says it its own way: kept apart)
        key = (card.indicator, statement if statement != summary else f"{card.uuid}")
        said.setdefault(key, []).append((card, name))
    out = []
    for (_, statement), same in said.items():
        (first, _), *others = same
        if not others:
            out.append(first)
            continue
        lines = (first.detail or "").removesuffix(tail).split("\n")
        for card, _ in others:
            more = (card.detail or "").removesuffix(tail).split("\n")
            if any(line.startswith("- ") and line not in lines for line in more):
                lines += ["", *(line for line in more
                                if not (line.startswith("- ") and line in lines))]  # fmt: skip
        links = {link.url: link for card, _ in same for link in card.links or []}
        out.append(first.model_copy(update={
            "summary": _short(f"{and_list([name for _, name in same])}: {statement}"),
            "detail": "\n".join(lines) + tail,
            "links": list(links.values()),
        }))  # fmt: skip
    return out


def _drug_card(situation: Situation, draft: Drafted, kb: KnowledgeBase, listed: list[Kin],
               built: list[Built], facts: Facts) -> tuple[Card, str, str] | None:  # fmt: skip
    """The card of a drafted drug, with which of the module's rules made it ("record",
    "stopped", "itself", "kin", "built", "genes", "unread", "test", "trials", "unsuitable") and
    its summary in full; None when it needs none."""
    result = situation.result
    using = {option.id for option in kb.options_using(draft.drug)}
    options = [o for o in result.options if o.id in using]
    if not options:
        return _record_card(situation, draft, kb, facts)
    drug = _capital(kb.name_of(draft.drug))
    given = md_escape(kb.name_of(draft.drug))  # as named, in the detail's sentences (CAPOX)
    key = f"drug:{draft.drug}"
    # the drug itself ruled out by the record (it cannot be had, or it stopped working), whatever
    # else the options that give it offer (fluorouracil drafted for one who cannot have it got no
    # card: an option of 5-FU or capecitabine still asked about something else)
    itself = [(o, r) for o in options for r in (*o.reasons, *o.choices_ruled_out)
              if _rules_out_itself(r, draft.drug, kb)]  # fmt: skip
    # an option where the drug is one choice among others, and the record removes that choice
    # (5-FU, part of FOLFIRI that stopped working, as the choice of chemoradiation) gives the
    # others here, not this drug: its status is not the drug's
    removed = [(o, r) for o in options for r in o.choices_ruled_out if r.given == draft.drug]
    removing = {option.id for option, _ in removed}
    giving = [o for o in options if o.id not in removing]
    statuses = {o.status for o in giving}
    # a drug of the same narrow kind as one the patient cannot have or that stopped working:
    # not ruled out, but the reason may hold for it too, as the answer's warnings say
    kin = _kin_words(kb, draft.drug, listed, statuses, result.cancer_name)
    # a drafted mix that gives a drug that stopped working beside one that makes it what it is
    # (CAPOX after capecitabine alone): not ruled out, but the answer warns of it
    on_stopped = [b for b in built if any(r.id == draft.drug for r in b.mixes)]
    # the drafted drug (or mix) itself stopped working, named or as what makes a regimen that
    # stopped what it is (irinotecan of FOLFIRI; not fluorouracil of FOLFOX, which FOLFIRI gives
    # again: ``profile.stopped_of``), and an option the person may have gives it again
    # (cetuximab with irinotecan): the options that gave it no card (one is offered), or one
    # on KRAS alone, or said "not suitable here" (a review: irinotecan alone drafted after
    # FOLFIRI stopped had no card, while oxaliplatin after FOLFOX was warned of)
    stopped = [(d, r) for d, r in stopped_of(kb, facts.row, draft.drug) if d == draft.drug]
    again = [o for o in giving if o.status in MAY_HAVE]
    if stopped and again:
        summary, sentence = _stopped_again_words(kb, draft.drug, stopped, again)
        lines = [sentence, ""]
        if kin is not None:  # and what the record says of its kind
            lines += [kin[1], ""]
        indicator = "warning"
        made = "stopped"
    elif itself:
        first, reason = itself[0]
        summary = f"{drug}: not suitable here, {_reason_words([reason], first, kb)}"
        lines = [f"The record rules {given} out for this patient:", ""]
        indicator = "warning"
        made = "itself"
    elif kin is not None and statuses & MAY_HAVE:
        # (as the answer's warnings, but for options not chosen by one who wants no cancer
        # treatment: an order for them gets no card, whatever else, as below)
        summary, sentence = kin
        lines = [sentence, ""]
        if on_stopped:  # and a mix that gives a drug that stopped: said too (a review)
            lines += [_built_words(kb, draft.drug, on_stopped)[1], ""]
        indicator = "warning"
        made = "kin"
    elif on_stopped and statuses & MAY_HAVE:
        # flagged as the answer flags it, not warned of: the answer offers it (FOLFIRI after
        # FOLFOX stopped, the usual next chemotherapy, gives fluorouracil again with irinotecan),
        # and a warning with override reasons on it had asked the clinician to override the
        # usual choice (a review of the clinicians' path)
        summary, sentence = _built_words(kb, draft.drug, on_stopped)
        lines = [sentence, ""]
        indicator = "info"
        made = "built"
    elif (genes := _genes_beside(situation, kb, draft.drug)) and statuses & MAY_HAVE:
        # a drug the KRAS result decides, drafted for one whose record holds an NRAS or BRAF
        # change: the sources speak of KRAS alone, and the answer offered it with the reading's
        # warning only, the order got no card (a review of the clinicians' path)
        names = and_list(sorted(genes))
        summary = (f"{drug}: the record holds a change in {names}, which the sources do not "
                   "speak of; check before ordering")  # fmt: skip
        lines = [f"The record holds a change (mutation) in the {md_escape(names)} gene "
                 f"({_refs_words(sorted({r for refs in genes.values() for r in refs}))}). The "
                 f"sources onconav is built on decide {given} by the KRAS result alone and do not "
                 f"speak of {md_escape(names)}: ask whether it changes whether {given} could "
                 "help before ordering.", ""]  # fmt: skip
        indicator = "warning"
        made = "genes"
    elif Status.offered in statuses and not situation.incomplete.drugs():
        return None  # it suits what was read, and every drug on record was read
    elif Status.offered in statuses or (situation.incomplete.drugs() and not any(
            m.tests for o in giving if o.status is Status.needs_information for m in o.missing)):
        # it suits what was read, but a drug it stopped working on may be among what was not;
        # or what was not read stopped working (a stopped order whose Medication was not read),
        # and whether this drug did is not known
        summary = (f"{drug}: suits what was read, but not every drug on record could be read"
                   if Status.offered in statuses else
                   f"{drug}: not every drug on record could be read; whether it stopped working "
                   "is not known")  # fmt: skip
        lines = [f"An option that gives {given} "
                 + ("suits what onconav read, but " if Status.offered in statuses else
                    "may suit this patient, but ")
                 + "the drugs this patient had, that stopped working or that they cannot have "
                 "could not all be read (below): check them before ordering.", ""]  # fmt: skip
        indicator = "info"
        made = "unread"
    elif Status.needs_information in statuses:
        undecided = [o for o in options if o.status is Status.needs_information]
        test = _test_words(situation, kb, drug, given, undecided)
        if test is None:
            return None  # what they wait on no test settles: the record is the clinician's
        summary, lines = test
        indicator = "info"
        made = "test"
    elif statuses == {Status.in_trials}:
        summary = f"{drug}: the sources give it for {result.cancer_name} only in clinical trials"
        lines = []
        indicator = "info"
        made = "trials"
    elif Status.not_suitable in statuses or not giving:
        unsuitable = [(o, o.reasons) for o in giving if o.status is Status.not_suitable]
        first, reasons = (unsuitable or [(o, [r]) for o, r in removed])[0]
        summary = f"{drug}: not suitable here, {_reason_words(reasons, first, kb, draft.drug)}"
        cancer = md_escape(result.cancer_name)
        lines = [f"onconav's sources give {given} for {cancer} only in these "
                 "options, and none suits this patient's record:", ""]  # fmt: skip
        indicator = "warning"
        made = "unsuitable"
    else:
        return None  # declined: the person does not want cancer treatment
    # the tests the options listed wait on, with their codes, on every card that lists one (the
    # card of irinotecan after FOLFIRI, KRAS not on record, had asked for KRAS without them)
    tests = _test_lines(t for o in options if o.status is Status.needs_information
                        for m in o.missing for t in m.tests)  # fmt: skip
    # the answer's scope, once, when a reason points to what it says (``reason_shown``)
    scope = [md_escape(result.scope), ""] if any(o.beyond_own_source and o.status is
                                                 Status.not_suitable for o in options) else []
    lines += [*tests, *([""] if tests else []), *scope,
              *(_status_line(o, kb, draft.drug) for o in options)]  # fmt: skip
    lines += ["", *_tail_lines(situation)]
    card = Card(
        uuid=_uuid(situation.hook_instance, key),
        summary=_short(summary),
        detail="\n".join(lines),
        indicator=indicator,
        source=_source(situation, kb),
        overrideReasons=OVERRIDE_REASONS if indicator == "warning" else None,
        links=[_page_link(situation), _explain_link(situation, draft.drug, drug)],
    )
    return card, made, summary


def _record_card(situation: Situation, draft: Drafted, kb: KnowledgeBase,
                 facts: Facts) -> tuple[Card, str, str] | None:  # fmt: skip
    """A drafted drug (or mix) that no option in scope gives, which the record says the patient
    cannot have, or which stopped working (``profile.stopped_of``): a warning, as the answer
    warns of such a plan (cisplatin drafted for a stomach cancer whose record says cisplatin is
    not tolerated had no card, since no stomach option gives cisplatin: a review). None when the
    record says neither."""
    row = facts.row
    cannot = row["cannot_have"]
    barred = barring(kb, cannot, "cannot_have", draft.drug) if isinstance(cannot, frozenset) else []
    stopped = stopped_of(kb, row, draft.drug)
    if not barred and not stopped:
        return None
    drug = _capital(kb.name_of(draft.drug))
    said = [*([f"this patient cannot have {and_list([kb.name_of(b) for b in barred])}"]
              if barred else []),
            *([_stopped_words(kb, stopped)] if stopped else [])]
    words = ", and that ".join(said)  # both, said apart (as ``_kin_words``)
    cancer = md_escape(situation.result.cancer_name)
    lines = [f"The record says {md_escape(words)}: check it before ordering.", "",
             f"onconav's sources give no option with {md_escape(kb.name_of(draft.drug))} for "
             f"{cancer}, so they say nothing more of it here.", "",
             *_tail_lines(situation)]  # fmt: skip
    card = Card(
        uuid=_uuid(situation.hook_instance, f"drug:{draft.drug}"),
        summary=_short(f"{drug}: the record says {words}"),
        detail="\n".join(lines),
        indicator="warning",
        source=_source(situation, kb),
        overrideReasons=OVERRIDE_REASONS,
        links=[_page_link(situation), _explain_link(situation, draft.drug, drug)],
    )
    return card, "record", f"{drug}: the record says {words}"


def _stopped_words(kb: KnowledgeBase, stopped: list[tuple[str, str | None]]) -> str:
    """What stopped working of a drafted drug (``profile.stopped_of``), each with the regimen it
    stopped in: "irinotecan (part of FOLFIRI) stopped working"."""
    return and_list([kb.name_of(d) + ("" if regimen is None else
                                      f" ({kb.part_of([d], regimen)})")
                     for d, regimen in stopped]) + " stopped working"  # fmt: skip


def _stopped_again_words(kb: KnowledgeBase, ident: str, stopped: list[tuple[str, str | None]],
                         again: list[OptionResult]) -> tuple[str, str]:  # fmt: skip
    """A drafted drug that stopped working, which options the person may have give again, in a
    summary and a sentence of the detail: "Irinotecan (part of FOLFIRI) stopped working; the
    sources give it again only in cetuximab with irinotecan (needs information)". The options
    by count when naming them is too long for a summary."""
    said = _stopped_words(kb, stopped)
    named = and_list([f"{in_sentence(o.name)} ({STATUS_WORDS[o.status].lower()})" for o in again])
    summary = f"{_capital(said)}; the sources give it again only in {named}"
    if len(summary) >= SUMMARY_LIMIT:
        summary = (f"{_capital(said)}; the sources give it again only in "
                   f"{_count(len(again), 'option')} (below)")  # fmt: skip
    names = md_escape(and_list([in_sentence(o.name) for o in again]))
    sentence = (f"The record says {md_escape(said)}. onconav's sources give "
                f"{md_escape(kb.name_of(ident))} again only in {names}: check that it could still "
                "help, and that the order is for one of these, before ordering.")  # fmt: skip
    return summary, sentence


def _kin_words(kb: KnowledgeBase, ident: str, listed: list[Kin], statuses: set[Status],
               cancer: str) -> tuple[str, str] | None:  # fmt: skip
    """A drafted drug of the same narrow kind as one the record lists as not to be had or as
    stopped working (capecitabine, where fluorouracil cannot be; capecitabine, or CAPOX, where
    5-FU stopped), in a summary and a sentence of the detail; a drafted mix by its drugs (CAPOX,
    where fluorouracil cannot be had, had no card); None when none is."""
    parts = kb.drugs_of(ident)
    kin = [k for k in listed if set(parts) & set(k.kin)]
    if not kin:
        return None
    # "of the same kind" as the drug, or as the mix's drugs that are
    alike = [d for d in parts if any(d in k.kin for k in kin)]
    of_kind = ("of the same kind" if alike == [ident] else
               f"of the same kind as its {and_list([kb.name_of(d) for d in alike])}")
    barred = and_list([kb.name_of(k.drug) for k in kin if k.fact == "cannot_have"])
    stopped = and_list([kb.name_of(k.drug) + ("" if k.regimen is None else
                                              f" ({kb.part_of([k.drug], k.regimen)})")
                        for k in kin if k.fact == "progressed_on"])  # fmt: skip
    # both, said apart: "cannot have cisplatin and oxaliplatin stopped working" had read as
    # one list of what cannot be had
    said = ", and that ".join([*([f"this patient cannot have {barred}"] if barred else []),
                               *([f"{stopped} stopped working"] if stopped else [])])
    doubt = " or ".join([*(["the reason may hold for it too"] if barred else []),
                         *(["it may not work either"] if stopped else [])])  # fmt: skip
    # in short, within the summary's 140 characters: both lists; or beside "only in trials",
    # which comes first (the kin had hidden it: a review)
    gone = and_list([kb.name_of(k.drug) for k in kin if k.fact == "progressed_on"])
    kinds = and_list([*([f"{barred} (cannot have)"] if barred else []),
                      *([f"{gone} (stopped working)"] if stopped else [])])  # fmt: skip
    drug = _capital(kb.name_of(ident))
    if statuses == {Status.in_trials}:
        summary = f"{drug}: only in clinical trials for {cancer}; same kind as {kinds}"
    elif barred and stopped:
        summary = f"{drug}: same kind as {kinds}; check before ordering"
    else:
        summary = f"{drug}: the record says {said}, {of_kind}; {doubt}"
    alike_words = md_escape(and_list([kb.name_of(d) for d in alike]))
    sentence = (f"The record says {md_escape(said)}: of the same kind as {alike_words}"
                + ("" if alike == [ident] else f", {md_escape(kb.part_of(alike, ident))}")
                + f". {_capital(doubt)}: check it before ordering. (The sources do not say; the "
                "options are decided by what the record says of this drug itself.)")  # fmt: skip
    return summary, sentence


def _test_words(situation: Situation, kb: KnowledgeBase, drug: str, given: str,
                undecided: list[OptionResult]) -> tuple[str, list[str]] | None:  # fmt: skip
    """The options that give a drafted drug wait on a test result (cetuximab, KRAS not on
    record): a summary naming the test, and the detail's lines of what the record holds (the
    tests themselves, with their codes, are every order card's: ``_test_lines``); None when
    what they wait on no test settles."""
    tests = {t.id: t for o in undecided for m in o.missing for t in m.tests}
    if not tests:
        return None
    missing = list({m.fact: m for o in undecided for m in o.missing if m.tests}.values())
    names = " or ".join(t.name for t in tests.values())
    on_record = {m.fact: _on_record(situation, m.fact, kb) for m in missing}
    absent = [kb.facts[m.fact].label for m in missing if on_record[m.fact] is None]
    deciding = missing[0]
    short = _short_name(deciding.fact, kb)
    held = on_record[deciding.fact]
    if held is None and (pending := _held_words(situation, deciding.fact)) is not None:
        summary = f"{drug}: {short} test on record, {pending}; its result decides whether it suits"
    elif held is None:
        summary = f"{drug}: {short} not on record; a {names} decides whether it suits"
    elif held[0]:
        summary = f"{drug}: the {short} results on record disagree; check which is right"
    else:
        summary = f"{drug}: {short} on record, not decided; a {names} decides whether it suits"
    held_lines = [f"- {kb.facts[fact].label}: {said[1]}" for fact, said in on_record.items()
                  if said is not None]  # fmt: skip
    if not held_lines:
        lines = [f"The options that give {given} need a result that is not in the record: "
                 f"{', '.join(absent)}.", ""]  # fmt: skip
    else:
        lines = [f"The options that give {given} need a result that the record does not "
                 "settle:", "", *held_lines]  # fmt: skip
        if absent:
            lines.append(f"- Not in the record: {', '.join(absent)}")
        lines.append("")
    named = [line for m in missing if on_record[m.fact] is None
             for line in _named_lines(situation, m.fact)]  # fmt: skip
    return summary, lines + ([*named, ""] if named else [])


def _test_lines(tests: Iterable[TestRef]) -> list[str]:
    """The tests a card asks for, each once, by name with the codes the knowledge base has for it
    (``LabTest.loinc``, carried by the engine's ``TestRef``), which a clinician orders it by:
    "- Test: **KRAS test** (LOINC 21702-6, ...)". The one place a card names a test to order."""
    out = []
    for test in {t.id: t for t in tests}.values():
        codes = f" (LOINC {', '.join(test.loinc)})" if test.loinc else ""
        out.append(f"- Test: **{test.name}**{codes}")
    return out


# The reading's reasons for a test on record whose result it does not read (``fhir.reader``'s
# ``_named_unread``; the words are ``onconav.reading.UNREAD_REASONS``, taken from there: written
# again here, they had to be kept the same by hand), in the few words of a card's summary: "HER2
# test on record, result pending"
HELD_WORDS = {NO_FINAL_RESULT: "result pending", RESULT_NOT_READABLE: "result not readable"}
NAMED_ONLY = ("which onconav does not read (a code it does not know, a panel's part or a "
              "report's words)")  # fmt: skip


def _named(situation: Situation, fact: str) -> Mapping[str, str]:
    return situation.named.get(fact) or situation.named.get(f"biomarkers.{fact}") or {}


def _held_words(situation: Situation, fact: str) -> str | None:
    """A test of ``fact`` on record whose result the reading gives a reason for not reading,
    in a few words ("result pending", "result not readable"); None when there is none."""
    reasons = {why for why in _named(situation, fact).values() if why}
    if not reasons:
        return None
    said = {HELD_WORDS.get(why, "result not read") for why in reasons}
    return said.pop() if len(said) == 1 else "results not read"


def _named_lines(situation: Situation, fact: str) -> list[str]:
    """Lines saying which resources the record sent name a result not read, each with the
    reading's own reason (a test with no final result yet, a result onconav cannot read; a
    report's conclusion "HER2 (IHC): 3+ POSITIVE", a panel's part, a code not in the tables):
    the cards had said only that the result is not on record, while the reading's warnings
    named them (a review of the API), then gave every resource the reasons of those that only
    name it (a review: a HER2 test still to come was called a code onconav does not know)."""
    by_reason: dict[str, list[str]] = {}
    for ref, why in _named(situation, fact).items():
        by_reason.setdefault(why, []).append(ref)
    lines = []
    for why, refs in by_reason.items():
        if why:
            lines.append(f"- On record, not read: {_refs_words(refs)} ({md_escape(why)}): "
                         "check the record for the result, and give it when there is one")
        else:
            lines.append(f"- The record names it in {_refs_words(refs)}, {NAMED_ONLY}: check "
                         "them, and give the result if it is there")  # fmt: skip
    return lines


def _genes_beside(situation: Situation, kb: KnowledgeBase, drug: str) -> dict[str, list[str]]:
    """The genes on record that onconav does not read beside KRAS (``Situation.genes_not_read``),
    when an option that gives the drafted drug is decided by the KRAS result (its condition
    tests it: cetuximab, panitumumab); {} otherwise."""
    on_kras = any(t.fact == "kras" for option in kb.options_using(drug)
                  for t in fact_tests(option.when))  # fmt: skip
    return dict(situation.genes_not_read) if on_kras else {}


def _built_words(kb: KnowledgeBase, mix_id: str, on_stopped: list[Built]) -> tuple[str, str]:
    """A drafted mix that gives a drug that stopped working beside one that makes it what it
    is, in a summary and a sentence of the detail: "CAPOX: gives capecitabine, which stopped
    working, with oxaliplatin; ask whether it could still help"."""
    mix = kb.by_id[mix_id]
    parts = mix.components  # type: ignore[union-attr]
    name = kb.name_of(mix_id)
    adds = and_list([kb.name_of(d) for d in mix.stopped_by])  # type: ignore[union-attr]
    # what stopped, and what of it this mix gives: all of it, or some drugs of a mix
    shared = and_list([kb.name_of(d) for b in on_stopped for d in parts if d in b.gave])
    said = and_list([kb.name_of(b.stopped) if b.gave <= set(parts) else
                     and_list([kb.name_of(d) for d in parts if d in b.gave])
                     + f", {kb.part_of([d for d in parts if d in b.gave], b.stopped)},"
                     for b in on_stopped])  # fmt: skip
    summary = (f"{_capital(name)}: gives {said.rstrip(',')}, which stopped working, with {adds}; "
               "ask whether it could still help")  # fmt: skip
    stopped = and_list([kb.name_of(b.stopped) for b in on_stopped])
    sentence = (f"The record says {md_escape(stopped)} stopped working; {md_escape(name)} gives "
                f"{md_escape(shared)} again, with {md_escape(adds)}, not listed as stopped "
                "working. The options that give it are not ruled out, but check whether it could "
                "still help before ordering.")  # fmt: skip
    return summary, sentence


def unchecked(situation: Situation, orders: list[str], kb: KnowledgeBase,
              fhir_server: bool) -> Card:  # fmt: skip
    """Drafted orders whose drug is named only as a Medication that could not be read: what
    they give is not known, so they could not be checked against the record. ``fhir_server``:
    whether the call gave a fhirServer to read it from (without one, the card said that the
    server "could not be read")."""
    listed = ", ".join(md_escape(order) for order in orders)
    why = ("which could not be read" if fhir_server
           else "and the call gives no fhirServer to read it from")  # fmt: skip
    lines = [f"{_capital(_count(len(orders), 'drafted order'))} ({listed}): the drug is named "
             f"only as a Medication on the record system's FHIR server, {why}: onconav could "
             "not check the drug against this record.", "",
             *_read_lines(situation), "", *_footer(situation.result)]  # fmt: skip
    return Card(
        uuid=_uuid(situation.hook_instance, "unchecked:" + ",".join(orders)),
        summary="The drafted drug could not be checked: its Medication could not be read",
        detail="\n".join(lines),
        indicator="info",
        source=_source(situation, kb),
        links=[_page_link(situation)],
    )


# -- when there are no options ------------------------------------------------------------------


def cancer_not_read(
    hook_instance: str, base_url: str, problems: list[str], kb: KnowledgeBase
) -> Card:
    """A cancer is on record but could not be read (a Condition still provisional), or the
    record could not be read at all: say why. (A record with no cancer gets no card.)"""
    lines = ["onconav reads the cancer from a Condition that names it, by its code (SNOMED CT, "
             "ICD-10-CM) or in words, where it started or where it spread, or from the cancer "
             "an order names as its reason. It could not read one here:", ""]  # fmt: skip
    lines += [f"- {md_escape(problem)}" for problem in problems]
    lines += ["", "The options can still be seen by entering the situation on the onconav page."]
    return Card(
        uuid=_uuid(hook_instance, "no-cancer"),
        summary="onconav could not read the cancer on record; no options are shown",
        detail="\n".join(lines),
        indicator="info",
        source=Source(label=_source_label(kb), url=base_url + "/"),
        links=[_form_link(base_url)],
    )


def unreadable(hook_instance: str, base_url: str, fields: list[str], kb: KnowledgeBase) -> Card:
    """What was read from the record does not make a profile onconav accepts (a fault of the
    mapping, not of the record): name the fields, show no options."""
    lines = ["onconav read the record but could not use what it read for these fields:", ""]
    lines += [f"- {md_escape(name)}" for name in fields]
    lines += ["", "No options are shown rather than options for a situation misread."]
    return Card(
        uuid=_uuid(hook_instance, "unreadable"),
        summary="onconav could not read this record into a situation; no options are shown",
        detail="\n".join(lines),
        indicator="info",
        source=Source(label=_source_label(kb), url=base_url + "/"),
        links=[_form_link(base_url)],
    )


# -- words --------------------------------------------------------------------------------------


def _situation_words(result: Result) -> str:
    stage = [u.value for u in result.understood if u.fact == "stage"]
    return _capital(", ".join([result.cancer_name, *stage]))


def _option_line(option: OptionResult) -> str:
    aims = aim_words(option.intent, option.in_trials)
    what = given_words(option)
    given = f" ({what})" if what and what.lower() not in option.name.lower() else ""
    return f"- **{option.name}**{given}: {aims}. {_cite(option.citations)}"


def _asking_line(option: OptionResult) -> str:
    """A treatment that needs information, on one line, with what decides it: each missing
    fact's short name, and the test that settles it ("- **Cetuximab with irinotecan**: waits
    on: KRAS status of the cancer (KRAS test)"; a semicolon between facts, as a fact's name may
    hold a comma or "and"); the tests' codes are on the card's test lines (``_test_lines``)."""
    decides = "; ".join(
        md_escape(in_sentence(m.label))
        + (f" ({md_escape(and_list(t.name for t in m.tests))})" if m.tests else "")
        for m in option.missing
    )
    return f"- **{option.name}**: waits on: {decides}"


def _status_line(option: OptionResult, kb: KnowledgeBase, drug: str) -> str:
    """An option that gives ``drug``: its status, why it is not suitable or what would decide
    it, and whether the record removes the drug as one of its choices."""
    status = _status_said(option)
    line = f"- **{option.name}**" + (f": {status}" if status else "")
    if option.status is Status.not_suitable and option.reason_shown:
        line += f". {option.reason_shown}"  # what the card's scope says once, pointed to
    for removed in option.choices_ruled_out:
        if removed.given == drug:
            line += f". Not with {in_sentence(kb.name_of(drug))} here: {removed.text.rstrip('.')}"
    for missing in option.missing:
        # (after a question, no full stop: "…?. To decide:" had been said, a review)
        line += f"{'' if line.endswith('?') else '.'} To decide: {missing.question}"
    return f"{line} {_cite(option.citations)}"


def _status_said(option: OptionResult) -> str | None:
    """An option's status beside its name, lower case; None for one only in clinical trials,
    whose name says so ("Lapatinib (only in studies)": the knowledge base names every option
    only studied so, and a test holds it), which had read "Lapatinib (only in studies) (only in
    clinical trials)" (a review)."""
    return None if option.status is Status.in_trials else STATUS_WORDS[option.status].lower()


def _reason_words(reasons: list[Reason], option: OptionResult, kb: KnowledgeBase,
                  drug: str | None = None) -> str:  # fmt: skip
    """The first reason, in words for a clinician reading the record: from what decided it.
    Of a drafted ``drug`` ruled out by another treatment its option gives, that first
    ("Paclitaxel: not suitable here, it is given with ramucirumab, and ramucirumab stopped
    working": it had read as if paclitaxel had stopped; a review)."""
    if not reasons:
        return option.reason or "not suitable"
    reason = reasons[0]
    check = reason.check
    if check is None:
        return reason.text
    yours = check.yours if isinstance(check.yours, list) else [check.yours]
    if reason.kind == "ruled_out" and check.fact in ("progressed_on", "cannot_have"):
        hit = [str(v) for v in yours if v in check.wanted] or [str(v) for v in yours]
        names = ", ".join(kb.name_of(v) for v in hit)
        said = (f"{names} stopped working for this patient" if check.fact == "progressed_on"
                else f"the record says this patient cannot have {names}")  # fmt: skip
        if (drug is not None and reason.given and reason.given != drug
                and drug not in kb.drugs_of(reason.given)):  # fmt: skip
            return f"it is given with {kb.name_of(reason.given)}, and {said}"
        return said
    if (
        reason.kind == "condition"
        and all(isinstance(w, str) for w in check.wanted)
        and all(isinstance(v, str) for v in yours)
        and yours
    ):
        label = kb.facts[check.fact].label
        wanted = " or ".join(in_sentence(kb.label(check.fact, str(w))) for w in check.wanted)
        on_record = ", ".join(in_sentence(kb.label(check.fact, str(v))) for v in yours)
        # "only for": "not suitable here, for KRAS wild-type" read as if wild-type were why
        negated = "not " if check.negated else "only "
        return f"{negated}for {in_sentence(label)}: {wanted}; on record: {on_record}"
    return reason.text


def _rules_out_itself(reason: Reason, drug: str, kb: KnowledgeBase) -> bool:
    """Whether the engine's reason rules ``drug`` itself out, not only as part of another
    regimen: the reason is of the drug (``given``), and the person cannot have it (the drug, a
    drug of it, a kind it is of: the engine's routes for ``cannot_have``) or what stopped
    working is the drug itself (for a regimen, a drug of it, or a regimen it counts as stopped
    with). A regimen that stopped working and holds the drug (FOLFIRI, for fluorouracil) rules
    the drug out only as a choice of that option: another regimen may give it again (FOLFOX)."""
    check = reason.check
    if reason.kind != "ruled_out" or reason.given != drug or check is None:
        return False
    if check.fact == "cannot_have":
        return True
    if check.fact != "progressed_on":
        return False
    yours = check.yours if isinstance(check.yours, list) else [check.yours]
    stopped = [str(v) for v in yours if v in check.wanted]
    return any(value == drug or not _holds(value, drug, kb) for value in stopped)


def _holds(regimen: str, drug: str, kb: KnowledgeBase) -> bool:
    """Whether ``regimen`` is a regimen of the knowledge base with ``drug`` among its drugs."""
    record = kb.by_id.get(regimen)
    return isinstance(record, Regimen) and drug in record.components


def _refs(situation: Situation, fact: str) -> list[str]:
    """The resources a fact was read from."""
    return situation.read_from.get(fact) or situation.read_from.get(f"biomarkers.{fact}", [])


def _refs_words(refs: list[str]) -> str:
    """The first REFS_SHOWN of ``refs`` in natural order (Observation/2 before Observation/10),
    then how many more: two years of a drug given are hundreds of administrations."""
    shown = sorted(refs, key=_natural)[:REFS_SHOWN]
    more = f" and {len(refs) - len(shown)} more" if len(refs) > len(shown) else ""
    return ", ".join(md_escape(r) for r in shown) + more


def _natural(text: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _on_record(situation: Situation, fact: str, kb: KnowledgeBase) -> tuple[bool, str] | None:
    """A result on record for ``fact`` that does not decide it: whether the results disagree,
    and a sentence saying what is on record, from which resources, and why it does not decide;
    None when nothing for it is on record. A fact of many values (symptoms) on record that still
    decides options (pain: of what kind?) is said as on record too, with its question."""
    refs = _refs(situation, fact)
    profile = situation.result.profile
    value = getattr(profile.biomarkers, fact, None) or getattr(profile, fact, None)
    kind = kb.facts[fact].type
    if not refs or value is None or kind is FactType.bool:
        return None
    where = _refs_words(refs)
    values = value if isinstance(value, list) else [value]
    if kind is FactType.set:
        said = md_escape(in_words(kb, fact, frozenset(str(v) for v in values)))
        return False, (f"on record as {said} ({where}): it does not decide these options; the "
                       "question below would")  # fmt: skip
    if len(values) > 1:
        said = ", ".join(md_escape(kb.label(fact, str(v))) for v in values)
        return True, f"the results on record disagree ({said}; {where}): check which is right"
    said = md_escape(kb.label(fact, str(values[0])))
    return False, f"on record as {said} ({where}): it does not decide"


def _short_name(fact: str, kb: KnowledgeBase) -> str:
    """A fact in a few words: the name of the test that settles it (HER2), else its label. The
    fact's own test, not one of a value's (the ISH test of a borderline HER2 result had named
    the fact "HER2 ISH": "HER2 ISH on record, not decided", of an IHC result); a value's tests
    are those of a fact with its own (HER2), so no other is needed."""
    named = [kb.name_of(t) for t in kb.facts[fact].decided_by]
    if named:
        return named[0].removesuffix(" test")
    return in_sentence(kb.facts[fact].label)


def _read_lines(situation: Situation) -> list[str]:
    """What was read from the record, each fact with the resources it came from."""
    lines = ["**Read from the record**", ""]
    for understood in situation.result.understood:
        refs = _refs(situation, understood.fact)
        where = f" ({_refs_words(refs)})" if refs else ""
        lines.append(f"- {understood.label}: {md_escape(understood.value)}{where}")
    if situation.unused:
        lines.append(f"- {_count(situation.unused, 'resource')} read but not used")
    lines += situation.incomplete.lines()
    lines += [f"- Note: {md_escape(warning_words(situation.result, warning))}" for warning in
              [*situation.warnings, *situation.result.warnings]]  # fmt: skip
    return lines


def _tail_lines(situation: Situation) -> list[str]:
    """What an order card ends with: what was read from the record, whose words these are,
    the sources and the disclaimer."""
    return [*_read_lines(situation), "", PATIENT_WORDS, "", *_footer(situation.result)]


def _footer(result: Result) -> list[str]:
    sources = "; ".join(md_escape(source_words(s)) for s in result.sources)  # as every view
    return [f"Sources: {sources}. Knowledge base {result.kb_version}.", "",
            f"*{result.disclaimer}*"]  # fmt: skip


def _cite(citations: list[Citation]) -> str:
    return " ".join(md_escape(c.label) for c in citations)


def _source_label(kb: KnowledgeBase) -> str:
    return f"onconav (patient-education sources, knowledge base {kb.version})"


def _source(situation: Situation, kb: KnowledgeBase) -> Source:
    return Source(label=_source_label(kb), url=situation.base_url + "/")


def _form_link(base_url: str) -> Link:
    return Link(label="Enter the situation on the onconav page", url=base_url + "/",
                type="absolute")  # fmt: skip


def _page_link(situation: Situation) -> Link:
    return Link(label="Every option for this situation, with its sources (onconav)",
                url=situation.page_url, type="absolute")  # fmt: skip


def _explain_link(situation: Situation, ident: str, name: str) -> Link:
    return Link(label=f"{name} in plain words, with the options that give it (onconav)",
                url=f"{situation.base_url}/explain/{quote(ident, safe='')}",
                type="absolute")  # fmt: skip


def _uuid(hook_instance: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{hook_instance}|{key}"))


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(text: str, limit: int = SUMMARY_LIMIT - 1) -> str:
    """One line under ``limit`` characters: cut at a word, with an ellipsis, when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
