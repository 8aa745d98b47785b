"""The hall JSON API under /api/v1/hall/. Anyone reaches the kiosk's queues, taking a ticket, the display's
board, the rating pad and a ticket by its secret token; staff sign in at the windows of their hall and serve
there; those who view a hall read its windows and statistics."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status
from pydantic import Field

from bianmin.errors import InvalidInput, NotFound, PermissionDenied, error_responses
from bianmin.hall import presenters, ratings, services
from bianmin.hall.board import board
from bianmin.hall.choices import TicketChannel
from bianmin.hall.discipline_api import router as discipline_router
from bianmin.hall.models import Hall, QueueService, Ticket, Window
from bianmin.hall.patrol_api import router as patrol_router
from bianmin.hall.schemas import (
    BoardOut,
    CaseLinkOut,
    HallDetail,
    HallOut,
    OpenCaseIn,
    PadOut,
    QueueOut,
    RatingIn,
    RatingOut,
    StaffTicket,
    StaffTicketOut,
    StateIn,
    StatsOut,
    StatsQuery,
    TakeTicket,
    TicketActionIn,
    TicketOut,
    WindowOut,
)
from bianmin.hall.stats import daily_stats, presence_rate
from bianmin.org.api import actor
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission

TicketToken = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_-]{8,24}$", description="The ticket's secret (from its QR code).")
]

router = Router(tags=["hall"])
router.add_router("", patrol_router)
router.add_router("", discipline_router)


def _public_hall(pk: int) -> Hall:
    hall = Hall.objects.filter(pk=pk, active=True).select_related("unit").first()
    if hall is None:
        raise NotFound(_("No such hall."))
    return hall


def _hall(user: User, pk: int) -> Hall:
    hall = Hall.objects.restrict(user, Permission.HALL_VIEW).filter(pk=pk).select_related("unit").first()
    if hall is None:
        raise NotFound(_("No such hall in your scope."))
    return hall


def _window(user: User, pk: int) -> Window:
    window = Window.objects.restrict(user, Permission.HALL_SERVE).filter(pk=pk).select_related("hall__unit").first()
    if window is None:
        raise NotFound(_("No such window in your scope."))
    return window


def _service(hall: Hall, prefix: str) -> QueueService:
    service = (
        QueueService.objects.filter(hall=hall, prefix=prefix.upper(), active=True).select_related("hall__unit").first()
    )
    if service is None:
        raise InvalidInput({"service": _("This hall has no such queue.")})
    return service


def _ticket_by_token(token: str) -> Ticket:
    ticket = Ticket.objects.filter(token=token).select_related("service", "window").first()
    if ticket is None:
        raise NotFound(_("No such ticket."))
    return ticket


# --- public: kiosk, visitor, display, pad ---------------------------------------------------------------------


@router.get(
    "/halls/{hall_id}/queues",
    response={200: list[QueueOut], **error_responses(404)},
    auth=None,
    summary="The queues a kiosk offers, with people waiting (public)",
)
def list_queues(request: HttpRequest, hall_id: int) -> list[dict[str, Any]]:
    return presenters.queues(_public_hall(hall_id))


@router.post(
    "/halls/{hall_id}/tickets",
    response={201: TicketOut, **error_responses(404, 409)},
    auth=None,
    summary="Take a ticket at the kiosk or on the phone (public)",
)
def take_ticket(request: HttpRequest, hall_id: int, payload: TakeTicket) -> Status[dict[str, Any]]:
    if payload.channel == TicketChannel.STAFF:
        raise InvalidInput({"channel": _("Staff issue tickets at their window.")})
    service = _service(_public_hall(hall_id), payload.service)
    ticket = services.take_ticket(service, actor=None, channel=payload.channel, phone=payload.phone)
    return Status(201, presenters.ticket_out(ticket))


@router.get(
    "/tickets/{token}",
    response={200: TicketOut, **error_responses(404)},
    auth=None,
    summary="A ticket by its secret: status, place in the queue and estimated wait (public)",
)
def get_ticket(request: HttpRequest, token: Path[TicketToken]) -> dict[str, Any]:
    return presenters.ticket_out(_ticket_by_token(token))


@router.get(
    "/halls/{hall_id}/board",
    response={200: BoardOut, **error_responses(404)},
    auth=None,
    url_name="hall_board",
    summary="The hall display: now serving per window, the last eight calls, waiting per queue (public)",
)
def get_board(request: HttpRequest, hall_id: int) -> dict[str, Any]:
    return board(_public_hall(hall_id))


@router.get(
    "/windows/{window_id}/pad",
    response={200: PadOut, **error_responses(403, 404)},
    auth=None,
    url_name="hall_pad",
    summary="The rating pad: the ticket just finished at the window, awaiting its rating (the paired pad only)",
    description="Answers only the device the hall's manager paired with the window (its key in the cookie "
    "`bianmin_pad_<window id>`, set by the pad page's pairing): the answer holds the ticket's secret.",
)
def get_pad(request: HttpRequest, window_id: int) -> dict[str, Any]:
    window = Window.objects.filter(pk=window_id, hall__active=True).first()
    if window is None:
        raise NotFound(_("No such window."))
    if not ratings.is_pad(window, request.COOKIES.get(ratings.PAD_COOKIE.format(window.pk))):
        raise PermissionDenied(_("This device is not this window's rating pad."))
    ticket = ratings.awaiting_rating(window)
    return {
        "ticket": ticket.number if ticket else None,
        "token": ticket.token if ticket else None,
        "window": window.number,
    }


@router.post(
    "/tickets/{token}/rating",
    response={201: RatingOut, **error_responses(404, 409)},
    auth=None,
    summary="Rate a finished service once (一次一评, public); a 差评 files a case for the visit",
)
def rate_ticket(request: HttpRequest, token: str, payload: RatingIn) -> Status[dict[str, Any]]:
    rating = ratings.rate(
        _ticket_by_token(token),
        level=int(payload.level),
        comment=payload.comment,
        rater_name=payload.rater_name,
        rater_phone=payload.rater_phone,
    )
    return Status(
        201,
        {"ticket": rating.ticket.number, "level": rating.level, "case": rating.case.number if rating.case else None},
    )


# --- staff: halls, windows, serving ---------------------------------------------------------------------------


@router.get("/halls", response={200: list[HallOut], **error_responses()}, summary="The halls in your scope")
def list_halls(request: HttpRequest) -> list[dict[str, Any]]:
    halls = Hall.objects.restrict(actor(request), Permission.HALL_VIEW).select_related("unit")
    return [presenters.hall_out(h) for h in halls]


@router.get(
    "/halls/{hall_id}",
    response={200: HallDetail, **error_responses(404)},
    summary="A hall's windows (state, who is signed in) and queues",
)
def get_hall(request: HttpRequest, hall_id: int) -> dict[str, Any]:
    return presenters.hall_detail(_hall(actor(request), hall_id))


@router.get(
    "/halls/{hall_id}/stats",
    response={200: StatsOut, **error_responses(404)},
    summary="A day's statistics by hall, queue, window and person, derived from the ticket events",
)
def get_stats(request: HttpRequest, hall_id: int, query: Query[StatsQuery]) -> dict[str, Any]:
    hall = _hall(actor(request), hall_id)
    day = query.day or services.local_day(timezone.now())
    return {"day": day, "presence": presence_rate(hall), **daily_stats(hall, day)}


@router.post(
    "/windows/{window_id}/sign-in",
    response={200: WindowOut, **error_responses(403, 404, 409)},
    summary="Sign in at a window and open it (formal staff only; a refusal is recorded)",
)
def sign_in(request: HttpRequest, window_id: int) -> dict[str, Any]:
    window = _window(actor(request), window_id)
    services.sign_in(window, actor=actor(request))
    return _window_out(window)


@router.post(
    "/windows/{window_id}/sign-out",
    response={200: WindowOut, **error_responses(403, 404)},
    summary="Sign out of a window and close it",
)
def sign_out(request: HttpRequest, window_id: int) -> dict[str, Any]:
    window = _window(actor(request), window_id)
    services.sign_out(window, actor=actor(request))
    return _window_out(window)


@router.post(
    "/windows/{window_id}/state",
    response={200: WindowOut, **error_responses(403, 404)},
    summary="Pause or reopen a window",
)
def set_state(request: HttpRequest, window_id: int, payload: StateIn) -> dict[str, Any]:
    window = _window(actor(request), window_id)
    services.set_state(window, actor=actor(request), state=payload.state)
    return _window_out(window)


def _window_out(window: Window) -> dict[str, Any]:
    return next(w for w in presenters.windows(window.hall) if w["id"] == window.pk)


@router.post(
    "/windows/{window_id}/tickets",
    response={201: StaffTicketOut, **error_responses(403, 404, 409)},
    summary="Issue a ticket for a visitor: green channel or a booked appointment (staff)",
)
def issue_ticket(request: HttpRequest, window_id: int, payload: StaffTicket) -> Status[dict[str, Any]]:
    user = actor(request)
    window = _window(user, window_id)
    ticket = services.take_ticket(
        _service(window.hall, payload.service),
        actor=user,
        channel=TicketChannel.STAFF,
        green=payload.green,
        appointment_at=payload.appointment_at,
        phone=payload.phone,
    )
    return Status(201, presenters.staff_ticket(ticket))


@router.post(
    "/windows/{window_id}/call-next",
    response={200: StaffTicketOut, **error_responses(403, 404, 409)},
    summary="Call the next ticket: green channel, due appointments, the window's priority, issue time",
)
def call_next(request: HttpRequest, window_id: int) -> dict[str, Any]:
    user = actor(request)
    ticket = services.call_next(_window(user, window_id), actor=user)
    return presenters.staff_ticket(ticket)


def _hall_ticket(window: Window, ticket_id: int) -> Ticket:
    ticket = Ticket.objects.filter(pk=ticket_id, hall_id=window.hall_id).select_related("service").first()
    if ticket is None:
        raise NotFound(_("No such ticket in this hall."))
    return ticket


@router.post(
    "/windows/{window_id}/tickets/{ticket_id}/actions",
    response={200: StaffTicketOut, **error_responses(403, 404, 409)},
    summary="Recall, no-show, start, suspend, resume, transfer, finish, or call a no-show again",
)
def ticket_action(request: HttpRequest, window_id: int, ticket_id: int, payload: TicketActionIn) -> dict[str, Any]:
    user = actor(request)
    window = _window(user, window_id)
    ticket = _hall_ticket(window, ticket_id)
    to_service = _service(window.hall, payload.to_service) if payload.to_service else None
    to_window = None
    if payload.to_window is not None:
        to_window = Window.objects.filter(hall=window.hall, number=payload.to_window).first()
        if to_window is None:
            raise InvalidInput({"to_window": _("This hall has no such window.")})
    changed = services.act(
        ticket,
        payload.action,
        actor=user,
        window=window,
        reason=payload.reason,
        to_service=to_service,
        to_window=to_window,
    )
    return presenters.staff_ticket(changed)


@router.post(
    "/windows/{window_id}/tickets/{ticket_id}/case",
    response={201: CaseLinkOut, **error_responses(403, 404, 409)},
    summary="Open the grievance the visit is about; the ticket links to the case",
)
def open_case(request: HttpRequest, window_id: int, ticket_id: int, payload: OpenCaseIn) -> Status[dict[str, Any]]:
    user = actor(request)
    window = _window(user, window_id)
    ticket = _hall_ticket(window, ticket_id)
    village = None
    if payload.village:
        village = Unit.objects.places().filter(code=payload.village).first()
        if village is None:
            raise InvalidInput({"village": _("No village or community with this code.")})
    case = services.open_case(
        ticket,
        actor=user,
        window=window,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        citizen_name=payload.citizen_name,
        citizen_phone=payload.citizen_phone,
        village=village,
    )
    return Status(201, {"number": case.number, "ticket": ticket.number})
