"""The views the page and the report share: the Jinja2 templates and what they are given, made
from a Result alone (and, when the server has the source files, the passages)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode

import jinja2
from markupsafe import Markup, escape

from onconav import render, words
from onconav.explain import UsedBy
from onconav.kb import KnowledgeBase
from onconav.kb.provenance import Cited
from onconav.result import Citation, MissingFact, OptionResult, Result, Status
from onconav.web import form

HERE = Path(__file__).parent
STATUS_ICONS = {
    Status.offered: "offered",
    Status.needs_information: "needs-information",
    Status.in_trials: "in-trials",
    Status.declined: "declined",
    Status.not_suitable: "not-suitable",
}

# What each status means, shown once beside the counts: "Offered" alone reads as "my doctors
# offer it", and "Needs information" as a refusal; the words say what onconav means by them.
STATUS_MEANING = {
    Status.offered: "The sources describe this option for a situation like yours. Ask your care "
                    "team whether it is right for you.",
    Status.needs_information: "It may or may not fit: it is not a no. The option shows the test "
                              "result or the answer that would decide it.",
    Status.in_trials: "Given only as part of a clinical trial (a research study).",
    Status.declined: "A treatment of the cancer itself, and you said you do not want one.",
    Status.not_suitable: "The sources say it does not fit your situation, for the reason shown "
                         "with it.",
}  # fmt: skip
# the tag of an option for a symptom the person has (``render.SYMPTOMS_TAG``), said among the
# statuses (it was not explained)
SYMPTOMS_TAG = render.SYMPTOMS_TAG
# how many of the facts that would change the options a report's summary ("In short": "What
# would decide the most") names
DECIDE_MOST = 3
SYMPTOMS_MEANING = ("The option is for a symptom you listed; its status says whether it fits "
                    "you.")  # fmt: skip


def environment() -> jinja2.Environment:
    """The templates, shared by the page and the report; each read once (``auto_reload``
    off): a template changed on disk under a running server had been read again beside the
    code it was not written for, and every answer page was a 500 until a restart."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        auto_reload=False,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=visible,
    )
    env.filters.update(said=said, said_in_text=said_in_text, whole_numbered=whole_numbered)
    env.globals.update(
        said_in=said_in,
        status_words=render.STATUS_WORDS,
        status_meaning=STATUS_MEANING,
        symptoms_tag=SYMPTOMS_TAG,
        symptoms_meaning=SYMPTOMS_MEANING,
        counted_words=render.counted_words,
        status_split=render.status_split,  # what a count holds ("19 of them only on ...")
        options_word=render.options_word,
        status_icon=lambda s: STATUS_ICONS[s],
        caveat_label=render.caveat_label,
        question_of=render.question_of,
        questions_of=render.questions_of,  # each question its own item (bleeding, pain)
        change_said=render.change_said,  # a fact that would change the options: head, under
        asked_apart=render.asked_apart,
        in_short=render.in_short,
        on_form=frozenset(form.ORDER),  # the facts the form asks: what would change links there
        details=render.details,
        why_not=render.why_not,
        note_label=render.NOTE_LABEL,
        source_words=render.source_words,
        explain_url=explain_url,
        counted_statuses=render.counted_statuses,
        fill=form.filled,
        printed_short=printed_short,
        asked_head=asked_head,
        decides_heading=render.decides_heading,
        tests_apart=tests_apart,
        yes_no=[form.Choice("yes", "Yes"), form.Choice("no", "No")],
    )
    return env


# Control characters but the tab and the line breaks: none is allowed in an HTML document (a
# NUL in the <title> or a box's value made the page invalid HTML). Each is shown as its picture
# (a NUL as "␀", U+2400), one of C1 as "�", so that the person sees that the words
# held one (the search refuses them, as a profile does).
CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
# What a message quotes: a value as ``words.shown`` quotes it ('Xelodaa'), or in curly quotes
SAID_IN = re.compile(rf"{words.QUOTED.pattern}|\u201c[^\u201c\u201d]*\u201d")


def visible(value: object) -> object:
    """Every value a template writes (Jinja's ``finalize``), with each control character
    (``CONTROLS``) shown as its picture: the page's and the report's own words hold none, a
    person's words may (``/search?q=a%00b`` put a NUL into the title and the box)."""
    if not isinstance(value, str) or not CONTROLS.search(value):
        return value
    shown = CONTROLS.sub(_picture, value)
    return Markup(shown) if isinstance(value, Markup) else shown


def _picture(found: re.Match[str]) -> str:
    code = ord(found.group(0))
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def said(text: object) -> Markup:
    """A person's words as a page repeats them (a cancer onconav does not know, a search, a name
    not known): isolated in <bdi>, so that their direction (words in Hebrew or Arabic) cannot
    reorder the page's own words around them, and without a directional formatting character
    (``words.INVISIBLE``)."""
    return Markup("<bdi>{}</bdi>").format(words.without_invisible(str(text)))


NUMBERED = re.compile(r"\w+(?:-\w+)*-\d\w*")


def whole_numbered(text: object) -> Markup:
    """A name with a word joined to its number by a hyphen (radium-223, strontium-89, PD-1),
    that word kept on one line: a browser breaks a line after a hyphen, and "strontium-" ended
    a line of the report's list of options with "89)" alone on the next."""
    return Markup(NUMBERED.sub(lambda m: f'<span class="nobreak">{m.group()}</span>',
                               str(escape(text))))  # fmt: skip


def said_in_text(text: object) -> str:
    """A person's words where no element can isolate them (the <title>, an <option>): between
    the isolate characters FSI and PDI, as plain text isolates them, without a directional
    formatting character of their own."""
    return "\u2068" + words.without_invisible(str(text)) + "\u2069"


def said_in(message: str, names: Iterable[str] = ()) -> Markup:
    """A message that repeats a person's words (the form's mistakes, the search's notices), each
    value it quotes and each of ``names`` (words of the person's that it names unquoted, such as
    a cancer onconav does not know: "Nothing about mars cancer matches") isolated as ``said``
    isolates them; the message's own words kept as they are."""
    message = words.without_invisible(message)
    plain = sorted({n for n in (words.without_invisible(n) for n in names) if n}, key=len,
                   reverse=True)  # fmt: skip
    pattern = SAID_IN if not plain else re.compile(
        "|".join([SAID_IN.pattern, *(rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in plain)]))
    out, at = [], 0
    for found in pattern.finditer(message):
        out += [escape(message[at : found.start()]), said(found.group(0))]
        at = found.end()
    out.append(escape(message[at:]))
    return Markup("").join(out)


def printed_short(option: OptionResult) -> bool:
    """Whether an option is printed short (its reason, what can be done instead and its
    sources): one that does not suit, or a treatment of the cancer one who wants none did not
    choose (printed whole, the 26 of a rectal cancer's took 8 of a 35-page report: a review;
    the page shows them whole)."""
    return option.status in (Status.not_suitable, Status.declined)


def explain_url(name: str, cancer: str | None = None, back: str | None = None) -> str:
    """The address of an entry's explain page; with the cancer the page linking to it is about
    (``?cancer=rectum``), which the explain page's search box keeps to, and the query of the
    answer it was reached from (``from``: ``back_url`` links back to that answer)."""
    url = "/explain/" + quote(name, safe="")
    params = {k: v for k, v in (("cancer", cancer), ("from", back)) if v}
    return url + "?" + urlencode(params) if params else url


def back_url(back: str | None) -> str | None:
    """The address of the answer a page was reached from, by the answer's query (``from``), or
    None: always an answer of this server (``/options?`` and the query as parsed, written
    again), never an address the link names. An explain or search page reached from an answer
    had linked only to the blank form, and the answers were lost but for the browser's Back."""
    if not back:
        return None
    query = urlencode(parse_qsl(back, keep_blank_values=True))
    return "/options?" + query if query else None


def cancer_id(kb: KnowledgeBase, value: object) -> str | None:
    """A value that is the id of a cancer of the knowledge base (``rectum``, ``any``), else None:
    a page's search box keeps only to such a cancer, and says which by its name."""
    return value if isinstance(value, str) and kb.kind_of.get(value) == "cancers" else None


def kept_cancer(result: Result, kb: KnowledgeBase) -> str:
    """The cancer an answer's search box and the explain pages it links to keep to: the cancer
    as the answer reads it, ``any`` (advanced cancer in general, whose options the answer gives)
    for a cancer the knowledge base does not know. The header's search had searched every source
    from a stomach cancer's answer, and found options for rectal cancer only."""
    return cancer_id(kb, result.cancer) or "any"


def own_cancer_first(used_by: list[UsedBy], cancer: str | None) -> list[UsedBy]:
    """The options that give an entry, as an explain page reached with a cancer lists them: the
    options for that cancer first, then those for every cancer (which apply to it too), then the
    other cancers', each kind in the knowledge base's order (bevacizumab's page, reached from a
    rectal cancer's answer, listed cervical cancer's options first: a review as a family)."""
    if cancer is None:
        return used_by

    def rank(option: UsedBy) -> int:
        return 0 if cancer in option.cancers else 1 if not option.cancers else 2

    return sorted(used_by, key=rank)


def kind_means(kb: KnowledgeBase, kind_label: str) -> str | None:
    """What the word an explain page names its entry's kind by means, when the glossary has it
    (a regimen: "A treatment plan that says which drugs you get, ..."), else None: FOLFOX's
    page was headed "regimen", a word never explained on the page (a review as a family)."""
    terms = [r for r in kb.find(kind_label) if kb.kind_of.get(r.id) == "glossary"]
    return getattr(terms[0], "description", None) if terms else None


def search_box(kb: KnowledgeBase, cancer: str | None) -> tuple[str, str] | None:
    """The cancer the header's search box keeps to, as (id, name), or None: it searches all."""
    return (cancer, kb.name_of(cancer)) if cancer else None


class Cite(NamedTuple):
    """A passage cited, as a page shows it: its label (the source's id and the offsets), and
    its text when the server has the source files."""

    label: str
    text: str | None


class CiteGroup(NamedTuple):
    """The passages cited of one source, under whose page it is in words (``render.
    source_name``)."""

    who: str
    cites: list[Cite]


def cite_groups(kb: KnowledgeBase, cited: Iterable[Cited],
                passage: Callable[[Cited], str | None] | None) -> list[CiteGroup]:  # fmt: skip
    """Citations by source, in the order each source is first cited: each says whose page it
    is in words, its id and offsets kept beside the passage (a citation had read only
    "[ccs-rectal-stage4 2654-2820]", the publishers named only in the page's footer)."""
    groups: dict[str, CiteGroup] = {}
    for c in cited:
        label = f"[{c.source} {c.start}-{c.end}]"  # as Span.label and Citation.label write it
        source = kb.sources.get(c.source)
        who = render.source_name(source) if source else c.source
        groups.setdefault(c.source, CiteGroup(who, [])).cites.append(
            Cite(label, passage(c) if passage else None))
    return list(groups.values())


# a question longer than this (in characters: about two lines of the page) is said in full
# only under the first option of a group that it decides; a shorter one is said every time
LONG_QUESTION = 160


class Asked(NamedTuple):
    """One question that would decide an option, as the option shows it: in full
    (``question``, ``above`` None), or, a long one said in full under an option above in the
    same group, only its first sentence and that option (``above``)."""

    question: str
    above: OptionResult | None


def asked_once(groups: Iterable[list[OptionResult]]) -> dict[str, list[Asked]]:
    """What would decide each option, by option id, question by question
    (``render.questions_of``), the options in groups as shown (one status, one kind: a
    section). A question of one or two lines is said in full every time; a longer one
    (``LONG_QUESTION``: where the bleeding comes from, four lines) in full under the first
    option of its group that it decides, and under each later one of that group by its first
    sentence, "asked above, under" that option. A review as a family found "The same as for
    Radiation with chemotherapy to ease symptoms, above" longer than the one-line question it
    stood for, a 4A treatment pointed to a 4B chemotherapy, and an option in trials to one
    seven pages back of another status; the bleeding's four lines had been said under four
    options before."""
    out: dict[str, list[Asked]] = {}
    for options in groups:
        first: dict[str, OptionResult] = {}  # a long question: the first of the group to ask it
        for option in options:
            items: list[Asked] = []
            for m in option.missing:
                for question in render.questions_of(m):
                    key = " ".join(question.split())
                    above = first.setdefault(key, option) if len(key) > LONG_QUESTION else option
                    # a pointer only where it is shorter than the question: a long question of
                    # one sentence ("Which operation was it, and what did it take out: ...?")
                    # had been said whole and then "Asked above, under ...", longer than itself
                    if above is not option and len(pointer_words(question, above)) >= len(key):
                        above = option
                    items.append(Asked(question, above if above is not option else None))
            out[option.id] = items
    return out


def pointer_words(question: str, above: OptionResult) -> str:
    """What an option shows for a long question said in full under ``above``: its first
    sentence, and where ("Where does the bleeding come from? Asked above, under Surgery to stop
    bleeding."), as the page and the reports word it."""
    return f"{asked_head(question)} Asked above, under {' '.join(above.name.split())}."


def asked_head(question: str) -> str:
    """The first sentence of a question, which names it ("Where does the bleeding come
    from?"), for a pointer to where it is asked in full (``asked_once``)."""
    return render.SENTENCE_END.split(question.strip(), maxsplit=1)[0]


def cited_by_source(result: Result, options: Iterable[OptionResult]) -> dict[str, list[str]]:
    """The places of each source that the short report cites, by source id, as character
    ranges in order ("86-527", "1717-1961"): its options', the notes of theirs that apply, and
    the answer's notes; passages that overlap are one range (1717-1861 lies within 1717-1961).
    The short report names only whose page each option's sources are, and gives these once, at
    the end (a label after each name, "[ccs-rectal-stage4 1717-1861]", took a page of the
    rectal example's: a review as a family); the full report quotes each passage."""
    every: list[Citation] = [c for o in options for c in [
        *o.citations, *(c for cv in o.caveats if cv.applies for c in cv.citations)]]
    every += [c for n in result.notes for c in n.citations]
    ranges: dict[str, list[list[int]]] = {}
    for c in sorted(every, key=lambda c: (c.source, c.start, c.end)):
        kept = ranges.setdefault(c.source, [])
        if kept and c.start <= kept[-1][1]:  # overlaps the range before: one range
            kept[-1][1] = max(kept[-1][1], c.end)
        else:
            kept.append([c.start, c.end])
    return {source: [f"{start}-{end}" for start, end in kept] for source, kept in ranges.items()}


class Ref(NamedTuple):
    """An entry as a list names it."""

    id: str
    name: str


def linker(linked: dict[str, str]) -> Callable[[str], Markup]:
    """A function that gives a text, escaped, with each name in ``linked`` (the longest first) a
    link to its page, in any case, the text kept as written ("Bevacizumab (Avastin) is ...":
    the main drug of an option, named first in its description, had been no link, while a
    name later in it was); the names' pattern is made once, for every text of a page."""
    if not linked:
        return escape
    names = sorted(linked, key=len, reverse=True)
    by_fold = {name.casefold(): url for name, url in linked.items()}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])",
                         re.IGNORECASE)  # fmt: skip

    def mention(text: str) -> Markup:
        out, at = [], 0
        for match in pattern.finditer(text):
            url = by_fold.get(match.group(1).casefold())
            out += [escape(text[at : match.start()]),
                    Markup('<a href="{}">{}</a>').format(url, match.group(1)) if url
                    else escape(match.group(1))]  # fmt: skip
            at = match.end()
        out.append(escape(text[at:]))
        return Markup("").join(out)

    return mention


def answer_context(
    result: Result,
    kb: KnowledgeBase,
    passage: Callable[[Cited], str | None] | None,
    expand: bool = False,
    printed: bool = False,
    cancer: str | None = None,
    back: str | None = None,
    short: bool = False,
) -> dict[str, Any]:
    """What the answer page and the report show, from the Result alone (and the passages). For
    print (``printed``), an option that does not suit is shown short (its reason and sources)
    and the status icons are letters in coloured discs (WeasyPrint lays them out faster). The
    links to explain pages carry ``cancer`` (``kept_cancer``) when given. The short report
    (``short``) shows in full only the options that may apply (``render.IN_SHORT``), each
    briefly, and names the others (``left_out``) with why; "What would change your options"
    only when its summary ("What would decide the most", ``decide_most``) has not named them
    all (it said them again, word for word: a review of the short report as a family); each
    option's sources by whose page they are, the places cited listed once by source
    (``cited_by_source``). A long question that would decide an option is said in full once in
    a group (``asked``: ``asked_once``)."""

    def explained(ident: str) -> str:
        return explain_url(ident, cancer, back)

    # Each name an option mentions links to its page, by the id it stands for (names can be
    # shared: an id is one page).
    mentioned = {name for option in result.options
                 for name in [*option.uses, *option.given_with, *option.may_involve]}  # fmt: skip
    linked = {name: explained(found[0].id) for name in mentioned if (found := kb.find(name))}
    # each test named as what would decide an option, to its page, in the questions (the
    # questions' other words as they are): "(HER2 test)" had been words alone, though its page
    # explains it (a review as a family)
    tests = {t.name: explained(t.id) for o in result.options for m in o.missing for t in m.tests}
    if printed:  # an address on this server is no link on paper, nor in a PDF file
        linked, tests = {}, {}
    heading, situation = cancer_heading(result, kb)
    known = result.cancer in {c.id for c in kb.data.cancers}
    groups = [(title, kept) for title, options in render.groups(result)
              if (kept := [o for o in options if not short or o.status in render.IN_SHORT])]
    # the options whose questions are shown (in print, one that does not suit is shown short)
    asking = [[o for o in options if not (printed and printed_short(o))] for _, options in groups]
    return {
        # the words of a cancer not known, as a reason names it ("(yours: mars cancer)"), to be
        # isolated there (``said_in``)
        "typed": [] if known else [result.cancer_name],
        "result": result,
        "cancer_heading": heading,
        "situation": situation,
        "headline": render.headline(result),
        "groups": groups,
        "asked": asked_once(asking),
        "when_known": when_known(kb, result),
        "cited_by_source": cited_by_source(result, [o for g in asking for o in g]) if short
                           else {},
        "left_out": [o for o in result.options if o.status not in render.IN_SHORT] if short
                    else [],
        "short": short,
        "decide_most": result.what_would_change[:DECIDE_MOST],
        "change_said_again": bool(result.what_would_change) and not (
            short and len(result.what_would_change) <= DECIDE_MOST),
        "passage": passage or (lambda _: None),
        "cite_groups": lambda cited: cite_groups(kb, cited, passage),
        "mention": linker(linked),
        "mention_tests": linker(tests),
        "explain_url": explained,
        "expand": expand,
        "printed": printed,
    }


def tests_apart(said: str, fact: MissingFact) -> tuple[str, str]:
    """A question that would change the options (``render.change_said``) and the names of the
    tests that answer it, apart ("Has an ISH test been done? ...", "HER2 ISH test"), "" for a
    question with none: the page links the question to the form and each test to its page,
    one link beside the other."""
    tests = ", ".join(t.name for t in fact.tests)
    tail = f" ({tests})"
    return (said[: -len(tail)], tests) if tests and said.endswith(tail) else (said, "")


def when_known(kb: KnowledgeBase, result: Result) -> dict[str, str]:
    """For a fact that would change the options by a value not yet decided (a borderline HER2:
    an ISH test to come), how to answer once it is, by the fact's id: "Once the HER2 ISH test
    has a result, answer HER2-positive or HER2-negative." Nothing had said what to choose
    once the result came (a review of the page as a family)."""
    out = {}
    for ranked in result.what_would_change:
        fact = kb.facts.get(ranked.fact)
        if fact is None:
            continue
        for value in fact.values:
            narrower = [kb.label(ranked.fact, v.id) for v in fact.values if v.parent == value.id]
            if value.which and ranked.question == value.which and narrower:
                tests = words.and_list(kb.name_of(t) for t in value.decided_by) or "the test"
                out[ranked.fact] = (f"Once the {tests} has a result, answer "
                                    f"{words.and_list(narrower, 'or')}.")  # fmt: skip
    return out


def cancer_heading(result: Result, kb: KnowledgeBase) -> tuple[str, list[tuple[str, Markup]]]:
    """The cancer as the heading and the title name it, and the situation as understood. A cancer
    the knowledge base does not know is "advanced cancer" in the heading, and what was typed is
    only quoted, cut short, in the situation ("you wrote: ..."): any words in the address became
    the page's heading, so a shared link could make the page say "Treatment options for
    incurable. Stop all treatment now and call ...". The sentence about the sources names it
    "this cancer"; only there, and only as that sentence names it: each of its words was
    replaced wherever it stood ("advanced" read "the source about this cancer in general", and
    "cancer" "stomach this cancer"). The words a person typed are isolated (``said``)."""
    situation = render.situation(result)
    if result.cancer in {c.id for c in kb.data.cancers}:
        return result.cancer_name, [(label, _said_in_situation(result, label, text))
                                    for label, text in situation]  # fmt: skip
    short = words.cut(str(result.profile.cancer))  # as every warning quotes it (words.cut)
    out = []
    for label, text in situation:
        if label == "Where the cancer started":
            # (which options these are is the sentence about the sources': it had been said
            # here too, and in a warning: a review of the page)
            out.append((label, Markup(
                "you wrote: \u201c{}\u201d, a cancer no source here is about").format(
                said(short))))  # fmt: skip
            continue
        if label == "Sources":  # as the engine's sentence names the cancer (_scope_words)
            text = text.replace(f"about {result.cancer_name} itself", "about this cancer itself", 1)
        out.append((label, _said_in_situation(result, label, text)))
    return "advanced cancer", out


def _said_in_situation(result: Result, label: str, text: str) -> Markup:
    """A line of the situation with the person's words in it isolated (``said``, ``said_in``):
    "stage 4 (you wrote: IV)", and the values a warning quotes."""
    for understood in result.understood:
        head = f"{understood.value} (you wrote: "
        # and what it was read as, after it ("stage 4 (you wrote: IV), read as stage 4A": the
        # words typed had lost their isolation there: a review of the change)
        tail = f"), read as {understood.read_as}" if understood.read_as else ")"
        if label == understood.label and text.startswith(head) and text.endswith(tail):
            typed = text[len(head) : len(text) - len(tail)]
            return Markup("{}{}{}").format(head, said(typed), tail)
    return said_in(text)
