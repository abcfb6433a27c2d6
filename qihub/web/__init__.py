"""Server-rendered pages (templates + htmx). Delivery layer: may import every domain app."""
