import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
SERVICE_NUMBER = re.compile(r"^\d{3,5}$")  # hotlines such as 12345
REGION_CODE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
OTHER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")


def validate_person_phone(value: str) -> None:
    if not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError(
            _("Enter a mainland mobile number (11 digits) or a landline such as 023-12345678."), code="phone"
        )


def validate_unit_phone(value: str) -> None:
    if not (MOBILE.match(value) or LANDLINE.match(value) or SERVICE_NUMBER.match(value)):
        raise ValidationError(_("Enter a mobile number, a landline or a service number such as 12345."), code="phone")


def validate_unit_code(code: str, *, region: bool) -> None:
    if region and not REGION_CODE.match(code):
        raise ValidationError(_("A region's code is its administrative-division code: 6, 9 or 12 digits."), code="code")
    if not region and not OTHER_CODE.match(code):
        raise ValidationError(
            _("Use 2 to 32 letters, digits, hyphens or underscores, starting with a letter or digit."), code="code"
        )
