"""The open311 JSON API under /api/v1/open311/."""

from ninja import Router

router = Router(tags=["open311"])
