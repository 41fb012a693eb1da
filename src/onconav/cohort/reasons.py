"""A row's problems in the words of the input's columns, for the quarantine: one place for every
engine and for the FHIR folders (``onconav.cohort.bulk``)."""

from __future__ import annotations

from collections.abc import Iterable

from onconav.profile import Problem
from onconav.reading import cancer_required
from onconav.words import VALUE_SHOWN, shown

LONGEST = VALUE_SHOWN  # the characters of a value a reason quotes (``cut``), as any message


def reason(problem: Problem) -> str:
    """A problem of a row in the words of the input's columns: ``her2: ...``, not the profile's
    ``biomarkers.her2: ...`` (the input has no such column); a long value it quotes cut, its
    length said (``cut``); a missing cancer with what it takes, as the command and the API say
    it (``reading.cancer_required``)."""
    problem = cancer_required(problem)
    message, value = problem.message, problem.value
    said = shown(value)
    if len(said) > LONGEST and said in message:
        message = message.replace(said, cut(value))
    return f"{problem.field.removeprefix('biomarkers.')}: {message}"


def cut(value: object) -> str:
    """A value as a reason quotes it (``words.shown``: '04', true, {"a": 1}); past ``LONGEST``
    characters, its first ones and its length (a 200,000-character value is not echoed whole
    in the quarantine, as the core says only the length of a name too long)."""
    said = shown(value)
    if len(said) <= LONGEST or not isinstance(value, str):  # other values: cut by ``shown``
        return said
    return f"{said[:LONGEST]}... ({len(value)} characters long)"


def in_column_order(problems: Iterable[Problem], columns: list[str]) -> list[str]:
    """A row's problems as the quarantine says them (``reason``), in the order of the input
    table's ``columns``, as every engine gives them: the core puts a cancer not accepted
    (``N/A``) after the other fields. The core's line counting the problems past those it lists
    (``profile.at_most``) goes with the column of the first of them."""

    def place(problem: Problem) -> int:
        name = problem.field.removeprefix("biomarkers.").split("[")[0]
        return columns.index(name) if name in columns else len(columns)

    return [reason(p) for p in sorted(problems, key=place)]
