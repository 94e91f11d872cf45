"""The commands, one module per family; importing this registers them on the app."""

from plnctl.commands import curate, demo, paths, track, view

__all__ = ["curate", "demo", "paths", "track", "view"]
