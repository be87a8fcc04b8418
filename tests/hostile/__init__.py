"""Hostile inputs for `corpus ingest`: the case table (`cases.py`) and its small fixtures (`files/`)."""
