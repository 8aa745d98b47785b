"""The KPI definitions of DESIGN §5 as SQL conditions over cases, one per figure.

Each figure is a `Q` over a case row: `Count(ROW, filter=...)` turns them into one aggregate query that
reads the report index alone.
`Measures(None)` reads the present from the case's own columns (fast: the indexed path every dashboard
takes); `Measures(as_of)` reads the past from the hash-chained events, so a report "as of 30 September"
gives the figures as they stood then, whatever happened to the cases afterwards.

The application figures (办件: DESIGN §4.2, and the village system of §5) need the `Application` row of each
case, so they come from a second aggregate over the applications alone (`Measures.applications`): the case
figures keep reading the report index, with no join to pay for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models import Case as Choose
from django.utils import timezone

from bianmin.cases.applications.intake import FORMS, ONLINE
from bianmin.cases.choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    CaseStatus,
    Channel,
    DeliveryMethod,
    RatingAppeal,
)
from bianmin.cases.models import Case, CaseEvent
from bianmin.reports.figures import APPLICATION_COUNTS, CASE_COUNTS

# The counted figures are the registry's (`bianmin.reports.figures`): each case count is the condition of the
# method of its name; the application counts are `application_aggregates`.
RATING_LEVELS = (5, 4, 3, 2, 1)
# What a count counts: a column every case has and the report index holds. Counting the id (outside the
# index) would send PostgreSQL to every row of the table; Django allows no COUNT(*) with a filter.
ROW = "received_at"

# Where an application was filed at a village (the village hall, or a cadre filing on a villager's behalf,
# 代办): the source's "village system" (不出村) figures.
VILLAGE_CHANNELS = (Channel.VILLAGE_HALL,)
# The channels an application can come through (online, a window, a village): tested on the report index
# before the join, so the hotline's, letters' and visits' cases never reach it.
APPLICATION_CHANNELS = tuple(sorted(FORMS))
# Not yet accepted, or no longer counted, at a moment: an application accepted by law on receipt (第32条)
# has its acceptance dated back to receipt, but was waiting for its check until someone accepted it.
_UNACCEPTED = (CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT, CaseStatus.MERGED)


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
            due_then=F("state__due_at"),
            last_rate_seq=Subquery(rate),
            last_done_seq=Subquery(done),
        )

    # Each condition below is defined once and read by every report, page, export, API and command.

    def accepted(self) -> Q:
        """受理: accepted, and not merged into a master (refused and never-accepted cases have no accepted_at)."""
        if self.as_of is None:
            return Q(accepted_at__isnull=False) & ~Q(status=CaseStatus.MERGED)
        return Q(accepted_at__lte=self.as_of) & ~Q(status_at__in=_UNACCEPTED)

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
            return self.rated() & Q(rating__gte=settings.SATISFIED_MIN_RATING)
        # A case is reopened only after a bad rating, so an earlier rating than the present one was bad.
        return self.rated() & Q(rating__gte=settings.SATISFIED_MIN_RATING, rated_at__lte=self.as_of)

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
        against the deadline as it stood then (recorded with the event holding at the moment; events older
        than that record are compared with the present deadline)."""
        running = OPEN_STATUSES - PAUSED_STATUSES
        if self.as_of is None:
            return Q(status__in=running, due_at__lt=timezone.now())
        then = Q(due_then__lt=self.as_of) | Q(due_then__isnull=True, due_at__lt=self.as_of)
        return Q(status_at__in=running) & then

    def aggregates(self) -> dict[str, Count]:
        """One `Count(filter=...)` per figure, for `.aggregate()` or `.values(...).annotate()`."""
        return {name: Count(ROW, filter=getattr(self, name)()) for name in CASE_COUNTS}

    # The application figures. Their conditions hold over the rows of `applications()`: every row there is
    # an application joined with its `Application`. Applications are neither merged nor reopened, and an
    # application's decision (on-time against both limits) is made once, when it completes.

    def applications(self, cases: QuerySet[Case], by: str) -> Iterable[dict[str, Any]]:
        """The application figures of `cases` by `by`: one GROUP BY over the applications among them, each
        joined with its application row; only cases of the application channels are looked up. The join is
        required after the aggregates: Django makes a join that aggregate conditions use an outer one,
        which would tie the planner to walking every case of the period."""
        grouped = self.annotate(cases).filter(channel__in=APPLICATION_CHANNELS).order_by().values(by)
        figures = grouped.annotate(**self.application_aggregates()).filter(application__isnull=False)
        return cast(Iterable[dict[str, Any]], figures.values(by, *APPLICATION_COUNTS))

    def within_legal_limit(self) -> Q:
        """Decided within the legal limit (法定时限), beside `completed_on_time` against the promised one."""
        return self.completed() & Q(application__within_legal_limit=True)

    def online(self) -> Q:
        """Filed online (web or mobile) by the applicant."""
        return Q(channel__in=ONLINE)

    def village_handled(self) -> Q:
        """不出村 办理: accepted applications filed at or on behalf of a village (DESIGN §5)."""
        return self.accepted() & Q(channel__in=VILLAGE_CHANNELS)

    def village_completed(self) -> Q:
        """不出村 办结: likewise, completed."""
        return self.completed() & Q(channel__in=VILLAGE_CHANNELS)

    def _collected_later(self) -> Q:
        # The one trip an applicant can make after the decision: collecting the result at a window.
        return Q(application__delivery_method=DeliveryMethod.WINDOW, application__delivered_at__gt=self.as_of)

    def trips(self) -> F | Expression:
        """跑动次数 at the moment: in the past, less a collection at a window that came later."""
        trips = F("application__trips")
        if self.as_of is None:
            return trips
        one_less = ExpressionWrapper(trips - 1, output_field=IntegerField())
        return Choose(When(self._collected_later(), then=one_less), default=trips, output_field=IntegerField())

    def one_trip(self) -> Q:
        """最多跑一次: completed with at most one trip to an office."""
        at_most_one = Q(application__trips__lte=1)
        if self.as_of is None:
            return self.completed() & at_most_one
        return self.completed() & (at_most_one | (Q(application__trips=2) & self._collected_later()))

    def application_aggregates(self) -> dict[str, Aggregate]:
        """The application figures, for `.values(...).annotate()` over applications (`applications()`)."""
        return {
            "applications_received": Count(ROW),
            "applications_accepted": Count(ROW, filter=self.accepted()),
            "applications_completed": Count(ROW, filter=self.completed()),
            "applications_on_time": Count(ROW, filter=self.completed_on_time()),
            "applications_within_legal_limit": Count(ROW, filter=self.within_legal_limit()),
            "applications_online": Count(ROW, filter=self.online()),
            "application_trips": Sum(self.trips(), filter=self.completed()),
            "applications_one_trip": Count(ROW, filter=self.one_trip()),
            "village_handled": Count(ROW, filter=self.village_handled()),
            "village_completed": Count(ROW, filter=self.village_completed()),
        }

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
