"""Citizen accounts: sign in (or up) with a mobile number and a one-time code sent through the notification
channels (the console or file channel by default, the SMS gateway's webhook when configured), and optional
real-name details. A citizen's account is the mobile number it proved; it sees only its own matters."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin import notify
from bianmin.errors import DomainError, InvalidInput
from bianmin.org.choices import Role
from bianmin.org.models import SignInCode, User
from bianmin.org.schemas import mask_phone
from bianmin.org.validators import MOBILE, is_resident_id
from bianmin.throttle import allow

CODE_DIGITS = 6
CODES_PER_PHONE = (3, timedelta(minutes=10))
CODES_PER_ADDRESS = (10, timedelta(hours=1))


class SignInError:
    THROTTLED = "sign_in_throttled"
    WRONG_CODE = "sign_in_wrong_code"


def _digest(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def clean_mobile(phone: str) -> str:
    phone = phone.strip().replace(" ", "").replace("-", "")
    if not MOBILE.match(phone):
        raise InvalidInput({"phone": _("Enter a mainland mobile number of 11 digits.")})
    return phone


def send_code(phone: str, *, address: str) -> None:
    """Send a new one-time code to `phone`; throttled per number and per address."""
    phone = clean_mobile(phone)
    if not allow("sign-in-phone", phone, limit=CODES_PER_PHONE[0], window=CODES_PER_PHONE[1]) or not allow(
        "sign-in-address", address, limit=CODES_PER_ADDRESS[0], window=CODES_PER_ADDRESS[1]
    ):
        raise DomainError(SignInError.THROTTLED, _("Too many codes asked for; wait a few minutes."), status=429)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    SignInCode.objects.create(
        phone_digest=_digest("phone", phone),
        code_digest=_digest("code", phone, code),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.SIGN_IN_CODE_MINUTES),
    )
    text = _("Your Bianmin sign-in code for %(phone)s is %(code)s; it is valid for %(minutes)s minutes.") % {
        "phone": mask_phone(phone),
        "code": code,
        "minutes": settings.SIGN_IN_CODE_MINUTES,
    }
    message = notify.Message(kind="sign_in_code", case="", unit=None, to_citizen=True, text=text, phone=phone)
    transaction.on_commit(lambda: notify.channel().send(message))


def sign_in(phone: str, code: str) -> User:
    """The citizen account of `phone` (made on first sign-in) if `code` is its latest unexpired code.
    Every try counts against that code; after SIGN_IN_CODE_ATTEMPTS tries it no longer works."""
    phone, code = clean_mobile(phone), code.strip()
    now = timezone.now()
    wrong = DomainError(SignInError.WRONG_CODE, _("The code is wrong or has expired; ask for a new one."), status=400)
    latest = (
        SignInCode.objects.filter(phone_digest=_digest("phone", phone), used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        raise wrong
    # Each try is spent before the code is compared, by one conditional UPDATE: of many guesses sent at once,
    # no more than the limit are compared (a check, then a count, would let a burst through).
    spent = SignInCode.objects.filter(
        pk=latest.pk, used_at__isnull=True, failed_attempts__lt=settings.SIGN_IN_CODE_ATTEMPTS
    ).update(failed_attempts=F("failed_attempts") + 1)
    if not spent or not hmac.compare_digest(latest.code_digest, _digest("code", phone, code)):
        raise wrong
    with transaction.atomic():
        # Used once: of two requests racing with the same code, one signs in.
        if not SignInCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
            raise wrong
        return _citizen_of(phone)


def _username(phone: str) -> str:
    """A code account's username: derived from the number, so the number finds its account, but not the
    number itself (usernames show in lists and logs)."""
    return "c-" + _digest("username", phone)[:16]


def account_of(phone: str) -> User | None:
    """The account a citizen opened by signing in with this mobile number, if any."""
    return User.objects.filter(username=_username(phone), is_active=True).first()


def _citizen_of(phone: str) -> User:
    user = User.objects.filter(username=_username(phone)).first()
    if user is None:
        user = User.objects.create_user(
            username=_username(phone), password=None, phone=phone, display_name=mask_phone(phone)
        )
    return user


def set_real_name(user: User, *, name: str, id_number: str) -> User:
    """A citizen's real-name details (optional; they let staff call back by name after a 差评)."""
    name, id_number = name.strip(), id_number.strip().upper()
    errors = {}
    if not name or len(name) > 50:
        errors["name"] = _("Enter your name (at most 50 characters).")
    if id_number and not is_resident_id(id_number):
        errors["id_number"] = _("Enter a valid resident identity number (18 characters).")
    if errors:
        raise InvalidInput(errors)
    User.objects.filter(pk=user.pk).update(display_name=name, id_number=id_number)
    user.display_name, user.id_number = name, id_number
    return user


def is_citizen(user: User) -> bool:
    """A citizen, not staff (the site's root shows them their matters): a citizen's membership and no other,
    or an account made by signing in with a code (it has no password) and no membership at all."""
    roles = set(user.memberships.values_list("role", flat=True))
    if roles - {Role.CITIZEN}:
        return False
    return bool(roles) or (not user.is_staff and not user.has_usable_password())
