"""An example population (``onconav cohort demo``): people with each fact unknown half the time
(left empty, or for a fact of words now and then as exports say it: ``unknown``), every value of
every fact's vocabulary, and a few rows that cannot be read (an unknown drug, an impossible
stage, a missing or repeated patient_id, no cancer), seeded so that a run is repeatable."""

from __future__ import annotations

import random
from typing import Any

from onconav.kb import KnowledgeBase

CANCERS = ["stomach", "gastric cancer", "rectum", "rectal cancer", "cervix", "cervical cancer",
           "colon", "breast", "lung", "any"]  # fmt: skip
STAGES = ["earlier", "4", "4A", "4B", "IV", "Stage IVB", "T4N1M1"]
RECURRENCE = ["none", "yes", "local", "distant"]
BOOLS = ["resectable", "most_treatments_tried", "wants_cancer_treatment", "hormone_sensitive",
         "chemo_for_spread", "weak_bone", "tumour_on_nerve"]  # fmt: skip
MARKERS = {"her2": ["positive", "negative", "HER2 3+"],
           "kras": ["wild-type", "mutated", "G12D"]}  # fmt: skip
NOT_KNOWN = ["unknown", "Not tested", "N/A"]  # as exports say a value is not known
BAD: list[tuple[str, Any]] = [("progressed_on", ["no-such-drug"]), ("stage", "9"),
                              ("patient_id", None), ("patient_id", "repeat"),
                              ("cancer", None)]  # fmt: skip


def people(kb: KnowledgeBase, n: int, seed: int = 13, bad: float = 0.01) -> list[dict[str, Any]]:
    """``n`` people as rows of the input table (lists as lists); about ``bad`` of them cannot be
    read. The first rows give every value of every list fact, one each."""
    rng = random.Random(seed)
    lists = [f for f, fact in kb.facts.items() if fact.type.value == "set"]
    every = [(f, v) for f in lists for v in sorted(kb.vocabulary.known(f))]

    def maybe(value: Any, said: bool = False) -> Any:
        """The value half the time; else not known: empty, or (``said``) sometimes in words."""
        if rng.random() < 0.5:
            return value
        return rng.choice(NOT_KNOWN) if said and rng.random() < 0.2 else None

    rows: list[dict[str, Any]] = []
    placed = {(j + 1) * n // (len(BAD) + 1): b for j, b in enumerate(BAD)} if n > len(BAD) else {}
    for i in range(n):
        row: dict[str, Any] = {"patient_id": f"P{i:07d}", "cancer": rng.choice(CANCERS),
                               "stage": maybe(rng.choice(STAGES), said=True),
                               "recurrence": maybe(rng.choice(RECURRENCE), said=True),
                               "metastasis_extent": maybe(rng.choice(["few", "many"]),
                                                          said=True)}  # fmt: skip
        for flag in BOOLS:
            row[flag] = maybe(rng.random() < 0.5)
        for marker, values in MARKERS.items():
            row[marker] = maybe(rng.choice(values), said=True)
        for fact in lists:
            known = sorted(kb.vocabulary.known(fact))
            row[fact] = maybe(rng.sample(known, rng.randint(0, min(3, len(known)))))
        if i < len(every):
            fact, value = every[i]
            row[fact] = [value]
        if i > 0 and (i in placed or rng.random() < bad):
            broken, given = placed.get(i) or rng.choice(BAD)
            row[broken] = rows[0]["patient_id"] if given == "repeat" else given
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
