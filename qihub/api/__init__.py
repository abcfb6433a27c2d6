"""The JSON API at /api/v1/: one NinjaAPI, a router per domain, problem+json errors.
Delivery layer: may import every domain app, none imports it."""
