"""The DuckDB warehouse: schema as versioned SQL files, a tiny migrator, and the batch loader."""
