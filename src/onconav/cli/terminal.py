"""A Result for a terminal (rich markup, printed in one go)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from onconav.render import (
    NOTE_LABEL,
    STATUS_WORDS,
    PassageLookup,
    caveat_label,
    change_line,
    cite,
    details,
    groups,
    headline,
    question_of,
    situation,
    source_words,
    title_of,
)
from onconav.result import Result, Status

if TYPE_CHECKING:
    from rich.console import Console

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
                " [magenta](for your symptoms)[/magenta]" if option.relieves_your_symptoms else ""
            )
            lines.append(
                f"• [{style}]{STATUS_WORDS[option.status]}[/{style}]: "
                f"[bold]{escape(option.name)}[/bold]{flag}"
            )
            lines.append(f"  {escape(option.description)}")
            for line in details(option):
                lines.append(f"  {escape(line)}")
            if option.reason:
                lines.append(f"  [dim]{escape(option.reason)}[/dim]")
            for missing in option.missing:
                lines.append(f"  [yellow]To decide:[/yellow] {escape(question_of(missing))}")
            for caveat in option.caveats:
                lines.append(
                    f"  [bold]{caveat_label(caveat)}:[/bold] {escape(caveat.text)} "
                    f"{escape(cite(caveat.citations))}"
                )
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
            lines.append(f"• {escape(change_line(fact))}")
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
        lines.append(f"• {escape(question)}")
    lines.append("")
    sources = "; ".join(source_words(s) for s in result.sources)
    lines.append(f"[dim]Knowledge base {result.kb_version}. Sources: {escape(sources)}[/dim]")
    lines.append(f"[bold]{escape(result.disclaimer)}[/bold]")
    console.print("\n".join(lines), soft_wrap=True)  # the terminal wraps: much faster
