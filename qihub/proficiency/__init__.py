"""Proficiency testing (能力验证): PT schemes, rounds, results, scores, reports and follow-up.

``statistics.py`` holds the pure ISO 13528 functions (robust statistics, σ_pt, scores,
homogeneity and stability), with no ORM, and the ``qihub pt`` command exposes them as JSON in,
JSON out. Imports ``institutions``, ``standards``, ``accounts``, ``reference`` and ``core``.
"""
