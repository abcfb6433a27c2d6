"""The few tables that belong to no domain."""

from __future__ import annotations

from django.db import models


class ThrottleCounter(models.Model):
    """A request counter of ``qihub.core.throttling`` when Redis is not configured: the count of
    ``scope_key``'s requests in window ``window_index``. ``expires_at`` (epoch seconds) is the
    window's end; rows past it are pruned."""

    scope_key = models.CharField(max_length=120, primary_key=True)
    window_index = models.BigIntegerField()
    hits = models.PositiveIntegerField()
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "qihub_throttle_counter"

    def __str__(self) -> str:
        return f"{self.scope_key} @ {self.window_index}: {self.hits}"
