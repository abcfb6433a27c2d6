"""Signals the standards app sends for apps above it (they connect in their ``ready()``).

``standards_left_force``: sent by ``services.upsert_standards`` with ``standards`` (the editions
whose status that write changed, mostly to superseded or withdrawn; receivers re-read the
statuses) and ``by`` (the acting user or None). The institutions app flags capability lines
citing them; standards itself notifies self-declarations directly.
"""

from __future__ import annotations

from django.dispatch import Signal

standards_left_force = Signal()
