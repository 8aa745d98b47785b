"""The village-affairs JSON API under /api/v1/village/."""

from ninja import Router

router = Router(tags=["village"])
