"""The ``onconav`` command line: a thin layer that parses, calls the core and prints."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeGuard

import typer
from typer.core import TyperCommand, TyperGroup

import onconav
from onconav import words
from onconav.engine import evaluate
from onconav.kb import KBError, KnowledgeBase, load_kb
from onconav.kb.model import Span
from onconav.profile import (
    SET_FIELDS,
    Problem,
    Profile,
    ProfileError,
    distinct_answers,
    fact_fields,
    parse_profile,
    read_cancer,
    replaced,
    value_of,
    value_words,
)
from onconav.reading import (
    MAX_BUNDLE_BYTES,
    MAX_PROFILE_BYTES,
    check_size,
    profile_from_text,
)

app = typer.Typer(
    help="onconav: treatment options for advanced cancer, in plain words, with their sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help, not rich's table: at 80 columns the table cut flags' names so that they
    # could not be typed ("--wants-treatme…"); up to 120 columns on a wider terminal
    rich_markup_mode=None,
    context_settings={"max_content_width": 120},
)
kb_app = typer.Typer(help="Look into and check the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

if TYPE_CHECKING:
    from rich.console import Console

    from onconav import explain
    from onconav.cohort.table import Loaded
    from onconav.kb import canonical, provenance
else:

    class _LazyModule:
        """A module imported on first use: curator commands' modules stay out of `options`."""

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            import importlib

            return getattr(importlib.import_module(self._name), attr)

    canonical = _LazyModule("onconav.kb.canonical")
    explain = _LazyModule("onconav.explain")
    provenance = _LazyModule("onconav.kb.provenance")


class _LazyConsole:
    """rich is imported on first output, so that `--format json` does not pay for it. Output to
    a terminal is wrapped by words to its width; output to anything else is not wrapped at all
    (a line is a line: nothing, such as a citation's label, is split for a width no one sees)."""

    _console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False)
            self._console.soft_wrap = not self._console.is_terminal
        return getattr(self._console, name)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def Table(*args: Any, **kwargs: Any) -> Any:
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


out: Any = _LazyConsole()
SOURCES_ENV = "ONCONAV_SOURCES"

SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help=f"Directory with the source documents (default: ${SOURCES_ENV}).",
        metavar="<path>",
    ),
]


class UsageError(Exception):
    """Bad input from the user: printed as one line (a line per problem), exit status 2."""


def say(text: str = "", hang: int = 0, column: bool = False) -> None:
    """Lines of a plain view (search, ``kb words``, ``options --brief``, ``fhir profile``) on
    standard output: to a terminal broken at spaces to its width (``wrap.plain``: ``hang``
    columns further in than the line, or with ``column`` under its first column), as the full
    view is; to anything else whole. They had run past the edge, to be broken mid-word (rich is
    consulted only for a terminal: a pipe does not pay for it)."""
    if (out._console is not None or sys.stdout.isatty()) and out.is_terminal:
        from onconav.cli import wrap

        text = wrap.plain(text, out.width, hang, column)
    print(text)


def warn(message: str) -> None:
    print(f"onconav: warning: {message}", file=sys.stderr)


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"onconav: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _kb() -> KnowledgeBase:
    return load_kb()


@contextmanager
def _reading(option: str, name: object = None) -> Iterator[None]:
    """A file named with ``option`` that cannot be read (no permission, an input/output error,
    a folder) is one line naming the option, the file and why, exit status 2 (it had been a
    traceback)."""
    try:
        yield
    except OSError as error:
        where = name if name is not None else error.filename
        raise UsageError(f"{option}: cannot read {where} ({error.strerror or error})") from None


def _more_than_one(flag: str, answers: list[Any]) -> UsageError:
    return UsageError(f"{flag}: has more than one answer ({', '.join(map(repr, answers))}): "
                      "choose one")  # fmt: skip


def _sources_named(value: Path | None) -> str:
    """How the folder of the sources was given, for an error about it: the flag, or the
    environment variable when the flag was not typed (a bad $ONCONAV_SOURCES had been blamed on
    --sources, a flag nobody typed)."""
    return "--sources" if value or not os.environ.get(SOURCES_ENV) else f"${SOURCES_ENV}"


def _sources_dir(given: Path | None, required: bool = True) -> Path | None:
    value = given
    if value is None and os.environ.get(SOURCES_ENV):
        value = Path(os.environ[SOURCES_ENV])
    if value is None:
        if required:
            raise UsageError(
                f"--sources: give the directory of the source documents (or set ${SOURCES_ENV})"
            )
        return None
    named = _sources_named(given)
    with _reading(named, value):
        if not value.is_dir():
            raise UsageError(f"{named}: {value} is not a directory")
    return value


@contextmanager
def _reading_sources(given: Path | None) -> Iterator[None]:
    """The source files read: one that cannot be (missing, not UTF-8 text, no permission) is
    one line naming how the folder was given (``_sources_named``)."""
    named = _sources_named(given)
    try:
        with _reading(named):
            yield
    except provenance.SourceMissing as error:
        raise UsageError(f"{named}: {error}") from None


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"onconav {onconav.__version__}")
        raise typer.Exit()


# --------------------------------------------------------------------------------------------
# kb show
# --------------------------------------------------------------------------------------------


def _passage(texts: dict[str, provenance.SourceText] | None, span: Span) -> str:
    if texts is None or span.source not in texts:
        return ""
    text = texts[span.source].text
    problem = provenance.check_span("", span, text)
    if problem is not None:
        return f"  (cannot show: {problem.problem})"
    passage = " ".join(text[span.start : span.end].split())
    return f"  “{passage}”"


def _show_record(kb: KnowledgeBase, seen: explain.EntityView,
                 texts: dict[str, provenance.SourceText] | None, ids: bool) -> None:  # fmt: skip
    """A record in words (its view); with its id and its options' ids for a curator (``kb
    show``), without them for a family (``explain``: "(drug: pembrolizumab)",
    "(cervix-pembrolizumab-chemo)" had been shown there)."""
    kind = f"{seen.kind_label}: {seen.id}" if ids else seen.kind_label
    out.print(f"[bold]{escape(seen.title)}[/bold]  [dim]({escape(kind)})[/dim]")
    if seen.aliases:
        out.print(f"  Also called: {escape(', '.join(seen.aliases))}")
    if seen.text:
        out.print(f"  {escape(seen.text)}")
    for label, text in seen.details:
        out.print(f"  {label}: {escape(text)}")
    if seen.in_trials:
        out.print("  [yellow]Only being studied in clinical trials.[/yellow]")
    for note in seen.notes:
        out.print(f"  Note: {escape(note)}")
    if seen.codes:
        out.print(f"  Codes: {escape('; '.join(seen.codes))}")
    if seen.used_by:
        out.print(f"  {seen.used_by_heading}:")
        for option, named in zip(seen.used_by, explain.names_apart(kb, seen.used_by),
                                 strict=True):  # fmt: skip
            flag = " (only in clinical trials)" if option.in_trials else ""
            its_id = f" [dim]({option.id})[/dim]" if ids else ""
            out.print(f"    - {escape(named)}{its_id}{flag}")
    if seen.settles:
        out.print(f"  Settles: {escape(', '.join(seen.settles))}")
    if seen.evidence:
        out.print("  Sources:")
        for span in seen.evidence:
            out.print(f"    {escape(span.label())}{escape(_passage(texts, span))}")
    out.print()


@kb_app.command("show")
def kb_show(
    name: Annotated[str, typer.Argument(help="Any name, brand name, abbreviation or id.")],
    sources: SourcesOption = None,
) -> None:
    """Show an entity of the knowledge base found by any of its names, with its id."""
    _show(name, sources, ids=True)


def _show(name: str, sources: Path | None, ids: bool) -> None:
    """What the knowledge base holds under a name (``kb show``, ``explain``: ``_show_record``)."""
    kb = _kb()
    if not name.strip():
        from onconav.reading import GIVE_A_NAME

        raise UsageError(f"NAME: {GIVE_A_NAME}")
    from onconav.explain import read

    reading = read(kb, name)
    shown = reading.views(kb)  # the entries found, or the kind of procedure (surgery)
    if not shown:
        closest = kb.closest_names(name)
        raise UsageError(
            # the name quoted cut at 40 characters, as the API and the page quote it (a name
            # of 100,000 characters came back whole)
            f"NAME: nothing in the knowledge base is called {words.cut(name)!r}; "
            + (f"the closest name{'s' if len(closest) > 1 else ''}: {', '.join(closest)}; "
               if closest else "")
            + "try another spelling, a brand name or an abbreviation"
        )
    directory = _sources_dir(sources, required=False)
    with _reading_sources(sources):
        texts = provenance.read_sources(directory, kb) if directory else None
    if reading.notice:  # the words of the name set aside ("pills" of "chemo pills")
        out.print(f"Note: {escape(reading.notice)}")
    for seen in shown:
        _show_record(kb, seen, texts, ids)


# --------------------------------------------------------------------------------------------
# kb stats
# --------------------------------------------------------------------------------------------


@kb_app.command("stats")
def kb_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count the knowledge base's entries per kind and per source."""
    kb = _kb()
    data = explain.stats(kb)
    if as_json:
        out.print_json(json.dumps(data))
        return
    counts: dict[str, int] = data["counts"]  # type: ignore[assignment]
    rows = [[kind.replace("_", " "), str(n)] for kind, n in counts.items()]
    rows.append(["options only in trials", str(data["in_trials"])])
    rows.append(["evidence spans", str(data["spans"])])
    _table(f"onconav knowledge base {kb.version}", ["kind", "entries"], rows)
    per_source: dict[str, dict[str, int]] = data["per_source"]  # type: ignore[assignment]
    shown = ["options", "notes", "drugs", "regimens", "procedures", "glossary", "spans"]
    if not out.is_terminal:
        print()
    rows = [[sid, *(str(counter.get(k, 0)) for k in shown)] for sid, counter in per_source.items()]
    _table("entries citing each source", ["source", *shown], rows)


def _table(title: str, columns: list[str], rows: list[list[str]], left: int = 1,
           red: frozenset[int] = frozenset()) -> None:  # fmt: skip
    """A table of kb stats or kb check, every cell whole (ids had been cut, "ccs-sto…"). To a
    pipe or a file: the title, then the column names and the rows tab-separated, for cut, sort
    or a spreadsheet. For a terminal wide enough, drawn; for a narrower one, a line per row,
    "ccs-stomach-stage4: options 14, notes 1, ...", wrapped by words. The first ``left`` columns
    are text (left-aligned), the others numbers; the rows numbered in ``red`` are red."""
    if not out.is_terminal:
        print(title)
        for row in [columns, *rows]:
            print("\t".join(row))
        return
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]
    if sum(widths) + 3 * len(columns) + 1 <= out.width:  # each cell padded, and the borders
        table = Table(title=title)
        for i, column in enumerate(columns):
            table.add_column(column, justify="left" if i < left else "right", no_wrap=True)
        for i, row in enumerate(rows):
            table.add_row(*map(escape, row), style="red" if i in red else None)
        out.print(table)
        return
    out.print(f"[italic]{escape(title)}[/italic]")
    for i, row in enumerate(rows):
        cells = ", ".join(f"{name} {value}" for name, value in zip(columns[1:], row[1:],
                                                                   strict=True))  # fmt: skip
        style = "red" if i in red else "none"
        out.print(f"[{style}][bold]{escape(row[0])}[/bold]: {escape(cells)}[/{style}]")


# --------------------------------------------------------------------------------------------
# kb check
# --------------------------------------------------------------------------------------------


@kb_app.command("check")
def kb_check(
    sources: SourcesOption = None,
    uncited: Annotated[
        bool, typer.Option("--uncited", help="List the paragraphs no span cites.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the coverage table as Markdown to this file "
                     "(in a folder that is there)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --report file if it is "
                                        "there already.")] = False,
) -> None:
    """Verify every evidence span against the sources; report coverage and drift.

    Exit status 0 when every span matches, 1 when any does not (the drift report lists them).
    """
    kb = _kb()
    directory = _sources_dir(sources)
    assert directory is not None
    if report is not None:  # as report's --out and cohort's: checked before the work, and a
        _file_in_a_folder(report, "--report")  # file there kept unless --force (it had been
        _not_there(report, f"--report: {report}", "another --report", force)  # written over)
    with _reading_sources(sources):
        texts = provenance.read_sources(directory, kb)
    reports = provenance.check(kb, texts)
    data = provenance.check_report(reports)
    if report is not None:
        import shlex

        command = shlex.join(["onconav", "kb", "check", "--sources", str(directory), "--report",
                              str(report), *(["--force"] if force else [])])  # fmt: skip
        try:
            report.write_text(provenance.coverage_markdown(kb, reports, command),
                              encoding="utf-8")  # fmt: skip
        except OSError as error:
            raise UsageError(f"--report: cannot write {report} ({error.strerror})") from None
    if as_json:
        out.print_json(json.dumps(data))
    else:
        columns = ["source", "file", "spans", "failed", "paragraphs cited", "characters cited"]
        rows = [[r.source.id, "changed" if r.file_changed else "as cited", str(r.spans),
                 str(len(r.failed)),
                 f"{r.cited_blocks}/{r.content_blocks} ({r.block_coverage:.0%})",
                 f"{r.cited_chars}/{r.content_chars} ({r.char_coverage:.1%})"]
                for r in reports]  # fmt: skip
        red = frozenset(i for i, r in enumerate(reports) if r.file_changed or r.failed)
        _table(f"evidence spans and citation coverage (knowledge base {kb.version})", columns,
               rows, left=2, red=red)  # fmt: skip
        for r in reports:
            if r.failed:
                out.print(
                    f"[bold red]{r.source.id}: {len(r.failed)} fact(s) no longer match "
                    "the source[/bold red]"
                )
                for problem in r.failed:
                    out.print(f"  - {escape(problem.describe())}")
            if uncited and r.uncited:
                out.print(f"[bold]{r.source.id}: paragraphs no span cites[/bold]")
                text = texts[r.source.id].text
                for block in r.uncited:
                    snippet = " ".join(text[block.start : block.end].split())[:90]
                    out.print(f"  {block.start}-{block.end}: {escape(snippet)}")
        total = sum(r.spans for r in reports)
        bad = sum(len(r.failed) for r in reports)
        out.print(f"{total - bad} of {total} spans verified" + (f"; {bad} failed" if bad else ""))
    if not data["ok"]:
        raise typer.Exit(1)


# --------------------------------------------------------------------------------------------
# Curator tools: locate, fmt, schema
# --------------------------------------------------------------------------------------------


@kb_app.command("locate")
def kb_locate(
    source: Annotated[str, typer.Argument(help="Source id.")],
    begins: Annotated[str, typer.Argument(help="The first words of the passage.")],
    ends: Annotated[str | None, typer.Argument(help="The last words of the passage.")] = None,
    sources: SourcesOption = None,
) -> None:
    """Print the evidence span (offsets and hash) of a passage, for writing the data files."""
    kb = _kb()
    if source not in kb.sources:
        raise UsageError(f"SOURCE: unknown source {source!r}; accepted: {', '.join(kb.sources)}")
    if not begins.strip():  # blank words would match an empty passage, which no span can be
        raise UsageError("BEGINS: is empty; give the first words of the passage")
    if ends is not None and not ends.strip():
        raise UsageError("ENDS: is empty; give the last words of the passage, or leave it out")
    directory = _sources_dir(sources)
    assert directory is not None
    with _reading_sources(sources):
        text = provenance.read_source(directory, kb.sources[source]).text
    try:
        start, end = provenance.locate(text, begins, ends)
    except LookupError as error:
        raise UsageError(f"BEGINS/ENDS: {error}") from None
    found = provenance.starts(text, begins)
    if len(found) > 1:  # the first was taken with no word: a curator could cite the wrong one
        print(f"note: {len(found)} passages of {source} begin with {begins!r}, at "
              f"{', '.join(map(str, found[:10]))}{' ...' if len(found) > 10 else ''}; this is "
              f"the first, at {start}: give more of its first words to choose another",
              file=sys.stderr)  # fmt: skip
    span = provenance.make_span(source, text, start, end)
    out.print(canonical.dump_yaml({"evidence": [span.model_dump()]}).rstrip())


@kb_app.command("fmt")
def kb_fmt(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report files not in canonical form.")
    ] = False,
) -> None:
    """Rewrite the data files in canonical form (or, with --check, list those that are not)."""
    import yaml

    from onconav.kb.load import data_files

    changed = []
    for path in data_files():
        text = path.read_text(encoding="utf-8")
        try:
            canonical_form = canonical.canonical_text(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f" (line {mark.line + 1})" if mark is not None else ""
            raise KBError([f"{path.name}: not valid YAML{line}"]) from None
        if canonical_form != text:
            changed.append(path)
            if not check_only:
                canonical.format_file(path)
    verb = "not in canonical form" if check_only else "rewritten"
    for path in changed:
        out.print(f"{path.name}: {verb}")
    out.print(f"{len(changed)} file(s) {verb}")
    if check_only and changed:
        raise typer.Exit(1)


@kb_app.command("build")
def kb_build(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report whether kb.json is current.")
    ] = False,
) -> None:
    """Write kb.json, the data as one validated JSON file that loads fast, from the YAML files
    (or, with --check, exit 1 if it is not current)."""
    from onconav.kb.load import ARTEFACT, artefact_text, data_dir

    path = data_dir() / ARTEFACT
    text = artefact_text()
    current = path.is_file() and path.read_text(encoding="utf-8") == text
    if check_only:
        out.print(f"{path.name}: {'current' if current else 'not current: run onconav kb build'}")
        if not current:
            raise typer.Exit(1)
        return
    if not current:
        path.write_text(text, encoding="utf-8")
    out.print(f"{path.name}: {'unchanged' if current else 'written'}")


@kb_app.command("schema")
def kb_schema(
    output: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Directory to write the JSON Schemas to.")
    ] = Path("schemas"),
    profile_doc: Annotated[
        Path,
        typer.Option("--profile-doc", help="The profile's documentation, whose list of "
                     "accepted words is rewritten (skipped if the file is not there)."),
    ] = Path("docs") / "profile.md",
) -> None:
    """Write the JSON Schemas of the knowledge base, the profile and the result, and the words
    a profile accepts into docs/profile.md."""
    from onconav.schemas import accepted_words_markdown, all_schemas

    if output.exists() and not output.is_dir():
        raise UsageError(f"--output-dir: {output} is a file; give a folder")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        message = f"--output-dir: cannot make the folder {output} ({error.strerror})"
        raise UsageError(message) from None
    kb = _kb()
    for name, text in all_schemas(kb).items():
        _write_text(output / name, text, "--output-dir")
        out.print(f"wrote {output / name}")
    doc = profile_doc
    with _reading("--profile-doc", doc):
        text = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    if text:
        begin, end = WORDS_BEGIN, WORDS_END
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            block = f"{begin}\n{accepted_words_markdown(kb)}{end}"
            _write_text(doc, head + block + rest.split(end, 1)[1], "--profile-doc")
            out.print(f"wrote {doc} (accepted words)")

    from onconav.web import create_app  # the API's OpenAPI document, pinned beside the others

    openapi = json.dumps(create_app(kb).openapi(), indent=2, ensure_ascii=False) + "\n"
    _write_text(output / "openapi.json", openapi, "--output-dir")
    out.print(f"wrote {output / 'openapi.json'}")


def _write_text(path: Path, text: str, option: str) -> None:
    """Write one of kb schema's files; one that cannot be written is one line naming the
    option that says where."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{option}: cannot write {path} ({error.strerror})") from None


@kb_app.command("words")
def kb_words(
    field: Annotated[
        str | None,
        typer.Argument(help="A profile field (stage, symptoms, prior_treatments, "
                       "biomarkers.her2, ...); all of them when left out.",
                       show_default=False),
    ] = None,
) -> None:
    """The words a profile accepts for a field, by the value each is read as (the same list as
    docs/profile.md)."""
    from onconav.schemas import OTHER_CANCER, WORD_FIELDS, accepted_words

    fields = {f: f for f in WORD_FIELDS} | {f.removeprefix("biomarkers."): f for f in WORD_FIELDS}
    if field is not None:  # in any case, with - or a space for _, as the options are written
        field = fields.get(re.sub(r"[-\s]+", "_", field.strip().lower()), field)
    if field is not None and field not in fields:
        raise UsageError(_no_word_list(field, fields))
    kb = _kb()
    lines = []
    for name in [fields[field]] if field is not None else WORD_FIELDS:
        lines.append(name)
        for value, names in accepted_words(kb, name).items():
            lines.append(f"  {value or '(not known)'}: {', '.join(names)}")
        if name == "cancer":
            lines.append(f"  (another): {OTHER_CANCER}")
    lines.append(f"Every field but cancer also takes a word for not known, read as if the field "
                 f"were left out: {', '.join(words.NOT_KNOWN)}, or blank.")  # fmt: skip
    say("\n".join(lines), hang=2)  # a value's words go on under them


def _no_word_list(typed: str, fields: dict[str, str]) -> str:
    """The error for a FIELD of ``kb words`` with no list of words: a yes/no field says that it
    takes yes or no, and a slip of a field's name is named as the profile's errors name one
    ("did you mean symptoms?"); it had been "not a field whose words are listed" for both (a
    nurse navigator's review)."""
    from onconav.profile import YES_NO_FIELDS, closest_name
    from onconav.schemas import WORD_FIELDS

    listed = ", ".join(WORD_FIELDS)
    named = _field_named(typed)
    if named in YES_NO_FIELDS:
        return (f"FIELD: {named} takes yes or no (true or false), not words from a list; the "
                f"fields with lists of words: {listed}")  # fmt: skip
    squashed = re.sub(r"[-\s]+", "_", typed.strip().lower())
    meant = named if named in WORD_FIELDS else closest_name(squashed, fields)
    hint = f"did you mean {fields[meant]}? " if meant in fields else ""
    return f"FIELD: {typed!r} is not a field whose words are listed; {hint}accepted: {listed}"


WORDS_BEGIN = "<!-- accepted words: generated by `onconav kb schema` -->"
WORDS_END = "<!-- end of accepted words -->"


# --------------------------------------------------------------------------------------------
# options and explain: the main job
# --------------------------------------------------------------------------------------------


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class TextOrJson(StrEnum):
    """The formats of a command with no Markdown view (fhir profile's help had offered one it
    refused), search's and fhir profile's."""

    text = "text"
    json = "json"


def _with_flag(problem: Problem, from_file: bool) -> Problem:
    """A missing cancer names the flag that gives it and what it takes, in the API's words
    (``reading.cancer_required``), and --profile only when no profile (nor record) was given:
    it had been offered beside the very file that left the cancer out."""
    from onconav.reading import cancer_required

    said = cancer_required(problem, " with --cancer")
    if said is not problem and not from_file:
        return replace(said, message=f"{said.message} (or give --profile FILE)")
    return said


def _read_profile(paths: list[str], flags_add: bool = True) -> dict[str, Any]:
    """A profile file (JSON or YAML), or standard input with '-'; given once. No more is read
    than the largest profile accepted, and one byte."""
    if len(paths) > 1:
        raise UsageError(f"--profile: given {len(paths)} times; give one profile"
                         + (" (flags override its answers)" if flags_add else ""))
    [path] = paths
    where = "standard input" if path == "-" else path
    with _reading("--profile", where):
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_PROFILE_BYTES + 1)
        else:
            file = Path(path)
            if not file.exists():  # "is not a file" had been said of a name not there too
                raise UsageError(f"--profile: {path} does not exist")
            if file.is_dir():  # a pipe is read ("<(...)", /dev/fd/63)
                raise UsageError(f"--profile: {path} is not a file (a folder)")
            with file.open("rb") as stream:
                raw = stream.read(MAX_PROFILE_BYTES + 1)
    check_size(len(raw), where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"--profile: {where} is not UTF-8 text ({error.reason})") from None
    return profile_from_text(text, where)


def _one_answer(flag: str, values: list[str] | None, field: str) -> str | None:
    """The answer of a flag that takes one, given once, or again in words that read the same
    (``--stage 4 --stage IV``: ``distinct_answers``); two answers are refused, as the page
    refuses them (the last one had silently won)."""
    # a cancer given again is read with the knowledge base ("rectum", "Rectal"); loaded only then
    kb = _kb() if field == "cancer" and len(values or []) > 1 else None
    answers = distinct_answers(field, values or [], kb)
    if len(answers) > 1:
        raise _more_than_one(flag, answers)
    return answers[0] if answers else None


def _yes_or_no(flags: str, values: list[bool] | None) -> bool | None:
    """The answer of a yes-or-no flag pair (``--resectable/--not-resectable``): given both ways it
    is refused, as two answers to a one-answer flag are (the last one had silently won)."""
    answers = set(values or [])
    if len(answers) > 1:
        raise UsageError(f"{flags}: given both ways: choose one")
    return answers.pop() if answers else None


def _key_of(data: dict[str, Any], field: str) -> str:
    """The key that gives ``field`` in a profile's data: the field's own name, or the file's
    name for it in another case (``Biomarkers``), which ``profile.tidy_keys`` reads as it."""
    if field in data:
        return field
    return next((k for k in data if isinstance(k, str) and k.lower() == field), field)


def _without_fields(data: dict[str, Any], fields: set[str], markers: set[str]) -> dict[str, Any]:
    """A profile's data without what it says of the ``fields`` and biomarkers (``markers``) that
    flags give, so that the flags override the file: every key that names one in any case, as
    ``profile.tidy_keys`` folds them (``Stage`` beside --stage had been "given twice, by names
    that differ in case only"), and a marker at the top level as well as in the biomarkers
    (``"her2": "negative"`` beside --her2 positive had been a contradiction, and HER2 unknown)."""
    def named(key: object, names: set[str]) -> bool:
        return isinstance(key, str) and key.lower() in names

    kept = {k: v for k, v in data.items() if not named(k, fields | markers)}
    for key, value in kept.items():
        if named(key, {"biomarkers"}) and isinstance(value, dict):
            kept[key] = {k: v for k, v in value.items() if not named(k, markers)}
    return kept


# the flag of `onconav options` that gives each fact of a profile (a yes-or-no fact: both ways)
FLAG_OF = {
    "cancer": "--cancer", "stage": "--stage", "recurrence": "--recurrence",
    "resectable": "--resectable/--not-resectable", "metastases": "--metastasis",
    "metastasis_extent": "--extent", "weak_bone": "--weak-bone/--no-weak-bone",
    "biomarkers.her2": "--her2", "biomarkers.kras": "--kras", "progressed_on": "--progressed-on",
    "cannot_have": "--cannot-have", "most_treatments_tried": "--most-tried/--not-most-tried",
    "prior_treatments": "--prior", "symptoms": "--symptom",
    "tumour_on_nerve": "--tumour-on-nerve/--no-tumour-on-nerve",
    "tumour_may_block": "--tumour-may-block/--no-tumour-may-block",
    "wants_cancer_treatment": "--wants-treatment/--no-cancer-treatment", "planned": "--planned",
    "used_for_my_cancer": "--used-for-my-cancer", "kin_may_work": "--kin-may-work",
    "chemo_for_spread": "--chemo-for-spread/--no-chemo-for-spread",
    "hormone_sensitive": "--hormone-sensitive/--not-hormone-sensitive",
}  # fmt: skip


@app.command("options")
def options_command(
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile", "-p", help="Profile file (JSON or YAML), or - for standard input.",
            metavar="<path>",
        ),
    ] = None,
    fhir: Annotated[
        Path | None,
        typer.Option("--fhir", help="A FHIR (mCODE) Bundle as JSON, read into the profile "
                     "(see docs/fhir.md); flags override what it gives, and each value "
                     "replaced is said."),
    ] = None,
    cancer: Annotated[
        list[str] | None,
        typer.Option(help="Where the cancer started: stomach, rectum, cervix, breast, ...",
                     metavar="<str>"),
    ] = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(help="4, 4A or 4B (also IV, IVA, IVB); or an earlier stage: 1, 2 or 3 "
                     "(I, II, III).", metavar="<str>"),
    ] = None,
    recurrence: Annotated[
        list[str] | None, typer.Option(help="none, yes, local or distant.", metavar="<str>")
    ] = None,
    resectable: Annotated[
        list[bool] | None,
        typer.Option(
            "--resectable/--not-resectable",
            help="Could surgery remove all of it?",
            show_default=False, metavar="",
        ),
    ] = None,
    metastasis: Annotated[
        list[str] | None,
        typer.Option("--metastasis", help="Where it has spread (repeat; the words taken: "
                     "onconav kb words metastases).", metavar="<str>"),
    ] = None,
    extent: Annotated[
        list[str] | None,
        typer.Option("--extent", help="few or many (tumours where it spread).", metavar="<str>"),
    ] = None,
    her2: Annotated[
        list[str] | None,
        typer.Option("--her2", help="positive (3+), negative (0, 1+) or equivocal (2+).",
                     metavar="<str>"),
    ] = None,
    kras: Annotated[
        list[str] | None,
        typer.Option("--kras", help="wild-type or mutated (also G12C, G12D, ...).",
                     metavar="<str>"),
    ] = None,
    progressed_on: Annotated[
        list[str] | None,
        typer.Option("--progressed-on", help="What stopped working (repeat; the words "
                     "taken: onconav kb words progressed_on).", metavar="<str>"),
    ] = None,
    cannot_have: Annotated[
        list[str] | None,
        typer.Option("--cannot-have", help="Treatments that cannot be used (repeat; the "
                     "words taken: onconav kb words cannot_have).",
                     metavar="<str>"),
    ] = None,
    most_tried: Annotated[
        list[bool] | None,
        typer.Option(
            "--most-tried/--not-most-tried",
            help="Have most treatments been tried?",
            show_default=False, metavar="",
        ),
    ] = None,
    prior: Annotated[
        list[str] | None,
        typer.Option("--prior", help="Treatments already had (repeat; the words taken: "
                     "onconav kb words prior_treatments).", metavar="<str>"),
    ] = None,
    symptom: Annotated[
        list[str] | None,
        typer.Option("--symptom", help="Symptoms (repeat); 'none' for none (the words "
                     "taken: onconav kb words symptoms).", metavar="<str>"),
    ] = None,
    wants_treatment: Annotated[
        list[bool] | None,
        typer.Option(
            "--wants-treatment/--no-cancer-treatment",
            help="Does the person want cancer treatment?",
            show_default=False, metavar="",
        ),
    ] = None,
    planned: Annotated[
        list[str] | None,
        typer.Option("--planned", help="Planned treatments (repeat; the words taken: "
                     "onconav kb words planned).", metavar="<str>"),
    ] = None,
    hormone_sensitive: Annotated[
        list[bool] | None,
        typer.Option("--hormone-sensitive/--not-hormone-sensitive",
                     help="Do hormones help the cancer grow?", show_default=False,
                     metavar=""),
    ] = None,
    weak_bone: Annotated[
        list[bool] | None,
        typer.Option(
            "--weak-bone/--no-weak-bone",
            help="Has a scan shown a bone that the cancer has made weak?",
            show_default=False, metavar="",
        ),
    ] = None,
    tumour_on_nerve: Annotated[
        list[bool] | None,
        typer.Option(
            "--tumour-on-nerve/--no-tumour-on-nerve",
            help="Has the care team said a tumour pressing on a nerve causes pain?",
            show_default=False, metavar="",
        ),
    ] = None,
    tumour_may_block: Annotated[
        list[bool] | None,
        typer.Option(
            "--tumour-may-block/--no-tumour-may-block",
            help="Has the surgeon or the care team said a tumour is likely to block the stomach "
            "or the bowel?",
            show_default=False, metavar="",
        ),
    ] = None,
    used_for_my_cancer: Annotated[
        list[str] | None,
        typer.Option(
            "--used-for-my-cancer",
            help="Kinds of drug treatment the care team says are used for this type of cancer: "
            "targeted therapy, immunotherapy (repeat; 'none' for neither).",
            metavar="<str>",
        ),
    ] = None,
    kin_may_work: Annotated[
        list[str] | None,
        typer.Option(
            "--kin-may-work",
            help="Kinds of drug the care team says could still work although a drug of that "
            "kind stopped working: platinum, taxane, fluoropyrimidine, anti-EGFR, anti-HER2, "
            "anti-VEGF, checkpoint inhibitor (repeat; 'none' for none).",
            metavar="<str>",
        ),
    ] = None,
    chemo_for_spread: Annotated[
        list[bool] | None,
        typer.Option(
            "--chemo-for-spread/--no-chemo-for-spread",
            help="Was chemotherapy given after the cancer had spread?",
            show_default=False, metavar="",
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", metavar="<text|json|markdown>",
                             help="text (default), json or markdown.", show_default=False)
    ] = Format.text,
    brief: Annotated[
        bool,
        typer.Option(
            "--brief",
            help="One line per option (status, name, the reason or the questions that would "
            "decide it), for a tumour board.", metavar="",
        ),
    ] = False,
    sources: SourcesOption = None,
) -> None:
    """Every treatment option for a person's situation, with status, reasons and sources.

    Give the situation as a profile file (see docs/profile.md) or with the flags; flags override
    the file's answers, and each one replaced is said. Anything not given is unknown, never
    assumed.
    """
    if brief and output_format is not Format.text:
        raise UsageError("--brief: is a text view; use it without --format (the JSON and the "
                         "Markdown report hold every detail)")  # fmt: skip
    if profile and fhir is not None:
        raise UsageError("--fhir: give a profile or a FHIR bundle, not both")
    if cancer and not all(name.strip() for name in cancer):
        raise UsageError("--cancer: is empty; say where the cancer started (stomach, rectum, "
                         "cervix, breast, ...)")  # fmt: skip
    data: dict[str, Any] = _read_profile(profile) if profile else {}
    cancer_flag = _one_answer("--cancer", cancer, "cancer")
    reading = _read_fhir(fhir, "--fhir", cancer_flag) if fhir is not None else None
    if reading is not None:
        data = dict(reading.data)
    flags: dict[str, object | None] = {
        "cancer": cancer_flag,
        "stage": _one_answer("--stage", stage, "stage"),
        "recurrence": _one_answer("--recurrence", recurrence, "recurrence"),
        "resectable": _yes_or_no("--resectable/--not-resectable", resectable),
        "metastases": metastasis,
        "metastasis_extent": _one_answer("--extent", extent, "metastasis_extent"),
        "weak_bone": _yes_or_no("--weak-bone/--no-weak-bone", weak_bone),
        "tumour_on_nerve": _yes_or_no("--tumour-on-nerve/--no-tumour-on-nerve", tumour_on_nerve),
        "tumour_may_block": _yes_or_no("--tumour-may-block/--no-tumour-may-block",
                                       tumour_may_block),
        "progressed_on": progressed_on, "cannot_have": cannot_have,
        "most_treatments_tried": _yes_or_no("--most-tried/--not-most-tried", most_tried),
        "prior_treatments": prior, "symptoms": symptom,
        "wants_cancer_treatment": _yes_or_no("--wants-treatment/--no-cancer-treatment",
                                             wants_treatment),
        "planned": planned,
        "hormone_sensitive": _yes_or_no("--hormone-sensitive/--not-hormone-sensitive",
                                        hormone_sensitive),
        "chemo_for_spread": _yes_or_no("--chemo-for-spread/--no-chemo-for-spread",
                                       chemo_for_spread),
        "used_for_my_cancer": used_for_my_cancer, "kin_may_work": kin_may_work,
    }  # fmt: skip
    set_by_flags = {k for k, v in flags.items() if v is not None}
    marked = {m for m, v in (("her2", her2), ("kras", kras)) if v}  # markers the flags give
    # the file's (or record's) answers, with the flags' only where it gives none: what a flag
    # replaces of it is said (``_replacing``)
    given_data = {**{k: v for k, v in flags.items() if v is not None
                     and _key_of(data, k) not in data}, **data}  # fmt: skip
    data = _without_fields(data, set_by_flags, marked)
    data.update({k: v for k, v in flags.items() if v is not None})
    typed = data.get("as_typed")  # a result's profile: a flag's field keeps no words of the file's
    if isinstance(typed, dict):
        set_by_flags |= {f"biomarkers.{m}" for m in marked}
        cancer_words = typed.get("cancer") if "cancer" in set_by_flags else None
        data["as_typed"] = {f: w for f, w in typed.items() if f not in set_by_flags
                            and (cancer_words is None or w != cancer_words)}  # fmt: skip
    key = _key_of(data, "biomarkers")  # the file's "Biomarkers" is biomarkers too
    given = data.get(key)
    if her2 or kras:  # flags add to the file's biomarkers (a non-mapping is parse_profile's error)
        markers = dict(given) if isinstance(given, dict) else {}
        for name, values in (("her2", her2), ("kras", kras)):
            if values:
                markers[name] = values[0] if len(values) == 1 else values
        if isinstance(given, dict) or given is None:
            data[key] = markers
    kb = _kb()
    try:
        person = parse_profile(data, kb)
    except ProfileError as error:  # every problem; a missing cancer names the flag that gives it
        from_file = bool(profile) or fhir is not None
        by_flag = set_by_flags | {f"biomarkers.{m}" for m in marked}
        pointed: set[str] = set()
        raise ProfileError([_as_flag(_with_flag(p, from_file), by_flag, from_file, pointed)
                            for p in error.problems]) from None  # fmt: skip
    result = evaluate(person, kb)
    if reading is not None:
        from onconav.fhir.evaluate import with_reading

        result = with_reading(result, reading)
    if reading is not None or profile:
        by_flags = set_by_flags | {f"biomarkers.{m}" for m in marked}
        replacing = _replacing(given_data, person, by_flags,
                               "the record" if reading else "the profile")  # fmt: skip
        if reading is not None:  # and what they fill in that the record does not give
            replacing += _filling(reading.data, person, by_flags)
        result = result.model_copy(update={"warnings": [*replacing, *result.warnings]})
    directory = _sources_dir(sources, required=False)
    with _reading_sources(sources):
        lookup = provenance.passages(directory, kb) if directory is not None else None
    if lookup is not None:  # the passages cited that cannot be shown, in every format alike
        _warn_not_shown(provenance.not_shown(lookup, result.cited()), _sources_named(sources))
    if output_format is Format.json:
        _print_json(result.model_dump_json(indent=2))
        return
    if brief:
        from onconav import render

        say(render.brief(result), column=True)  # a line goes on under the option's name
        return
    if output_format is Format.markdown:
        from onconav import render

        print(render.markdown(result, lookup))
    else:
        from onconav.cli import terminal

        terminal.text(result, out, lookup)


def _as_flag(problem: Problem, by_flag: set[str], from_file: bool, pointed: set[str]) -> Problem:
    """A problem of a value a flag gave, named by the flag typed, not the profile's field
    ("--metastasis: 'moon' is not known", not "metastases[0]: ..."; "--her2: ...", not
    "biomarkers.her2: ..."), with each other field its words name by its flag too ("list it
    among the treatments had (--prior)", not "(prior_treatments)"; with a profile file,
    "(prior_treatments, or --prior)"). The pointer to the words accepted is kept
    (``_where_words_are``)."""
    field = problem.field.split("[")[0]
    if field not in by_flag or field not in FLAG_OF:
        return problem

    def flag_of(named: re.Match[str]) -> str:
        other = named.group(1)
        if other not in FLAG_OF:
            return named.group(0)
        flags = " or ".join(FLAG_OF[other].split("/"))
        return f"({other}, or {flags})" if from_file else f"({flags})"

    message = re.sub(r"\(([a-z_.]+)\)", flag_of, problem.message)
    message += _where_words_are(problem, pointed)
    return replace(problem, field=" or ".join(FLAG_OF[field].split("/")), message=message)


def _replacing(given: dict[str, Any], person: Profile, fields: set[str], named: str) -> list[str]:
    """What the flags replace of what a profile file or a FHIR record (``named``: "the
    profile", "the record") gives, each said: "flags override" the file, and had done so without
    a word (--metastasis lung over a profile's liver). ``given``: the file's data, with the
    flags' answers only where it gives none (its cancer, when it names none)."""
    kb = _kb()
    try:
        before = parse_profile(given, kb)
    except ProfileError:  # what the file gives is not read alone: nothing said to be replaced
        return []

    return [f"{field}: {named} gives {value_words(kb, field, was, 'nothing')}; the flag "
            f"given replaces it with {value_words(kb, field, now, 'nothing')}"
            for field, was, now in replaced(before, person, sorted(fields))]  # fmt: skip


def _filling(record: dict[str, Any], person: Profile, fields: set[str]) -> list[str]:
    """What the flags give that a FHIR record does not (``record``: its profile data), each
    said, so that a reader can tell the record's answers from the command line's (the cancer of
    a record with no cancer Condition, given with --cancer, had been refused)."""
    kb = _kb()
    out = []
    for field in sorted(fields):
        marker = field.removeprefix("biomarkers.")
        on_record = (record.get("biomarkers") or {}).get(marker) if marker != field else (
            record.get(field))  # fmt: skip
        now = value_of(person, field)
        if on_record in (None, []) and now not in (None, []):
            out.append(f"{field}: the record does not give it; the flag given gives "
                       f"{value_words(kb, field, now, 'nothing')}")  # fmt: skip
    return out


def _warn_not_shown(by_source: dict[str, list[Any]], named: str = "--sources") -> None:
    """One warning per source whose file no longer matches passages that were to be shown;
    ``named``: how the folder was given (``_sources_named``)."""
    for source, spans in by_source.items():
        where = ", ".join(f"{c.start}-{c.end}" for c in spans)
        count = f"{len(spans)} cited passage" + ("" if len(spans) == 1 else "s")
        warn(f"{named}: {source}: the file no longer matches {count}, not shown: {where} "
             "(onconav kb check lists them)")


# ---- FHIR (mCODE) in: onconav fhir profile, and options --fhir ---------------------------------

fhir_app = typer.Typer(help="Read a FHIR (mCODE) record into a profile.", no_args_is_help=True)
app.add_typer(fhir_app, name="fhir")


def _read_fhir(path: Path, given_as: str, cancer: str | None = None) -> Any:
    """A FHIR Bundle file read into a profile (onconav.fhir.FhirReading); any problem is one
    line naming what is wrong or missing, and where the file was named (``given_as``: --fhir,
    BUNDLE). ``cancer``: the words of --cancer, read where the record holds no cancer (a name
    that cannot be read is parse_profile's problem, named by the flag, later)."""
    from onconav.fhir import FhirError, fhir_json, read_bundle

    if str(path) == "-":
        raise UsageError(f"{given_as}: standard input is not read for a FHIR Bundle; give the "
                         "Bundle's file")  # fmt: skip
    with _reading(given_as, path):
        if path.is_dir():
            raise UsageError(f"{given_as}: {path} is a folder; {given_as} reads one person's "
                             f"FHIR Bundle file (a folder of FHIR Bulk Data NDJSON, many "
                             f"people, is read by onconav cohort {path})")  # fmt: skip
        if not path.exists():  # a pipe is read ("<(...)", /dev/fd/63)
            raise UsageError(f"{given_as}: {path} does not exist")
        with path.open("rb") as stream:
            raw = stream.read(MAX_BUNDLE_BYTES + 1)
    if len(raw) > MAX_BUNDLE_BYTES:
        raise UsageError(f"{path}: larger than {MAX_BUNDLE_BYTES} bytes")
    try:
        bundle = fhir_json(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UsageError(f"{given_as}: {path} is not UTF-8 text ({error.reason})") from None
    except FhirError as error:  # a key given twice
        raise ProfileError(error.problems) from None
    except (ValueError, RecursionError) as error:  # in the API's words (problems.not_json)
        from onconav.reading import FHIR_DEPTH, why_not_fhir_json

        if _one_resource_a_line(raw):
            raise UsageError(f"{given_as}: {path} holds one FHIR resource a line (NDJSON, as "
                             f"FHIR Bulk Data writes); {given_as} reads one person's Bundle (a "
                             "folder of NDJSON files, many people, is read by onconav cohort "
                             "FOLDER)") from None  # fmt: skip
        raise UsageError(f"{given_as}: {path} {why_not_fhir_json(raw, error, FHIR_DEPTH)}"
                         ) from None  # fmt: skip
    site = None
    if cancer is not None:
        reading = read_cancer(_kb(), cancer)
        site = "unknown" if reading.problems or reading.site == "any" else reading.site
    try:
        return read_bundle(bundle, _kb(), site)
    except FhirError as error:
        problems = error.problems
        if error.cancer_missing and given_as == "--fhir":  # the flag that fills it in, named
            problems = [replace(problems[0], message=f"{problems[0].message}; or give where it "
                                "started with --cancer (stomach, rectum, cervix, ...)"),
                        *problems[1:]]  # fmt: skip
        raise ProfileError(problems) from None


def _one_resource_a_line(raw: bytes) -> bool:
    """Whether a file that is not one JSON document is NDJSON of FHIR resources: its first two
    lines each a JSON object with a resourceType."""
    lines = [line for line in raw.splitlines() if line.strip()][:2]
    try:
        return len(lines) == 2 and all(
            isinstance(o := json.loads(line), dict) and "resourceType" in o for line in lines)
    except ValueError:
        return False


@fhir_app.command("profile")
def fhir_profile(
    bundle: Annotated[Path, typer.Argument(help="A FHIR Bundle (JSON).")],
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="text or json.")
    ] = TextOrJson.text,
) -> None:
    """The profile a FHIR (mCODE) Bundle gives, each field with the resources it came from, and
    every resource not used with the reason."""
    reading = _read_fhir(bundle, "BUNDLE")
    if output_format is TextOrJson.json:
        print(json.dumps(reading.as_json(), indent=2))
        return
    fields = {**{k: v for k, v in reading.data.items() if k != "biomarkers"},
              **{f"biomarkers.{k}": v for k, v in reading.data.get("biomarkers", {}).items()}}
    say("profile (each field with where it came from):")
    for name, refs in reading.sources.items():
        value = fields.get(name)
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        say(f"  {name}: {shown.lower() if isinstance(value, bool) else shown}")
        say(f"    from {', '.join(refs)}", hang=2)
    say("not known from the record: " + ", ".join(f for f in fact_fields() if f not in fields),
        hang=2)
    if reading.unused:
        say(f"not used ({len(reading.unused)}):")
        for item in reading.unused:
            say(f"  {item.reference}: {item.reason}", hang=2)
    for warning in reading.warnings:
        warn(warning)


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"


@app.command("report")
def report_command(
    profiles: Annotated[
        list[str],
        typer.Option("--profile", "-p", metavar="<path>",
                     help="Profile file (JSON or YAML); - for standard input."),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", "-o", metavar="<path>",
                           help="Where to write the report ('-': standard output).")
    ],
    output_format: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", metavar="<pdf|html>", help="pdf or html (default: as "
                     "--out ends, .pdf or .html; pdf for -); it must fit an --out that ends "
                     ".pdf or .html."),
    ] = None,
    sources: SourcesOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file if it is there "
                                        "already (never the profile itself).")] = False,
    short: Annotated[bool, typer.Option("--short", help="The short report: the options that may "
                                        "apply, briefly, with what would decide them and their "
                                        "sources; the others by name with why; no passage "
                                        "quoted.")] = False,
) -> None:
    """A printable report of the options for a profile (PDF or HTML): the situation, every option
    with its status and reasons, the passages cited (with --sources), the questions to ask, and
    space for notes (--short: the short report). The same content as the page's report."""
    if len(profiles) > 1:  # refused before anything is read, in _read_profile's words
        _read_profile(profiles, flags_add=False)
    target = _file_in_a_folder(out_file, "--out") if str(out_file) != "-" else None
    if target is not None:  # the profile it reads is never written over; another file, not
        for path in profiles:  # without --force (``_not_there``): it had been, without a word
            if path != "-" and _same_file(Path(path), target):
                raise UsageError(f"--out: {out_file} is the --profile file; give another file")
        _not_there(out_file, f"--out: {out_file}", "another --out", force)
    suffix = {".pdf": ReportFormat.pdf, ".html": ReportFormat.html,
              ".htm": ReportFormat.html}.get(out_file.suffix.lower())  # fmt: skip
    if output_format is not None and suffix is not None and output_format is not suffix:
        raise UsageError(f"--format: {output_format.value} does not fit --out {out_file}, a "
                         f"{out_file.suffix} file; give one that ends .{output_format.value}, or "
                         f"--format {suffix.value}")  # fmt: skip
    if output_format is None and suffix is None and str(out_file) != "-":
        raise UsageError(f"--out: {out_file.name!r} has no known suffix; accepted: .pdf, .html "
                         "(also .htm); or give --format")  # never a PDF under r.md or r.txt
    output_format = output_format or suffix or ReportFormat.pdf
    if str(out_file) == "-" and output_format is ReportFormat.pdf and sys.stdout.isatty():
        raise UsageError("--out: '-' is the standard output, a terminal here, which cannot show "
                         "a PDF; give a file (--out report.pdf), send it on (> report.pdf, "
                         "| lp), or give --format html")  # fmt: skip
    kb = _kb()
    result = evaluate(parse_profile(_read_profile(profiles, flags_add=False), kb), kb)
    directory = _sources_dir(sources, required=False)
    with _reading_sources(sources):
        lookup = provenance.passages(directory, kb) if directory is not None else None
    from onconav.web import report

    if lookup is not None and not short:  # as options warns of them; the report says so too
        _warn_not_shown(provenance.not_shown(lookup, result.cited()), _sources_named(sources))
    if output_format is ReportFormat.html:
        content = report.html(result, kb, lookup, short=short).encode("utf-8")
    else:
        content = report.pdf(result, kb, lookup, short=short)
    if str(out_file) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        out_file.write_bytes(content)
    except OSError as error:
        raise UsageError(f"--out: cannot write {out_file} ({error.strerror})") from None
    print(f"wrote {out_file} ({len(content) // 1024} KB, {output_format.value})", file=sys.stderr)


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (by another name, a link, a hard link)."""
    try:
        return one.resolve() == other.resolve() or os.path.samefile(one, other)
    except OSError:  # one of them is not there
        return False


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    sources: SourcesOption = None,
) -> None:
    """Serve the page and the HTTP API with uvicorn: the page at http://HOST:PORT/, the API's
    documents at http://HOST:PORT/docs."""
    import uvicorn

    from onconav.cdshooks.settings import SettingsError, from_environment
    from onconav.web.app import configure_logging

    directory = _sources_dir(sources, required=False)
    if directory is not None:
        os.environ[SOURCES_ENV] = str(directory)
    try:  # the CDS Hooks settings (docs/cds-hooks.md), checked before any worker starts
        from_environment(os.environ)
    except SettingsError as error:
        raise UsageError(str(error)) from None
    _can_listen(host, port)
    configure_logging()
    uvicorn.run("onconav.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, access_log=False, log_config=None)  # fmt: skip


def _can_listen(host: str, port: int) -> None:
    """Whether the server can listen on HOST:PORT, tried before it starts: each address HOST
    names is bound as uvicorn's server (asyncio's create_server) binds it, and let go. (uvicorn
    tells a port in use or a host not this machine's in several lines of its log, and ends with
    status 3.)"""
    import errno
    import socket

    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                       flags=socket.AI_PASSIVE)  # fmt: skip
    except (OSError, UnicodeError, ValueError) as error:  # a name not found, or no name at all
        raise UsageError(f"--host: cannot listen on {host!r} "
                         f"({getattr(error, 'strerror', None) or error})") from None  # fmt: skip
    for family, kind, proto, _, address in addresses:
        try:
            sock = socket.socket(family, kind, proto)
        except OSError:  # a family this machine has not: asyncio leaves it out too
            continue
        with sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # its own family only, as asyncio binds it
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    message = f"--port: {port} is in use on {host}; give another port"
                elif error.errno == errno.EADDRNOTAVAIL:
                    message = (f"--host: {host} is not an address of this machine "
                               "(127.0.0.1 is this machine alone)")  # fmt: skip
                else:  # a port under 1024 for a user who may not (EACCES), ...
                    option = "--port" if error.errno == errno.EACCES else "--host, --port"
                    message = f"{option}: cannot listen on {host}:{port} ({error.strerror})"
                raise UsageError(message) from None


class _CohortGroup(TyperGroup):
    """`onconav cohort INPUT` runs `onconav cohort run INPUT`; `demo` and `gaps` are commands. An
    INPUT named as a command (a FHIR export folder `demo` or `gaps`) given with what that command
    does not take (`onconav cohort demo --quiet`, `onconav cohort gaps --engine python`) is that
    INPUT: the command's words had been refused ("No such option"); `onconav cohort run demo`
    is it in any case."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and self._input(ctx, args):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def _input(self, ctx: Any, args: list[str]) -> bool:
        """Whether ``args[0]`` is the INPUT of ``run``."""
        if args[0] in ("--help", "-h"):
            return False
        if args[0] not in self.commands:
            return True
        return args[0] != "run" and Path(args[0]).exists() and not (
            {"--help", "-h"} & set(args) or self._takes(ctx, args))

    def _takes(self, ctx: Any, args: list[str]) -> bool:
        """Whether the command ``args[0]`` takes the words after it."""
        try:
            self.commands[args[0]].make_context(args[0], list(args[1:]), parent=ctx)
        except _click_classes("UsageError"):  # what it does not take (No such option, ...)
            return False
        return True


cohort_app = typer.Typer(
    cls=_CohortGroup,
    help="Population screening: every option for every person of a table (docs/cohort.md). "
    "onconav cohort INPUT is onconav cohort run INPUT; an INPUT named demo or gaps (a FHIR "
    "export folder): onconav cohort run demo.",
    # whole in the list of commands (click cuts a group's help to one line there)
    short_help="Population screening: every option for every person of a table "
    "(docs/cohort.md); onconav cohort INPUT is onconav cohort run INPUT.",
    no_args_is_help=True,
)
app.add_typer(cohort_app, name="cohort")


class CohortEngine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"
    python = "python"


class TableFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    ndjson = "ndjson"


def _files_only(**given: Path | None) -> None:
    """``-``, which elsewhere means standard input or output, given as a file that ``onconav
    cohort`` writes (``--out``, ``--quarantine``): refused, exit status 2. A cohort's outputs are
    files, written beside each other (the result, its quarantine and summary); ``--out -`` had
    written files named ``-``, ``-.quarantine.csv`` and ``-.summary.json``."""
    for option, path in given.items():
        if path is not None and str(path) == "-":
            accepted = ("a .csv file" if option == "quarantine" else
                        "a file ending .parquet, .csv or .ndjson")  # fmt: skip
            raise UsageError(f"--{option}: '-' (standard output) is not accepted: onconav "
                             "cohort writes files (the result, with its quarantine and summary "
                             f"beside it); give {accepted}")  # fmt: skip


def _file_in_a_folder(path: Path, option: str) -> Path:
    """The one check of where a command writes a file (``report --out``, ``cohort``'s ``--out``
    and ``--quarantine``, ``kb check --report``): a file, not a folder, in a folder that is
    there; its path made absolute. A folder that is not there is refused, never made: cohort and
    kb check had made any (``--out /nonexistent/x.parquet`` made /nonexistent/) while report
    refused it (a nurse navigator's review), and a mistyped folder is better told than made."""
    target = path.resolve()
    try:
        if target.is_dir():
            raise UsageError(f"{option}: cannot write {path} (a folder; give a file)")
        if target.parent.is_dir():
            return target
        there = next((p for p in target.parents if p.exists()), None)
    except OSError as error:  # a folder that cannot be looked into
        raise UsageError(f"{option}: cannot write {path} ({error.strerror or error})") from None
    if there is not None and not there.is_dir():
        raise UsageError(f"{option}: cannot write {path} ({str(there)!r} is a file, not a "
                         "folder)")  # fmt: skip
    raise UsageError(f"{option}: cannot write {path} (not a file in an existing folder: "
                     f"{str(target.parent)!r} is not there; make it first)")  # fmt: skip


def _writable(path: Path, option: str, *taken: tuple[Path, str], force: bool = False) -> Path:
    """``path`` if it can be written: a file in a folder that is there (``_file_in_a_folder``)
    and that a file can be made in (tried: a read-only share, /proc), none of the ``taken``
    files (the input, another output), which it would overwrite, and not there already unless
    ``force`` (``_not_there``)."""
    import tempfile

    from onconav.cohort.bulk import holds_resources

    target = _file_in_a_folder(path, option)
    for other, name in taken:
        if other.resolve() == target:
            raise UsageError(f"{option}: {path} is {name}; give another file")
        # a file of the FHIR export a folder INPUT is (Observation.ndjson), even with --force:
        # it had been left out of the reading as the run's own, the answers made without it
        # (bevacizumab with FOLFOX offered), and then written over
        if other.is_dir() and target.parent == other.resolve() and holds_resources(target):
            raise UsageError(f"{option}: {path} is a file of {name}, the FHIR export it reads; "
                             "give a file outside it")  # fmt: skip
    _not_there(path, f"{option}: {path}", f"another {option}", force)
    try:  # the run writes its work beside the output too (a temporary folder)
        with tempfile.TemporaryFile(dir=target.parent, prefix=".onconav-"):
            pass
    except OSError as error:
        raise UsageError(f"{option}: cannot write {path}: the folder "
                         f"{str(target.parent)!r} cannot be written "
                         f"({error.strerror or error})") from None  # fmt: skip
    return path


def _not_there(path: Path, said: str, instead: str, force: bool) -> None:
    """A file a command would write that is there already (an analyst's own table of people, a
    run's result of last month) is not written over without a word: the command stops, naming
    it, unless ``force`` (``--force``). ``said`` names the file (``--out: r.parquet``),
    ``instead`` is what else to give."""
    if not force and (path.exists() or path.is_symlink()):
        raise UsageError(f"{said} is there already; it is not written over (give {instead}, or "
                         "--force to replace it)")  # fmt: skip


def _beside(source: Path, suffix: str) -> Path:
    """The default output of INPUT: beside it, named by it (``people.parquet`` ->
    ``people.options.parquet``; a folder by its whole name, ``.`` by the folder it is)."""
    if source.name in ("", ".", ".."):  # '.', '..', 'export/..': the folder's own name
        source = source.resolve()
    return source.with_name((source.name if source.is_dir() else source.stem) + suffix)


def _os_error(error: OSError) -> UsageError:
    """A file that could not be read or written during a run, as one line."""
    where = f" {error.filename}" if error.filename else ""
    return UsageError(f"cannot read or write{where}: {error.strerror or error}")


def _quarantine_writable(quarantine: Path | None, source: Path, out_path: Path,
                         *taken: tuple[Path, str], force: bool = False) -> None:  # fmt: skip
    """``--quarantine`` (or the one beside ``--out``) overwrites neither the INPUT nor an output,
    nor (unless ``force``) any file there already; nor do the ``taken`` files beside ``--out``
    (the summary)."""
    from onconav.cohort import quarantine_beside

    if quarantine is not None:
        _writable(quarantine, "--quarantine", (source, "the INPUT"), (out_path, "the --out file"),
                  *taken, force=force)  # fmt: skip
    elif quarantine_beside(out_path).resolve() == source.resolve():
        raise UsageError(f"--out: the quarantine beside it would be the INPUT ({source})")
    else:
        _beside_is_a_file(quarantine_beside(out_path), "the quarantine", "--quarantine FILE")
        _not_there(quarantine_beside(out_path), f"--out: the quarantine beside it, "
                   f"{quarantine_beside(out_path)},", "another --out or a --quarantine FILE",
                   force)  # fmt: skip
    for path, name in taken:
        _beside_is_a_file(path, name, "another --out")
        _not_there(path, f"--out: {name} beside it, {path},", "another --out", force)


def _beside_is_a_file(path: Path, name: str, instead: str) -> None:
    """A file written beside ``--out`` that is a folder stops the run before it starts (it
    failed with a traceback once the result was written)."""
    if path.is_dir():
        raise UsageError(f"--out: {name} beside it, {path}, is a folder; give {instead}")


def _notes(loaded: Loaded, summary: Path) -> None:
    """What a run of a FHIR folder did not read that is no row (a file not read, a reference
    not resolved), and the patients answered whose record names a result onconav could not
    read (the summary's ``not_read``), told on stderr by how many and where (the summary): never a
    note's words, which name patients' resources and ids (a pipeline keeps stderr in its logs,
    which hold no patient data; the first 5 notes had been printed whole). A table's warnings
    (``Loaded.warnings``: columns not read that hold no data, which name no patient) as they are."""
    for warning in loaded.warnings:
        warn(warning)
    if notes := len(loaded.notes):
        more = " (and how many more past the first 100)" if loaded.notes[-1].startswith(
            "... and ") else ""  # fmt: skip
        notes -= 1 if more else 0
        warn(f"{notes} {'note' if notes == 1 else 'notes'} on what the folder holds that was not "
             f"read{more}: in the summary's notes ({summary})")  # fmt: skip
    if loaded.unread and (counted := json.loads(summary.read_text(encoding="utf-8")).get(
            "not_read")):  # fmt: skip
        said = ", ".join(f"{fact} of {n} {'patient' if n == 1 else 'patients'}"
                         for fact, n in sorted(counted.items()))  # fmt: skip
        warn(f"records name a result onconav could not read ({said}): check them; "
             f"the summary's not_read counts them, and their gaps' given says 'not read: ...'")


@contextmanager
def _progress_bar(quiet: bool) -> Iterator[Callable[[str, float, float], None]]:
    """What a cohort run tells of its progress, drawn as a bar on stderr: each step with how far
    it got; only on a terminal (a pipe or a log gets no bar), never with ``--quiet``."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<8}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn())  # fmt: skip
    console = Console(stderr=True)
    with Progress(*columns, console=console, disable=quiet or not console.is_terminal,
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task("reading", total=None)
        yield lambda what, done, total: bar.update(task, description=what, completed=done,
                                                   total=total or None)  # fmt: skip


@cohort_app.command("run")
def cohort_run(
    source: Annotated[Path, typer.Argument(
        metavar="INPUT", help="A table of people: Parquet, CSV (lists ;-separated) or NDJSON; "
        "or a folder of FHIR Bulk Data NDJSON (Patient.ndjson, Condition.ndjson, ...).")],
    out_file: Annotated[Path | None, typer.Option(
        "--out", "-o", help="The result, one row per (patient, option) (default: INPUT's name "
        "with .options.FORMAT).")] = None,
    engine: Annotated[CohortEngine, typer.Option(
        "--engine", help="duckdb (default, the rules compiled to SQL), spark (the same SQL "
        "run by Spark; needs PySpark and Java) or python (the per-person engine, the "
        "reference).")] = CohortEngine.duckdb,
    master: Annotated[str | None, typer.Option(
        "--master", help="Spark's master for --engine spark: local[*] (default, this "
        "machine) or a cluster's URL (spark://host:7077, yarn, k8s://...).")] = None,
    output_format: Annotated[TableFormat | None, typer.Option(
        "--format", "-f", help="parquet, csv (a list as its items ;-separated) or ndjson "
        "(default: by --out's suffix, .jsonl and .json as ndjson; else parquet).")] = None,
    quarantine: Annotated[Path | None, typer.Option(
        "--quarantine", help="Where the rows that cannot be read go, with their row number and "
        "the reason (CSV; default: beside --out).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, and no lines of "
                                        "counts: only warnings and errors.")] = False,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore-column", metavar="NAME", help="A column of INPUT that is no fact (an mrn, a "
        "name) not to read; repeatable. Named in the summary.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Write over the outputs (--out, the quarantine, the summary) if they "
        "are there already.")] = False,
) -> None:  # fmt: skip
    """Every option for every person of INPUT: the result (status, reason code, missing facts),
    the quarantine (each row that cannot be read, with the reason) and a summary (JSON, beside
    the result). It never writes over a file that is there unless told to with --force."""
    from onconav.cohort import CohortError, quarantine_beside, run, summary_beside
    from onconav.cohort.table import FORMATS

    _files_only(out=out_file, quarantine=quarantine)
    with _reading("INPUT", source):
        if not source.is_file() and not source.is_dir():
            raise UsageError(f"INPUT: {str(source)!r} is not a file or a folder")
    if output_format is None:  # by --out's suffix, as a person naming a file means it
        said = FORMATS.get(out_file.suffix.lower()) if out_file else None
        if out_file and said is None:  # never Parquet under a name that says nothing (r.txt)
            raise UsageError(f"--out: {out_file.name!r} has no known suffix; accepted: .parquet, "
                             ".csv, .ndjson (also .jsonl, .json); or give --format")  # fmt: skip
        output_format = TableFormat(said) if said else TableFormat.parquet
    suffix = "." + output_format.value
    out_path = _writable(out_file or _beside(source, ".options" + suffix), "--out",
                         (source, "the INPUT"), force=force)  # fmt: skip
    summary_path = summary_beside(out_path)
    if summary_path.resolve() == source.resolve():
        raise UsageError(f"--out: the summary beside it would be the INPUT ({source})")
    _quarantine_writable(quarantine, source, out_path, (summary_path, "the summary"),
                         force=force)  # fmt: skip
    with _progress_bar(quiet) as progress:
        try:
            done = run(_kb(), source, out_path, engine=engine.value, fmt=output_format.value,
                       quarantine=quarantine, master=master, progress=progress,
                       ignore=tuple(ignore or ()))  # fmt: skip
        except CohortError as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise _os_error(error) from None
    _notes(done.loaded, summary_path)
    summary = done.summary
    bad = quarantine or quarantine_beside(out_path)  # as given (the summary's is absolute)
    if not quiet:  # --quiet: for a pipeline, nothing but warnings and errors
        print(f"{_counted(summary['rows'], 'row')}: {summary['answered']} answered, "
              f"{summary['quarantined']} quarantined ({bad})")  # fmt: skip
        print(f"{_counted(done.results, 'result')} -> {out_path}; summary -> {summary_path}")
    _none_answered(summary["rows"], summary["answered"], bad)


def _counted(count: int, one: str, more: str | None = None) -> str:
    """A count and its noun, singular for one: "1 row", "2 rows", "1 person" (the cohort's
    lines had said "1 rows")."""
    return f"{count} {one if count == 1 else more or one + 's'}"


def _none_answered(rows: int, answered: int, quarantine: object) -> None:
    """A run that answered no one: exit status 1 when every row is in the quarantine, which a
    pipeline should not take for a screening done (the outputs are written, to read why); a
    warning when INPUT has no rows at all."""
    if rows == 0:
        warn("INPUT has no rows: no one was screened")
    elif answered == 0:
        fail(f"no row was answered: all {rows} are in the quarantine ({quarantine}), each with "
             "the reason", code=1)  # fmt: skip


@cohort_app.command("demo")
def cohort_demo(
    out_file: Annotated[Path, typer.Option(
        "--out", "-o", help="Where to write the people (.parquet, .csv or .ndjson).")] = Path(
        "people.parquet"),
    people: Annotated[int, typer.Option("--people", "-n", min=1, max=10_000_000,
                                        help="How many people.")] = 1000,
    seed: Annotated[int, typer.Option(help="The generator's seed.")] = 13,
    force: Annotated[bool, typer.Option(
        "--force", help="Write over --out if it is there already.")] = False,
) -> None:  # fmt: skip
    """An example population: every value of every fact (the knowledge base's, one a row in the
    first rows: HER2 equivocal too), unknowns, and a few rows that cannot be read (an unknown
    drug, an impossible stage, a missing or repeated patient_id, no cancer).
    It never writes over a file that is there (an analyst's own people.parquet) unless told to
    with --force."""
    from onconav.cohort import CohortError, demo
    from onconav.cohort.table import format_of

    _files_only(out=out_file)
    try:
        fmt = format_of(out_file, option="--out")
    except CohortError as error:
        raise UsageError(str(error)) from None
    path = _writable(out_file, "--out", force=force)
    try:
        demo.write(demo.people(_kb(), people, seed), str(path), fmt)
    except OSError as error:
        raise UsageError(f"--out: cannot write {out_file} ({error.strerror or error})") from None
    print(f"wrote {_counted(people, 'person', 'people')} to {out_file}", file=sys.stderr)


@cohort_app.command("gaps")
def cohort_gaps(
    source: Annotated[Path, typer.Argument(
        metavar="INPUT", help="A table of people, or a folder of FHIR Bulk Data NDJSON.")],
    out_file: Annotated[Path | None, typer.Option(
        "--out", "-o", help="One row per (patient, missing fact), the most decisive first "
        "(.csv, .parquet or .ndjson; default: INPUT's name with .gaps.csv).")] = None,
    quarantine: Annotated[Path | None, typer.Option(
        "--quarantine", help="Where the rows that cannot be read go, with their row number and "
        "the reason (CSV; default: beside --out).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, and no lines of "
                                        "counts: only warnings and errors.")] = False,
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore-column", metavar="NAME", help="A column of INPUT that is no fact (an mrn, a "
        "name) not to read; repeatable.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Write over the outputs (--out, the quarantine, the summary) if they "
        "are there already.")] = False,
) -> None:  # fmt: skip
    """The care gaps: patients for whom a fact of the cancer's work-up (a test result, the
    stage, the spread) is not on record and would decide standard treatments of theirs (HER2 for
    stage 4 stomach cancer, KRAS for stage 4 rectal cancer, ...), with the test that settles it;
    the facts ranked by how many options they would decide. It never writes over a file that is
    there unless told to with --force."""
    from onconav.cohort import CohortError, gaps, quarantine_beside, summary_beside
    from onconav.cohort.table import format_of

    _files_only(out=out_file, quarantine=quarantine)
    with _reading("INPUT", source):
        if not source.is_file() and not source.is_dir():
            raise UsageError(f"INPUT: {str(source)!r} is not a file or a folder")
    out_path = _writable(out_file or _beside(source, ".gaps.csv"), "--out",
                         (source, "the INPUT"), force=force)  # fmt: skip
    summary_path = summary_beside(out_path)
    if summary_path.resolve() == source.resolve():
        raise UsageError(f"--out: the summary beside it would be the INPUT ({source})")
    _quarantine_writable(quarantine, source, out_path, (summary_path, "the summary"),
                         force=force)  # fmt: skip
    quarantine = quarantine or quarantine_beside(out_path)
    try:
        fmt = format_of(out_path, option="--out")
    except CohortError as error:
        raise UsageError(str(error)) from None
    with _progress_bar(quiet) as progress:
        try:
            loaded, totals = gaps(_kb(), source, out_path, fmt, quarantine=quarantine,
                                  progress=progress, ignore=tuple(ignore or ()),
                                  summary=summary_path)  # fmt: skip
        except CohortError as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise _os_error(error) from None
    _notes(loaded, summary_path)
    # the standard output is the table alone (a pipe or a file of it reads as TSV); the counts
    # and where the rows went are told on stderr, as a terminal shows them
    if not quiet:  # --quiet: the table alone, with warnings and errors
        print(f"{_counted(loaded.rows, 'row')}: {loaded.answered} answered, "
              f"{loaded.quarantined} quarantined "
              f"({quarantine})", file=sys.stderr)  # fmt: skip
    print("fact\ttest\tpatients\tsettles\toptions\tnot_advanced")
    for fact, tests, patients, settles, options, not_advanced in totals:
        print(f"{fact}\t{tests or '-'}\t{patients}\t{settles}\t{options}\t{not_advanced}")
    if not quiet:
        print(f"per patient -> {out_path}", file=sys.stderr)  # the summary beside it
    _none_answered(loaded.rows, loaded.answered, quarantine)


@app.command("explain")
def explain_command(
    name: Annotated[
        list[str], typer.Argument(metavar="NAME", help="A drug, regimen, procedure, test or "
                                  "term, by any name (words of several need no quotes).")
    ],
    sources: SourcesOption = None,
) -> None:
    """Explain a drug, regimen, procedure, test or term in plain words, with its sources."""
    _show(" ".join(name), sources, ids=False)


SEARCH_FIELDS = {"q": "QUERY", "limit": "--limit", "cancer": "--cancer"}


@app.command("search")
def search_command(
    words_given: Annotated[list[str], typer.Argument(
        metavar="QUERY", help="A question or some words, in your own words (no quotes needed).")],
    limit: Annotated[int, typer.Option(
        "--limit", metavar="<int>", help="How many hits at most (1-50; default 10).",
        show_default=False)] = 10,
    cancers: Annotated[
        list[str] | None,
        typer.Option("--cancer", metavar="<str>", help="Keep to one cancer: stomach, rectum or "
                     "cervix (its own sources and the general one); colon or colorectal "
                     "cancer to the general one and the rectal page its options cite; any "
                     "other cancer to the general one."),
    ] = None,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", metavar="<text|json>", help="text (default) or json.",
                     show_default=False),
    ] = TextOrJson.text,
    sources: SourcesOption = None,
) -> None:
    """Search the sources' passages and the knowledge base in your own words: each hit with its
    source and offsets, the passage (with --sources), what cites it, and the words it matched."""
    from onconav.search import SearchError, build_index

    query = " ".join(words_given)  # search will I need a stoma bag: the words, unquoted
    if cancers and not all(name.strip() for name in cancers):  # it had meant no cancer
        raise UsageError("--cancer: is empty; give a cancer (stomach, rectum, cervix, ...), or "
                         "leave --cancer out to search every source")  # fmt: skip
    cancer = _one_answer("--cancer", cancers, "cancer")
    kb = _kb()
    directory = _sources_dir(sources, required=False)
    with _reading_sources(sources):
        index = build_index(kb, directory)
    try:
        result = index.search(query, limit=limit, cancer=cancer)
    except SearchError as error:
        problem = error.problem
        raise UsageError(f"{SEARCH_FIELDS.get(problem.field, problem.field)}: "
                         f"{problem.message}") from None  # fmt: skip
    if directory is not None:  # a passage hit the file no longer matches is shown without it
        unshown: dict[str, list[Any]] = {}
        for hit in result.hits:
            if hit.kind == "passage" and hit.text is None:
                unshown.setdefault(hit.citations[0].source, []).append(hit.citations[0])
        _warn_not_shown({s: sorted(c, key=lambda c: (c.start, c.end)) for s, c in unshown.items()},
                        _sources_named(sources))  # fmt: skip
    if output_format is TextOrJson.json:
        _print_json(result.model_dump_json(indent=2))
        return
    for notice in result.notices:  # the cancer kept to and why, words not read as excluding
        say(f"Note: {notice}", hang=2)
    if not result.hits:
        kept = f" kept to {index.cancer_name(result.cancer)}" if result.cancer else ""
        if result.explained:  # the knowledge base explains it (a place of spread: peritoneum)
            say(f"Nothing in the sources{kept} matches {result.query!r}, but the knowledge "
                  "base explains it:")  # fmt: skip
            for ref in result.explained:
                say(f"  {ref.name} ({explain.kind_words(kb, ref.id)}): "
                      f"onconav explain {ref.id}")
            return
        say(f"Nothing in the sources or the knowledge base{kept} matches {result.query!r}.")
        if result.suggestions:
            say(f"Closest known words: {', '.join(result.suggestions)}")
        elif not result.elsewhere:  # other cancers' sources match: a notice said so
            say("Try other words: a drug's name or brand, a treatment, a symptom.")
        return
    for hit in result.hits:
        labels = " ".join(c.label() for c in hit.citations[:4])
        more = f" and {len(hit.citations) - 4} more" if len(hit.citations) > 4 else ""
        if hit.entry is not None:
            only = explain.for_cancers(kb, hit.entry.id)  # an option for some cancers only
            kind = hit.entry.kind.replace("_", " ") + (f" {only}" if only else "")
            head = f"{hit.rank}. {hit.entry.name} ({kind}: {hit.entry.id})"
            say(f"{head}  score {hit.score:.2f}")
            if hit.text:
                say(f"   {hit.text}")
            say(f"   sources: {labels}{more}")
            if hit.other_citations:  # what its words say of other cancers rests on these
                others = hit.other_citations
                more = f" and {len(others) - 4} more" if len(others) > 4 else ""
                say(f"   and, on other cancers: {' '.join(c.label() for c in others[:4])}{more}")
        else:
            say(f"{hit.rank}. {labels} {hit.kind}  score {hit.score:.2f}")
            if hit.text:
                say(f"   “{hit.text}”")
        if hit.cited_by:
            verb = "given by" if hit.entry is not None else "cited by"
            # one name, two entries: told apart; an option's cancers named
            kinds = explain.labels_apart(kb, hit.cited_by)
            names = "; ".join(f"{r.name} ({kind}: {r.id})" if kind else f"{r.name} ({r.id})"
                              for r, kind in list(zip(hit.cited_by, kinds, strict=True))[:4])
            # a few, as the sources are ("chemotherapy" is given by 38 options: 2,500
            # characters on one line); the JSON answer and the explain page list them all
            more = f" and {len(hit.cited_by) - 4} more" if len(hit.cited_by) > 4 else ""
            say(f"   {verb}: {names}{more}")
        matched = ", ".join(m.said + (f" (as {m.via})" if m.via else "") for m in hit.matches)
        say(f"   matched: {matched}")
        for part in hit.matched_in:  # words its name and text do not show: a note, a name
            said = ", ".join(part.words)
            say(f"   “{said}” is in the note of {part.of.name}, which cites it: {part.text}"
                if part.of is not None else  # a passage without its text: its citer's note
                f"   “{said}” is in its note: {part.text}" if part.part == "note" else
                f"   “{said}”: also called {part.text}")  # fmt: skip
    say()
    for source in result.sources:
        say(f"[{source.id}] {source.title}, {source.publisher}; dated: {source.dated}")
    if directory is None and any(h.kind == "passage" for h in result.hits):
        say(f"To read the passages themselves, give --sources DIR (or set ${SOURCES_ENV}) to "
              "the source documents.")  # fmt: skip
    say(result.disclaimer)


def _click_classes(name: str) -> tuple[type[BaseException], ...]:
    """typer's command-line errors: it vendors click in newer releases and uses click in older
    ones. Only the one typer uses is imported (importing click as well costs ~10 ms)."""
    import importlib

    for module in ("typer._click.exceptions", "click.exceptions"):
        try:
            return (getattr(importlib.import_module(module), name),)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"typer's {name} was not found")


def _one_line_summaries(*apps: typer.Typer) -> None:
    """Each command's summary in a list of commands: its docstring's first paragraph as one
    line, wrapped to the terminal (Typer's rich help keeps the docstring's own line breaks
    there, and breaks lines mid-sentence)."""
    for each in apps:
        for info in each.registered_commands:
            doc = info.help or (info.callback.__doc__ if info.callback else None)
            if info.short_help is None and doc:
                info.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


# the words a yes-or-no flag may be followed by, as if it took a value (--resectable false)
YES_NO_WORDS = frozenset({"true", "false", "yes", "no", "y", "n", "on", "off", "t", "f", "1", "0"})


class _Command(TyperCommand):
    """A command that says what is wrong with its words where click said too little: words left
    over (click said "Got unexpected extra argument(s) (cancer)" of `onconav options --cancer
    rectal cancer`) are said to belong where they probably do (``_left_over``), and an option
    of one value given two (``serve --port 1 --port 2``, which click let the last win) is refused
    in the words of ``_one_answer`` (the same words twice are one answer). The profile's
    one-answer flags, where two words may be one answer (``--stage 4 --stage IV``), are lists to
    typer, refused by ``_one_answer``, which reads them. An argument of many words shows in
    --help as its name and "..." (``explain NAME...``, ``search QUERY...``): typer showed the
    Python type beside it, "NAME <list[str]>"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from typer.core import TyperArgument

        for param in self.params:
            if isinstance(param, TyperArgument) and param.nargs != 1:
                name = f"{param.metavar or (param.name or '').upper()}..."
                setattr(param, "_rich_display_name", lambda name=name: name)  # noqa: B010
                setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        given = list(args)
        try:
            rest = super().parse_args(ctx, args)
        except CLICK_USAGE_ERRORS as error:
            if not str(getattr(error, "message", "")).startswith("Got unexpected extra"):
                raise
            raise UsageError(_left_over(self, ctx, given)) from None
        values: dict[Any, list[str]] = {}
        for _name, param, value in _walk(self, ctx, given):
            if param is not None and not param.multiple and not param.is_flag:
                values.setdefault(param, []).append(value or "")
        for param, said in values.items():
            if len(set(said)) > 1:
                flag = next((o for o in param.opts if o.startswith("--")), param.opts[0])
                raise _more_than_one(flag, list(dict.fromkeys(said)))
        return rest


def _walk(command: Any, ctx: Any, args: list[str]) -> Iterator[tuple[str, Any, str | None]]:
    """The words of a command line as click reads them: for an option, (its name as given, its
    param, its value or None for a flag); for any other word, (the word, None, None)."""
    params = command.get_params(ctx)
    options = {name: p for p in params if p.param_type_name == "option"
               for name in (*p.opts, *p.secondary_opts)}  # fmt: skip
    tokens = iter(args)
    for token in tokens:
        name, equals, value = token.partition("=")
        short = token[:2] if token[:1] == "-" and token[:2] != "--" else ""
        if name in options:
            param = options[name]
            if param.is_flag:
                yield name, param, None
            else:
                yield name, param, value if equals else next(tokens, None)
        elif short in options and not options[short].is_flag:  # -fjson
            yield short, options[short], token[2:]
        elif token != "--" and not token.startswith("-"):  # click refuses an unknown option
            yield token, None, None


def _left_over(command: Any, ctx: Any, args: list[str]) -> str:
    """What to say of the words of ``args`` no option or argument took: the option whose value
    (or the argument) they follow, and to quote a value of several words, or to repeat a flag
    that takes a list (its help says "repeat"); after a yes-or-no flag, a yes or a no that it
    takes no value."""
    arguments = [p for p in command.get_params(ctx) if p.param_type_name == "argument"]
    room = sum(p.nargs for p in arguments) if all(p.nargs > 0 for p in arguments) else len(args)
    before: tuple[str, Any, str | None] | None = None  # (option or ARGUMENT, its param, value)
    seen = 0
    for name, param, value in _walk(command, ctx, args):
        if param is not None:
            before = (name, param, value)
            continue
        seen += 1
        if seen <= room:
            before = ((arguments[seen - 1].metavar or arguments[seen - 1].name).upper(), None,
                      name)  # fmt: skip
            continue
        return _left_over_words(ctx, name, before)
    return f"words are left over; see `{ctx.command_path} --help`"


def _left_over_words(ctx: Any, word: str, before: tuple[str, Any, str | None] | None) -> str:
    if before is None:
        return (f"{word!r}: is not the value of an option; give it after the option it answers "
                f"(see `{ctx.command_path} --help`)")  # fmt: skip
    name, param, value = before
    if param is not None and param.is_flag:
        if word.lower() not in YES_NO_WORDS:
            return (f"{name}: takes no value, and {word!r} after it is no option's value "
                    f"(see `{ctx.command_path} --help`)")  # fmt: skip
        ways = (f"use {param.opts[0]} for yes or {param.secondary_opts[0]} for no"
                if param.secondary_opts else f"give {param.opts[0]} alone")  # fmt: skip
        return f"{name}: takes no value ({word!r} after it); {ways}"
    message = (f"{name}: {word!r} is left over after its value {value!r}; quote a value of "
               f'several words ({name} "{value} {word}")' if param is not None else
               f'{name}: {word!r} is left over after {value!r}; quote a value of several words '
               f'("{value} {word}")')  # fmt: skip
    if param is not None and "repeat" in (param.help or ""):  # a flag that takes a list
        message += f", or repeat {name} for each of a list ({name} {value} {name} {word})"
    return message


_one_line_summaries(app, kb_app, fhir_app, cohort_app)
for _each in (app, kb_app, fhir_app, cohort_app):
    for _info in _each.registered_commands:
        if _info.cls in (None, TyperCommand):  # a command of its own class keeps it
            _info.cls = _Command
CLICK_USAGE_ERRORS = _click_classes("UsageError")
CLICK_ABORT = typer.Abort  # click's Abort in older typer releases, typer's own in newer


# typer checks a value with pydantic and passes its words on: they are put in ours (patterns)
PYDANTIC_WORDS = {
    r"Value error, ": "",
    r"Input should be a valid integer, unable to parse string as an integer": "give a whole number",
    r"Input should be a valid integer": "give a whole number",
    r"Input should be greater than or equal to (\S+)": r"must be at least \1",
    r"Input should be less than or equal to (\S+)": r"must be at most \1",
}


def _usage_message(error: Any) -> str:
    """A command-line error of typer's as one line that starts with the flag or argument it is
    about: "--limit: give a whole number" (it was "Invalid value for '--limit': Input should be
    a valid integer, unable to parse string as an integer"), "--format: 'pdf' is not one of
    'text', 'json', 'markdown'." (it was "...: Value error, 'pdf' is ..."), "--people: must be
    at least 1", "INPUT: is required (see `onconav cohort run --help`)" (it was "source: Missing
    argument 'INPUT'.": an argument is named in capitals as README names it, INPUT, NAME, not
    by its name in Python)."""
    param: Any = getattr(error, "param", None)
    hint = getattr(param, "opts", None) or []
    if getattr(param, "param_type_name", None) == "argument":
        hint = [(param.metavar or param.name).upper()]
        if type(error).__name__ == "MissingParameter":
            ctx = getattr(error, "ctx", None)
            see = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            return f"{hint[0]}: is required{see}"
    if type(error).__name__ == "NoSuchOption":
        return _no_such_option(error)
    bad_value = bool(hint) and type(error).__name__ == "BadParameter"  # its words alone
    message = " ".join(str(error.message if bad_value else error.format_message()).split())
    for theirs, ours in PYDANTIC_WORDS.items():
        message = re.sub(theirs, ours, message)
    if hint and (bad_value or hint[0] not in message):
        message = f"{hint[0]}: {message}"
    return message


CLOSE_ENOUGH = 0.8  # how alike a flag not known and one suggested for it are (difflib's ratio)


def _no_such_option(error: Any) -> str:
    """A flag not known: of `onconav options`, a profile's field written as a flag
    (--prior-treatments, --progressed_on, --her-2) is pointed to the flag that gives it (--prior);
    otherwise click's suggestions, only those close to what was typed (--prior-treatments had
    been offered --no-cancer-treatment and --wants-treatment: a navigator who took it recorded
    that the patient declines treatment)."""
    import difflib

    typed = str(error.option_name)
    said = f"No such option: {words.cut(typed)}"
    ctx = getattr(error, "ctx", None)
    if ctx is not None and ctx.command.name == "options":
        field = _field_named(typed)
        if field is not None:
            flags = " or ".join(FLAG_OF[field].split("/"))
            return f"{said} (a profile's {field} is given here with {flags})"
        if re.sub(r"[^a-z]", "", typed.lower()) in ("biomarker", "biomarkers"):
            return f"{said} (a profile's biomarkers are given here with --her2 and --kras)"
    close = sorted(p for p in error.possibilities or []
                   if difflib.SequenceMatcher(None, typed, p).ratio() >= CLOSE_ENOUGH)  # fmt: skip
    return said + (f" (Possible options: {', '.join(close)})" if close else "")


def _field_named(typed: str) -> str | None:
    """The profile's field a flag's name is written as, in any case, with - or _ or none between
    its words, in the singular or the plural: --prior-treatments, --PROGRESSED_ON, --her-2,
    --metastasis-extent; "biomarkers" is HER2's and KRAS's."""
    def squashed(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    name = squashed(typed)
    for field in FLAG_OF:
        for form in {squashed(field), squashed(field.rpartition(".")[2])}:
            if name in (form, form + "s", form.removesuffix("s")):
                return field
    return None


def _where_words_are(problem: Problem, pointed: set[str]) -> str:
    """For the first name not known or not accepted in a list field (``true``, a mapping), the
    command that lists the names it accepts (once a field: on each of twenty lines it was the
    same words twenty times, and the lines were not those the API gives)."""
    field = problem.field.split("[")[0]
    if (field in SET_FIELDS and field not in pointed and problem.accepted
            and ("not known" in problem.message or "not accepted" in problem.message)):  # fmt: skip
        pointed.add(field)
        return f" (`onconav kb words {field}` lists the accepted names)"
    return ""


# what the output's typography is written as where the terminal or locale has no such character
ASCII_FOR = {"•": "*", "—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...",
             "\xa0": " ", "®": "(R)", "©": "(C)", "→": "->"}  # fmt: skip


def _in_ascii(error: UnicodeError) -> tuple[str, int]:
    """An error handler for writing: the characters the encoding has not, in ASCII (a bullet as
    *, a dash as -, curly quotes as straight ones, é as e), ? for any other."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    def plain(char: str) -> str:
        decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        return ASCII_FOR.get(char) or decomposed or "?"

    return "".join(map(plain, error.object[error.start : error.end])), error.end


def _streams_that_can_write_anything() -> None:
    """Standard output and error in a locale that is not UTF-8 (LC_ALL=en_US.ISO-8859-1,
    PYTHONIOENCODING=ascii) write what they cannot encode in ASCII (``_in_ascii``): every
    command had ended with a UnicodeEncodeError's traceback at its first bullet or dash."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if not encoding or not hasattr(stream, "reconfigure"):
            continue
        try:
            "".join(ASCII_FOR).encode(encoding)
        except (UnicodeEncodeError, LookupError):
            codecs.register_error("onconav-ascii", _in_ascii)
            stream.reconfigure(errors="onconav-ascii")


def _print_json(text: str) -> None:
    """JSON on standard output; where it cannot take every character, the same JSON with them
    as \\u escapes (never changed, as the ASCII stand-ins of text output would change them)."""
    if not text.isascii():
        try:
            text.encode(sys.stdout.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            text = json.dumps(json.loads(text), indent=2)
    print(text)


def _not_written(error: BaseException | None) -> TypeGuard[OSError]:
    """Whether an error is the output's, which could not be written (a full disk, /dev/full, an
    input/output error): an OSError of no file (a file read or written by name, --out, is said
    where it is named)."""
    return isinstance(error, OSError) and not isinstance(error, BrokenPipeError) and (
        error.filename is None)


def _could_not_write(error: OSError) -> NoReturn:
    """One line for an output that could not be written, status 1 (every command had ended with
    a traceback of forty lines: `onconav options ... > /dev/full`). What is still waiting to be
    written is dropped, so that nothing tries again at the exit."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - left open until the process ends
    with contextlib.suppress(OSError):
        fail(f"could not write the output: {error.strerror or error}", 1)
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error a person can cause becomes one line on stderr, never a traceback."""
    _streams_that_can_write_anything()
    try:
        code = app(args=argv, standalone_mode=False)
        sys.stdout.flush()  # what is left to write, written here, where its errors are caught
    except SystemExit as done:
        # The reader of the output went away (`onconav ... | head`): click (our print) and rich
        # (out.print) both end with status 1 then, while an output small enough to be written
        # before the reader went gave 0. Every command and format ends quietly with 0.
        if isinstance(done.__context__, BrokenPipeError):
            raise SystemExit(0) from None
        if _not_written(done.__context__):
            _could_not_write(done.__context__)
        raise
    except BrokenPipeError:  # as above, when it is only met at the end
        raise SystemExit(0) from None
    except OSError as error:
        if not _not_written(error):
            raise
        _could_not_write(error)
    except CLICK_USAGE_ERRORS as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # a bare command: its help is shown
            if (context := getattr(error, "ctx", None)) is not None:
                # `onconav kb | head -3`: quietly, as every command
                try:
                    print(context.get_help(), flush=True)
                except BrokenPipeError:
                    pass
                except OSError as failed:
                    if not _not_written(failed):
                        raise
                    _could_not_write(failed)
            raise SystemExit(0) from None
        fail(_usage_message(error), 2)
    except CLICK_ABORT:
        fail("aborted", 1)
    except UsageError as error:  # one line each problem (the columns of INPUT that are no fact)
        *lines, last = str(error).split("\n")
        for line in lines:
            print(f"onconav: error: {line}", file=sys.stderr)
        fail(last, 2)
    except KBError as error:
        fail(f"knowledge base: {error.problems[0]} ({len(error.problems)} problem(s) in all)", 1)
    except ProfileError as error:
        pointed: set[str] = set()
        for problem in error.problems:  # one line each
            said = words.short_quotes(problem.message)  # as the page and the API say it
            print(f"onconav: error: {problem.field}: {said}{_where_words_are(problem, pointed)}",
                  file=sys.stderr)  # fmt: skip
        raise SystemExit(2) from None
    except provenance.SourceMissing as error:  # or not UTF-8 text
        fail(f"--sources: {error}", 2)
    if isinstance(code, int) and code:
        raise SystemExit(code)
