"""Duplicate suggestions (DESIGN §3): open cases about the same village with similar text, last 30 days.

Candidates come from an indexed query (village, status, received_at) and are few per village; the text
is compared in Python with character-bigram overlap, which suits Chinese without a tokenizer and works
the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet

from bianmin.cases.choices import OPEN_STATUSES
from bianmin.cases.models import Case

WINDOW = timedelta(days=30)
THRESHOLD = 0.25
MAX_CANDIDATES = 300
_NOT_ALNUM = re.compile(r"[\W_]+")  # what str.isalnum() rejects, in one pass


def bigrams(text: str) -> set[str]:
    compact = _NOT_ALNUM.sub("", text)
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def similarity(a: str, b: str) -> float:
    return overlap(bigrams(a), bigrams(b))


def overlap(left: set[str], right: set[str]) -> float:
    """Jaccard overlap of two bigram sets (the case's own is computed once for all its candidates)."""
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class Similar:
    number: str
    title: str
    status: str
    score: float


def similar_open_cases(case: Case, within: QuerySet[Case], limit: int = 5) -> list[Similar]:
    """Suggestions among `within`: the caller's scoped cases, so no one learns of cases they may not see."""
    if case.village_id is None:
        return []
    candidates = (
        within.filter(
            village_id=case.village_id,
            status__in=OPEN_STATUSES,
            received_at__gte=case.received_at - WINDOW,
            received_at__lte=case.received_at + WINDOW,
        )  # no test of `master`: a merged case is never open, and that test led SQLite's planner astray
        .exclude(pk=case.pk)
        .order_by("-received_at")
        .values_list("number", "title", "content", "status")[:MAX_CANDIDATES]
    )
    mine = bigrams(f"{case.title} {case.content}")
    scored = [
        Similar(number, title, status, round(overlap(mine, bigrams(f"{title} {content}")), 2))
        for number, title, content, status in candidates
    ]
    return sorted((s for s in scored if s.score >= THRESHOLD), key=lambda s: -s.score)[:limit]
