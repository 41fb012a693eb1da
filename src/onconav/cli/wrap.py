"""Lines longer than a terminal's width broken at spaces: where (``cuts``), for the rich view
(``terminal.wrapped``) and for the plain views (``plain``: search, ``kb words``, ``options
--brief``, ``fhir profile``), without importing rich."""

from __future__ import annotations

import re

LABEL_END = re.compile(r"\d+-\d+\]")  # after the space of a citation's label: [acs-advanced 91-152]
# A column: a run of two spaces or more after the first words of a line ("Needs information
# CAPIRI chemotherapy"): the words that follow it go on under it
COLUMN = re.compile(r"\S  +(?=\S)")


def _in_label(line: str, space: int, text_start: int) -> bool:
    """Whether the space at ``space`` is the one inside a citation's label."""
    word = max(line.rfind(" ", text_start, space) + 1, text_start)
    return line.startswith("[", word) and LABEL_END.match(line, space + 1) is not None


def _indent(line: str, width: int, hang: int, column: bool) -> str:
    """Where the lines a line is broken into start: as the line does (under a bullet, as the
    words after it), ``hang`` further; with ``column``, under the words after the line's
    first column, when it is in the first half of the width."""
    body = line.lstrip(" ")
    at = len(line) - len(body) + (2 if body.startswith("• ") else 0) + hang
    found = COLUMN.search(line) if column else None
    if found and found.end() <= width // 2:
        at = found.end()
    return " " * min(at, width // 2)


def cuts(plain: str, width: int, hang: int = 0,
         column: bool = False) -> list[tuple[int, int, str]]:  # fmt: skip
    """Where to break each line of ``plain`` longer than ``width``: each run of spaces to take
    out (start, end) and what to put instead (a line break and the indent: ``_indent``). Never
    broken: a word longer than the width, a citation's label. Widths are counted in characters
    (a wide character, rare here, may make a line run over)."""
    found: list[tuple[int, int, str]] = []
    offset = 0
    for line in plain.split("\n"):
        if len(line) > width:
            indent = _indent(line, width, hang, column)
            text_start = len(line) - len(line.lstrip(" "))
            start, room = 0, width
            while len(line) - start > room:
                cut = line.rfind(" ", text_start, start + room + 1)
                while cut > text_start and _in_label(line, cut, text_start):
                    cut = line.rfind(" ", text_start, cut)
                if cut <= text_start:  # one word longer than the room: broken after it
                    cut = line.find(" ", start + room)
                    while cut > 0 and _in_label(line, cut, text_start):
                        cut = line.find(" ", cut + 1)
                    if cut < 0:
                        break
                end = len(line) - len(line[cut:].lstrip(" "))  # the run of spaces cut
                cut = len(line[:cut].rstrip(" "))
                found.append((offset + cut, offset + end, "\n" + indent if end < len(line) else ""))
                start = text_start = end
                room = max(width - len(indent), 1)
        offset += len(line) + 1
    return found


def plain(text: str, width: int, hang: int = 0, column: bool = False) -> str:
    """``text`` with each line longer than ``width`` broken at its spaces (``cuts``)."""
    pieces, last = [], 0
    for start, end, instead in cuts(text, width, hang, column):
        pieces += [text[last:start], instead]
        last = end
    return "".join(pieces) + text[last:]
