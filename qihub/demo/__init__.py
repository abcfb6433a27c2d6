"""The demo-data generator (``qihub demo``). Delivery layer: writes through domain services."""
