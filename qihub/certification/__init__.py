"""Certificates issued by certification bodies, their status history, the bodies' data feeds,
and signed public verification (imports institutions, standards, accounts, reference, core).

Bodies push (``qihub import certificates``, ``POST /api/v1/certificates/batch``); the public
reads (``GET /api/v1/certificates/verify``, ``/certificates/``). See ``models.py`` for the
statuses and ``verification.py`` for what a signed answer is.
"""
