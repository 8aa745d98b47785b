"""The hall JSON API under /api/v1/hall/."""

from ninja import Router

router = Router(tags=["hall"])
