"""Every write of a publication (DESIGN §6.3): drafting, the transition table's actions (edit, sign, return,
publish, correct, withdraw), the schedule that creates due publications, channel records and villagers'
questions. Each action locks the row, checks the table and the caller's scope, and writes the new state with
its event in one transaction."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.cases.choices import CaseKind, Channel, LimitUnit
from bianmin.cases.models import Case, Category
from bianmin.cases.services import create_case
from bianmin.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.org.choices import PLACE_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.org.services import audit
from bianmin.village import rules
from bianmin.village.choices import (
    CADENCE_MONTHS,
    TRANSITIONS,
    Cadence,
    ChannelKind,
    PublicationAction,
    PublicationStatus,
    PublicityCategory,
    Source,
)
from bianmin.village.errors import VillageError
from bianmin.village.models import (
    CatalogueItem,
    ChannelRecord,
    Publication,
    PublicationEvent,
    PublicationVersion,
    Question,
)

QUESTION_CATEGORY = "village-notice-question"
# 10 days to answer or publish again (ANCHORS §3: villagers' queries on a notice); the sources give calendar days.
QUESTION_DAYS = 10
MAX_TITLE, MAX_BODY = 200, 20000

# Hooks run inside the publishing transaction by the decisions and projects module (a resolution published
# completes step 5; a prior notice published lets the project's clock start): source → function.
ON_PUBLISH: dict[str, Callable[[Publication, datetime], None]] = {}


def check(actor: User, permission: Permission, village: Unit) -> None:
    if not in_scope(actor, permission, village.path):
        raise PermissionDenied(_("Your role does not allow this for this village."))


def not_in_future(field: str, day: date) -> None:
    """A record of what happened (a meeting held, a payment made, work started or finished) is dated today at
    the latest: a date ahead would let a meeting count before it is held, or work start before its notice has
    been displayed long enough."""
    if day > timezone.localdate():
        raise InvalidInput({field: _("This cannot be later than today.")})


def _text_errors(title: str, body: str) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = _("This field is required.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most %(n)d characters.") % {"n": MAX_TITLE}
    if not body.strip():
        errors["body"] = _("This field is required.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("At most %(n)d characters.") % {"n": MAX_BODY}
    return errors


def _event(pub: Publication, action: str, before: str, actor: User | None, at: datetime, note: str = "") -> None:
    PublicationEvent.objects.create(
        publication=pub,
        action=action,
        from_status=before,
        to_status=pub.status,
        version=pub.current.number if pub.current else None,
        note=note,
        actor=actor,
        at=at,
    )


def draft_publication(
    *,
    actor: User | None,
    village: Unit,
    category: str,
    title: str,
    body: str,
    source: str = Source.MANUAL,
    item: CatalogueItem | None = None,
    due_on: date | None = None,
    now: datetime | None = None,
) -> Publication:
    """A new draft by the village committee (or by the platform for a decision or project: `actor` None)."""
    if actor is not None:
        check(actor, Permission.VILLAGE_CHANGE, village)
    errors = _text_errors(title, body)
    if category not in PublicityCategory.values:
        errors["category"] = _("Select a valid choice.")
    if village.kind not in PLACE_KINDS:
        errors["village"] = _("Choose a village or community.")
    if errors:
        raise InvalidInput(errors)
    now = now or timezone.now()
    with transaction.atomic():
        pub = Publication.objects.create(
            village=village,
            item=item,
            category=category,
            source=source,
            title=title.strip(),
            body=body.strip(),
            due_on=due_on,
            created_by=actor,
        )
        _event(pub, PublicationAction.CREATE, "", actor, now)
    return pub


def allowed_actions(pub: Publication, user: User) -> list[str]:
    """The actions `user` may take on `pub` now: legal from its status (the table) and within their rights."""
    return [
        row.action
        for row in TRANSITIONS.values()
        if pub.status in row.sources and in_scope(user, row.permission, pub.village.path)
    ]


def act(
    pub: Publication,
    action: str,
    *,
    actor: User,
    title: str | None = None,
    body: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Publication:
    """Take `action` on `pub` (a row of `TRANSITIONS`): lock, check, write state and event in one transaction."""
    row = TRANSITIONS.get(action)
    if row is None:
        raise InvalidInput({"action": _("Select a valid choice.")})
    now = now or timezone.now()
    note = note.strip()
    with transaction.atomic():
        # Lock first: a cadre publishing while the committee returns it must not both win.
        locked = Publication.objects.select_for_update(of=("self",)).select_related("village", "current").get(pk=pub.pk)
        check(actor, row.permission, locked.village)
        if locked.status not in row.sources:
            raise Conflict(
                VillageError.ILLEGAL_TRANSITION,
                _("This cannot be done to a publication that is %(status)s.") % {"status": locked.get_status_display()},
            )
        if row.needs_reason and not note:
            raise InvalidInput({"note": _("Give the reason.")})
        if row.needs_text:
            new_title, new_body = (title or locked.title).strip(), (body if body is not None else locked.body).strip()
            errors = _text_errors(new_title, new_body)
            if errors:
                raise InvalidInput(errors)
            current = locked.current
            if (
                action == PublicationAction.CORRECT
                and current
                and (new_title, new_body) == (current.title, current.body)
            ):
                raise InvalidInput({"body": _("A correction must change the text.")})
            locked.title, locked.body = new_title, new_body
        before = locked.status
        _apply(locked, action, actor, note, now)
        locked.status = row.target
        locked.save()
        _event(locked, action, before, actor, now, note)
        if action == PublicationAction.PUBLISH and locked.source in ON_PUBLISH:
            ON_PUBLISH[locked.source](locked, now)
    return locked


def _apply(pub: Publication, action: str, actor: User, note: str, now: datetime) -> None:
    """The effect of each action besides the state (the table says which state)."""
    if action in (PublicationAction.EDIT, PublicationAction.RETURN):
        pub.signed_by, pub.signed_at = None, None  # a changed or returned text must be signed again
        if action == PublicationAction.RETURN:
            pub.remarks = note
    elif action == PublicationAction.SIGN:
        pub.signed_by, pub.signed_at, pub.remarks = actor, now, note
    elif action == PublicationAction.CORRECT:
        pub.correction_reason = note
        pub.signed_by, pub.signed_at, pub.remarks = None, None, ""
    elif action == PublicationAction.WITHDRAW:
        pub.withdrawn_reason = note
    elif action == PublicationAction.PUBLISH:
        previous = pub.current
        number = (previous.number + 1) if previous else 1
        pub.current = PublicationVersion.objects.create(
            publication=pub,
            number=number,
            title=pub.title,
            body=pub.body,
            signed_by=pub.signed_by,
            signed_at=pub.signed_at,
            remarks=pub.remarks,
            correction_reason=pub.correction_reason if previous else "",
            diff=diff(previous.title + "\n" + previous.body, pub.title + "\n" + pub.body) if previous else "",
            published_by=actor,
            published_at=now,
        )
        if pub.first_published_on is None:
            pub.first_published_on = timezone.localdate(now)
        pub.correction_reason = ""


def diff(old: str, new: str) -> str:
    """What a correction changed, line by line (unified diff without its file header)."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++")))


def record_channel(
    pub: Publication,
    *,
    actor: User,
    channel: str,
    at: datetime | None = None,
    place: str = "",
    photo: UploadedFile[bytes] | None = None,
) -> ChannelRecord:
    """That the published version went out through `channel` (and where, with a photo of the posted board)."""
    check(actor, Permission.VILLAGE_CHANGE, pub.village)
    if channel not in ChannelKind.values:
        raise InvalidInput({"channel": _("Select a valid choice.")})
    if pub.current_id is None or pub.status == PublicationStatus.WITHDRAWN:
        raise Conflict(VillageError.NOT_PUBLISHED, _("Only a published text goes out through a channel."))
    record = ChannelRecord(
        publication=pub, version_id=pub.current_id, channel=channel, at=at or timezone.now(), place=place[:100]
    )
    record.recorded_by = actor
    if photo is not None:
        record.photo.save(photo.name or "board.jpg", photo, save=False)
    record.save()
    return record


# -- the schedule --------------------------------------------------------------------------------------------


def create_due_publications(today: date, villages: QuerySet[Unit] | None = None) -> int:
    """Create the draft of every periodic catalogue item's period that has ended before `today` and has none
    yet (due on the item's day of the month after). Idempotent: the (item, period) pair is unique. Returns how
    many were created. The platform's schedule runs it each morning."""
    items = CatalogueItem.objects.filter(is_active=True, cadence__in=list(CADENCE_MONTHS))
    if villages is not None:
        items = items.filter(village__in=villages)
    existing = set(
        Publication.objects.filter(item__in=items, period_start__isnull=False).values_list("item_id", "period_start")
    )
    now = timezone.now()
    new: list[Publication] = []
    for item in items.only("id", "village_id", "category", "name", "cadence", "due_day", "starts_on"):
        for period in rules.periods(item.cadence, item.starts_on, today, item.due_day):
            if (item.pk, period.start) in existing:
                continue
            label = rules.period_label(item.cadence, period.start)
            new.append(
                Publication(
                    village_id=item.village_id,
                    item_id=item.pk,
                    category=item.category,
                    source=Source.SCHEDULE,
                    title=f"{item.name}（{label}）",
                    body="",
                    period_start=period.start,
                    period_end=period.end,
                    due_on=period.due_on,
                )
            )
    if not new:
        return 0
    try:
        with transaction.atomic():
            made = Publication.objects.bulk_create(new, batch_size=500)
            PublicationEvent.objects.bulk_create(
                [
                    PublicationEvent(publication=p, action=PublicationAction.CREATE, to_status=p.status, at=now)
                    for p in made
                ],
                batch_size=500,
            )
    except IntegrityError:
        # Another node's schedule ran at the same moment: take what is still missing, without events.
        Publication.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def scheduled_run(today: date) -> str:
    """The platform schedule's daily job: make the due drafts, and say how many are overdue (the township's
    list shows them). Idempotent: safe on several nodes at once."""
    made = create_due_publications(today)
    late = overdue(Publication.objects.all(), today).count()
    return f"created {made} due publications, {late} overdue"


def overdue(publications: QuerySet[Publication], today: date) -> QuerySet[Publication]:
    """Publications whose due date has passed without being published (a village shows overdue to the township)."""
    return publications.filter(due_on__lt=today, first_published_on__isnull=True)


def immediate_due(approved_on: date) -> date:
    """When a matter for publication at once must be out: within 5 days of its approval."""
    return approved_on + timedelta(days=rules.IMMEDIATE_DAYS)


# -- villagers' questions ------------------------------------------------------------------------------------


def question_category() -> Category:
    """The case category of questions on a notice: answered within 10 calendar days (ensured on first use)."""
    found, _created = Category.objects.get_or_create(
        code=QUESTION_CATEGORY,
        defaults={"name": "村务公开质询", "limit_value": QUESTION_DAYS, "limit_unit": LimitUnit.CALENDAR_DAYS},
    )
    return found


def ask_question(
    pub: Publication,
    *,
    actor: User | None,
    name: str,
    phone: str,
    text: str,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Case:
    """A villager's question on a published notice (on its public page: `actor` None; or written down by staff
    at the hall) becomes a case of the grievance workflow at the village, channel "notice question"."""
    version = pub.current
    if version is None:
        raise Conflict(VillageError.NOT_PUBLISHED, _("Questions are asked on published notices."))
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("This field is required.")
    elif len(text) > 2000:
        errors["text"] = _("At most %(n)d characters.") % {"n": 2000}
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        case, created = create_case(
            actor=actor,
            channel=Channel.NOTICE_QUESTION,
            kind=CaseKind.CONSULTATION,
            title=(_("Question on the notice: %(title)s") % {"title": version.title})[:100],
            content=f"{text.strip()}\n\n[{pub.village.name} · {version.title} · v{version.number} · {version.sha256[:12]}]",
            citizen_name=name,
            citizen_phone=phone,
            village=pub.village,
            unit=pub.village,
            category=question_category(),
            idempotency_key=idempotency_key,
            received_at=now,
        )
        if created:
            Question.objects.create(publication=pub, version=version, case=case, asked_at=case.received_at)
    return case


# -- the catalogue --------------------------------------------------------------------------------------------


def _item_errors(
    village: Unit,
    *,
    category: str,
    name: str,
    cadence: str,
    legal_basis: str,
    responsible: str,
    channels: list[str],
    due_day: int,
    other_than: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("This field is required.")
    elif len(name.strip()) > 100:
        errors["name"] = _("At most %(n)d characters.") % {"n": 100}
    elif CatalogueItem.objects.filter(village=village, name=name.strip()).exclude(pk=other_than or 0).exists():
        errors["name"] = _("The village's catalogue already has this item.")
    if category not in PublicityCategory.values:
        errors["category"] = _("Select a valid choice.")
    if cadence not in Cadence.values:
        errors["cadence"] = _("Select a valid choice.")
    if len(legal_basis.strip()) > 200:
        errors["legal_basis"] = _("At most %(n)d characters.") % {"n": 200}
    if len(responsible.strip()) > 50:
        errors["responsible"] = _("At most %(n)d characters.") % {"n": 50}
    if not 1 <= due_day <= 31:
        errors["due_day"] = _("A day of the month, 1 to 31.")
    if any(c not in ChannelKind.values for c in channels):
        errors["channels"] = _("Select a valid choice.")
    return errors


def add_catalogue_item(
    *,
    actor: User,
    village: Unit,
    category: str,
    name: str,
    cadence: str,
    starts_on: date,
    legal_basis: str = "",
    responsible: str = "",
    channels: list[str] | None = None,
    due_day: int = rules.DEFAULT_DUE_DAY,
) -> CatalogueItem:
    """A new item of the village's publicity catalogue; the schedule makes its publications from `starts_on`."""
    check(actor, Permission.VILLAGE_CHANGE, village)
    errors = _item_errors(
        village,
        category=category,
        name=name,
        cadence=cadence,
        legal_basis=legal_basis,
        responsible=responsible,
        channels=list(channels or []),
        due_day=due_day,
    )
    if errors:
        raise InvalidInput(errors)
    return CatalogueItem.objects.create(
        village=village,
        category=category,
        name=name.strip(),
        legal_basis=legal_basis.strip()[:200],
        cadence=cadence,
        due_day=due_day,
        responsible=responsible.strip()[:50],
        channels=list(channels or []),
        starts_on=starts_on,
    )


def change_catalogue_item(
    item: CatalogueItem,
    *,
    actor: User,
    category: str,
    name: str,
    cadence: str,
    legal_basis: str = "",
    responsible: str = "",
    channels: list[str] | None = None,
    due_day: int = rules.DEFAULT_DUE_DAY,
    today: date | None = None,
) -> CatalogueItem:
    """Change an active item. Publications already made keep their titles and due dates; a new cadence applies
    from the day after the last period made (or from today if none was), so the schedule never makes the
    past's periods again under the new cadence."""
    with transaction.atomic():
        locked = CatalogueItem.objects.select_for_update(of=("self",)).select_related("village").get(pk=item.pk)
        check(actor, Permission.VILLAGE_CHANGE, locked.village)
        if not locked.is_active:
            raise Conflict(VillageError.ITEM_RETIRED, _("This item was retired from the catalogue."))
        errors = _item_errors(
            locked.village,
            category=category,
            name=name,
            cadence=cadence,
            legal_basis=legal_basis,
            responsible=responsible,
            channels=list(channels or []),
            due_day=due_day,
            other_than=locked.pk,
        )
        if errors:
            raise InvalidInput(errors)
        if cadence != locked.cadence:
            last = (
                Publication.objects.filter(item=locked, period_end__isnull=False)
                .order_by("-period_end")
                .values_list("period_end", flat=True)
                .first()
            )
            since = last + timedelta(days=1) if last else (today or timezone.localdate())
            locked.starts_on = max(locked.starts_on, since)
        locked.category, locked.name, locked.cadence = category, name.strip(), cadence
        locked.legal_basis, locked.responsible = legal_basis.strip(), responsible.strip()
        locked.channels, locked.due_day = list(channels or []), due_day
        locked.save()
    return locked


def retire_catalogue_item(item: CatalogueItem, *, actor: User) -> CatalogueItem:
    """Take an item out of the schedule: no new publications are made for it; those made stay as they are."""
    with transaction.atomic():
        locked = CatalogueItem.objects.select_for_update(of=("self",)).select_related("village").get(pk=item.pk)
        check(actor, Permission.VILLAGE_CHANGE, locked.village)
        if not locked.is_active:
            raise Conflict(VillageError.ITEM_RETIRED, _("This item was retired from the catalogue."))
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit(actor, "village.catalogue.retire", locked, village=locked.village.code, name=locked.name)
    return locked


def reinstate_catalogue_item(item: CatalogueItem, *, actor: User, today: date | None = None) -> CatalogueItem:
    """Put a retired item back in the schedule from the period holding `today`: the periods that ended while
    it was retired are not made (nobody owed them), the current one is made once it ends."""
    with transaction.atomic():
        locked = CatalogueItem.objects.select_for_update(of=("self",)).select_related("village").get(pk=item.pk)
        check(actor, Permission.VILLAGE_CHANGE, locked.village)
        if locked.is_active:
            raise Conflict(VillageError.ITEM_NOT_RETIRED, _("This item is in the catalogue; it was not retired."))
        locked.is_active = True
        locked.starts_on = max(locked.starts_on, today or timezone.localdate())
        locked.save(update_fields=["is_active", "starts_on"])
        audit(actor, "village.catalogue.reinstate", locked, village=locked.village.code, name=locked.name)
    return locked
