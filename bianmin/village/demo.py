"""The demo county's village affairs (deterministic for a seed; running it again completes, never duplicates)."""

from __future__ import annotations


def load_demo_village(seed: int = 2026) -> None:
    """Nothing yet."""
