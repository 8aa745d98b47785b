from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, ConfigDict, Field


class Plain(BaseModel):
    """A request body, query or answer made of plain values (JSON in, the presenters' dicts out), validated
    by pydantic alone. ninja's `Schema` wraps every value in a `DjangoGetter` that reads a Django object's
    attributes, and validates a model that forbids extra fields twice: on the calls every client makes
    (a case's intake, its actions, the list), that cost more than the rest of the parsing (issue 6)."""

    model_config = ConfigDict(from_attributes=True)


class Error(Schema):
    """Every error the API answers with."""

    code: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found, conflict.")
    message: str = Field(description="A sentence for people, in the request's language.")
    fields: dict[str, str] = Field(description="Per-field messages; `__all__` for the request as a whole.")


# Every date the API accepts: wide enough for any real matter, narrow enough that date arithmetic and the
# conversion to UTC can never overflow.
SaneDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2100, 12, 31))]


class ShanghaiTimes(NinjaJSONEncoder):
    """Every moment written in the platform's time zone, Asia/Shanghai (2026-10-13T23:59:59+08:00), the time the
    county lives by, whatever zone the database handed it back in: the API's renderer and its hand-made answers."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and o.tzinfo is not None:
            return timezone.localtime(o).isoformat()
        return super().default(o)
