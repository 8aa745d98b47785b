"""Every write of the Open311 app: issuing and revoking client keys, and filing a request, which takes in a
grievance case through `bianmin.cases.services.create_case` (channel open311) in the same transaction as its
`ServiceRequest` row. From there on the case is handled like any other, through `perform`."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from bianmin.cases.choices import CaseKind, Channel
from bianmin.cases.models import Category
from bianmin.cases.services import create_case
from bianmin.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.open311.choices import Datatype
from bianmin.open311.errors import Open311Error
from bianmin.open311.models import ClientKey, ServiceAttribute, ServiceRequest
from bianmin.open311.params import Submission, parse_moment
from bianmin.org.choices import REGION_KINDS
from bianmin.org.models import Unit, User
from bianmin.org.permissions import Permission
from bianmin.org.scope import in_scope, subtree_q
from bianmin.org.services import audit
from bianmin.org.validators import validate_person_phone
from bianmin.throttle import allow

KEY_PREFIX = "o311_"
# Refresh last_used_at at most this often, so that a client's every call is not a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)
# What a request filed through Open311 is in the grievance workflow: a citizen asking for something to be
# fixed (求助); the category's own time limit applies when it has one.
KIND = CaseKind.HELP


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(
    *, actor: User, name: str, jurisdiction: Unit, intake_unit: Unit, per_hour: int = 600
) -> tuple[ClientKey, str]:
    """Issue a client application's key for a jurisdiction the administrator holds; returns the row and the key
    itself, which is stored nowhere."""
    if not in_scope(actor, Permission.OPEN311_KEYS, jurisdiction.path):
        raise PermissionDenied(_("You may only issue keys for the units you administer."))
    errors: dict[str, str | Promise] = {}
    if not name.strip():
        errors["name"] = _("This field is required.")
    if jurisdiction.kind not in REGION_KINDS:
        # Requests are placed at the villages inside the jurisdiction: a department or a hall holds none.
        errors["jurisdiction"] = _("A jurisdiction is an administrative region (a county, township or village).")
    if not intake_unit.path.startswith(jurisdiction.path):
        errors["intake_unit"] = _("The intake unit must lie inside the jurisdiction.")
    if not 1 <= per_hour <= 100_000:
        errors["per_hour"] = _("Between 1 and 100,000.")
    if errors:
        raise InvalidInput(errors)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ClientKey.objects.create(
            name=name.strip(),
            jurisdiction=jurisdiction,
            intake_unit=intake_unit,
            digest=_digest(key),
            prefix=key[: len(KEY_PREFIX) + 6],
            per_hour=per_hour,
            issued_by=actor,
        )
        audit(actor, "open311.key.issue", row, name=row.name, jurisdiction=jurisdiction.code)
    return row, key


def revoke_key(key: ClientKey, *, actor: User) -> ClientKey:
    """Revoke a key at once: the client files nothing more with it. Revoking a revoked key changes nothing."""
    with transaction.atomic():
        row = ClientKey.objects.restrict(actor, Permission.OPEN311_KEYS).select_for_update().filter(pk=key.pk).first()
        if row is None:
            raise NotFound(_("No such key in your scope."))
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            audit(actor, "open311.key.revoke", row, name=row.name)
    return row


def authenticate_key(key: str) -> ClientKey | None:
    """The live key `key` names, or None (unknown, revoked, malformed)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    row = ClientKey.objects.select_related("jurisdiction", "intake_unit").filter(digest=_digest(key)).first()
    if row is None or row.revoked_at is not None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ClientKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


class Throttled(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__(Open311Error.KEY_THROTTLED, _("Too many requests with this key; try again later."))


def check_attributes(
    definitions: list[ServiceAttribute], given: dict[str, str | list[str]]
) -> dict[str, str | list[str]]:
    """The answers to the service's questions, checked against their definitions: required ones present,
    list answers among the keys, numbers and datetimes well formed. Answers to questions the service does
    not ask are dropped (clients such as FixMyStreet send some of their own)."""
    errors: dict[str, str | Promise] = {}
    answers: dict[str, str | list[str]] = {}
    for attribute in definitions:
        if not attribute.variable:
            continue
        name = f"attribute[{attribute.code}]"
        raw = given.get(attribute.code)
        values = [v for v in (raw if isinstance(raw, list) else [raw or ""]) if v]
        if not values:
            if attribute.required:
                errors[name] = _("This field is required.")
            continue
        problem = _check_values(attribute, values)
        if problem:
            errors[name] = problem
        elif attribute.datatype == Datatype.MULTIVALUELIST:
            answers[attribute.code] = list(dict.fromkeys(values))
        else:
            answers[attribute.code] = values[-1]
    if errors:
        raise InvalidInput(errors)
    return answers


def _check_values(attribute: ServiceAttribute, values: list[str]) -> str | Promise:
    kind = attribute.datatype
    if kind in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
        if kind == Datatype.SINGLEVALUELIST and len(values) > 1:
            return _("Choose one value.")
        keys = set(attribute.keys())
        if any(v not in keys for v in values):
            return _("Choose among: %(keys)s.") % {"keys": ", ".join(attribute.keys())}
        return ""
    value = values[-1]
    if kind == Datatype.NUMBER:
        try:
            if not Decimal(value).is_finite():
                raise ValueError(value)
        except (ArithmeticError, ValueError):
            return _("Enter a number.")
    if kind == Datatype.DATETIME:
        try:
            parse_moment(value)
        except ValueError:
            return _("Use an ISO 8601 date and time.")
    limit = 4000 if kind == Datatype.TEXT else 500
    if len(value) > limit:
        return _("Too long: at most %(limit)d characters.") % {"limit": limit}
    return ""


def retry_key_of(submission: Submission, idempotency_key: str) -> str:
    """What makes a retried POST the same request: the client's Idempotency-Key header when it sends one, else
    the whole form (all but the api_key), so that resending the same form never files it twice."""
    if idempotency_key:
        return "key:" + hashlib.sha256(idempotency_key.encode()).hexdigest()
    form = json.dumps(submission.__dict__, sort_keys=True, default=str, ensure_ascii=False)
    return "form:" + hashlib.sha256(form.encode()).hexdigest()


def _place(submission: Submission, jurisdiction: Unit) -> Unit | None:
    """The village or community the request is about: named by address_id (its division code), else the
    longest place name found in address_string; None when neither says (lat/long alone: the intake unit
    routes it, as the platform holds no map of the villages)."""
    places = Unit.objects.places().filter(subtree_q([jurisdiction.path], "path"))
    if submission.address_id:
        found = places.filter(code=submission.address_id).first()
        if found is None:
            raise InvalidInput({"address_id": _("No village or community with this code in the jurisdiction.")})
        return found
    if submission.address_string:
        names = [(n, pk) for pk, n in places.values_list("pk", "name") if n and n in submission.address_string]
        if names:
            return places.get(pk=max(names, key=lambda pair: len(pair[0]))[1])
    return None


def _contact_errors(submission: Submission) -> dict[str, str | Promise]:
    errors: dict[str, str | Promise] = {}
    # The workflow calls every citizen back (回访) and the public tracking page asks for the phone's last
    # digits: a request without a reachable phone could not be handled like any other case.
    try:
        validate_person_phone(submission.phone)
    except ValidationError as exc:
        errors["phone"] = " ".join(str(m) for m in exc.messages)
    if submission.email:
        try:
            EmailValidator()(submission.email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if submission.media_url:
        try:
            URLValidator(schemes=["http", "https"])(submission.media_url)
        except ValidationError:
            errors["media_url"] = _("Enter an http or https address.")
    return errors


def _content(submission: Submission, service: Category) -> str:
    """The case's content as staff read it in the workbench, in the platform's language whatever the client's:
    the description, then where and the photo."""
    lines = [submission.description or service.name]
    with override(settings.LANGUAGE_CODE):
        if submission.lat is not None:
            where = {"lat": submission.lat, "long": submission.long}
            lines.append(gettext("Location (WGS 84): %(lat)s, %(long)s") % where)
        if submission.address_string:
            lines.append(gettext("Address: %(address)s") % {"address": submission.address_string})
        if submission.media_url:
            lines.append(gettext("Photo: %(url)s") % {"url": submission.media_url})
    return "\n".join(lines)


def file_request(
    submission: Submission, *, client: ClientKey, idempotency_key: str = "", now: datetime | None = None
) -> tuple[ServiceRequest, bool]:
    """File a GeoReport v2 request sent by `client` (the actor: a citizen through a client application) as a
    grievance case awaiting acceptance, at the village it is about or else at the key's intake unit. Returns
    (request, created): the same form sent again, or the same Idempotency-Key, answers with the first one."""
    retry_key = retry_key_of(submission, idempotency_key)
    existing = ServiceRequest.objects.select_related("case").filter(client=client, retry_key=retry_key).first()
    if existing is not None:
        return existing, False
    if not allow("open311-key", str(client.pk), limit=client.per_hour, window=timedelta(hours=1)):
        raise Throttled()
    jurisdiction = client.jurisdiction
    if submission.jurisdiction_id and submission.jurisdiction_id != jurisdiction.code:
        raise InvalidInput({"jurisdiction_id": _("This key does not file requests for that jurisdiction.")})
    service = Category.objects.filter(code=submission.service_code, is_active=True).first()
    if service is None:
        raise InvalidInput({"service_code": _("No such service.")})
    definitions = list(ServiceAttribute.objects.filter(category=service).order_by("order", "code"))
    errors = _contact_errors(submission)
    try:
        answers = check_attributes(definitions, submission.attributes)
    except InvalidInput as exc:
        errors |= exc.fields
        answers = {}
    if errors:
        raise InvalidInput(errors)
    place = _place(submission, jurisdiction)
    with override(settings.LANGUAGE_CODE):
        name = f"{submission.last_name}{submission.first_name}".strip() or gettext("Open311 user")
    first_line = (submission.description or service.name).splitlines()[0][:60]
    try:
        with transaction.atomic():
            case, _created = create_case(
                actor=None,
                channel=Channel.OPEN311,
                kind=KIND,
                title=f"{service.name}：{first_line}"[:200],
                content=_content(submission, service),
                citizen_name=name[:50],
                citizen_phone=submission.phone,
                village=place,
                unit=place or client.intake_unit,
                category=service,
                address=(submission.address_string or (place.name if place else ""))[:200],
                submitted=True,
                received_at=now,
            )
            request = ServiceRequest.objects.create(
                case=case,
                client=client,
                jurisdiction=jurisdiction,
                category=service,
                requested_at=case.received_at,
                token=secrets.token_urlsafe(16),
                retry_key=retry_key,
                description=submission.description,
                lat=submission.lat,
                long=submission.long,
                address_string=submission.address_string,
                address_id=submission.address_id,
                attributes=answers,
                media_url=submission.media_url,
                email=submission.email,
                device_id=submission.device_id,
                account_id=submission.account_id,
            )
    except IntegrityError:
        # The same retry won the race meanwhile: its case stands, this one was rolled back with its row.
        raced = ServiceRequest.objects.select_related("case").filter(client=client, retry_key=retry_key).first()
        if raced is None:
            raise
        return raced, False
    return request, True
