"""Matching: enterprises' needs → the institutions that can genuinely meet them.

Owns understanding a need (``understanding.py``, over the words of ``vocabulary.py`` and
``data/``); the matching engine, service requests, quotes, orders and ratings come next.
May import institutions, equipment, credit and everything below them (standards, accounts,
reference, core); stations, analytics, api, web and demo may import it.
"""
