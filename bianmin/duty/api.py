"""The duty JSON API under /api/v1/duty/."""

from ninja import Router

router = Router(tags=["duty"])
