"""Reference data, read-only: regions, industries, clusters and the plan's 2025 targets."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reference"])
