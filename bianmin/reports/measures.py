"""The KPI definitions of DESIGN §5 as SQL conditions over cases, one per figure.

Each figure is a `Q` over a case row: `Count(ROW, filter=...)` turns them into one aggregate query that
reads the report index alone.
`Measures(None)` reads the present from the case's own columns (fast: the indexed path every dashboard
takes); `Measures(as_of)` reads the past from the hash-chained events, so a report "as of 30 September"
gives the figures as they stood then, whatever happened to the cases afterwards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from bianmin.cases.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    SATISFIED_MIN,
    CaseStatus,
    Channel,
    RatingAppeal,
)
from bianmin.cases.models import Case, CaseEvent

# The figures every report carries, in the order of the government's table.
COUNTS = (
    "accepted",
    "transferred",
    "supervised",
    "completed",
    "completed_on_time",
    "rated",
    "satisfied",
    "overdue",
    "village_handled",
    "village_completed",
)
RATING_LEVELS = (5, 4, 3, 2, 1)
# What a count counts: a column every case has and the report index holds. Counting the id (outside the
# index) would send PostgreSQL to every row of the table; Django allows no COUNT(*) with a filter.
ROW = "received_at"

# Where a matter was filed at a village (the village hall, or a cadre filing on a villager's behalf):
# the source's "village system" (不出村) figures.
VILLAGE_CHANNELS = (Channel.VILLAGE_HALL,)


def _events(action: str | tuple[str, ...], as_of: datetime) -> QuerySet[CaseEvent]:
    actions = (action,) if isinstance(action, str) else action
    return CaseEvent.objects.filter(case=OuterRef("pk"), action__in=actions, at__lte=as_of)


class Measures:
    """The conditions behind each figure, for the present (`as_of=None`) or for a moment in the past."""

    def __init__(self, as_of: datetime | None) -> None:
        self.as_of = as_of

    def annotate(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """Add what the past-tense conditions read; nothing for the present.

        The status at `as_of` comes from a join with the one event whose validity [at, next_at) holds
        `as_of`: a single pass, where a subquery per case would be evaluated again for every figure.
        The sequence numbers of the last rating and completion are subqueries, but only the rare
        conditions about reopened or appealed cases reach them."""
        if self.as_of is None:
            return cases
        as_of = self.as_of
        holding = Q(events__at__lte=as_of) & (Q(events__next_at__gt=as_of) | Q(events__next_at__isnull=True))
        rate = _events("rate", as_of).order_by("-seq").values("seq")[:1]
        done = _events(("complete", "answer"), as_of).order_by("-seq").values("seq")[:1]
        return cases.filter(received_at__lte=as_of).annotate(
            state=FilteredRelation("events", condition=holding),
            status_at=F("state__to_status"),
            last_rate_seq=Subquery(rate),
            last_done_seq=Subquery(done),
        )

    # Each condition below is defined once and read by every report, page, export, API and command.

    def accepted(self) -> Q:
        """受理: accepted, and not merged into a master (refused and never-accepted cases have no accepted_at)."""
        if self.as_of is None:
            return Q(accepted_at__isnull=False) & ~Q(status=CaseStatus.MERGED)
        return Q(accepted_at__lte=self.as_of) & ~Q(status_at=CaseStatus.MERGED)

    def transferred(self) -> Q:
        """转办: at least one transfer, counted once however many."""
        if self.as_of is None:
            return self.accepted() & Q(transfer_count__gt=0)
        return self.accepted() & Q(transfer_count__gt=0) & Q(Exists(_events("transfer", self.as_of)))

    def supervised(self) -> Q:
        """督办: supervised at least once, counted once."""
        if self.as_of is None:
            return self.accepted() & Q(supervise_count__gt=0)
        return self.accepted() & Q(supervise_count__gt=0) & Q(Exists(_events("supervise", self.as_of)))

    # In the present the conditions lean on two invariants of the workflow table, which keeps the one
    # aggregate query cheap (SQLite evaluates every condition of every row): a completed or closed case
    # was accepted and cannot be merged, and "closed" is reached only by rating. The event-replay oracle
    # test holds the short forms to the literal definitions.

    def completed(self) -> Q:
        """办结: completed or later; a reopened case only once completed again."""
        if self.as_of is None:
            return Q(status__in=DONE_STATUSES)
        return self.accepted() & Q(status_at__in=DONE_STATUSES)

    def completed_on_time(self) -> Q:
        """Completed by the deadline: of a reopened case, its latest completion counts."""
        if self.as_of is None:
            return self.completed() & Q(completed_on_time=True)
        latest = CaseEvent.objects.filter(case=OuterRef("pk"), seq=OuterRef("last_done_seq"), data__on_time=True)
        never_reopened = Q(reopen_count=0, completed_on_time=True)
        return self.completed() & (never_reopened | (Q(reopen_count__gt=0) & Q(Exists(latest))))

    def rated(self) -> Q:
        """Rated (一事一评), less ratings removed by an upheld appeal (申诉复核)."""
        if self.as_of is None:
            return Q(status=CaseStatus.CLOSED) & ~Q(rating_appeal=RatingAppeal.UPHELD)
        # Rating is the only way into "closed", so a case closed at `as_of` had been rated by then.
        upheld = _events("review_appeal", self.as_of).filter(
            data__decision=RatingAppeal.UPHELD, seq__gt=OuterRef("last_rate_seq")
        )
        # Only a case appealed now, or reopened since (which clears the appeal), can have had one upheld.
        maybe_upheld = Q(rating_appeal=RatingAppeal.UPHELD) | Q(reopen_count__gt=0)
        return self.completed() & Q(status_at=CaseStatus.CLOSED) & ~(maybe_upheld & Q(Exists(upheld)))

    def satisfied(self) -> Q:
        """Rated in one of the satisfied levels (DESIGN §4.4)."""
        if self.as_of is None:
            return self.rated() & Q(rating__gte=SATISFIED_MIN)
        # A case is reopened only after a bad rating, so an earlier rating than the present one was bad.
        return self.rated() & Q(rating__gte=SATISFIED_MIN, rated_at__lte=self.as_of)

    def rating_is(self, level: int) -> Q:
        """Rated `level` (for the distribution); in the past, an earlier rating of a reopened case is read
        from its event."""
        if self.as_of is None:
            return self.rated() & Q(rating=level)
        earlier = CaseEvent.objects.filter(case=OuterRef("pk"), seq=OuterRef("last_rate_seq"), data__rating=level)
        present = Q(rated_at__lte=self.as_of) & Q(rating=level)
        return self.rated() & (present | (Q(reopen_count__gt=0) & Q(Exists(earlier))))

    def overdue(self) -> Q:
        """Open, clock running and past the deadline at the moment (the workbench's red cases); in the past,
        against the deadline as it was last set."""
        running = OPEN_STATUSES - PAUSED_STATUSES
        if self.as_of is None:
            return Q(status__in=running, due_at__lt=timezone.now())
        return Q(status_at__in=running, due_at__lt=self.as_of)

    def village_handled(self) -> Q:
        return self.accepted() & Q(channel__in=VILLAGE_CHANNELS)

    def village_completed(self) -> Q:
        return self.completed() & Q(channel__in=VILLAGE_CHANNELS)

    def aggregates(self) -> dict[str, Count]:
        """One `Count(filter=...)` per figure, for `.aggregate()` or `.values(...).annotate()`."""
        return {name: Count(ROW, filter=getattr(self, name)()) for name in COUNTS}

    def ratings(self, cases: QuerySet[Case]) -> dict[int, int]:
        """How many rated cases got each level (one GROUP BY over the rated cases only)."""
        found: dict[int, int] = dict.fromkeys(RATING_LEVELS, 0)
        if self.as_of is None:
            rated = self.annotate(cases).filter(self.rated()).order_by().values("rating").annotate(n=Count(ROW))
            for rating, count in rated.values_list("rating", "n"):
                found[int(rating or 0)] = count
            return found
        # Grouped like the figures (an aggregate over these annotations would wrap them in a subquery the
        # past-tense conditions cannot reach), then summed.
        counts = {f"level_{level}": Count(ROW, filter=self.rating_is(level)) for level in RATING_LEVELS}
        grouped = self.annotate(cases).order_by().values("origin_unit_id").annotate(**counts)
        for group in cast(Iterable[dict[str, Any]], grouped):
            for level in RATING_LEVELS:
                found[level] += group[f"level_{level}"]
        return found
