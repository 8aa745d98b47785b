"""The demo county's open311 (deterministic for a seed; running it again completes, never duplicates)."""

from __future__ import annotations


def load_demo_open311(seed: int = 2026) -> None:
    """Nothing yet."""
