"""How well the search finds the answers to a set of questions: recall@3 and MRR.

A question set is YAML: ``questions``, each with ``q`` (the question, in people's words) and
``answers`` (``SOURCE START-END`` or ``entry ID``; see ``relevant``). tests/test_search.py and
benchmarks/search.py measure tests/search/questions.yaml with this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from onconav.search.index import Index, relevant


@dataclass(frozen=True)
class Question:
    q: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Quality:
    questions: int
    recall_at_3: float  # the share of questions with an answer among the first three hits
    mrr: float  # the mean of 1/rank of the first answer (0 when none of the first 10 is one)
    missed: tuple[str, ...]  # the questions with no answer among the first three


def load_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(str(item["q"]), tuple(item["answers"])) for item in data["questions"]]


def rank_of_answer(index: Index, question: Question, limit: int = 10) -> int | None:
    """The rank of the first hit that answers the question, or None."""
    result = index.search(question.q, limit=limit)
    return next((h.rank for h in result.hits if relevant(h, question.answers)), None)


def measure(index: Index, questions: list[Question]) -> Quality:
    ranks = [rank_of_answer(index, q) for q in questions]
    found = [r is not None and r <= 3 for r in ranks]
    return Quality(
        questions=len(questions),
        recall_at_3=sum(found) / len(questions),
        mrr=sum(1 / r for r in ranks if r) / len(questions),
        missed=tuple(q.q for q, ok in zip(questions, found, strict=True) if not ok),
    )
