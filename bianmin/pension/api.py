"""The pension JSON API under /api/v1/pension/."""

from ninja import Router

router = Router(tags=["pension"])
