"""Prefect orchestration: find inputs, read them in batches, and run them through corpus and warehouse."""
