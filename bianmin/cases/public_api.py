"""The citizen's side, no login: submit, track with number + last four phone digits, rate."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from bianmin.cases.choices import CaseStatus, Channel, Rating
from bianmin.cases.effects import within_reopen_window
from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.schemas import PublicCaseCreated, PublicCaseIn, PublicCaseOut, PublicRatingIn, PublicReopenIn
from bianmin.cases.services import create_case, perform
from bianmin.cases.workflow import WORKFLOWS, Action, action_label
from bianmin.errors import InvalidInput, NotFound, error_responses
from bianmin.org.models import Unit
from bianmin.throttle import allow, client_address

router = Router(tags=["public"], auth=None)

SUBMISSIONS_PER_ADDRESS = (5, timedelta(hours=1))
SUBMISSIONS_PER_PHONE = (3, timedelta(hours=1))
LOOKUPS_PER_ADDRESS = (30, timedelta(minutes=10))
# Counted per address *and* case: a stranger guessing at someone's case number uses up their own
# attempts, never the owner's (whose address differs, or who signs in).
LOOKUPS_PER_CASE = (20, timedelta(hours=1))
# How many proven case numbers a browser session remembers (the tracking page, a rating, a reopening).
TRACKED_IN_SESSION = 10


def _throttle(scope: str, identity: str, rule: tuple[int, timedelta]) -> None:
    if not allow(scope, identity, limit=rule[0], window=rule[1]):
        raise HttpError(429, "throttled")


class Proof(Schema):
    phone_tail: str = Field(pattern=r"^\d{4}$", description="The last four digits of the phone given with the case.")


def proven_case(request: HttpRequest, number: str, phone_tail: str) -> Case:
    """The case if the caller knows its number and phone tail (or is its signed-in citizen); the same 404
    for a wrong tail or number."""
    case = Case.objects.select_related("unit").filter(number=number).first()
    if case is not None and _is_owner(request, case):
        return case
    address = client_address(request)
    _throttle("lookup-address", address, LOOKUPS_PER_ADDRESS)
    _throttle("lookup-case", f"{address}\x1f{number}", LOOKUPS_PER_CASE)
    if case is None or not case.citizen_phone.endswith(phone_tail):
        raise NotFound(_("No case matches this number and these phone digits."))
    return case


def _is_owner(request: HttpRequest, case: Case) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and case.citizen_id == user.pk)


def remember_tracked(request: HttpRequest, number: str) -> None:
    """The session remembers a number whose proof was given, so no later URL needs to carry it."""
    numbers = [n for n in request.session.get("tracked_cases", []) if n != number]
    request.session["tracked_cases"] = [number, *numbers][:TRACKED_IN_SESSION]


def tracked_case(request: HttpRequest, number: str) -> Case | None:
    """The case `number` if this session proved it (or the signed-in citizen owns it), else None."""
    if not number:
        return None
    case = Case.objects.select_related("unit").filter(number=number).first()
    if case is None:
        return None
    if number in request.session.get("tracked_cases", []) or _is_owner(request, case):
        return case
    return None


def tracking_url(number: str) -> str:
    return f"{reverse('cases:public_track')}?{urlencode({'number': number})}"


def may_reopen(case: Case, now: datetime) -> bool:
    """Whether the citizen may ask for 重办 now: as the workflow's row and effect decide it."""
    transition = WORKFLOWS[case.workflow].get(Action.REOPEN)
    allowed = transition is not None and transition.citizen and transition.applies_to(case)
    return allowed and within_reopen_window(case, now)


# The actions whose note is written to the citizen: a reply, a direct answer, the reason for not accepting.
PUBLIC_NOTES = frozenset({Action.REPLY, Action.ANSWER, Action.REFUSE})


def public_view(case: Case) -> dict[str, Any]:
    events = (
        CaseEvent.objects.filter(case=case)
        .order_by("seq")
        .values_list("at", "action", "to_status", "to_unit__name", "note")
    )
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "unit": case.unit.name,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "reply": case.reply,
        "rating": case.rating,
        "rating_label": str(Rating(case.rating).label) if case.rating in Rating.values else "",
        "can_rate": case.status == CaseStatus.COMPLETED,
        "can_reopen": may_reopen(case, timezone.now()),
        "callback_due": case.rectify_due_at is not None and case.called_back_at is None,
        # What happened, when and which unit held the matter after it; never who, nor staff notes: only what
        # was written to the citizen (a reply, the reason for not accepting) is shown.
        "events": [
            {
                "at": at,
                "action_label": action_label(action),
                "status_label": str(CaseStatus(status).label),
                "unit": unit or "",
                "public_note": note if action in PUBLIC_NOTES else "",
            }
            for at, action, status, unit, note in events
        ],
    }


def check_submission(request: HttpRequest, phone: str) -> None:
    """Throttle a citizen's submissions per address and per phone (page and API alike)."""
    _throttle("submit-address", client_address(request), SUBMISSIONS_PER_ADDRESS)
    _throttle("submit-phone", phone.strip(), SUBMISSIONS_PER_PHONE)


@router.post(
    "/public/cases", response={201: PublicCaseCreated, **error_responses(429)}, summary="Submit a case (citizens)"
)
def submit(request: HttpRequest, payload: PublicCaseIn) -> Status[dict[str, str]]:
    check_submission(request, payload.citizen_phone)
    village = Unit.objects.places().filter(code=payload.village).first()
    if village is None:
        raise InvalidInput({"village": _("Choose a village or community.")})
    case, _created = create_case(
        actor=None,
        channel=Channel.WEB,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        citizen_name=payload.citizen_name,
        citizen_phone=payload.citizen_phone,
        village=village,
        unit=village,
        address=payload.address,
        submitted=True,
    )
    message = _("Keep this number. With it and the last four digits of your phone you can follow the case.")
    return Status(201, {"number": case.number, "message": str(message)})


@router.post(
    "/public/cases/{number}/track",
    response={200: PublicCaseOut, **error_responses(404, 429)},
    summary="Track a case (the phone digits in the body, never in the URL)",
)
def track(request: HttpRequest, number: str, proof: Proof) -> dict[str, Any]:
    return public_view(proven_case(request, number, proof.phone_tail))


@router.post(
    "/public/cases/{number}/rating",
    response={200: PublicCaseOut, **error_responses(404, 409, 429)},
    summary="Rate a completed case",
)
def rate(request: HttpRequest, number: str, payload: PublicRatingIn) -> dict[str, Any]:
    case = proven_case(request, number, payload.phone_tail)
    done = perform(case, "rate", actor=None, by_citizen=True, rating=payload.rating, comment=payload.comment)
    return public_view(Case.objects.select_related("unit").get(pk=done.pk))


@router.post(
    "/public/cases/{number}/reopen",
    response={200: PublicCaseOut, **error_responses(404, 409, 429)},
    summary="Ask for a case rated unsatisfactory to be handled again (重办), within REOPEN_DAYS of completion",
)
def reopen(request: HttpRequest, number: str, payload: PublicReopenIn) -> dict[str, Any]:
    case = proven_case(request, number, payload.phone_tail)
    done = perform(case, Action.REOPEN, actor=None, by_citizen=True, reason=payload.reason)
    return public_view(Case.objects.select_related("unit").get(pk=done.pk))
