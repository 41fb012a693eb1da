"""The views the page and the report share: the Jinja2 templates and what they are given, made
from a Result alone (and, when the server has the source files, the passages)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from onconav import render, words
from onconav.kb import KnowledgeBase
from onconav.kb.provenance import Cited
from onconav.result import OptionResult, Result, Status
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


def environment() -> jinja2.Environment:
    """The templates, shared by the page and the report."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        status_words=render.STATUS_WORDS,
        status_meaning=STATUS_MEANING,
        counted_words=render.counted_words,
        options_word=render.options_word,
        status_icon=lambda s: STATUS_ICONS[s],
        caveat_label=render.caveat_label,
        question_of=render.question_of,
        details=render.details,
        note_label=render.NOTE_LABEL,
        source_words=render.source_words,
        explain_url=explain_url,
        statuses=list(Status),
        fill=form.filled,
        printed_short=printed_short,
        yes_no=[form.Choice("yes", "Yes"), form.Choice("no", "No")],
    )
    return env


def printed_short(option: OptionResult) -> bool:
    """Whether an option is printed short (its reason and its sources, no caveats): one that does
    not suit. The report's body and its passages quoted both follow this (``report.cited``)."""
    return option.status is Status.not_suitable


def explain_url(name: str) -> str:
    return "/explain/" + quote(name, safe="")


def linker(linked: dict[str, str]) -> Callable[[str], Markup]:
    """A function that gives a text, escaped, with each name in ``linked`` (the longest first) a
    link to its page; the names' pattern is made once, for every text of a page."""
    if not linked:
        return escape
    names = sorted(linked, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")

    def mention(text: str) -> Markup:
        out, at = [], 0
        for match in pattern.finditer(text):
            out += [escape(text[at : match.start()]),
                    Markup('<a href="{}">{}</a>').format(linked[match.group(1)], match.group(1))]
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
) -> dict[str, Any]:
    """What the answer page and the report show, from the Result alone (and the passages). For
    print (``printed``), an option that does not suit is shown short (its reason and sources)
    and the status icons are letters in coloured discs (WeasyPrint lays them out faster)."""
    # Each name an option mentions links to its page, by the id it stands for (names can be
    # shared: an id is one page).
    mentioned = {name for option in result.options
                 for name in [*option.uses, *option.given_with, *option.may_involve]}  # fmt: skip
    linked = {name: explain_url(found[0].id) for name in mentioned if (found := kb.find(name))}
    if printed:  # an address on this server is no link on paper, nor in a PDF file
        linked = {}
    heading, situation = cancer_heading(result, kb)
    return {
        "result": result,
        "cancer_heading": heading,
        "situation": situation,
        "headline": render.headline(result),
        "groups": list(render.groups(result)),
        "passage": passage or (lambda _: None),
        "mention": linker(linked),
        "expand": expand,
        "printed": printed,
    }


def cancer_heading(result: Result, kb: KnowledgeBase) -> tuple[str, list[tuple[str, str]]]:
    """The cancer as the heading and the title name it, and the situation as understood. A cancer
    the knowledge base does not know is "advanced cancer" in the heading, and what was typed is
    only quoted, cut short, in the situation ("you wrote: ..."): any words in the address became
    the page's heading, so a shared link could make the page say "Treatment options for
    incurable. Stop all treatment now and call ..."."""
    situation = render.situation(result)
    if result.cancer in {c.id for c in kb.data.cancers}:
        return result.cancer_name, situation
    short = words.cut(str(result.profile.cancer))  # as every warning quotes it (words.cut)
    out = []
    for label, said in situation:
        if label == "Where the cancer started":
            said = (f"a cancer no source here is about (you wrote: \u201c{short}\u201d); these "
                    "are the options for advanced cancer in general")  # as the command says
        else:  # named in the sentences about the sources
            said = said.replace(result.cancer_name, "this cancer")
        out.append((label, said))
    return "advanced cancer", out
