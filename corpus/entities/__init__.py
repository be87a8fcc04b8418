"""Entities: the `entity_cleaner` component, entity keys and canonical names, outlets, first names."""
