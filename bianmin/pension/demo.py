"""The demo county's pension certification (deterministic for a seed; running it again completes, never duplicates)."""

from __future__ import annotations


def load_demo_pension(seed: int = 2026) -> None:
    """Nothing yet."""
