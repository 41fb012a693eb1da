"""A Result for a terminal (rich markup, printed in one go)."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from rich.markup import escape

from onconav.cli import wrap
from onconav.render import (
    NOTE_LABEL,
    STATUS_WORDS,
    SYMPTOMS_TAG,
    PassageLookup,
    asked_apart,
    caveat_label,
    change_lines,
    cite,
    details,
    groups,
    headline,
    questions_of,
    situation,
    source_words,
    title_of,
)
from onconav.result import Result, Status

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text

STATUS_STYLE = {
    Status.offered: "bold green",
    Status.needs_information: "bold yellow",
    Status.in_trials: "bold cyan",
    Status.declined: "dim cyan",
    Status.not_suitable: "dim",
}


def text(result: Result, console: Console, passage: PassageLookup | None = None) -> None:
    """Print a result for a terminal (one print: rich parses the markup once)."""
    lines: list[str] = []
    lines.append(f"[bold]Options for {escape(result.cancer_name)}[/bold]")
    for label, words in situation(result):
        style = "bold red" if label == NOTE_LABEL else "bold"
        lines.append(f"[{style}]{label}:[/{style}] {escape(words)}")
    lines.append(f"[bold]{escape(headline(result))}[/bold]")
    for title, options in groups(result):
        lines.append("")
        lines.append(f"[bold underline]{escape(title)}[/bold underline]")
        for option in options:
            style = STATUS_STYLE[option.status]
            flag = (
                f" [magenta]({SYMPTOMS_TAG})[/magenta]" if option.relieves_your_symptoms else ""
            )
            lines.append(
                f"• [{style}]{STATUS_WORDS[option.status]}[/{style}]: "
                f"[bold]{escape(option.name)}[/bold]{flag}"
            )
            lines.append(f"  {escape(option.description)}")
            for line in details(option):
                lines.append(f"  {escape(line)}")
            if option.reason_shown:  # what the scope says once, pointed to
                lines.append(f"  [dim]{escape(option.reason_shown)}[/dim]")
            for missing in option.missing:
                lines += [f"  [yellow]To decide:[/yellow] {escape(q)}"
                          for q in questions_of(missing)]
            for caveat in option.caveats:
                lines.append(
                    f"  [bold]{caveat_label(caveat)}:[/bold] {escape(caveat.text)} "
                    f"{escape(cite(caveat.citations))}"
                )
            for warning in option.warnings:
                lines.append(f"  [bold]{NOTE_LABEL}:[/bold] {escape(warning)}")
            lines.append(f"  [dim]Sources: {escape(cite(option.citations))}[/dim]")
            if passage is not None:
                for citation in option.citations:
                    found = passage(citation)
                    if found:
                        lines.append(
                            f"    [italic]{escape(citation.label)} “{escape(found)}”[/italic]"
                        )
    if result.what_would_change:
        lines.append("")
        lines.append("[bold underline]What would change your options[/bold underline]")
        for fact in result.what_would_change:
            said, *asked = change_lines(fact)
            lines += [f"• {escape(said)}", *(f"  • {escape(q)}" for q in asked)]
    lines.append("")
    lines.append("[bold underline]Good to know[/bold underline]")
    for note in result.notes:
        lines.append(
            f"• [bold]{escape(title_of(note.title))}[/bold] {escape(note.text)} "
            f"[dim]{escape(cite(note.citations))}[/dim]"
        )
    lines.append("")
    lines.append("[bold underline]Questions to ask your care team[/bold underline]")
    for question in result.questions:
        lines += [f"• {escape(q)}" for q in asked_apart(question)]
    lines.append("")
    sources = "; ".join(source_words(s) for s in result.sources)
    lines.append(f"[dim]Knowledge base {result.kb_version}. Sources: {escape(sources)}[/dim]")
    lines.append(f"[bold]{escape(result.disclaimer)}[/bold]")
    printed = console.render_str("\n".join(lines))
    if not console.soft_wrap:  # a terminal: wrapped by words to its width
        printed = wrapped(printed, console.width)
    console.print(_AsItIs(printed), crop=False)  # a word longer than a line is whole


class _AsItIs:
    """A Text printed line by line as it is: rich's printing of a Text wraps it again, or with
    soft wrap divides it into a Text per line, ~10 ms of a command (and ~50 ms its wrapping
    had taken)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in Segment.split_lines(self.text.render(console)):
            yield from line
            yield Segment.line()


def wrapped(text: Text, width: int) -> Text:
    """``text`` with each line longer than ``width`` broken at its last space that fits, the
    lines it is broken into indented as it is (under a bullet, as the words after it). Never
    broken: a word longer than the width, a citation's label. Styles stay on their words.
    Widths are counted in characters (a wide character, rare here, may make a line run over).
    (rich's own wrapping had taken 20-50 ms of a command; this takes ~5 ms.)"""
    from rich.text import Span
    from rich.text import Text as RichText

    plain = text.plain
    cuts = wrap.cuts(plain, width)  # each run of spaces taken out: start, end, put instead
    if not cuts:
        return text
    pieces, shifts, last, shift = [], [0], 0, 0  # shifts[i]: how far what follows cut i moves
    for cut_start, cut_end, instead in cuts:
        pieces += [plain[last:cut_start], instead]
        shift += len(instead) - (cut_end - cut_start)
        shifts.append(shift)
        last = cut_end
    pieces.append(plain[last:])
    ends = [cut_end for _, cut_end, _ in cuts]

    def moved(offset: int) -> int:
        return offset + shifts[bisect_right(ends, offset)]

    spans = [Span(moved(s.start), moved(s.end), s.style) for s in text.spans]
    return RichText("".join(pieces), style=text.style, end=text.end, spans=spans)
