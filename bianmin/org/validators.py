import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as ValidationError_

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


def is_resident_id(number: str) -> bool:
    """A well-formed resident identity number (居民身份证号码, GB 11643): 18 characters, a real birth date and
    the right check digit. The area code is not checked against the birth year (as python-stdnum's
    `ric.is_valid` does): people born in a district before it got its present code carry that code on
    the identity card they got later, e.g. 500236 for 奉节 residents born before 1997."""
    number = ric.compact(number)
    if len(number) != 18 or not number[:17].isdigit() or number[17] != ric.calc_check_digit(number):
        return False
    try:
        ric.get_birth_date(number)
    except ValidationError_:
        return False
    return True
