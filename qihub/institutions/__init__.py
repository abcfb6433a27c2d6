"""Qualifications and capability scopes of QI institutions (imports standards, accounts, core)."""
