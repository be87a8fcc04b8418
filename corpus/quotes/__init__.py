"""Quotes: the `quote_ruler` component, its rules as data, speakers by rules and by the learnt ranker, roles."""
