"""The error the warehouse's users are shown: one line, printed by the CLI and the dashboard as it is."""

from __future__ import annotations


class WarehouseError(RuntimeError):
    """The database cannot be used; the message is one line for the user."""
