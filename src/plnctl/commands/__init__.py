"""The commands, one module per family; importing this registers them on the app."""

from plnctl.commands import demo, doctor, track, view

__all__ = ["demo", "doctor", "track", "view"]
