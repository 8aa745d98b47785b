"""The hall's pages. For anyone: the kiosk, the display, the rating pad and a visitor's ticket page (devices
facing the public, so full-screen and without the site's navigation). For staff: the window console and
the hall's overview with the day's statistics."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bianmin import inputs
from bianmin.cases.choices import CaseKind
from bianmin.errors import DomainError
from bianmin.hall import presenters, ratings, services
from bianmin.hall.board import place
from bianmin.hall.choices import PadLevel, TicketAction, TicketChannel, WindowEventKind, WindowState
from bianmin.hall.models import Hall, QueueService, Ticket, Window, WindowEvent, WindowSession
from bianmin.hall.services import may_manage
from bianmin.hall.stats import daily_stats, presence_rate
from bianmin.hall.workflow import IN_HAND, buttons
from bianmin.org.models import User
from bianmin.org.permissions import Permission
from bianmin.org.scope import scope_paths

# Browsers keep a cookie at most 400 days; the pad sets it again whenever it shows, so a pad in use stays
# paired until its manager pairs another device.
PAD_COOKIE_AGE = 400 * 24 * 3600


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "hall/forbidden.html", status=403)


def _public_hall(pk: int) -> Hall:
    hall = Hall.objects.filter(pk=pk, active=True).first()
    if hall is None:
        raise Http404
    return hall


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 (login_required ran)
    return request.user


# --- public devices -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The touch-screen kiosk (取号机): one large button per queue; a ticket's page to print or photograph."""
    hall = _public_hall(hall_id)
    error = ""
    if request.method == "POST":
        service = QueueService.objects.filter(
            hall=hall, pk=inputs.whole(request.POST.get("service")) or 0, active=True
        ).first()
        if service is None:
            error = _("Choose a service.")
        else:
            channel = TicketChannel.PHONE if request.POST.get("channel") == "phone" else TicketChannel.KIOSK
            try:
                ticket = services.take_ticket(service, actor=None, channel=channel)
            except DomainError as exc:
                error = str(exc.message)
            else:
                return HttpResponseRedirect(reverse("hall:ticket", args=[ticket.token]) + "?new=1")
    context = {
        "hall": hall,
        "queues": presenters.queues(hall),
        "error": error,
        "phone": request.GET.get("phone") == "1",
    }
    return render(request, "hall/kiosk.html", context, status=409 if error else 200)


def display(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The waiting area's TV: filled in and kept current by hall/display.js from the board's JSON."""
    hall = _public_hall(hall_id)
    return render(request, "hall/display.html", {"hall": hall})


@require_http_methods(["GET", "POST"])
def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's ticket: number, status, place in the queue and an estimated wait; once the service is
    finished, its rating (the same as the window's pad, for a visitor who left before rating there)."""
    ticket = Ticket.objects.filter(token=token).select_related("service", "window", "hall").first()
    if ticket is None:
        raise Http404
    if request.method == "POST":
        try:
            ratings.rate(
                ticket, level=inputs.whole(request.POST.get("level")) or 0, comment=request.POST.get("comment", "")
            )
        except DomainError as exc:
            messages.error(request, exc.describe())
        else:
            messages.success(request, _("Thank you for your rating."))
        return HttpResponseRedirect(reverse("hall:ticket", args=[ticket.token]))
    context = {
        "ticket": ticket,
        "place": place(ticket),
        "new": request.GET.get("new") == "1",
        "levels": PadLevel.choices if ratings.may_rate(ticket) else [],
    }
    return render(request, "hall/ticket.html", context)


@require_http_methods(["GET", "POST"])
def pad(request: HttpRequest, window_id: int) -> HttpResponse:
    """The rating pad facing the citizen (评价器): the five levels for the service just finished here, on the
    device the hall's manager paired with the window; any other device is told how to become one."""
    window = Window.objects.filter(pk=window_id, hall__active=True).select_related("hall").first()
    if window is None:
        raise Http404
    key = request.COOKIES.get(ratings.PAD_COOKIE.format(window.pk))
    if not ratings.is_pad(window, key):
        context = {"window": window, "manager": request.user.is_authenticated and may_manage(_user(request), window)}
        return render(request, "hall/pad_unpaired.html", context, status=403)
    done = None
    if request.method == "POST":
        ticket = Ticket.objects.filter(token=request.POST.get("token", "")).first()
        try:
            level = int(request.POST.get("level", "0"))
            if ticket is None:
                raise Http404
            rating = ratings.rate(ticket, level=level, comment=request.POST.get("comment", ""))
        except (ValueError, DomainError) as exc:
            messages.error(request, str(getattr(exc, "message", _("Choose one of the five levels."))))
        else:
            done = rating
    awaiting = ratings.awaiting_rating(window)
    levels = [(value, label) for value, label in PadLevel.choices]
    context = {"window": window, "ticket": awaiting, "levels": levels, "done": done}
    return _keep_pad(render(request, "hall/pad.html", context), window, key or "")


def _keep_pad(response: HttpResponse, window: Window, key: str) -> HttpResponse:
    """The pad's key on its device, for another PAD_COOKIE_AGE (set at pairing and each time the pad shows)."""
    response.set_cookie(
        ratings.PAD_COOKIE.format(window.pk),
        key,
        max_age=PAD_COOKIE_AGE,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
@require_POST
def pad_pair(request: HttpRequest, window_id: int) -> HttpResponse:
    """The hall's manager, signed in on the device facing the citizen, makes it the window's rating pad; the
    device keeps the key in a cookie that outlives signing out (and replaces any pad paired before)."""
    window = Window.objects.restrict(_user(request), Permission.HALL_VIEW).filter(pk=window_id).first()
    if window is None:
        raise Http404
    if not may_manage(_user(request), window):
        return _forbidden(request)
    key = ratings.pair_pad(window, actor=_user(request))
    messages.success(request, _("This device is now the rating pad of window %(n)s.") % {"n": window.number})
    return _keep_pad(HttpResponseRedirect(reverse("hall:pad", args=[window.pk])), window, key)


# --- staff ----------------------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The halls in the viewer's scope; with one hall, its page at once."""
    user = _user(request)
    if scope_paths(user, Permission.HALL_VIEW) == []:
        return _forbidden(request)
    halls = list(Hall.objects.restrict(user, Permission.HALL_VIEW).select_related("unit"))
    if len(halls) == 1:
        return HttpResponseRedirect(reverse("hall:hall", args=[halls[0].pk]))
    return render(request, "hall/overview.html", {"halls": halls})


@login_required
def hall_page(request: HttpRequest, hall_id: int) -> HttpResponse:
    """A hall's manager's page: windows and who is at them, refused sign-ins, the day's statistics."""
    user = _user(request)
    hall = Hall.objects.restrict(user, Permission.HALL_VIEW).filter(pk=hall_id).select_related("unit").first()
    if hall is None:
        raise Http404
    day = inputs.day(request.GET.get("day")) or services.local_day(timezone.now())
    refused = (
        WindowEvent.objects.filter(window__hall=hall, kind=WindowEventKind.REFUSED)
        .select_related("user", "window")
        .order_by("-at")[:20]
    )
    context = {
        "hall": hall,
        "day": day,
        "windows": presenters.windows(hall),
        "queues": presenters.queues(hall),
        "stats": daily_stats(hall, day),
        "presence": presence_rate(hall),
        "refused": refused,
    }
    return render(request, "hall/hall.html", context)


@login_required
def console_index(request: HttpRequest) -> HttpResponse:
    """The windows a member of staff may sign in at."""
    user = _user(request)
    if scope_paths(user, Permission.HALL_SERVE) == []:
        return _forbidden(request)
    windows = Window.objects.restrict(user, Permission.HALL_SERVE).select_related("hall").order_by("hall", "number")
    current = WindowSession.objects.filter(user=user, ended_at__isnull=True).select_related("window").first()
    return render(request, "hall/console_index.html", {"windows": windows, "current": current})


def _console_window(request: HttpRequest, window_id: int) -> Window | None:
    user = _user(request)
    return (
        Window.objects.restrict(user, Permission.HALL_SERVE).filter(pk=window_id).select_related("hall__unit").first()
    )


@login_required
def console(request: HttpRequest, window_id: int) -> HttpResponse:
    """The window console: sign in, call next, the ticket in hand with its buttons, transfer, open a case."""
    window = _console_window(request, window_id)
    if window is None:
        raise Http404
    return _console_page(request, window)


def _console_page(request: HttpRequest, window: Window, typed: dict[str, Any] | None = None) -> HttpResponse:
    """The console; `typed`: a case form refused, shown again as typed under its ticket."""
    session = services.signed_in(window)
    in_hand = list(
        Ticket.objects.filter(window=window, status__in=[*IN_HAND, "suspended"])
        .select_related("service", "case")
        .order_by("-updated_at")
    )
    case_form = typed or {}
    context = {
        "window": window,
        "session": session,
        "mine": session is not None and session.user_id == _user(request).pk,
        "in_hand": [(t, buttons(t.status), case_form if case_form.get("ticket") == t.pk else {}) for t in in_hand],
        # Nothing to call while a visitor is in hand: the main button waits for them to be finished.
        "busy": any(t.status in IN_HAND for t in in_hand),
        "queues": presenters.queues(window.hall),
        "windows": Window.objects.filter(hall=window.hall).exclude(pk=window.pk),
        "kinds": [(k, label) for k, label in CaseKind.choices if k != CaseKind.APPLICATION],
        "no_shows": Ticket.objects.filter(window=window, status="no_show", day=services.local_day(timezone.now())),
        "open": window.state == WindowState.OPEN,
    }
    return render(request, "hall/console.html", context, status=400 if typed else 200)


@login_required
@require_POST
def console_do(request: HttpRequest, window_id: int) -> HttpResponse:
    """Every button of the console: one service call, then back to the console with what happened."""
    window = _console_window(request, window_id)
    if window is None:
        raise Http404
    user, op, post = _user(request), request.POST.get("op", ""), request.POST
    ticket = Ticket.objects.filter(pk=inputs.whole(post.get("ticket")) or 0, hall_id=window.hall_id).first()
    try:
        if op == "sign_in":
            services.sign_in(window, actor=user)
        elif op == "sign_out":
            services.sign_out(window, actor=user)
        elif op in (WindowState.OPEN, WindowState.PAUSED):
            services.set_state(window, actor=user, state=op)
        elif op == "call_next":
            called = services.call_next(window, actor=user)
            messages.success(request, _("Called %(number)s.") % {"number": called.number})
        elif op == "open_case" and ticket is not None:
            case = services.open_case(
                ticket,
                actor=user,
                window=window,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                content=post.get("content", ""),
                citizen_name=post.get("citizen_name", ""),
                citizen_phone=post.get("citizen_phone", ""),
            )
            messages.success(request, _("Case %(number)s opened for this visit.") % {"number": case.number})
        elif op in TicketAction.values and ticket is not None:
            to_service = QueueService.objects.filter(
                hall=window.hall, pk=inputs.whole(post.get("to_service")) or 0
            ).first()
            to_window = Window.objects.filter(hall=window.hall, pk=inputs.whole(post.get("to_window")) or 0).first()
            services.act(
                ticket,
                op,
                actor=user,
                window=window,
                reason=post.get("reason", ""),
                to_service=to_service,
                to_window=to_window,
            )
        else:
            messages.error(request, _("There is no such action."))
    except DomainError as exc:
        messages.error(request, exc.describe())
        if op == "open_case" and ticket is not None:
            # Shown again as typed: the visitor is still at the window and need not say it all twice.
            return _console_page(request, window, typed={**post.dict(), "ticket": ticket.pk})
    return HttpResponseRedirect(reverse("hall:console", args=[window.pk]))
