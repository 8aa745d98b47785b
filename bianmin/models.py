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


class ScheduledJob(models.Model):
    """One periodic job of the platform's own clock (the sweep, the planner's statistics) and when it is next
    due. Every node's scheduler claims a due job with one conditional UPDATE that moves `next_run_at` on, so on
    any number of nodes a job runs once per period."""

    name = models.CharField(max_length=50, unique=True)
    next_run_at = models.DateTimeField()
    holder = models.CharField(max_length=100, blank=True)  # host and process that ran it last
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next {self.next_run_at:%Y-%m-%d %H:%M}"
