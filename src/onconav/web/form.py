"""The page's form: its questions, made from the knowledge base's facts, and the query string that
carries a person's answers (the page keeps its state in the URL, never on the server).

A query string holds profile fields by name (``cancer=rectum&stage=4&symptoms=bleeding``); a list
field may repeat or hold commas. Each question has an "I don't know" answer, ``unknown``, which is
the same as leaving the field out: unknown is never sent as "no". A list field's ``none`` is the
empty list ("nowhere", "none of these").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from onconav import words
from onconav.kb import KnowledgeBase
from onconav.kb.model import DrugClass, FactType
from onconav.kb.vocabulary import in_sentence
from onconav.profile import (
    MARKERS,
    NOTHING_GIVEN,
    Problem,
    Profile,
    ProfileError,
    distinct_answers,
    parse_profile,
    split_list,
    tidy_keys,
)

UNKNOWN = "unknown"
NONE = "none"
SOME = "some"  # the list radio "yes, these": says nothing by itself
BIOMARKERS = MARKERS
# names that sites and mail programs add to a link when it is shared (Facebook's fbclid, Google
# Analytics' utm_source, ...): not answers, so an answer's link still opens once shared (it was
# refused as "is not a question of the form")
LINK_TRACKING = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
                           "igshid", "mc_cid", "mc_eid", "_ga", "_gl"})  # fmt: skip


def shared_link_noise(name: str) -> bool:
    """Whether a name of the query string is one a shared link gains, not a question's."""
    return name.lower() in LINK_TRACKING or name.lower().startswith("utm_")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""  # said beside its box: what it covers (the pelvis: the organs there too)
    explain: str = ""  # the id of its explain page, linked beside it (a kind of drug)


@dataclass(frozen=True)
class Question:
    """One question of the form: a fact of the profile, asked in plain words."""

    name: str  # the query parameter: the profile's field name (her2 and kras for the biomarkers)
    label: str
    question: str
    why: str
    find_it: str
    kind: str  # "text", "one" (radios), "yes_no", "many" (ticks and typed names)
    choices: list[Choice] = field(default_factory=list)
    typed: bool = False  # a "many" question that also takes typed names
    suggest: str | None = None  # the id of the datalist of names to suggest
    section: str = ""
    # a list question's three answers: not known, none, and "these" (the ticks and names)
    answers: tuple[str, str, str] = ("I don't know", "None", "Yes, these:")
    typed_label: str = ""  # the words beside the box of typed names, after the ticks
    # a question that must be answered (a field the profile requires: the cancer), marked so
    # where it is asked: only aria-required had said it, and the form opens "Answer what you
    # know" (a review of the page by a patient's family member)
    needed: bool = False


SECTIONS = {
    "cancer": "Your cancer", "stage": "Your cancer", "recurrence": "Your cancer",
    "metastases": "Your cancer", "metastasis_extent": "Your cancer", "weak_bone": "Your cancer",
    "resectable": "Your cancer",
    "her2": "Test results", "kras": "Test results", "hormone_sensitive": "Test results",
    "prior_treatments": "Treatment so far", "progressed_on": "Treatment so far",
    "cannot_have": "Treatment so far", "most_treatments_tried": "Treatment so far",
    "chemo_for_spread": "Treatment so far", "planned": "Treatment so far",
    "used_for_my_cancer": "Treatment so far", "kin_may_work": "Treatment so far",
    "symptoms": "How you are", "tumour_on_nerve": "How you are", "tumour_may_block": "How you are",
    "wants_cancer_treatment": "What you want",
}  # fmt: skip
ORDER = list(SECTIONS)
# The questions that must be answered: the fields a profile requires (the cancer)
NEEDED = frozenset(name for name, f in Profile.model_fields.items() if f.is_required())
# Each list question's three answers in words that answer it: the same "None" for "Has your
# care team said whether targeted therapy or immunotherapy is used?" read as "they said nothing"
# and made both Not suitable. The first is always "I don't know" (unknown, never "no"); the
# second, nothing, in the words the situation as understood repeats (profile.NOTHING_GIVEN).
_NONE = NOTHING_GIVEN
LIST_ANSWERS = {
    "metastases": ("I don't know", _NONE["metastases"], "It has spread to these places:"),
    "prior_treatments": ("I don't know", _NONE["prior_treatments"], "Yes, these:"),
    "progressed_on": ("I don't know", _NONE["progressed_on"], "These stopped working:"),
    "cannot_have": ("I don't know", _NONE["cannot_have"], "Yes, these:"),
    "planned": ("I don't know", _NONE["planned"], "Yes, these are planned:"),
    "used_for_my_cancer": ("I don't know, or they have not said", _NONE["used_for_my_cancer"],
                           "They said these are used:"),
    "kin_may_work": ("I don't know, or they have not said", _NONE["kin_may_work"],
                     "They said these could still work:"),
    "symptoms": ("I don't know", _NONE["symptoms"], "Yes, these:"),
}
# List questions that also take typed names, and which list of names they suggest.
TYPED = {
    "progressed_on": "therapies", "cannot_have": "therapies", "prior_treatments": "therapies",
    "planned": "therapies", "symptoms": "symptoms",
}  # fmt: skip
# The words beside a box of typed names, by the list it suggests; by question where they differ.
# "regimen" said where it is used, in plain words (it was never explained: a review as a family)
REGIMENS = "regimens, that is plans of which drugs are given and when, such as FOLFOX"
TYPED_LABELS = {
    "therapies": f"Others, separated by commas (drugs, operations, or {REGIMENS})",
    "symptoms": "Others, separated by commas",
    # after its ticks of kinds of treatment: the drugs of one ticked, or others (an operation
    # is no answer here: it cannot stop working)
    "progressed_on": f"Names if known, separated by commas (drugs, or {REGIMENS})",
}
# The kinds of treatment a family can say stopped working without knowing the drug ("the chemo
# stopped working"), as the treatments already had are ticked: each that can stop working
# (surgery cannot). The question had only "perhaps other treatments not listed" to tick. And
# hormone therapy, which the general source's options for breast and prostate cancer ask of.
STOPPED_WORKING = ("radiation-therapy", "chemotherapy", "targeted-therapy", "immunotherapy",
                   "hormone-therapy")  # fmt: skip


def questions(kb: KnowledgeBase) -> list[Question]:
    """The form's questions, in the order of ORDER, from the facts' labels, questions, why and
    where to find the answer."""
    out = []
    for name in ORDER:
        fact = kb.facts[name]
        kind = {FactType.bool: "yes_no", FactType.set: "many"}.get(fact.type, "one")
        choices = [Choice(v.id, v.label) for v in fact.values]  # of the lists: ("perhaps
        # others not listed") after the places and the symptoms
        if name == "cancer":
            kind, choices = "text", []
        elif name == "metastases":
            hints = {s.id: s.hint or "" for s in kb.data.sites}
            choices = [Choice(s, kb.name_of(s), hints[s]) for s in _sites(kb)] + choices
        elif name == "symptoms":
            choices = [Choice(s.id, s.name) for s in kb.data.symptoms] + choices
        elif name == "progressed_on":
            choices = [Choice(v, in_sentence(kb.label(name, v))) for v in STOPPED_WORKING] + choices
        choices = [_of_kind(kb, c) for c in choices]
        out.append(Question(
            name=name, label=fact.label, question=fact.question, why=fact.why,
            find_it=fact.find_it, kind=kind, choices=choices, typed=name in TYPED,
            suggest=TYPED.get(name, "cancers" if name == "cancer" else None),
            section=SECTIONS[name], **({"answers": LIST_ANSWERS[name]} if kind == "many" else {}),
            typed_label=TYPED_LABELS.get(name) or TYPED_LABELS.get(TYPED.get(name, ""), ""),
            needed=name in NEEDED,
        ))  # fmt: skip
    return out


def _of_kind(kb: KnowledgeBase, choice: Choice) -> Choice:
    """A tick that is a kind of drug within a broader one (platinum chemotherapy, taxanes),
    with its drugs as examples ("such as oxaliplatin, cisplatin or carboplatin") and its page
    linked beside it: "fluoropyrimidines" and "anti-VEGF drugs" had been ticked or not by words
    the form never explained (a review of the page as a family). Any other tick (chemotherapy,
    a word a family knows) as it is."""
    kind = kb.by_id.get(choice.value)
    if not isinstance(kind, DrugClass) or kind.parent is None:
        return choice
    drugs = [d.name for d in kb.data.drugs if kind.id in d.classes]
    hint = choice.hint or (f"such as {words.and_list(drugs, 'or')}" if drugs else "")
    return Choice(choice.value, choice.label, hint, kind.id)


def _sites(kb: KnowledgeBase) -> list[str]:
    known = kb.vocabulary.known("metastases")
    return [s.id for s in kb.data.sites if s.id in known]


def suggestions(kb: KnowledgeBase) -> dict[str, list[str]]:
    """The names the page suggests as a person types, by list: every name and alias of the
    cancers, the treatments and the symptoms."""

    def names(records: Iterable[Any]) -> list[str]:
        every = {n for record in records for n in record.names() if len(n) > 1}
        return sorted(every, key=str.lower)

    data = kb.data
    therapies = [*data.drugs, *data.regimens, *data.procedures, *data.drug_classes]
    return {
        "cancers": names(c for c in data.cancers if c.id != "any"),
        "therapies": names(therapies),
        "symptoms": names(data.symptoms),
    }


def answers(params: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The query string's values by the question they answer, blanks left out. A name is read as
    a profile reads a field's name (``Stage``, ``HER2``, ``Kras``: in any case), as the API and
    the cohort read one; a name that is not a question stays as given. The names a shared link
    gains (``shared_link_noise``) are no answers and are left out."""
    out: dict[str, list[str]] = {}
    for name, value in params:
        value = value.strip()
        if value and not shared_link_noise(name):
            out.setdefault(question_of(name), []).append(value)
    return out


def named_twice(params: Iterable[tuple[str, str]]) -> list[Problem]:
    """A question named by two names that differ in case only (``stage`` and ``Stage``): given
    twice, refused as the API and the command refuse it (the page had merged their answers).
    The same name again is the way a list's names come, one each. HER2 and KRAS in two cases are
    results kept together, as a profile keeps them (``tidy_keys``). The problem is the
    question's, by its name (``stage``), so that the page names it as it asks it, links to it
    and marks its answers (it was the second spelling's, ``Stage``, shown as given and linked to
    nothing)."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for name, value in params:
        question = question_of(name)
        spelled = first.setdefault(question, name)
        if spelled != name and question in SECTIONS and question not in BIOMARKERS and (
                value.strip()):  # fmt: skip
            problems.append(Problem(question, None, (), f"is given twice, by names that "
                                    f"differ in case only ('{spelled}' and '{name}'); give it "
                                    "once"))  # fmt: skip
            first[question] = name  # each other spelling once
    return problems


def field_of(name: str) -> str:
    """The profile's field a name of the query string is read as, by the profile's own reading
    of a field's name (``Stage`` is stage, ``HER2`` her2, `` Biomarkers`` biomarkers); the name
    as given when it is none. The name is read beside an answer, never a blank: a profile drops
    a blank ``biomarkers`` as not known, and the name went with it (every address that held
    ``biomarkers`` answered 500)."""
    field, value = next(iter(tidy_keys({name: "answered"}).items()), (name, None))
    if field == "biomarkers" and isinstance(value, dict):  # HER2 and KRAS are biomarkers
        return str(next(iter(value), field))
    return field


def question_of(name: str) -> str:
    """The question a name of the query string answers, by the profile's own reading of a
    field's name; the name as given when it answers none."""
    field = field_of(name)
    return field if field in SECTIONS else name


@dataclass(frozen=True)
class NotAsked(Problem):
    """A name of the query string that is not a question of the form: named as it was given,
    never read as a question's (``biomarkers.kras`` is not the question "KRAS status")."""


def profile_data(given: Mapping[str, list[str]], kb: KnowledgeBase,
                 problems: Iterable[Problem] = ()) -> dict[str, object]:  # fmt: skip
    """The profile (as data for ``parse_profile``) that a query string's answers make. A name
    that is not a question, a question answered twice (in words that say different things), or
    "none" beside names is a ProfileError naming the field, with ``problems`` found before."""
    problems = list(problems)
    data: dict[str, object] = {}
    biomarkers: dict[str, object] = {}
    asked = questions(kb)
    kinds = {q.name: q.kind for q in asked}
    labels = tuple(q.label for q in asked)
    dont_knows = {q.name: q.answers[0] for q in asked}
    nones = {q.name: q.answers[1] for q in asked}
    these = {q.name: q.answers[2].rstrip(":") for q in asked}
    # how a list's names are given: ticked, typed (a list with a box and no boxes to tick), both
    named_how = {q.name: ("ticked or typed", "tick or type") if q.choices and q.typed
                 else ("typed", "type") if q.typed else ("ticked", "tick")
                 for q in asked}  # fmt: skip
    for name, values in given.items():
        if name not in kinds:  # the questions listed once, however many names are not one
            listed = not any(isinstance(p, NotAsked) for p in problems)
            # the API's field of the test results: here each result is a question of its own
            instead = ("; give each test result by its own name: " + ", ".join(
                f"{q.name} for {q.label}" for q in asked if q.name in BIOMARKERS)
                if field_of(name) == "biomarkers" else "")  # fmt: skip
            problems.append(NotAsked(words.cut(name, words.NAME_SHOWN), values[0], labels,
                                     "is not a question of the form" + instead + (
                                         f" (its questions: {'; '.join(labels)})" if listed
                                         else "")))  # fmt: skip
            continue
        if kinds[name] == "many":
            names = [n for v in values for n in split_list(v)]
            said = [n for n in names if n.lower() not in (SOME, UNKNOWN)]
            # "I don't know" or "none" beside names ticked or typed (a browser without the
            # script sends the names ticked before "I don't know" was chosen, and the page read
            # them) is pointed out, never guessed: the person chooses
            # in the question's words: "typed" only where it has a box to type in (Metastases
            # has none, and was told it had been "ticked or typed")
            ticked = "ticked or typed" if name in TYPED else "ticked"
            if UNKNOWN in (n.lower() for n in names) and said:
                problems.append(Problem(name, ", ".join(said), (), (
                    f"you chose \u201c{dont_knows[name]}\u201d and also {ticked} an answer; "
                    "choose one")))
                continue
            chosen = {n.lower() for n in names}
            if not said and SOME in chosen and UNKNOWN not in chosen:
                # "Yes, these" chosen and nothing ticked or typed is pointed out: it was read as
                # unknown, silently, and the person had meant to name some. "Perhaps others
                # not listed" alone is an answer, as in a profile ("something stopped working,
                # not known which"): a card's link from a record gives it (it had been refused
                # here, while the API and the command took it)
                done, do = named_how[name]
                problems.append(Problem(name, SOME, (), (
                    f"you chose \u201c{these[name]}\u201d but {done} none: {do} them, or "
                    f"choose \u201c{dont_knows[name]}\u201d")))
                continue
            if not said:
                continue  # "I don't know", or nothing given: unknown
            if NONE in (n.lower() for n in said) and len(said) > 1:
                problems.append(Problem(name, ", ".join(said), (), (
                    f"you chose \u201c{nones[name]}\u201d and also {ticked} "
                    f"{'some' if name in TYPED else 'some of its boxes'}; choose one")))
                continue
            data[name] = said
            continue
        # The cancer keeps "unknown": a cancer whose start is not known, which the profile
        # reads as advanced cancer in general (it was dropped as "I don't know", and the form
        # then asked for the cancer, whose own message says to write "unknown").
        # a word for not known ("not tested" beside a HER2 result) is no answer, as in a profile
        answered = distinct_answers(name, (v for v in values
                                           if kinds[name] == "text" or not words.not_known(v)),
                                    kb)  # fmt: skip
        if name in BIOMARKERS and answered:
            # results that disagree are kept, as a profile keeps them
            biomarkers[name] = answered[0] if len(answered) == 1 else answered
        elif len(answered) > 1:
            problems.append(Problem(name, ", ".join(answered), (), (  # named, as the CLI does
                f"has more than one answer ({', '.join(map(words.shown, answered))}): "
                "choose one")))
        elif answered:
            data[name] = answered[0]
    if biomarkers:
        data["biomarkers"] = biomarkers
    if "cancer" not in data and not any(p.field == "cancer" for p in problems):
        needed = "please type where the cancer started, or unknown if nobody knows"
        problems.insert(0, Problem("cancer", None, (), needed))
    if problems:
        # the other answers are read too, with a cancer whose start is not known when none was
        # given (they were not, and each mistake showed only once the one before was
        # corrected): every mistake is shown at once
        try:
            parse_profile({"cancer": UNKNOWN, **data}, kb)
        except ProfileError as error:
            problems += [p for p in error.problems if "cancer" in data or p.field != "cancer"]
        raise ProfileError(problems)
    return data


def query_of(profile: Profile) -> str:
    """The page's query string for a profile (its values as read): the address of its answer."""
    pairs: list[tuple[str, str]] = []
    for name in ORDER:
        value = getattr(profile.biomarkers, name) if name in BIOMARKERS else getattr(profile, name)
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((name, "yes" if value else "no"))
        elif isinstance(value, list):
            pairs += [(name, str(v)) for v in value] or [(name, NONE)]
        else:
            pairs.append((name, str(value)))
    return urlencode(pairs)


def as_read(given: Mapping[str, list[str]], kb: KnowledgeBase) -> dict[str, list[str]]:
    """The answers of a query string as the form shows them again: each choice written as the
    page writes it (``IV`` as ``4``, ``true`` as ``yes``, ``Liver`` as ``liver``), where it can be
    read on its own, so that the form shows it chosen. A profile's other spellings were shown as
    "I don't know" (or as nothing, for a list without a box to type in), and sending the form
    again lost them. A name typed into a list stays as typed unless it is one of the choices;
    an answer that cannot be read stays as given (the form's errors say why); the cancer stays
    as typed."""
    kinds = {q.name: q for q in questions(kb)}
    typed_cancer = (given.get("cancer") or [""])[0]
    cancer = typed_cancer if _read(kb, typed_cancer, "cancer", typed_cancer) else "any"
    out: dict[str, list[str]] = {}
    for name, values in given.items():
        question = kinds.get(name)
        if question is None or question.kind == "text":
            out[name] = values
        elif question.kind == "many":
            choices = {c.value for c in question.choices}
            out[name] = []
            for said in (n for v in values for n in split_list(v)):
                ids = [i for i in _read(kb, cancer, name, [said]) if i != NONE]
                out[name] += ids if ids and set(ids) <= choices else [said]
        else:
            out[name] = [(_read(kb, cancer, name, value) or [value])[0] for value in values]
    return out


def _read(kb: KnowledgeBase, cancer: str, name: str, value: object) -> list[str]:
    """One answer as the page writes it in its query string, read with the cancer alone ([] when
    it cannot be read or says nothing)."""
    try:
        profile = parse_profile({"cancer": cancer, name: value}, kb)
    except ProfileError:
        return []
    return [v for n, v in parse_qsl(query_of(profile)) if n == name]


@dataclass(frozen=True)
class Filled:
    """A question as the query string answers it, to show the form again with the answers."""

    mode: str  # for a list: unknown, none, some or "" (not answered); for the others the answer
    # (or unknown)
    selected: frozenset[str] = frozenset()  # the choices ticked
    typed: str = ""  # the names (or the text) typed
    disagree: tuple[str, ...] = ()  # two results or more given for a biomarker


def filled(question: Question, values: list[str]) -> Filled:
    """A question's answers as the form shows them. Results that disagree (``her2=positive&
    her2=negative``, which the profile reads as unknown, with a warning) are shown as "I don't
    know", with the results named: one radio showed the first as the answer, and sending the
    form again made it the answer. Answers the form refuses, because they say two things
    (``stage=4&stage=1``; "It has not spread" beside liver ticked) or none of its answers
    (``stage=9``), are shown with none of the radios chosen: the person chooses (one of them was
    chosen, the first answer or "I don't know", which the mistake beside it contradicted, and
    sending the form again gave that answer silently)."""
    if question.kind == "text":
        return Filled(UNKNOWN, typed=values[0] if values else "")
    if question.kind != "many":
        answered = list(dict.fromkeys(v for v in values
                                      if v.lower() != UNKNOWN and not words.not_known(v)))
        if len(answered) > 1 and question.name in BIOMARKERS:
            return Filled(UNKNOWN, disagree=tuple(answered))
        choices = ({c.value for c in question.choices} if question.kind == "one"
                   else {"yes", "no"})  # fmt: skip
        if len(answered) > 1 or (answered and answered[0] not in choices):
            return Filled("")  # refused: two answers, or none of the form's
        return Filled(answered[0] if answered else UNKNOWN)
    names = [n for v in values for n in split_list(v)]
    said = [n for n in names if n.lower() not in (UNKNOWN, SOME, NONE)]
    choices = {c.value for c in question.choices}
    ticked = frozenset(n for n in said if n in choices)
    typed = ", ".join(n for n in said if n not in choices)
    # A list not answered has none of its three answers chosen, so that names ticked without
    # the script (which chooses "Yes, these") are not sent beside an "I don't know" chosen
    # beforehand, which could not be told from one chosen afterwards; nor has a list given
    # two of them ("I don't know" or "None" beside names, refused)
    lowered = {n.lower() for n in names}
    given = [UNKNOWN in lowered, NONE in lowered, bool(said)]
    if sum(given) != 1:
        return Filled("", ticked, typed)
    mode = UNKNOWN if given[0] else NONE if given[1] else SOME
    return Filled(mode, ticked, typed)
