"""plnctl: a command-line tracker for a personal learning network."""

__version__ = "0.1.0"
