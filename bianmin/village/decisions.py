"""Every write of a 四议两公开 decision and of village rules and charters: starting a decision, recording each
meeting step against the register (the verdict computed by `rules.verdict`; an invalid step blocks the next),
the two 公开 steps as publications made from the decision, and adopting a charter version by a valid meeting."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.errors import Conflict, InvalidInput
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.village import rules, services
from bianmin.village.choices import (
    MEETING_STEPS,
    STEP_MEETINGS,
    CharterKind,
    DecisionKind,
    DecisionStatus,
    MeetingType,
    PublicityCategory,
    Source,
    Step,
)
from bianmin.village.errors import VillageError
from bianmin.village.models import Charter, CharterVersion, Decision, DecisionStep, Publication, Register


def levy_cap_fen() -> int:
    """The most that 一事一议 may raise from each villager in a year, in fen: the ceiling a province sets under
    the 村民一事一议筹资筹劳管理办法 (settings; 20 yuan by default)."""
    return int(settings.VILLAGE_YISHIYIYI_CAP_FEN_PER_PERSON)


def start_decision(
    *,
    actor: User,
    village: Unit,
    title: str,
    summary: str = "",
    kind: str = DecisionKind.MAJOR,
    amount_fen: int = 0,
    per_person_fen: int | None = None,
) -> Decision:
    """A new decision. Money is raised from villagers only by 一事一议, and all of one village's 一事一议 of a
    year together stay within the cap per villager (decisions blocked at a meeting do not count)."""
    services.check(actor, Permission.VILLAGE_CHANGE, village)
    errors = {}
    if not title.strip() or len(title) > 200:
        errors["title"] = _("Give the matter (at most 200 characters).")
    if len(summary) > 5000:
        errors["summary"] = _("At most %(n)d characters.") % {"n": 5000}
    if kind not in DecisionKind.values:
        errors["kind"] = _("Select a valid choice.")
    if amount_fen < 0:
        errors["amount_fen"] = _("Must not be negative.")
    per_person = per_person_fen or 0
    if per_person < 0:
        errors["per_person_fen"] = _("Must not be negative.")
    elif per_person and kind != DecisionKind.ONE_MATTER:
        errors["per_person_fen"] = _("Money is raised from villagers only by one matter, one discussion (一事一议).")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        if per_person:
            _check_levy_cap(village, per_person, year=timezone.localdate().year)
        return Decision.objects.create(
            village=village,
            kind=kind,
            title=title.strip(),
            summary=summary.strip(),
            amount_fen=amount_fen,
            per_person_fen=per_person or None,
            created_by=actor,
        )


def _check_levy_cap(village: Unit, per_person: int, *, year: int, leaving: Decision | None = None) -> None:
    """Refuse a 一事一议 levy that would take the village past the year's cap per villager. Blocked decisions do
    not count (`leaving`, one that a valid meeting unblocks, is not counted twice). Call inside a transaction:
    the village is locked so that two decisions counted at once cannot pass the cap together."""
    Unit.objects.select_for_update().filter(pk=village.pk).first()
    others = Decision.objects.filter(village=village, kind=DecisionKind.ONE_MATTER, created_at__year=year).exclude(
        status=DecisionStatus.BLOCKED
    )
    if leaving is not None:
        others = others.exclude(pk=leaving.pk)
    already = others.aggregate(total=Sum("per_person_fen"))["total"] or 0
    cap = levy_cap_fen()
    if already + per_person > cap:
        raise InvalidInput(
            {
                "per_person_fen": _(
                    "One matter, one discussion may raise at most %(cap)s yuan per villager a year; "
                    "%(already)s yuan is already decided this year."
                )
                % {"cap": yuan(cap), "already": yuan(already)}
            }
        )


def next_step(decision: Decision) -> int | None:
    """The step the decision waits for: the first meeting step without a valid meeting, then the resolution's
    publication, then the result's; None when all six are done."""
    valid = set(decision.steps.filter(valid=True).values_list("step", flat=True))
    for step in MEETING_STEPS:
        if step not in valid:
            return int(step)
    # Read afresh: the notices are published through their own door, perhaps on another copy of the row.
    out = set(
        Publication.objects.filter(
            pk__in=[decision.resolution_id, decision.result_id], first_published_on__isnull=False
        ).values_list("pk", flat=True)
    )
    if decision.resolution_id not in out:
        return int(Step.RESOLUTION_PUBLIC)
    if decision.result_id not in out:
        return int(Step.RESULT_PUBLIC)
    return None


REGISTER_COUNTS = (
    "party_members",
    "adults",
    "households",
    "representatives",
    "committee_members",
    "branch_members",
)


def set_register(village: Unit, *, actor: User, as_of: date, **counts: int) -> Register:
    """The village's register as of a date (the counts meetings are checked against): added, or the counts of
    that date replaced."""
    services.check(actor, Permission.VILLAGE_CHANGE, village)
    errors = {}
    unknown = set(counts) - set(REGISTER_COUNTS)
    if unknown:
        raise TypeError(f"unknown register counts: {sorted(unknown)}")
    for name, value in counts.items():
        least = 1 if name in ("committee_members", "branch_members") else 0
        if not isinstance(value, int) or not least <= value <= 10**7:
            errors[name] = _("Enter a whole number.")
    if errors:
        raise InvalidInput(errors)
    row, _created = Register.objects.update_or_create(village=village, as_of=as_of, defaults=counts)
    return row


def steps(user: User, village: Unit | None = None) -> QuerySet[DecisionStep]:
    """The recorded meetings of the decisions `user` may change (of `village`), newest first."""
    rows = DecisionStep.objects.filter(decision__in=Decision.objects.restrict(user, Permission.VILLAGE_CHANGE))
    if village is not None:
        rows = rows.filter(decision__village=village)
    return rows.select_related("decision__village").order_by("-held_on", "-id")


def meetings(user: User, village: Unit | None = None) -> QuerySet[DecisionStep]:
    """The recorded valid villagers' and representatives' meetings that can adopt a version, newest first."""
    return steps(user, village).filter(
        valid=True, meeting_type__in=[MeetingType.VILLAGERS, MeetingType.REPRESENTATIVES]
    )


def register_on(village: Unit, day: date) -> Register:
    found = Register.objects.filter(village=village, as_of__lte=day).order_by("-as_of").first()
    if found is None:
        raise Conflict(VillageError.NO_REGISTER, _("The village has no register of members on or before that date."))
    return found


def entitled_of(register: Register, meeting_type: str) -> tuple[int, int]:
    """(entitled to attend, households) for a meeting type, from the register."""
    return {
        MeetingType.BRANCH_COMMITTEE: (register.branch_members, 0),
        MeetingType.TWO_COMMITTEES: (register.committee_members, 0),
        MeetingType.PARTY_MEMBERS: (register.party_members, 0),
        MeetingType.REPRESENTATIVES: (register.representatives, 0),
        MeetingType.VILLAGERS: (register.adults, register.households),
    }[MeetingType(meeting_type)]


def record_step(
    decision: Decision,
    *,
    actor: User,
    step: int,
    meeting_type: str,
    held_on: date,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    abstaining: int = 0,
    households_present: int = 0,
    minutes: str = "",
    observer: str = "",
    attachment: UploadedFile[bytes] | None = None,
) -> DecisionStep:
    """Record a meeting of step 1–4. Only the step the decision waits for may be recorded (an invalid one may be
    held again); the verdict is computed, never entered."""
    holder, stored = DecisionStep(), ""
    if attachment is not None:
        # The sign-in sheet goes to storage before the transaction that holds the decision's lock (storage may
        # be slow); a refused meeting removes it again.
        services.check(actor, Permission.VILLAGE_CHANGE, decision.village)
        holder.attachment.save(attachment.name or "sign-in.jpg", attachment, save=False)
        stored = holder.attachment.name or ""
    try:
        return _record_step(
            decision,
            actor=actor,
            step=step,
            meeting_type=meeting_type,
            held_on=held_on,
            present=present,
            votes_for=votes_for,
            votes_against=votes_against,
            abstaining=abstaining,
            households_present=households_present,
            minutes=minutes,
            observer=observer,
            attachment=stored,
        )
    except BaseException:
        if stored:
            holder.attachment.storage.delete(stored)
        raise


def _record_step(
    decision: Decision,
    *,
    actor: User,
    step: int,
    meeting_type: str,
    held_on: date,
    present: int,
    votes_for: int,
    votes_against: int,
    abstaining: int,
    households_present: int,
    minutes: str,
    observer: str,
    attachment: str,
) -> DecisionStep:
    with transaction.atomic():
        locked = Decision.objects.select_for_update(of=("self",)).select_related("village").get(pk=decision.pk)
        services.check(actor, Permission.VILLAGE_CHANGE, locked.village)
        if step not in MEETING_STEPS:
            raise InvalidInput({"step": _("Steps 5 and 6 are publications, not meetings.")})
        if meeting_type not in STEP_MEETINGS[step]:
            raise InvalidInput({"meeting_type": _("This meeting cannot hold this step.")})
        waiting = next_step(locked)
        if waiting != step:
            raise Conflict(
                VillageError.STEP_BLOCKED if waiting is not None and waiting < step else VillageError.STEP_OUT_OF_ORDER,
                _("The decision waits for step %(n)s; a step cannot follow one that was not valid.")
                % {"n": waiting or "—"},
            )
        services.not_in_future("held_on", held_on)
        previous = locked.steps.filter(valid=True).order_by("-held_on").first()
        if previous is not None and held_on < previous.held_on:
            raise InvalidInput({"held_on": _("A step cannot be held before the step it follows.")})
        register = register_on(locked.village, held_on)
        entitled, households = entitled_of(register, meeting_type)
        tally = rules.Tally(entitled, present, votes_for, votes_against, abstaining, households, households_present)
        errors = rules.tally_errors(tally)
        if errors:
            raise InvalidInput(errors)
        verdict = rules.verdict(meeting_type, tally, one_matter=locked.kind == DecisionKind.ONE_MATTER)
        if (
            verdict.valid
            and locked.status == DecisionStatus.BLOCKED
            and locked.kind == DecisionKind.ONE_MATTER
            and locked.per_person_fen
        ):
            # Leaving BLOCKED puts its levy back into the year's total: the cap is checked again, as at the start.
            _check_levy_cap(
                locked.village, locked.per_person_fen, year=timezone.localtime(locked.created_at).year, leaving=locked
            )
        row = DecisionStep(
            decision=locked,
            step=step,
            meeting_type=meeting_type,
            held_on=held_on,
            entitled=entitled,
            present=present,
            votes_for=votes_for,
            votes_against=votes_against,
            abstaining=abstaining,
            households=households,
            households_present=households_present,
            minutes=minutes.strip(),
            observer=observer.strip()[:50],
            quorum=verdict.quorum,
            approved=verdict.approved,
            valid=verdict.valid,
            reasons=list(verdict.reasons),
            recorded_by=actor,
        )
        if attachment:
            row.attachment.name = attachment  # already in storage
        row.save()
        if not verdict.valid:
            locked.status = DecisionStatus.BLOCKED
        elif step == Step.RESOLUTION:
            locked.status = DecisionStatus.RESOLVED
            locked.resolution = services.draft_publication(
                actor=None,
                village=locked.village,
                category=PublicityCategory.VILLAGE,
                title=_("Resolution: %(title)s") % {"title": locked.title},
                body=resolution_text(locked, row),
                source=Source.RESOLUTION,
                due_on=services.immediate_due(held_on),
            )
        else:
            locked.status = DecisionStatus.IN_PROGRESS
        locked.save()
    return row


def resolution_text(decision: Decision, row: DecisionStep) -> str:
    return "\n".join(
        [
            f"{decision.village.name}于{row.held_on.year}年{row.held_on.month}月{row.held_on.day}日召开"
            f"{row.get_meeting_type_display()}，就“{decision.title}”作出决议。",
            decision.summary,
            f"应到{row.entitled}人，实到{row.present}人；赞成{row.votes_for}人，反对{row.votes_against}人，"
            f"弃权{row.abstaining}人。"
            + (f"涉及金额{yuan(decision.amount_fen)}元。" if decision.amount_fen else "")
            + (f"按每人{yuan(decision.per_person_fen)}元筹资。" if decision.per_person_fen else ""),
            "对本决议有疑问的，可在公开之日起10日内向村务监督委员会提出。",
        ]
    ).strip()


def yuan(fen: int) -> str:
    """12,345.60 — fen as yuan with thousands separators (the broadcast reads it as 一万二千三百四十五元六角)."""
    return f"{fen // 100:,}.{fen % 100:02d}"


def publish_result_text(decision: Decision, *, actor: User, text: str) -> Publication:
    """Step 6 for a decision without a project: a result notice drafted from the village's account."""
    services.check(actor, Permission.VILLAGE_CHANGE, decision.village)
    if next_step(decision) != Step.RESULT_PUBLIC:
        raise Conflict(VillageError.STEP_OUT_OF_ORDER, _("The result is published after the resolution."))
    with transaction.atomic():
        pub = services.draft_publication(
            actor=actor,
            village=decision.village,
            category=PublicityCategory.VILLAGE,
            title=_("Result: %(title)s") % {"title": decision.title},
            body=text,
            source=Source.RESULT,
            due_on=services.immediate_due(timezone.localdate()),
        )
        Decision.objects.filter(pk=decision.pk).update(result=pub)
    return pub


def _published(pub: Publication, now: datetime) -> None:
    """A decision's 公开 published: the result completes it."""
    if pub.source == Source.RESULT or pub.source == Source.COMPLETION:
        Decision.objects.filter(result=pub).update(status=DecisionStatus.DONE)


services.ON_PUBLISH[Source.RESULT] = _published


def adopt_charter(
    *, actor: User, village: Unit, kind: str, title: str, body: str, adopted_by: DecisionStep
) -> CharterVersion:
    """A new version of the village rules or charter, adopted by a valid villagers' (representatives') meeting of
    this village, and its publication drafted (the committee signs, the village publishes)."""
    services.check(actor, Permission.VILLAGE_CHANGE, village)
    errors = {}
    if kind not in CharterKind.values:
        errors["kind"] = _("Select a valid choice.")
    if not title.strip():
        errors["title"] = _("This field is required.")
    elif len(title.strip()) > 190:  # the publication's title adds the version: "（第2版）"
        errors["title"] = _("At most %(n)d characters.") % {"n": 190}
    if errors:
        raise InvalidInput(errors)
    step = adopted_by
    if (
        step.decision.village_id != village.pk
        or not step.valid
        or step.meeting_type not in (MeetingType.VILLAGERS, MeetingType.REPRESENTATIVES)
    ):
        raise Conflict(
            VillageError.MEETING_NOT_VALID,
            _("Rules and charters are adopted by a valid villagers' or representatives' meeting of the village."),
        )
    with transaction.atomic():
        charter, _created = Charter.objects.get_or_create(village=village, kind=kind, defaults={"title": title.strip()})
        number = (charter.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        pub = services.draft_publication(
            actor=actor,
            village=village,
            category=PublicityCategory.VILLAGE,
            title=f"{title.strip()}（第{number}版）",
            body=body,
            source=Source.CHARTER,
            due_on=services.immediate_due(step.held_on),
        )
        return CharterVersion.objects.create(
            charter=charter, number=number, body=body.strip(), adopted_by=step, adopted_on=step.held_on, publication=pub
        )
