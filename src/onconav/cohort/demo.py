"""An example population (``onconav cohort demo``): people with each fact unknown half the time
(left empty, or for a fact of words now and then as exports say it: ``unknown``), every value of
every fact (the knowledge base's: ``every_value``), and a few rows that cannot be read (an
unknown drug, an impossible stage, a missing or repeated patient_id, no cancer), seeded so that a
run is repeatable."""

from __future__ import annotations

import random
from typing import Any

from onconav.kb import KnowledgeBase
from onconav.kb.model import FactType

CANCERS = ["stomach", "gastric cancer", "rectum", "rectal cancer", "cervix", "cervical cancer",
           "colon", "breast", "lung", "any"]  # fmt: skip
# other ways exports write a value, beside the knowledge base's own (``4``, ``positive``)
SPELLINGS = {"stage": ["IV", "Stage IVB", "T4N1M1"], "her2": ["HER2 3+", "2+"],
             "kras": ["G12D"]}  # fmt: skip
NOT_KNOWN = ["unknown", "Not tested", "N/A"]  # as exports say a value is not known
BAD: list[tuple[str, Any]] = [("progressed_on", ["no-such-drug"]), ("stage", "9"),
                              ("patient_id", None), ("patient_id", "repeat"),
                              ("cancer", None)]  # fmt: skip


def values(kb: KnowledgeBase, fact: str) -> list[Any]:
    """Every value of a fact, as the knowledge base knows them (its vocabulary: a list's items,
    a value's own and those of the entities it takes, the cancers); yes and no for a fact of
    yes or no."""
    if kb.facts[fact].type is FactType.bool:
        return [True, False]
    return sorted(kb.vocabulary.known(fact))


def every_value(kb: KnowledgeBase) -> list[tuple[str, Any]]:
    """Each (fact, value) of the knowledge base, one a row in the first rows of ``people``."""
    return [(f, v) for f in kb.facts for v in values(kb, f)]


def people(kb: KnowledgeBase, n: int, seed: int = 13, bad: float = 0.01) -> list[dict[str, Any]]:
    """``n`` people as rows of the input table (lists as lists). The first rows give every value
    of every fact (``every_value``), one each (from the knowledge base: HER2 equivocal, whose
    gap asks for the ISH test, too); about ``bad`` of the rows after them (of every row if ``n``
    leaves no room) cannot be read, so that each value of the first rows is read."""
    rng = random.Random(seed)
    every = every_value(kb)

    def maybe(value: Any, said: bool = False) -> Any:
        """The value half the time; else not known: empty, or (``said``) sometimes in words."""
        if rng.random() < 0.5:
            return value
        return rng.choice(NOT_KNOWN) if said and rng.random() < 0.2 else None

    rows: list[dict[str, Any]] = []
    start = len(every) if n - len(every) > len(BAD) else 0  # the first row that may be bad
    placed = {start + (j + 1) * (n - start) // (len(BAD) + 1): b
              for j, b in enumerate(BAD)} if n > len(BAD) else {}  # fmt: skip
    for i in range(n):
        row: dict[str, Any] = {"patient_id": f"P{i:07d}"}
        for fact, about in kb.facts.items():
            if fact == "cancer":
                row[fact] = rng.choice(CANCERS)
            elif about.type is FactType.bool:
                row[fact] = maybe(rng.random() < 0.5)
            elif about.type is FactType.set:
                known = values(kb, fact)
                row[fact] = maybe(rng.sample(known, rng.randint(0, min(3, len(known)))))
            else:
                row[fact] = maybe(rng.choice(values(kb, fact) + SPELLINGS.get(fact, [])),
                                  said=True)  # fmt: skip
        if i < len(every):
            fact, value = every[i]
            row[fact] = [value] if kb.facts[fact].type is FactType.set else value
        if i > start and (i in placed or rng.random() < bad):
            broken, given = placed.get(i) or rng.choice(BAD)
            row[broken] = rows[start]["patient_id"] if given == "repeat" else given
        rows.append(row)
    return rows


def write(rows: list[dict[str, Any]], path: str, fmt: str) -> None:
    """Rows to Parquet, CSV (lists ``;``-separated, ``none`` for an empty one) or NDJSON."""
    import json
    import tempfile
    from pathlib import Path

    import duckdb

    from onconav.logic import quote

    with tempfile.TemporaryDirectory() as folder:
        temp = Path(folder) / "people.ndjson"
        with temp.open("w", encoding="utf-8") as out:
            for row in rows:
                if fmt == "csv":
                    row = {k: (("; ".join(v) or "none") if isinstance(v, list) else v)
                           for k, v in row.items()}  # fmt: skip
                out.write(json.dumps(row) + "\n")
        if fmt == "ndjson":
            Path(path).write_text(temp.read_text(encoding="utf-8"), encoding="utf-8")
            return
        con = duckdb.connect()
        scan = f"read_json({quote(str(temp))}, format='newline_delimited', sample_size=-1)"
        options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
        con.execute(f"COPY (SELECT * FROM {scan}) TO {quote(path)} ({options})")
        con.close()
