"""The GeoReport v2 vocabulary: attribute datatypes, the two public statuses, the response formats."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.cases.choices import OPEN_STATUSES, CaseStatus


class Datatype(models.TextChoices):
    """An attribute's datatype as GeoReport v2 names it (services/{code} → attributes[].datatype)."""

    STRING = "string", _("Short text")
    NUMBER = "number", pgettext_lazy("datatype", "Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One choice of a list")
    MULTIVALUELIST = "multivaluelist", _("Several choices of a list")


LIST_DATATYPES = frozenset({Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST})


class PublicStatus(models.TextChoices):
    """GeoReport v2 knows two states; every case status is one of them (`public_status`)."""

    OPEN = "open", pgettext_lazy("request status", "Open")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


def public_status(status: str) -> PublicStatus:
    """Open while the case is still being worked on (`OPEN_STATUSES`), closed once completed, rated, refused,
    withdrawn or merged."""
    return PublicStatus.OPEN if status in OPEN_STATUSES else PublicStatus.CLOSED


# The case statuses behind each public status, for the `status` filter of GET requests.
CASE_STATUSES: dict[str, list[str]] = {
    PublicStatus.OPEN: sorted(str(s) for s in OPEN_STATUSES),
    PublicStatus.CLOSED: sorted(set(CaseStatus.values) - {str(s) for s in OPEN_STATUSES}),
}


class Format(models.TextChoices):
    """The response format, chosen by the path's extension (requests.xml, requests.json)."""

    XML = "xml", "text/xml"
    JSON = "json", "application/json"
