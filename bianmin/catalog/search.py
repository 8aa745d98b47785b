"""Chinese search over the catalogue with no search engine, the same on SQLite and PostgreSQL (DESIGN §2.3).

Each item keeps a normalized text of its current version: name, colloquial names (俗称), keywords and life
events. A query is normalized the same way; colloquial phrases are replaced by the catalogue's words
(`SearchSynonym`: 低保 → 最低生活保障); stop words (吃, 办, 怎么 …) split it; each run of Chinese characters
becomes its overlapping two-character terms (bigrams), and runs of letters or digits are terms of their own.
An item matches when its text holds at least half of the terms; it ranks by the terms it holds, three times
for those in its name. Every test is a `LIKE '%term%'` on lower-cased text, which both databases answer alike.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import translation

from bianmin.catalog.choices import LifeEvent
from bianmin.catalog.models import SearchSynonym, ServiceItem

# Generic words that say nothing about which item is meant. Single characters only where they never
# start or end a word of the catalogue's (not 能: 技能; not 帮: 帮扶).
STOP_WORDS = (
    "怎么办理",
    "如何办理",
    "怎么办",
    "怎么样",
    "怎么",
    "怎样",
    "如何",
    "哪里",
    "哪儿",
    "在哪",
    "什么",
    "需要",
    "办理",
    "申请",
    "手续",
    "材料",
    "流程",
    "可以",
    "请问",
    "一下",
    "我要",
    "我想",
    "想",
    "要",
    "我",
    "的",
    "了",
    "吗",
    "呢",
    "吧",
    "啊",
    "去",
    "办",
    "吃",
    "给",
    "在",
    "个",
    "和",
    "及",
)
MAX_TERMS = 16
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NOT_WORD = re.compile(rf"[^{CJK}a-z0-9]+")
_RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, anything but Chinese characters, letters and digits to a space."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def index_texts(
    name: str, aliases: Iterable[str], keywords: Iterable[str], life_events: Iterable[str]
) -> tuple[str, str]:
    """The (name, everything) texts an item is searched by; parts are kept apart by spaces so that no
    term can match across two of them."""
    events = list(life_events)
    labels = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels += [str(LifeEvent(event).label) for event in events if event in LifeEvent.values]
    parts = [name, *aliases, *keywords, *labels]
    return normalize(name), " ".join(normalize(part) for part in parts if part.strip())


def synonyms() -> list[tuple[str, str]]:
    return list(SearchSynonym.objects.values_list("phrase", "canonical"))


def query_terms(query: str, pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The terms of a query, in order, each once."""
    text = normalize(query)
    replace = {normalize(phrase): f" {normalize(canonical)} " for phrase, canonical in pairs if normalize(phrase)}
    replace.update({word: " " for word in STOP_WORDS})
    # One pass, longest phrase first: a replacement is never scanned again.
    pattern = re.compile("|".join(re.escape(p) for p in sorted(replace, key=len, reverse=True)))
    text = pattern.sub(lambda m: replace[m.group()], text)
    terms: list[str] = []
    for run in _RUN.findall(text):
        if run.isascii() or len(run) == 1:
            terms.append(run)
        else:
            terms += [run[i : i + 2] for i in range(len(run) - 1)]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def search(items: QuerySet[ServiceItem], query: str) -> QuerySet[ServiceItem]:
    """`items` matching `query`, best first (annotated with `score`)."""
    terms = query_terms(query, synonyms())
    if not terms:
        return items.none()
    hits = functools.reduce(
        operator.add, [Case(When(search_text__contains=t, then=Value(1)), default=Value(0)) for t in terms]
    )
    score = functools.reduce(
        operator.add,
        [
            Case(
                When(search_name__contains=t, then=Value(3)),
                When(search_text__contains=t, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for t in terms
        ],
    )
    needed = (len(terms) + 1) // 2
    return (
        items.alias(hits=hits).filter(hits__gte=needed).annotate(score=score).order_by("-score", "basic_code", "code")
    )
