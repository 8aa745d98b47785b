"""The demo county's service hall (deterministic for a seed; running it again completes, never duplicates)."""

from __future__ import annotations


def load_demo_hall(seed: int = 2026) -> None:
    """Nothing yet."""
