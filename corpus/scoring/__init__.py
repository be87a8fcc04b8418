"""Scoring predictions against gold: entity spans and quotes with their speakers."""
