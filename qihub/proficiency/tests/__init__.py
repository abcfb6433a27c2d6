"""Tests of the proficiency app."""
