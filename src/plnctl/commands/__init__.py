"""The commands, one module per family; importing this registers them on the app."""

from plnctl.commands import demo, track, transfer, view

__all__ = ["demo", "track", "transfer", "view"]
