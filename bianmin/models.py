from django.db import models


class ThrottleHit(models.Model):
    """One counted request against a rate limit that every node shares (public submissions, tracking).

    `key` is a SHA-256 of the limit's scope and the caller's identity (an address, a phone): the table
    never holds either in clear."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="throttle_key_at")]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.at:%Y-%m-%d %H:%M}"
