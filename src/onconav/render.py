"""A Result in words for people: the shared labels and grouping, and Markdown (a printable
report). JSON is the Result itself; the terminal view is the CLI's (``onconav.cli.terminal``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from onconav.kb.model import (
    MODALITY_WORDS,
    PROMINENCE_WORDS,
    TIMING_WORDS,
    Modality,
    Source,
    aim_words,
)
from onconav.kb.provenance import Cited
from onconav.kb.vocabulary import in_sentence
from onconav.profile import MARKERS
from onconav.result import (
    REASON_LEAD,
    CaveatOut,
    Citation,
    MissingFact,
    OptionResult,
    RankedFact,
    Result,
    SourceUsed,
    Status,
)
from onconav.words import TYPED_SHOWN, and_list, cut

STATUS_WORDS = {
    Status.offered: "Offered",
    Status.needs_information: "Needs information",
    Status.in_trials: "Only in clinical trials",
    Status.declined: "Not chosen",
    Status.not_suitable: "Not suitable",
}

# the tag of an option for a symptom the person has, beside its status (and, in the report's
# "In short", beside its name), in every front end: in words no option's name has, so that it
# never echoes the name ("Radiation with chemotherapy to ease symptoms for your symptoms")
SYMPTOMS_TAG = "for what you listed"

PassageLookup = Callable[[Cited], str | None]


def caveat_label(caveat: CaveatOut) -> str:
    """"Note" for a caveat that holds; "If this applies to you" for one that may."""
    return "Note" if caveat.applies else "If this applies to you"


def situation(result: Result) -> list[tuple[str, str]]:
    """The situation as understood, as (label, words) pairs that every view shows alike: where
    the cancer started, which sources the options come from, and each warning. A fact the
    options were decided on as another value says both ("stage 4, read as stage 4A"); a list
    answered with nothing says so in the form's words ("no treatment yet")."""
    items = []
    for u in result.understood:
        given = getattr(result.profile, u.fact, None)
        if given == []:  # what was typed ("none", "no"): nothing, as ``in_words`` says it
            items.append((u.label, u.value))
            continue
        words = u.value + (f" (you wrote: {_typed(u.as_typed)})"
                           if _differs(u.as_typed, u.value) else "")  # fmt: skip
        if u.read_as:
            words += f", read as {u.read_as}"
        items.append((u.label, words))
    items.append(("Sources", result.scope))
    items += [(NOTE_LABEL, warning_words(result, warning)) for warning in result.warnings]
    return items


NOTE_LABEL = "Please note"  # a warning beside the answer: something to check, not an alarm


def warning_words(result: Result, warning: str) -> str:
    """A warning as a person reads it: the field it is about by its label ("Stage of the
    cancer: ..."; a fact not understood, by its name in words: "HER2: given as both ..."), not
    the profile's name for it ("biomarkers.her2: ...")."""
    field, sep, rest = warning.partition(": ")
    fact = field.removeprefix("biomarkers.")
    if not sep or not re.fullmatch(r"[a-z0-9_]+(\[\d+\])?", fact):
        return warning
    labels = {u.fact: u.label for u in result.understood} | {"cancer": "Where the cancer started"}
    words = fact.replace("_", " ")
    label = labels.get(fact) or (words.upper() if fact in MARKERS else words.capitalize())
    return f"{label}: {rest}"


def _typed(typed: object, most: int | None = TYPED_SHOWN) -> str:
    """The words as typed, each cut as ``words.cut`` cuts a person's free words (``most=None``:
    whole)."""
    items = [str(w) for w in (typed if isinstance(typed, list) else [typed])]
    return ", ".join(cut(w, most) if most else w for w in items)


def _differs(typed: object, shown: str) -> bool:
    """Whether the words as typed say more than the words shown: "IV" beside "stage 4" does;
    "trouble swallowing" beside "trouble swallowing" (typed as the plain words that are shown)
    does not, whatever its case and spacing."""
    if typed is None or typed == [] or typed == "":
        return False
    return " ".join(_typed(typed, None).split()).casefold() != " ".join(shown.split()).casefold()


# The statuses only some answers give an option (a trial-only treatment, a treatment the person
# said they do not want): counted only when an option has one
COUNTED_IF_ANY = frozenset({Status.in_trials, Status.declined})


def counted_statuses(result: Result) -> list[Status]:
    """The statuses the headline and the page's "At a glance" count, and the page explains:
    each, but those only some answers give (``COUNTED_IF_ANY``) when no option has them ("0 not
    chosen" had been said to every family that never said they want no treatment, a review of
    the page)."""
    return [s for s in Status if s not in COUNTED_IF_ANY or getattr(result.counts, s.value)]


def headline(result: Result) -> str:
    """How many options have each status (``counted_statuses``), each with what its count
    holds (``status_split``): "3 offered (2 cancer treatments and 1 trial or care), 27 need
    information (19 of them only on symptoms the cancer is causing), 2 only in clinical
    trials, 0 not suitable"."""
    return ", ".join(
        f"{count} {counted_words(status, count)}"
        + (f" ({split})" if (split := status_split(result, status)) else "")
        for status in counted_statuses(result)
        for count in [getattr(result.counts, status.value)]
    )


def status_split(result: Result, status: Status) -> str:
    """What the count of a status holds, said after it in the headline and on the page: the
    offered ones' treatments and trials or care (``offered_split``), and those that need
    information that mostly wait on one answer alone (``waiting_split``); "" for none."""
    if status is Status.offered:
        return offered_split(result)
    if status is Status.needs_information:
        return waiting_split(result)
    return ""


def waiting_split(result: Result) -> str:
    """How many of the options that need information wait on one and the same answer, when that
    is most of them (more than half, of two or more), and "only" when none of those waits on
    another too: "19 of them on symptoms the cancer is causing", "all of them only on ...";
    "" otherwise. "27 need information" alarmed a family more than it told them, where 19 of
    the 27 waited on which symptoms the cancer causes (a review of the page as a family)."""
    waiting = [o for o in result.options if o.status is Status.needs_information]
    on = Counter(m.fact for o in waiting for m in {m.fact: m for m in o.missing}.values())
    if len(waiting) < 2 or not on:
        return ""
    fact, count = on.most_common(1)[0]
    if count * 2 <= len(waiting):
        return ""
    of_it = [o for o in waiting if any(m.fact == fact for m in o.missing)]
    label = next(m.label for m in of_it[0].missing if m.fact == fact)
    alone = all(len({m.fact for m in o.missing}) == 1 for o in of_it)
    many = "all of them" if count == len(waiting) else f"{count} of them"
    return f"{many} {'only ' if alone else ''}on {in_sentence(label)}"


def offered_split(result: Result) -> str:
    """How many of the options offered treat the cancer and how many are clinical trials or
    care (``split_words``): "10 options offered" for a stomach cancer had counted the trials and
    the care among them, where a clinician and a family look for the treatments (a review of the
    CDS Hooks card, which said it first; the page and the command line say it too). None
    offered while some need information is "no cancer treatment yet": "no cancer treatment"
    alone had read as none possible to one with 18 waiting on an answer (a review)."""
    asking = any(o.standard for o in result.options if o.status is Status.needs_information)
    return split_words(*split_among(result, Status.offered), yet=asking)


def split_among(result: Result, status: Status) -> tuple[list[OptionResult], list[OptionResult]]:
    """The options of a status that treat the cancer (``OptionResult.standard``), and those
    that are clinical trials or care, each in the answer's order: the one place they are
    told apart."""
    of_status = [o for o in result.options if o.status is status]
    return [o for o in of_status if o.standard], [o for o in of_status if not o.standard]


def others_kind(others: Sequence[OptionResult]) -> tuple[str, str, str]:
    """What the options that do not treat the cancer are, as one, as many, and as a heading:
    trials or care, or only one of them ("no cancer treatment: 4 trials or care" had been said
    to one who wants none, every trial not chosen and the four offered all care: a review)."""
    trials = sum(1 for o in others if o.modality is Modality.clinical_trial)
    if trials == len(others):
        return "clinical trial", "clinical trials", "clinical trials"
    if not trials:
        return "care option", "care options", "care"
    return "trial or care", "trials or care", "clinical trials and care"


def split_words(
    treating: Sequence[OptionResult], others: Sequence[OptionResult], *, yet: bool = False
) -> str:
    """Options that treat the cancer and options that are trials or care (``others_kind``), in
    words: "2 cancer treatments and 8 trials or care", "no cancer treatment: 3 care options"
    ("no cancer treatment yet: ..." when ``yet``, some waiting on an answer), "2 cancer
    treatments"; "" when there are none (no comma: the headline is a list)."""
    if not treating and not others:
        return ""
    one, many, _ = others_kind(others)
    care = f"{len(others)} {one if len(others) == 1 else many}"
    if not treating:
        return f"no cancer treatment{' yet' if yet else ''}: {care}"
    treatments = f"{len(treating)} cancer treatment{'' if len(treating) == 1 else 's'}"
    return f"{treatments} and {care}" if others else treatments


def counted_words(status: Status, count: int) -> str:
    """A status's words after a number of options: "offered", "needs information" after 1 and
    "need information" after any other number."""
    if status is Status.needs_information and count != 1:
        return "need information"
    return STATUS_WORDS[status].lower()


def options_word(count: int) -> str:
    """"1 option", "4 options"."""
    return f"{count} option" + ("" if count == 1 else "s")


def source_words(source: SourceUsed) -> str:
    """A source with its publisher and its date, each named: "ccs-rectal-stage4: Treatments for
    ... (publisher: Canadian Cancer Society; dated: not stated in the copy)" (as "(Canadian
    Cancer Society, not stated in the copy)" it read as if the publisher were not stated)."""
    return f"{source.id}: {source.title} (publisher: {source.publisher}; dated: {source.dated})"


# A source's publisher that its copy does not state begins so (sources.yaml: "not stated in the
# copy (patient-education web page)"): such a source is named by its title only
NOT_STATED = "not stated"


def source_name(source: SourceUsed | Source) -> str:
    """Whose page a source is, in the words a family reads beside a passage it cites: its
    publisher and its title ("Canadian Cancer Society: Treatments for stage 4 or recurrent rectal
    cancer"), its title only when the copy does not state the publisher ("Recurrent Gastric
    Cancer"). A citation had been shown as its id and offsets only ("[ccs-rectal-stage4
    2654-2820]"), the publishers only in the footer, far below (a review of the page)."""
    if source.publisher.startswith(NOT_STATED):
        return source.title
    return f"{source.publisher}: {source.title}"


def title_of(title: str) -> str:
    """A title before its text: "The goal of treatment:", but "Can surgery remove the cancer?"
    as it is (not "...cancer?:")."""
    return title if title.endswith(("?", "!", ".", ":")) else title + ":"


def change_said(fact: RankedFact) -> tuple[str, list[str]]:
    """A fact that would change the options, as the command line, the page and the report all
    say it: its head, and the questions under it. A fact of one question is said by that
    question (with its tests), nothing under it; a fact of more than one (bleeding and pain:
    where from, what kind) by its label, each question under it (they had been run together in
    one line). The one place for it: the page and the report had each written it again."""
    asked = questions_of(fact)
    return (asked[0], []) if len(asked) == 1 else (fact.label, asked)


def change_lines(fact: RankedFact) -> list[str]:
    """A fact that would change the options, as lines (``change_said``): its head with how many
    options it decides, then each question under it."""
    said, under = change_said(fact)
    return [f"{said} — decides {options_word(fact.decides)}", *under]


# The heading of the questions that would decide an option (``decides_heading``): for one only
# in clinical trials, about the study, not the option, which no answer makes given outside one
# (lapatinib's "What would decide it: HER2 test" read as if answering would make it available:
# a review of the page as a family)
DECIDES = "What would decide it"
DECIDES_IN_TRIALS = "Whether a study of it would take you may depend on"


def decides_heading(option: OptionResult) -> str:
    """The heading of what would decide an option (``DECIDES``), or for one only in trials what
    a study of it may ask (``DECIDES_IN_TRIALS``): the page, the reports and the Markdown."""
    return DECIDES_IN_TRIALS if option.in_trials else DECIDES


def question_of(missing: MissingFact) -> str:
    """The question that settles a missing fact, with the tests that answer it."""
    tests = f" ({', '.join(t.name for t in missing.tests)})" if missing.tests else ""
    return missing.question + tests


# where a question's words part into sentences: after a full stop, a question mark or an
# exclamation mark, before the next sentence
SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")


def asked_apart(text: str) -> list[str]:
    """The questions a question of the answer holds, each its own: the narrowing questions of a
    fact come as one ("Where does the bleeding come from? For example ... What kind of pain is
    it? For example ..."), shown as one item (a review as a family). Each sentence that asks (it
    ends with "?") begins a question, but the first, which begins them all; a sentence that does
    not ask (its examples, the tests that answer it) stays with the question before it. Each
    question of the knowledge base asks in one sentence (a test over every one)."""
    out: list[str] = []
    asked = False  # whether the question being gathered has asked yet
    for sentence in SENTENCE_END.split(text.strip()):
        if out and asked and sentence.endswith("?"):
            out.append(sentence)
            continue
        if out:
            out[-1] += " " + sentence
        else:
            out.append(sentence)
        asked = asked or sentence.endswith("?")
    return out


def questions_of(missing: MissingFact) -> list[str]:
    """The questions that settle a missing fact, each its own (``asked_apart``), the tests that
    answer them after the last, as ``question_of`` writes them after the one."""
    return asked_apart(question_of(missing))


def cite(citations: list[Citation]) -> str:
    return " ".join(c.label for c in citations)


def groups(result: Result) -> Iterator[tuple[str, list[OptionResult]]]:
    """Consecutive options of one status and modality, titled with both ("Chemotherapy: not
    suitable"); declined cancer treatments form one group."""
    current: list[OptionResult] = []
    title = ""
    for option in result.options:
        name = (
            "Cancer treatments (not chosen: you said you do not want cancer treatment)"
            if option.not_chosen
            else f"{MODALITY_WORDS[option.modality]}: {STATUS_WORDS[option.status].lower()}"
        )
        if current and name != title:
            yield title, current
            current = []
        title = name
        current.append(option)
    if current:
        yield title, current


# The statuses the report's first page names each option of ("In short"): what a person may take
# up or ask about. Those that do not suit, or were not chosen, it only counts: each says why in
# full after it.
IN_SHORT = (Status.offered, Status.needs_information, Status.in_trials)


def in_short(result: Result) -> list[tuple[Status, list[OptionResult]]]:
    """The options of each status of ``IN_SHORT`` that has any, in the answer's order."""
    return [(status, options) for status in IN_SHORT
            if (options := [o for o in result.options if o.status is status])]  # fmt: skip


def _names(names: list[str], choices: list[str], at_least: int = 1) -> str:
    """Names of what is given, the alternatives among them as "one of ...": "one of A or B"; of
    an option that mixes them (``at_least`` 2), "two or more of A, B and C" (a mix of the
    cervical chemotherapy drugs said "one of")."""
    fixed = [n for n in names if n not in choices]
    among = [n for n in names if n in choices]
    if among and at_least > 1:
        fixed.append("two or more of " + and_list(among))
    elif among:
        fixed.append("one of " + and_list(among, "or"))
    return ", ".join(fixed)


def why_not(reason: str) -> str:
    """An option's reason after a "Why not:" heading (the page's and the report's): without its
    lead, which said the same again ("Why not: Not for this situation: it gives ...")."""
    rest = reason.removeprefix(REASON_LEAD)
    return rest[:1].upper() + rest[1:]


def given_words(option: OptionResult) -> str:
    """What an option gives, in words within a sentence ("one of fluorouracil or capecitabine",
    "FOLFIRI with bevacizumab"): each name as a sentence has it, the first as written."""
    choices = [in_sentence(n) for n in option.choices]
    given = _names([in_sentence(n) for n in option.uses], choices, option.choices_at_least)
    if option.given_with:
        given += " with " + _names([in_sentence(n) for n in option.given_with], choices,
                                   option.choices_at_least)  # fmt: skip
    first = next((n for n in option.uses if n not in option.choices), "")
    if given and first[:1].isupper():  # the first name as written: "Chemotherapy", "FOLFIRI"
        given = first[0] + given[1:]
    return given


def details(option: OptionResult) -> list[str]:
    lines = []
    given = given_words(option)
    if given:  # with a capital, as every line ("surgery to ..." had none)
        lines.append("What: " + given[:1].upper() + given[1:])
    if option.may_involve:
        lines.append(f"May also involve: {', '.join(option.may_involve)}")
    lines.append("Aim: " + aim_words(option.intent, option.in_trials))
    if option.prominence:
        often = PROMINENCE_WORDS.get(option.prominence, option.prominence.replace("_", " "))
        lines.append(f"How often it is used: {often}")
    if option.timing:
        lines.append("When: " + ", ".join(TIMING_WORDS.get(t, t.replace("_", " "))
                                           for t in option.timing))  # fmt: skip
    if option.choices_left:
        removed = "; ".join(r.text for r in option.choices_ruled_out)
        lines.append(f"Choices left for you: {', '.join(option.choices_left)} (not "
                     f"{and_list(ruled_out(option), 'or')}: {removed})")  # fmt: skip
    return lines


def ruled_out(option: OptionResult) -> list[str]:
    """The choices of an option that the person's answers remove, by name (one was called "the
    others")."""
    return [name for name in option.choices if name not in option.choices_left]


def questions(missing: list[MissingFact]) -> str:
    """The questions that would decide an option, in a line: one after a question mark or a
    full stop starts anew ("spread to? What kind ..."), one after other words follows a "; "
    (it had been "spread to?; What kind ...")."""
    said = ""
    for question in map(question_of, missing):
        said += ("" if not said else " " if said.endswith(("?", ".", "!")) else "; ") + question
    return said


SHORT_NOTE = 80  # a note that applies this long or shorter is said whole in the brief line


def brief_extras(option: OptionResult) -> str:
    """What the brief line adds of what limits an option for the person: the choices left
    when some are ruled out ("choices left: fluorouracil"), and the notes that apply to them,
    one short note whole, else how many ("1 note applies")."""
    parts = []
    if option.choices_left:
        parts.append(f"choices left: {', '.join(option.choices_left)}")
    notes = [caveat.text for caveat in option.caveats if caveat.applies] + option.warnings
    if len(notes) == 1 and len(notes[0]) <= SHORT_NOTE:
        parts.append(f"note: {notes[0]}")
    elif notes:
        parts.append(f"{len(notes)} note{' applies' if len(notes) == 1 else 's apply'}")
    return "; ".join(parts)


def brief(result: Result) -> str:
    """The result in one line per option, for a tumour board: the status, the option, why it is
    not suitable, the questions that would decide it (of an option of any status, as the full
    views give them: an option in trials had been shown without its HER2 question), and what
    limits it for the person (the
    choices left, the notes that apply: ``brief_extras``); after the situation and the counts.
    """
    width = max(len(word) for word in STATUS_WORDS.values())
    lines = [f"Options for {result.cancer_name}"]
    lines += [f"{label}: {words}" for label, words in situation(result)]
    lines += [headline(result), ""]
    for option in result.options:
        line = f"{STATUS_WORDS[option.status]:<{width}}  {option.name}"
        if option.status is Status.not_suitable and option.reason_shown:
            line += f" — {option.reason_shown}"
        if option.missing:  # (of an option in trials too: the full views say them all)
            line += " — " + questions(option.missing)
        if extras := brief_extras(option):
            line += " — " + extras
        lines.append(line)
    lines += ["", result.disclaimer]
    return "\n".join(lines)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Text a person gave (a cancer's name), shown as itself in Markdown: no markup, no HTML."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown(result: Result, passage: PassageLookup | None = None) -> str:
    """The result as a Markdown report. What the person typed (the cancer's name, which the
    scope and a reason repeat) is escaped."""
    name = md_escape(result.cancer_name)
    out = [f"# Options for {name}", "", "## Your situation as understood", ""]
    for label, words in situation(result):
        shown = md_escape(words)  # the person's own words among them
        out.append(f"- **{label}:** {shown}" if label == NOTE_LABEL else f"- {label}: {shown}")
    out += ["", f"**{headline(result)}**", ""]
    for title, options in groups(result):
        out += [f"## {title}", ""]
        for option in options:
            mark = f" *({SYMPTOMS_TAG})*" if option.relieves_your_symptoms else ""
            out.append(f"### {option.name}: {STATUS_WORDS[option.status]}{mark}")
            out += ["", option.description, ""]
            out += [f"- {line}" for line in details(option)]
            if option.reason_shown:  # it may repeat the person's words (the cancer's name)
                out.append(f"- {md_escape(option.reason_shown)}")
            for missing in option.missing:  # for one in trials, what a study may ask
                said = "For a study of it" if option.in_trials else "To decide"
                out += [f"- {said}: {q}" for q in questions_of(missing)]
            for caveat in option.caveats:
                out.append(f"- {caveat_label(caveat)}: {caveat.text} {cite(caveat.citations)}")
            for warning in option.warnings:
                out.append(f"- {NOTE_LABEL}: {warning}")  # the answer's, said here too
            out.append(f"- Sources: {cite(option.citations)}")
            if passage is not None:
                for citation in option.citations:
                    found = passage(citation)
                    if found:
                        out.append(f"  - {citation.label} “{found}”")
            out.append("")
    if result.what_would_change:
        out += ["## What would change your options", ""]
        for fact in result.what_would_change:
            said, *asked = change_lines(fact)
            out += [f"- {said}", *(f"  - {q}" for q in asked)]
        out.append("")
    out += ["## Good to know", ""]
    out += [f"- **{title_of(n.title)}** {n.text} {cite(n.citations)}" for n in result.notes]
    out += ["", "## Questions to ask your care team", ""]
    out += [f"- {q}" for question in result.questions for q in asked_apart(question)]
    out += ["", "---", ""]
    out += [f"Knowledge base {result.kb_version}. Sources:"]
    out += [f"- {source_words(s)}" for s in result.sources]
    out += ["", f"**{result.disclaimer}**", ""]
    return "\n".join(out)
