"""Every write of a project and its funds: the project with the national field list and its prior notice,
the start of work (not before the notice has been displayed long enough), the ledger (never past the budget,
whatever runs at once), the completion notice (step 6 of its decision), and the conflict-of-interest check
of contractors and payees against the village's cadres, its supervision committee and their declared
relatives, which flags the project and opens a supervision case for the township."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

from bianmin.cases.choices import OPEN_STATUSES, CaseKind, Channel
from bianmin.cases.models import Case
from bianmin.cases.services import allowed_actions, create_case, perform
from bianmin.cases.workflow import Action
from bianmin.errors import Conflict, InvalidInput
from bianmin.org.choices import Role, UnitKind
from bianmin.org.models import Membership, Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.validators import is_resident_id, validate_person_phone
from bianmin.village import services
from bianmin.village.choices import (
    ConflictRole,
    DecisionStatus,
    FlagOutcome,
    FundSource,
    ProjectStatus,
    PublicityCategory,
    Source,
    Step,
)
from bianmin.village.decisions import next_step, yuan
from bianmin.village.errors import VillageError
from bianmin.village.models import ConflictFlag, Decision, Disbursement, Project, Publication, Relative


def prior_notice_days() -> int:
    """Minimum days a project's prior notice stays displayed before work starts (settings; 国务院扶贫办、财政部
    指导意见 第四条: 10)."""
    return int(settings.VILLAGE_PRIOR_NOTICE_DAYS)


def normal_code(code: str) -> str:
    """An identity number or unified social credit code without spaces or dashes, upper case."""
    return ric.compact(code).upper() if code else ""


def code_errors(code: str) -> str | None:
    if code and not (is_resident_id(code) or uscc.is_valid(code)):
        return _("Enter a valid resident identity number or unified social credit code.")
    return None


@dataclass(frozen=True)
class Person:
    name: str
    code: str
    role: str
    detail: str


def declarers(village: Unit) -> list[Membership]:
    """The village's cadres and supervision committee members: who declares relatives, and who may not profit
    from its projects."""
    return list(
        Membership.objects.filter(unit=village, role__in=[Role.VILLAGE_CADRE, Role.VILLAGE_MONITOR])
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def people_of(village: Unit) -> list[Person]:
    """Who may not contract with or be paid by the village's projects: its cadres, its supervision committee
    and the relatives (and businesses) they declared."""
    found = [
        Person(m.user.display_name or m.user.username, normal_code(m.user.id_number), role, m.user.display_name)
        for m in declarers(village)
        for role in [ConflictRole.CADRE if m.role == Role.VILLAGE_CADRE else ConflictRole.MONITOR]
    ]
    found += [
        Person(r.name, normal_code(r.code), ConflictRole.RELATIVE, f"{r.of_name}的{r.relation}")
        for r in Relative.objects.filter(village=village)
    ]
    return found


def matches(name: str, code: str, person: Person) -> bool:
    """The same party: the same code when both have one; else the same name."""
    code = normal_code(code)
    if code and person.code:
        return code == person.code
    return bool(name.strip()) and name.strip() == person.name.strip()


# What each text field of a project holds (PostgreSQL refuses a longer value; SQLite would keep it).
TEXT_LIMITS = {
    "name": 200,
    "place": 200,
    "implementer": 100,
    "responsible": 50,
    "contractor_name": 100,
    "procurement": 200,
    "supervision_phone": 30,
}


def create_project(*, actor: User, village: Unit, decision: Decision | None = None, **fields: Any) -> Project:
    """A project with its prior notice drafted from the national field list; the contractor is checked."""
    services.check(actor, Permission.VILLAGE_CHANGE, village)
    errors: dict[str, str] = {}
    for name in ("name", "place", "content", "implementer", "responsible"):
        if not str(fields.get(name, "")).strip():
            errors[name] = _("This field is required.")
    if fields.get("fund_source") not in FundSource.values:
        errors["fund_source"] = _("Select a valid choice.")
    if int(fields.get("budget_fen") or 0) <= 0:
        errors["budget_fen"] = _("The budget must be more than zero.")
    start, end = fields.get("period_start"), fields.get("period_end")
    if not isinstance(start, date) or not isinstance(end, date) or end < start:
        errors["period_end"] = _("The period must end on or after its start.")
    problem = code_errors(fields.get("contractor_code", ""))
    if problem:
        errors["contractor_code"] = problem
    for name, limit in TEXT_LIMITS.items():
        if len(str(fields.get(name, "")).strip()) > limit:
            errors.setdefault(name, _("At most %(n)d characters.") % {"n": limit})
    if decision is not None and (decision.village_id != village.pk or decision.status == DecisionStatus.BLOCKED):
        errors["decision"] = _("Link a decision of this village that is not blocked.")
    if errors:
        raise InvalidInput(errors)
    fields["contractor_code"] = normal_code(fields.get("contractor_code", ""))
    with transaction.atomic():
        project = Project.objects.create(village=village, decision=decision, **fields)
        project.prior_notice = services.draft_publication(
            actor=actor,
            village=village,
            category=PublicityCategory.FINANCE,
            title=_("Prior notice of the project: %(name)s") % {"name": project.name},
            body=project_text(project),
            source=Source.PRIOR_NOTICE,
            due_on=services.immediate_due(timezone.localdate()),
        )
        project.save(update_fields=["prior_notice"])
        if project.contractor_name:
            check_conflicts(project, project.contractor_name, project.contractor_code, actor=actor)
    return project


def project_text(p: Project) -> str:
    """The national fields of a project notice, one per line (identity numbers never published)."""
    lines = [
        f"项目名称：{p.name}",
        f"建设地点：{p.place}",
        f"建设内容：{p.content}",
        f"实施期限：{p.period_start:%Y-%m-%d} 至 {p.period_end:%Y-%m-%d}",
        f"实施单位及责任人：{p.implementer}　{p.responsible}",
        f"施工单位：{p.contractor_name or '—'}",
        f"资金来源及规模：{FundSource(p.fund_source).label}　{yuan(p.budget_fen)}元",
        f"采购或招标结果：{p.procurement or '—'}",
        f"绩效目标：{p.expected_results or '—'}",
        f"带贫减贫机制：{p.poverty_mechanism or '—'}",
        f"受益户数：{p.beneficiaries}户",
    ]
    if p.supervision_phone:
        lines.append(f"监督电话：{p.supervision_phone}")
    return "\n".join(str(line) for line in lines)


def _prior_notice_published(pub: Publication, now: datetime) -> None:
    Project.objects.filter(prior_notice=pub, status=ProjectStatus.PLANNED).update(status=ProjectStatus.NOTICED)


def _completion_published(pub: Publication, now: datetime) -> None:
    Decision.objects.filter(result=pub).update(status=DecisionStatus.DONE)


services.ON_PUBLISH[Source.PRIOR_NOTICE] = _prior_notice_published
services.ON_PUBLISH[Source.COMPLETION] = _completion_published


def start_work(project: Project, *, actor: User, on: date) -> Project:
    """Work starts only after the prior notice was published and displayed for the minimum days."""
    with transaction.atomic():
        locked = (
            Project.objects.select_for_update(of=("self",)).select_related("village", "prior_notice").get(pk=project.pk)
        )
        services.check(actor, Permission.VILLAGE_CHANGE, locked.village)
        services.not_in_future("on", on)
        notice = locked.prior_notice
        if locked.status != ProjectStatus.NOTICED or notice is None or notice.first_published_on is None:
            raise Conflict(VillageError.PROJECT_STATE, _("Work starts after the prior notice is published."))
        days = prior_notice_days()
        shown = (on - notice.first_published_on).days
        if shown < days:
            raise Conflict(
                VillageError.NOTICE_TOO_SHORT,
                _("The prior notice must be displayed for %(days)d days before work starts; it has been %(shown)d.")
                % {"days": days, "shown": max(shown, 0)},
            )
        locked.status, locked.started_on = ProjectStatus.STARTED, on
        locked.save(update_fields=["status", "started_on"])
    return locked


def disburse(
    project: Project, *, actor: User, payee_name: str, payee_code: str, amount_fen: int, paid_on: date, voucher: str
) -> Disbursement:
    """One payment into the ledger. The running total moves by one conditional UPDATE that only succeeds while
    it stays within the budget, so two payments at once can never pass it together."""
    services.check(actor, Permission.VILLAGE_CHANGE, project.village)
    errors: dict[str, str] = {}
    if not payee_name.strip():
        errors["payee_name"] = _("This field is required.")
    problem = code_errors(payee_code)
    if problem:
        errors["payee_code"] = problem
    if amount_fen <= 0:
        errors["amount_fen"] = _("The amount must be more than zero.")
    if not voucher.strip():
        errors["voucher"] = _("This field is required.")
    if paid_on > timezone.localdate():
        errors["paid_on"] = _("This cannot be later than today.")
    if errors:
        raise InvalidInput(errors)
    if project.status not in (ProjectStatus.STARTED, ProjectStatus.COMPLETED):
        raise Conflict(VillageError.PROJECT_STATE, _("Payments are recorded once work has started."))
    with transaction.atomic():
        moved = Project.objects.filter(pk=project.pk, disbursed_fen__lte=F("budget_fen") - amount_fen).update(
            disbursed_fen=F("disbursed_fen") + amount_fen
        )
        if not moved:
            over = _("This payment would pass the project's budget; a new decision is needed to raise it.")
            raise Conflict(VillageError.OVER_BUDGET, over, {"amount_fen": over})
        row = Disbursement.objects.create(
            project=project,
            payee_name=payee_name.strip(),
            payee_code=normal_code(payee_code),
            amount_fen=amount_fen,
            paid_on=paid_on,
            voucher=voucher.strip(),
            recorded_by=actor,
        )
        check_conflicts(project, row.payee_name, row.payee_code, actor=actor, disbursement=row)
    return row


def complete_project(project: Project, *, actor: User, on: date, summary: str) -> Publication:
    """The completion notice (事后公告), which is also step 6 of the project's decision."""
    with transaction.atomic():
        locked = Project.objects.select_for_update(of=("self",)).select_related("village").get(pk=project.pk)
        services.check(actor, Permission.VILLAGE_CHANGE, locked.village)
        if locked.status != ProjectStatus.STARTED:
            raise Conflict(VillageError.PROJECT_STATE, _("Only a project under way can be completed."))
        services.not_in_future("on", on)
        if locked.started_on is not None and on < locked.started_on:
            raise InvalidInput({"on": _("A project cannot be completed before it started.")})
        body = "\n".join(
            [
                project_text(locked),
                f"完工日期：{on:%Y-%m-%d}",
                f"实际支出：{yuan(locked.disbursed_fen)}元",
                summary.strip(),
            ]
        )
        pub = services.draft_publication(
            actor=actor,
            village=locked.village,
            category=PublicityCategory.FINANCE,
            title=_("Completion notice of the project: %(name)s") % {"name": locked.name},
            body=body,
            source=Source.COMPLETION,
            due_on=services.immediate_due(on),
        )
        locked.status, locked.completed_on, locked.completion_notice = ProjectStatus.COMPLETED, on, pub
        locked.save(update_fields=["status", "completed_on", "completion_notice"])
        if locked.decision_id is not None:
            # The notice is the decision's result only when the decision waits for it (its meetings held and its
            # resolution published): otherwise publishing it would mark done a decision with a step still due.
            decision = Decision.objects.select_for_update(of=("self",)).filter(pk=locked.decision_id).first()
            if decision is not None and decision.result_id is None and next_step(decision) == Step.RESULT_PUBLIC:
                Decision.objects.filter(pk=decision.pk).update(result=pub)
    return pub


def _case_phone(village: Unit, actor: User | None) -> str:
    """A phone for the supervision case: the township's (or a unit above it), else the actor's."""
    unit: Unit | None = village.parent
    while unit is not None:
        if unit.phone and _valid_phone(unit.phone):
            return unit.phone
        unit = unit.parent
    return actor.phone if actor is not None and _valid_phone(actor.phone) else ""


def _valid_phone(phone: str) -> bool:
    try:
        validate_person_phone(phone)
    except Exception:
        return False
    return True


def check_conflicts(
    project: Project, name: str, code: str, *, actor: User | None, disbursement: Disbursement | None = None
) -> list[ConflictFlag]:
    """Flag `name`/`code` (a contractor or payee) if it matches someone of the village who may not profit from
    its projects; each new flag opens a supervision case at the township. A party already flagged open on the
    project is not flagged twice."""
    village = project.village
    hits = [p for p in people_of(village) if matches(name, code, p)]
    flags = []
    for person in hits:
        if ConflictFlag.objects.filter(
            project=project, party_name=name, role=person.role, matched_person=person.name, closed_at__isnull=True
        ).exists():
            continue
        flag = ConflictFlag.objects.create(
            village=village,
            project=project,
            disbursement=disbursement,
            party_name=name,
            role=person.role,
            matched_person=person.name,
            detail=f"{ConflictRole(person.role).label}：{person.detail}"[:200],
            opened_at=timezone.now(),
        )
        flag.case = _open_case(project, flag, actor)
        flag.save(update_fields=["case"])
        flags.append(flag)
    return flags


def _open_case(project: Project, flag: ConflictFlag, actor: User | None) -> Any:
    village = project.village
    township = (
        village.parent if village.parent and village.parent.kind in (UnitKind.TOWNSHIP, UnitKind.STREET) else None
    )
    phone = _case_phone(village, actor)
    if township is None or not phone:
        return None
    case, _created = create_case(
        actor=None,
        channel=Channel.SUPERVISION,
        kind=CaseKind.REPORT,
        title=(_("Conflict of interest on a village project: %(name)s") % {"name": project.name})[:100],
        content=_(
            "%(party)s, contractor or payee of the project %(project)s of %(village)s, matches %(detail)s. "
            "Village cadres must not run the village's construction: verify and act."
        )
        % {"party": flag.party_name, "project": project.name, "village": village.name, "detail": flag.detail},
        citizen_name=_("Village-affairs supervision check"),
        citizen_phone=phone,
        village=village,
        unit=township,
    )
    return case


def declare_relative(*, actor: User, village: Unit, of_name: str, name: str, code: str, relation: str) -> Relative:
    """A relative (or a business) a cadre or a supervision committee member declares: matched against every
    contractor and payee of the village's projects from now on."""
    services.check(actor, Permission.VILLAGE_CHANGE, village)
    errors: dict[str, str] = {}
    for field, value in (("of_name", of_name), ("name", name), ("relation", relation)):
        if not value.strip():
            errors[field] = _("This field is required.")
    problem = code_errors(code)
    if problem:
        errors["code"] = problem
    if errors:
        raise InvalidInput(errors)
    return Relative.objects.create(
        village=village,
        of_name=of_name.strip()[:50],
        name=name.strip()[:100],
        code=normal_code(code),
        relation=relation.strip()[:20],
    )


def close_flag(
    flag: ConflictFlag, *, actor: User, outcome: str, reason: str, now: datetime | None = None
) -> ConflictFlag:
    """The township, having checked a flag, closes it: cleared (no conflict of interest) or confirmed and
    handled, with its reason. Who closed it and when stay on the project's record with the flag; the
    supervision case it opened stays linked, and is answered with the finding when it is still open and the
    one closing the flag may answer it (else it stays in the township's workbench, as any case)."""
    with transaction.atomic():
        # Lock first: two supervisors may close the same flag at once; the second is told it is closed.
        locked = (
            ConflictFlag.objects.select_for_update(of=("self",)).select_related("village", "closed_by").get(pk=flag.pk)
        )
        services.check(actor, Permission.VILLAGE_SUPERVISE, locked.village)
        if locked.closed_at is not None:
            raise Conflict(
                VillageError.FLAG_CLOSED,
                _("This flag was already closed by %(who)s on %(day)s.")
                % {
                    "who": str(locked.closed_by) if locked.closed_by else "—",
                    "day": f"{timezone.localtime(locked.closed_at):%Y-%m-%d}",
                },
            )
        errors: dict[str, str] = {}
        if outcome not in FlagOutcome.values:
            errors["outcome"] = _("Say what the check found.")
        reason = reason.strip()
        if not reason:
            errors["reason"] = _("Give the reason.")
        elif len(reason) > 2000:
            errors["reason"] = _("At most %(n)d characters.") % {"n": 2000}
        if errors:
            raise InvalidInput(errors)
        locked.closed_at, locked.closed_by = now or timezone.now(), actor
        locked.outcome, locked.close_reason = outcome, reason
        locked.save(update_fields=["closed_at", "closed_by", "outcome", "close_reason"])
    _answer_case(locked, actor)
    return locked


def _answer_case(flag: ConflictFlag, actor: User) -> None:
    """Answer the flag's supervision case with the finding, through the case's own door (答复办结), if it is
    open and `actor` may take that action on it now."""
    case = Case.objects.restrict(actor, Permission.CASE_VIEW).filter(pk=flag.case_id).first() if flag.case_id else None
    if case is None or case.status not in OPEN_STATUSES:
        return
    if not any(t.action == Action.ANSWER for t in allowed_actions(case, actor)):
        return
    reply = f"{FlagOutcome(flag.outcome).label}：{flag.close_reason}"
    perform(case.number, Action.ANSWER, actor=actor, reply=reply)
