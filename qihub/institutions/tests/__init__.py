"""Tests of the institutions app."""
