"""The bulk demo writes what the workflow would have written: chains that verify, cases that agree with
their last event and their counters, deadlines that `refresh_due` recomputes, numbers that later intakes
continue, and histories that the real services, replayed step by step, reproduce field for field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.test import override_settings
from django.utils import timezone

from bianmin.cases import sla
from bianmin.cases.choices import DONE_STATUSES, OPEN_STATUSES, CaseStatus
from bianmin.cases.events import verify_chains
from bianmin.cases.models import Case, CaseEvent, CaseExtension, CasePause, DailySequence, OpenCaseText
from bianmin.cases.services import create_case, perform, refresh_due
from bianmin.cases.workflow import GRIEVANCE
from bianmin.demo import load_demo
from bianmin.demo.bulk import load_bulk_cases
from bianmin.org.models import Unit, User
from bianmin.workdays.services import current_calendar

SEED = 7
CASES = 3000
FIXED_NOW = datetime(2026, 6, 15, 18, 30, tzinfo=sla.SHANGHAI)
# Demo accounts need no slow password hash here.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
CASE_FIELDS = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")]
EVENT_FIELDS = [f.attname for f in CaseEvent._meta.concrete_fields if f.attname != "id"]


def last_event(field: str) -> Subquery:
    return Subquery(CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values(field)[:1])


def events_of(action: str) -> Count:
    return Count("events", filter=Q(events__action=action), distinct=True)


def assert_open_case_text_matches() -> None:
    """`OpenCaseText` holds a row for every open case, with its title and content, and no other row."""
    expected = {
        pk: f"{title}\n{content}"
        for pk, title, content in Case.objects.filter(status__in=OPEN_STATUSES).values_list("pk", "title", "content")
    }
    assert expected
    assert dict(OpenCaseText.objects.values_list("case_id", "text")) == expected


def clear_cases() -> None:
    with connection.cursor() as cursor:
        tables = ("cases_opencasetext", "cases_caseevent", "cases_casepause", "cases_caseextension")
        for table in (*tables, "cases_dailysequence"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed table names)
        cursor.execute("UPDATE cases_case SET master_id = NULL")
        cursor.execute("DELETE FROM cases_case")


def snapshot() -> list[list[tuple[Any, ...]]]:
    return [
        list(Case.objects.order_by("id").values_list(*CASE_FIELDS)),
        list(CaseEvent.objects.order_by("case_id", "seq").values_list(*EVENT_FIELDS)),
        list(CasePause.objects.order_by("case_id", "started_at").values_list("case_id", "started_at", "ended_at")),
        list(CaseExtension.objects.order_by("case_id", "at").values_list("case_id", "amount", "approved_by", "at")),
    ]


@pytest.fixture(scope="class")
def bulk_loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """3000 cases over 200 days, loaded once through `load_demo` with a lowered threshold, inside a
    transaction rolled back after the class (each test's own changes roll back to this state)."""
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo(seed=SEED, cases=CASES, days=200, bulk_threshold=1000)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.usefixtures("bulk_loaded")
class TestBulkHistory:
    def test_every_chain_verifies_and_every_state_is_there(self, db: None) -> None:
        assert Case.objects.count() == CASES
        assert list(verify_chains()) == []
        grievance_states = set(CaseStatus.values) - {CaseStatus.SUPPLEMENT}  # waiting for materials: applications
        assert set(Case.objects.values_list("status", flat=True)) == grievance_states
        assert set(Case.objects.values_list("channel", flat=True)) >= {"village_hall", "hotline", "web", "letter"}

    def test_the_open_cases_words_are_kept_for_the_open_cases_only(self, db: None) -> None:
        assert_open_case_text_matches()

    def test_every_reference_points_at_a_row(self, db: None) -> None:
        # PostgreSQL skips the per-row foreign-key checks during the load where it may: check them here.
        for model in (Case, CaseEvent, CasePause, CaseExtension):
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is not None:
                    known = field.related_model._default_manager.values("pk")
                    present = model.objects.filter(**{f"{field.attname}__isnull": False})
                    assert not present.exclude(**{f"{field.attname}__in": known}).exists(), field

    def test_each_case_agrees_with_its_last_event_and_its_counters(self, db: None) -> None:
        cases = Case.objects.annotate(
            last_status=last_event("to_status"),
            last_unit=last_event("to_unit_id"),
            n_events=Count("events", distinct=True),
            n_transfers=events_of("transfer"),
            n_supervisions=events_of("supervise"),
            n_reopens=events_of("reopen"),
        )
        disagreeing = cases.filter(
            ~Q(status=F("last_status"))
            | ~Q(unit_id=F("last_unit"))
            | ~Q(version=F("n_events"))
            | ~Q(transfer_count=F("n_transfers"))
            | ~Q(supervise_count=F("n_supervisions"))
            | ~Q(reopen_count=F("n_reopens"))
        )
        assert not disagreeing.exists()
        assert cases.filter(transfer_count__gte=2).exists() and cases.filter(supervise_count__gte=2).exists()
        assert cases.filter(reopen_count=1, status=CaseStatus.CLOSED).exists()

    def test_acceptance_completion_and_origin_follow_the_history(self, db: None) -> None:
        taken_in_waiting = CaseEvent.objects.filter(case=OuterRef("pk"), seq=1, to_status=CaseStatus.SUBMITTED)
        accepted = CaseEvent.objects.filter(case=OuterRef("pk"), action__in=("accept", "answer"))
        never_accepted = Q(Exists(taken_in_waiting)) & ~Q(Exists(accepted))
        assert not Case.objects.filter(never_accepted, accepted_at__isnull=False).exists()
        assert not Case.objects.filter(~never_accepted, accepted_at__isnull=True).exists()
        assert Case.objects.filter(status=CaseStatus.WITHDRAWN, accepted_at__isnull=True).exists()
        assert Case.objects.filter(status=CaseStatus.WITHDRAWN, accepted_at__isnull=False).exists()
        done = Q(status__in=DONE_STATUSES)
        assert not Case.objects.filter(done, completed_at__isnull=True).exists()
        assert not Case.objects.filter(~done, completed_at__isnull=False).exists()
        on_time = Q(completed_on_time=True) & Q(completed_at__lte=F("due_at"))
        late = Q(completed_on_time=False) & Q(completed_at__gt=F("due_at"))
        assert not Case.objects.filter(done).exclude(on_time | late).exists()
        assert Case.objects.filter(completed_on_time=False).exists()
        assert not Case.objects.exclude(origin_unit_id=F("village_id")).exists()
        assert not Case.objects.filter(status=CaseStatus.CLOSED, rating__isnull=True).exists()
        assert not Case.objects.exclude(status=CaseStatus.CLOSED).filter(rating__isnull=False).exists()

    def test_pauses_merges_and_escalations_are_consistent(self, db: None) -> None:
        open_pause = CasePause.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
        assert not Case.objects.filter(status=CaseStatus.PAUSED).exclude(Exists(open_pause)).exists()
        assert not Case.objects.exclude(status=CaseStatus.PAUSED).filter(Exists(open_pause)).exists()
        paused_since = Subquery(open_pause.values("started_at")[:1])
        assert not Case.objects.filter(status=CaseStatus.PAUSED).exclude(paused_at=paused_since).exists()
        merged = Case.objects.filter(status=CaseStatus.MERGED)
        assert merged.exists() and not merged.filter(master__isnull=True).exists()
        assert not merged.exclude(master__village_id=F("village_id")).exists()
        assert not merged.filter(master__status=CaseStatus.MERGED).exists()
        assert not Case.objects.exclude(status=CaseStatus.MERGED).filter(master__isnull=False).exists()
        # A village covered by a work team escalates to it; any other village to its township.
        for event in CaseEvent.objects.filter(action="escalate", from_unit__kind="village").select_related(
            "from_unit", "to_unit"
        )[:200]:
            team = event.from_unit.covered_by.filter(kind="work_team").order_by("pk").first()
            assert event.to_unit == (team or event.from_unit.parent)

    def test_deadlines_are_what_refresh_due_and_enter_level_derive(self, db: None) -> None:
        moved = Q(supervise_count__gt=0) | Q(reopen_count__gt=0) | Q(pauses__isnull=False) | Q(extensions__isnull=False)
        sample = list(Case.objects.filter(moved).exclude(status=CaseStatus.WITHDRAWN).distinct().order_by("id")[:400])
        sample += list(Case.objects.order_by("id")[:100])
        assert len(sample) > 300
        for case in sample:
            stored = case.due_at
            refresh_due(case)  # not after a withdrawal: it ends a pause without recomputing, as `perform` does
            assert case.due_at == stored, case.number
        calendar = current_calendar()
        for case in Case.objects.exclude(analysis_level="county").order_by("id")[:300]:
            assert case.level_entered_at is not None
            days = settings.ANALYSIS_LEVEL_DAYS[case.analysis_level]
            assert case.level_due_at == sla.add_limit(case.level_entered_at, days, "working_days", calendar)
        assert not Case.objects.filter(analysis_level="county", level_due_at__isnull=False).exists()

    def test_later_intakes_continue_each_days_numbers(self, db: None) -> None:
        cadre = User.objects.get(username="staff-500236101201")
        village = Unit.objects.get(code="500236101201")
        now = timezone.now()
        past = Case.objects.order_by("received_at").values_list("received_at", flat=True)[CASES // 3]
        for moment in (now, past):
            prefix = f"{sla.local_date(moment):%Y%m%d}-"
            last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
            previous = int(last[0].split("-")[1]) if last else 0
            recorded = DailySequence.objects.filter(day=sla.local_date(moment)).values_list("last", flat=True)
            assert (recorded.first() or 0) == previous
            case, _created = create_case(
                actor=cadre,
                channel="hotline",
                kind="help",
                title="路灯不亮",
                content="村口路灯不亮。",
                citizen_name="王秀英",
                citizen_phone="13800000000",
                village=village,
                received_at=moment,
            )
            assert case.number == f"{prefix}{previous + 1:05d}"

    def test_the_bulk_path_adds_nothing_to_a_table_with_cases(self, db: None) -> None:
        report = load_bulk_cases(SEED, 100, now=timezone.now())
        assert report.skipped and Case.objects.count() == CASES

    def test_a_seed_gives_the_same_history_and_another_seed_another(self, db: None) -> None:
        """Given a fixed moment, when the same seed is loaded twice into an empty table, then every row is
        the same; another seed gives other cases."""
        clear_cases()
        load_bulk_cases(SEED, 800, days=60, now=FIXED_NOW)
        first = snapshot()
        clear_cases()
        load_bulk_cases(SEED, 800, days=60, now=FIXED_NOW)
        assert snapshot() == first
        clear_cases()
        load_bulk_cases(SEED + 1, 800, days=60, now=FIXED_NOW)
        assert snapshot()[1] != first[1]

    def test_the_real_services_replaying_a_history_write_the_same_rows(self, db: None) -> None:
        """Given bulk cases with every action (a small load: each `perform` checks scope over the table),
        when a history of each action is replayed through create_case and perform, then every field of the
        case, its events, its pauses and its extensions come out the same."""
        clear_cases()
        load_bulk_cases(SEED, 800, days=150, now=FIXED_NOW)
        merged = set(Case.objects.filter(status=CaseStatus.MERGED).values_list("pk", flat=True))
        lengths = dict(Case.objects.values_list("pk", "version"))
        shortest: dict[str, int] = {}
        for action, case_id in CaseEvent.objects.exclude(action="create").values_list("action", "case_id"):
            best = shortest.get(action)
            if case_id not in merged and (best is None or (lengths[case_id], case_id) < (lengths[best], best)):
                shortest[action] = case_id
        # The bulk demo attaches no files, and its stories hold no 会商, no citizen's 认领 and no extension
        # request (replayed like any row if they did).
        unplayed = {"merge", "attach", "consult", "claim", "request_extension", "decline_extension"}
        assert set(shortest) == set(GRIEVANCE) - unplayed
        ignored = {"number", "id", "created_at", "updated_at", "last_event_hash"}  # the hashes cover the number
        fields = [f for f in CASE_FIELDS if f not in ignored]
        event_fields = [f for f in EVENT_FIELDS if f not in ("case_id", "prev_hash", "hash")]
        for case_id in sorted(set(shortest.values())):
            original = Case.objects.get(pk=case_id)
            replayed = replay(original)
            assert [getattr(replayed, f) for f in fields] == [getattr(original, f) for f in fields], original.number
            assert list(replayed.events.values_list(*event_fields)) == list(original.events.values_list(*event_fields))
            pause_fields = ("started_at", "ended_at", "reason")
            assert list(replayed.pauses.values_list(*pause_fields)) == list(original.pauses.values_list(*pause_fields))
            extension_fields = ("amount", "reason", "approved_by_id", "at")
            assert list(replayed.extensions.values_list(*extension_fields)) == list(
                original.extensions.values_list(*extension_fields)
            )


# Where each action's arguments went in its event: the note, and keys of the data.
NOTE_FIELD = {
    "refuse": "reason",
    "answer": "reply",
    "reply": "reply",
    "transfer": "note",
    "escalate": "note",
    "return": "reason",
    "supervise": "note",
    "extend": "reason",
    "pause": "reason",
    "complete": "note",
    "rate": "comment",
    "reopen": "reason",
    "appeal_rating": "reason",
    "review_appeal": "note",
    "rectify": "note",
    "call_back": "note",
    "withdraw": "reason",
}
DATA_FIELDS = {
    "refuse": ("proper_channel",),
    "assign": ("handler",),
    "transfer": ("to_unit", "assist_units"),
    "supervise": ("due_at",),
    "extend": ("amount",),
    "classify": ("classification",),
    "rate": ("rating",),
    "review_appeal": ("decision",),
}


def replay(original: Case) -> Case:
    """The same history played through the services (the number is the next one of its day)."""
    events = list(original.events.order_by("seq").select_related("actor"))
    created = events[0]
    case, _new = create_case(
        actor=created.actor,
        channel=original.channel,
        kind=original.kind,
        title=original.title,
        content=original.content,
        address=original.address,
        citizen_name=original.citizen_name,
        citizen_phone=original.citizen_phone,
        village=original.village,
        unit=original.village,
        category=original.category,
        urgency=original.urgency,
        submitted=created.to_status == CaseStatus.SUBMITTED,
        received_at=created.at,
    )
    for event in events[1:]:
        fields: dict[str, Any] = {name: event.data[name] for name in DATA_FIELDS.get(event.action, ())}
        if event.action in NOTE_FIELD:
            fields[NOTE_FIELD[event.action]] = event.note
        if "due_at" in fields:
            fields["due_at"] = datetime.fromisoformat(fields["due_at"])
        by_citizen = event.data.get("by") == "citizen"
        case = perform(case, event.action, actor=event.actor, at=event.at, by_citizen=by_citizen, **fields)
    return Case.objects.get(pk=case.pk)


@pytest.mark.django_db(transaction=True)
def test_forked_workers_write_the_same_rows_as_one_process() -> None:
    """Given the demo county outside any transaction, when two forked workers each generate and write
    batches on their own connections, then the rows are those one process writes, and they verify."""
    with FAST_HASHER:
        load_demo(seed=SEED, cases=0)
    load_bulk_cases(SEED, 600, days=90, now=FIXED_NOW, batch_cases=150, workers=2)
    assert list(verify_chains()) == []
    parallel = snapshot()
    clear_cases()
    load_bulk_cases(SEED, 600, days=90, now=FIXED_NOW, batch_cases=150, workers=0)
    assert snapshot() == parallel
