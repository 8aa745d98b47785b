from django.db import models


class ThrottleBucket(models.Model):
    """How many requests one caller made against one rate limit in its current window (public submissions,
    tracking lookups), shared by every worker and node.

    `key` is a SHA-256 of the limit's scope and the caller's identity (an address, a phone): the table never
    holds either in clear. The window opens at the caller's first request and lasts the limit's span; counting
    is one conditional UPDATE, so a burst of concurrent requests cannot pass the limit."""

    key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.count} since {self.started_at:%Y-%m-%d %H:%M}"
