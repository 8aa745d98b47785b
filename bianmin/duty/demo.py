"""The demo county's duty (deterministic for a seed; running it again completes, never duplicates)."""

from __future__ import annotations


def load_demo_duty(seed: int = 2026) -> None:
    """Nothing yet."""
