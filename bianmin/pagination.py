"""Limit/offset pagination with both ends bounded, so no request can ask the database for an absurd page."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Deep pages are for scripts walking a list; past this, filter the list instead.
MAX_OFFSET = 1_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
