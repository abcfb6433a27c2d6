"""Shared kernel: errors, HTTP helpers, Chinese text, the import mechanism. Imports no app."""
