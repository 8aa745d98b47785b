"""Cases as the API and the pages show them to one caller: warning colours, masked phones, history."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from bianmin.cases import sla, store
from bianmin.cases.choices import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    AnalysisLevel,
    CaseStatus,
    DeliveryMethod,
    DueWarning,
    LimitUnit,
    Workflow,
)
from bianmin.cases.models import Application, Case, CaseAttachment, CaseDocument
from bianmin.cases.services import allowed_actions
from bianmin.cases.triage import similar_open_cases
from bianmin.cases.workflow import Action, action_label
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.schemas import mask_phone
from bianmin.org.scope import in_scope, kept_unit, scope_paths
from bianmin.workdays.services import current_calendar, schedule_warning


class Presenter:
    """Turns cases into API bodies for one caller: warning colours and phone masking, no extra queries."""

    def __init__(self, user: User) -> None:
        self.now = timezone.now()
        self.calendar = current_calendar()
        full = [scope_paths(user, p) for p in (Permission.CASE_HANDLE, Permission.CASE_SUPERVISE)]
        self.everywhere = any(paths is None for paths in full)
        self.paths = tuple(path for paths in full if paths for path in paths)
        self.user = user
        self._unit_names: dict[int, str] = {}

    def sees_phone(self, case: Case) -> bool:
        return self.sees_phone_at(case.unit.path, case.citizen_id, case.created_by_id)

    def sees_phone_at(self, unit_path: str, citizen_id: int | None, created_by_id: int | None = None) -> bool:
        """Whether the caller handles or supervises a case in the unit at `unit_path`, is its citizen, or
        registered it (the cadre keeps seeing the number they typed, wherever the case went)."""
        user_id = self.user.pk
        return self.everywhere or user_id in (citizen_id, created_by_id) or unit_path.startswith(self.paths)

    def item(self, case: Case) -> dict[str, Any]:
        return {
            "number": case.number,
            "title": case.title,
            "kind": case.kind,
            "channel": case.channel,
            "urgency": case.urgency,
            "status": case.status,
            "status_label": str(CaseStatus(case.status).label),
            "unit": {"code": case.unit.code, "name": case.unit.name},
            "village": {"code": case.village.code, "name": case.village.name} if case.village else None,
            "category": case.category.code if case.category else None,
            "analysis_level": case.analysis_level,
            "analysis_level_label": str(AnalysisLevel(case.analysis_level).label) if case.analysis_level else "",
            "handler": case.handler.username if case.handler else None,
            "handler_name": str(case.handler) if case.handler else "",
            "citizen_name": case.citizen_name,
            "citizen_phone": case.citizen_phone if self.sees_phone(case) else mask_phone(case.citizen_phone),
            "received_at": case.received_at,
            "due_at": case.due_at,
            "warning": sla.warning(case.due_at, self.now, paused=case.status in PAUSED_STATUSES, calendar=self.calendar)
            if case.status in OPEN_STATUSES
            else DueWarning.NONE,
            "supervise_count": case.supervise_count,
            "version": case.version,
        }

    def _same_village(self, case: Case) -> QuerySet[Case]:
        """Where to look for duplicates of `case`: every case when the caller sees the whole village (all
        its cases are then visible), else only what `restrict` lets them see."""
        if case.village is not None and in_scope(self.user, Permission.CASE_VIEW, case.village.path):
            return Case.objects.all()
        return Case.objects.restrict(self.user, Permission.CASE_VIEW)

    def _unit_name(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        if pk not in self._unit_names:
            self._unit_names[pk] = kept_unit(self.user, pk).name
        return self._unit_names[pk]

    def detail(self, case: Case) -> dict[str, Any]:
        """The case with its history, as the caller may see it: what it shows is read once, in a bounded number
        of plain statements (the history with its actors' names, the attachments, the assisting units; an
        application's own), the units from the worker's kept units. A write answers with this, on the case it
        has just written. Similar cases, which cost a search, are asked for apart (`similar`). The history says
        whether there is more to read: files come with an `attach` event, assisting units with a transfer that
        named them; most cases have neither, and their answer is one statement."""
        if not Case.unit.is_cached(case):
            case.unit = kept_unit(self.user, case.unit_id)
        if case.village_id is not None and not Case.village.is_cached(case):
            case.village = kept_unit(self.user, case.village_id)
        if case.handler_id is not None and not Case.handler.is_cached(case):
            case.handler = self.user if case.handler_id == self.user.pk else store.read_person(case.handler_id)
        body = self.item(case)
        history = store.read_history(case)
        attached = any(e.action == Action.ATTACH for e, _actor in history)
        assisted = any(e.data.get("assist_units") for e, _actor in history if isinstance(e.data, dict))
        body.update(
            content=case.content,
            address=case.address,
            citizen_id_number=case.citizen_id_number if self.sees_phone(case) else "",
            assist_units=[{"code": u.code, "name": u.name} for u in store.read_assist_units(case, self.user)]
            if assisted
            else [],
            classification=case.classification.name if case.classification else None,
            master=case.master.number if case.master else None,
            accepted_at=case.accepted_at,
            level_due_at=case.level_due_at,
            paused_at=case.paused_at,
            reply=case.reply,
            replied_at=case.replied_at,
            completed_at=case.completed_at,
            completed_on_time=case.completed_on_time,
            rating=case.rating,
            rating_comment=case.rating_comment,
            rating_appeal=case.rating_appeal,
            rectify_due_at=case.rectify_due_at,
            rectified_at=case.rectified_at,
            called_back_at=case.called_back_at,
            transfer_count=case.transfer_count,
            reopen_count=case.reopen_count,
            extension_requested=case.extension_requested,
            limit_unit_label=str(LimitUnit(case.limit_unit).label) if case.limit_unit in LimitUnit.values else "",
            events=[
                {
                    "seq": e.seq,
                    "at": e.at,
                    "action": e.action,
                    "action_label": action_label(e.action),
                    "actor": actor,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "from_unit": self._unit_name(e.from_unit_id),
                    "to_unit": self._unit_name(e.to_unit_id),
                    "note": e.note,
                    "data": e.data,
                }
                for e, actor in history
            ],
            actions=[
                {"action": t.action, "label": str(t.label), "required": list(t.required)}
                for t in allowed_actions(case, self.user)
            ],
            attachments=[attachment_body(a) for a in store.read_attachments(case)] if attached else [],
            calendar_warning=schedule_warning(sla.local_date(case.received_at), sla.local_date(case.due_at))
            if case.due_at
            else None,
            application=application_body(case) if case.workflow == Workflow.APPLICATION else None,
        )
        return body

    def similar(self, case: Case) -> list[dict[str, Any]]:
        """Open cases of the same village with similar text (candidates to merge), among those the caller sees;
        only for those who handle or supervise the case, while it is open."""
        if case.status not in OPEN_STATUSES or case.workflow != Workflow.GRIEVANCE or not self.sees_phone(case):
            return []
        return [
            {"number": s.number, "title": s.title, "status": s.status, "score": s.score}
            for s in similar_open_cases(case, self._same_village(case))
        ]


def _limit(value: int, unit: str) -> str:
    return f"{value} {LimitUnit(unit).label}"


def application_body(case: Case) -> dict[str, Any]:
    application = Application.objects.select_related("item_version__item", "proxy").get(case=case)
    version = application.item_version
    return {
        "item": version.item.code,
        "item_name": version.name,
        "item_version": version.number,
        "proxy": str(application.proxy) if application.proxy else None,
        "legal_limit": _limit(application.legal_limit_value, application.legal_limit_unit),
        "promised_limit": _limit(case.limit_value, case.limit_unit),
        "legal_due_at": application.legal_due_at,
        "within_legal_limit": application.within_legal_limit,
        "notice_due_at": application.notice_due_at,
        "notice_sent_at": application.notice_sent_at,
        "missing": application.missing,
        "supplemented_at": application.supplemented_at,
        "deemed_accepted": application.deemed_accepted,
        "decision": application.decision or None,
        "decided_at": application.decided_at,
        "delivery_due_at": application.delivery_due_at,
        "delivered_at": application.delivered_at,
        "delivery_method": application.delivery_method or None,
        "delivery_method_label": str(DeliveryMethod(application.delivery_method).label)
        if application.delivery_method
        else "",
        "trips": application.trips,
        "materials": [
            {"position": m.position, "name": m.name, "form": m.form, "copies": m.copies}
            for m in version.materials.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "doc_number": d.doc_number,
                "issued_at": d.issued_at,
                "size": d.size,
                "sha256": d.sha256,
                "url": reverse("cases:document", args=[case.number, d.pk]),
            }
            for d in CaseDocument.objects.filter(case=case).defer("pdf")
        ],
    }


def attachment_body(attachment: CaseAttachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "url": reverse("cases:attachment", args=[attachment.case.number, attachment.pk]),
    }
