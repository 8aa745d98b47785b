from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import Field


class Error(Schema):
    """Every error the API answers with."""

    code: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found, conflict.")
    message: str = Field(description="A sentence for people, in the request's language.")
    fields: dict[str, str] = Field(description="Per-field messages; `__all__` for the request as a whole.")


# Every date the API accepts: wide enough for any real matter, narrow enough that date arithmetic and the
# conversion to UTC can never overflow.
SaneDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2100, 12, 31))]
