"""The demo-data generator (``qihub demo``). Delivery layer: writes through domain services.

It owns no models. It may import every app below it (today accounts, reference and core) and
writes only through their services. ``scales`` holds the one table of counts; ``places``,
``names`` and ``uscc`` make addresses, names and credit codes; ``organisations`` generates,
``people`` makes the demo logins, and ``loader`` writes it all in chunks.
"""
