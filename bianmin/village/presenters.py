"""What the API and the pages show of each record: one function per shape, personal data masked where the
reader does not keep the village's records, nothing personal on the public board."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope
from bianmin.village import channels, decisions, services
from bianmin.village.choices import Step
from bianmin.village.models import (
    CatalogueItem,
    ConflictFlag,
    Decision,
    Disbursement,
    Project,
    Publication,
    PublicationEvent,
    PublicationVersion,
    Relative,
)


def mask_code(code: str) -> str:
    """An identity number or credit code with its middle hidden."""
    return code[:6] + "*" * (len(code) - 10) + code[-4:] if len(code) > 10 else "*" * len(code)


def keeps_records(user: User | AnonymousUser, village_path: str) -> bool:
    return in_scope(user, Permission.VILLAGE_CHANGE, village_path)


def public_path(pub: Publication, version: PublicationVersion | None = None) -> str:
    """The public web page of a publication (of one version when given: what its paper sheet's QR opens)."""
    if version is None:
        return reverse("village:public_publication", args=[pub.village.code, pub.pk])
    return reverse("village:public_version", args=[pub.village.code, pub.pk, version.number])


def version_row(v: PublicationVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "title": v.title,
        "body": v.body,
        "sha256": v.sha256,
        "published_at": v.published_at,
        "signed_by": str(v.signed_by) if v.signed_by_id else "",
        "remarks": v.remarks,
        "correction_reason": v.correction_reason,
        "diff": v.diff,
    }


def event_row(e: PublicationEvent) -> dict[str, Any]:
    return {
        "action": e.action,
        "action_label": e.get_action_display(),
        "from": e.from_status,
        "to": e.to_status,
        "version": e.version,
        "note": e.note,
        "actor": str(e.actor) if e.actor_id else "",
        "at": e.at,
    }


def publication_summary(p: Publication) -> dict[str, Any]:
    return {
        "id": p.pk,
        "village": p.village.code,
        "village_name": p.village.name,
        "category": p.category,
        "category_label": p.get_category_display(),
        "source": p.source,
        "title": p.title,
        "status": p.status,
        "status_label": p.get_status_display(),
        "due_on": p.due_on,
        "first_published_on": p.first_published_on,
        "version": p.current.number if p.current_id and p.current else None,
    }


def publication_detail(p: Publication, user: User, base_url: str) -> dict[str, Any]:
    body = publication_summary(p)
    body.update(
        {
            "body": p.body,
            "remarks": p.remarks,
            "signed_by": str(p.signed_by) if p.signed_by_id else "",
            "withdrawn_reason": p.withdrawn_reason,
            "correction_reason": p.correction_reason,
            "versions": [version_row(v) for v in p.versions.select_related("signed_by").order_by("number")],
            "events": [event_row(e) for e in p.events.select_related("actor").order_by("at", "id")],
            "actions": services.allowed_actions(p, user),
            "channel_records": [
                {"channel": r.channel, "at": r.at, "place": r.place, "photo": bool(r.photo), "version": r.version_id}
                for r in p.channel_records.order_by("at")
            ],
            "questions": [
                {"case": q.case.number, "asked_at": q.asked_at, "status": q.case.status}
                for q in p.questions.select_related("case")
            ],
            "renderings": renderings(p, base_url),
        }
    )
    return body


def renderings(p: Publication, base_url: str) -> dict[str, Any] | None:
    """The published version through each channel: the addresses of the web page, screen and PDF, the
    broadcast script and the group message."""
    version = p.current
    if version is None:
        return None
    s = channels.sheet(p, version, base_url + public_path(p, version))
    return {
        "web": base_url + public_path(p),
        "version_web": s.url,
        "pdf": base_url + reverse("village:public_pdf", args=[p.village.code, p.pk]),
        "screen": base_url + reverse("village:screen", args=[p.village.code]),
        "broadcast": channels.broadcast_script(s),
        "group_text": channels.group_text(s),
    }


def step_row(s: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "step": s.step,
        "step_label": s.get_step_display(),
        "meeting_type": s.meeting_type,
        "meeting_label": s.get_meeting_type_display(),
        "held_on": s.held_on,
        "entitled": s.entitled,
        "present": s.present,
        "for": s.votes_for,
        "against": s.votes_against,
        "abstaining": s.abstaining,
        "households": s.households,
        "households_present": s.households_present,
        "observer": s.observer,
        "minutes": s.minutes,
        "quorum": s.quorum,
        "approved": s.approved,
        "valid": s.valid,
        "reasons": s.reasons,
    }


def decision_row(d: Decision, *, steps: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": d.pk,
        "village": d.village.code,
        "village_name": d.village.name,
        "kind": d.kind,
        "title": d.title,
        "amount_fen": d.amount_fen,
        "per_person_fen": d.per_person_fen,
        "status": d.status,
        "status_label": d.get_status_display(),
        "resolution": d.resolution_id,
        "result": d.result_id,
    }
    if steps:
        row["summary"] = d.summary
        row["next_step"] = decisions.next_step(d)
        row["next_step_label"] = str(Step(row["next_step"]).label) if row["next_step"] else ""
        row["steps"] = [step_row(s) for s in d.steps.order_by("step", "id")]
    return row


def flag_row(f: ConflictFlag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "village": f.village.name if f.village_id else "",
        "project": f.project_id,
        "project_name": f.project.name,
        "party_name": f.party_name,
        "role": f.role,
        "role_label": f.get_role_display(),
        "matched_person": f.matched_person,
        "detail": f.detail,
        "case": f.case.number if f.case_id and f.case else None,
        "opened_at": f.opened_at,
        "open": f.closed_at is None,
        "closed_at": f.closed_at,
        "closed_by": str(f.closed_by) if f.closed_by_id and f.closed_by else "",
        "outcome": f.outcome,
        "outcome_label": f.get_outcome_display() if f.outcome else "",
        "close_reason": f.close_reason,
    }


def disbursement_row(d: Disbursement, full: bool) -> dict[str, Any]:
    return {
        "payee_name": d.payee_name,
        "payee_code": d.payee_code if full else mask_code(d.payee_code),
        "amount_fen": d.amount_fen,
        "paid_on": d.paid_on,
        "voucher": d.voucher,
    }


def _open_flags(p: Project) -> int:
    """The project's open flags: a list annotates them (`open_flags`, one query for the page); one row counts."""
    annotated = getattr(p, "open_flags", None)
    return int(annotated) if annotated is not None else p.flags.filter(closed_at__isnull=True).count()


def project_row(p: Project, user: User, *, full: bool = False) -> dict[str, Any]:
    keeps = keeps_records(user, p.village.path)
    row: dict[str, Any] = {
        "id": p.pk,
        "village": p.village.code,
        "village_name": p.village.name,
        "name": p.name,
        "fund_source": p.fund_source,
        "budget_fen": p.budget_fen,
        "disbursed_fen": p.disbursed_fen,
        "status": p.status,
        "status_label": p.get_status_display(),
        "contractor_name": p.contractor_name,
        "contractor_code": p.contractor_code if keeps else mask_code(p.contractor_code),
        "prior_notice": p.prior_notice_id,
        "completion_notice": p.completion_notice_id,
        "started_on": p.started_on,
        "completed_on": p.completed_on,
        "open_flags": _open_flags(p),
    }
    if full:
        for name in ("place", "content", "period_start", "period_end", "implementer", "responsible", "procurement"):
            row[name] = getattr(p, name)
        row["decision"] = p.decision_id
        row["ledger"] = [disbursement_row(d, keeps) for d in p.disbursements.order_by("paid_on", "id")]
        row["flags"] = [flag_row(f) for f in p.flags.select_related("case", "project", "village", "closed_by")]
    return row


def catalogue_row(i: CatalogueItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "village": i.village.code,
        "category": i.category,
        "name": i.name,
        "legal_basis": i.legal_basis,
        "cadence": i.cadence,
        "cadence_label": i.get_cadence_display(),
        "due_day": i.due_day,
        "responsible": i.responsible,
        "channels": i.channels,
        "starts_on": i.starts_on,
        "active": i.is_active,
    }


def relative_row(r: Relative, user: User | AnonymousUser) -> dict[str, Any]:
    """A declared relative: the identity number or credit code in full only to those who keep the village's
    records (DESIGN §6.3), masked for those who supervise them."""
    return {
        "id": r.pk,
        "village": r.village.code,
        "of_name": r.of_name,
        "name": r.name,
        "relation": r.relation,
        "code": r.code if keeps_records(user, r.village.path) else mask_code(r.code),
    }
