"""Packaged personas of the simulated candidate (JSON)."""
