"""A derived index of the data directory, so commands that read every tie need not parse them.

The tie files stay the truth. The index keeps, per file, what `review`,
`list` and name lookups need, next to the file's size, mtime, ctime and
inode; a file whose stat differs, or that changed too close to when the
index last looked at it to rule out a rewrite within one timestamp tick, is
read again. An index that is missing, corrupt, or written by another plnctl,
Python or settings file is rebuilt without a word; one in a cache directory that
is not this user's alone is left alone, with a warning. Before a write, a tie found
by its name through the index is confirmed in its file (`Network.find`).

- `records`: what is kept of each tie, with named fields;
- `fileformat`: the file, in checksummed pieces;
- `location`: where the file lives;
- `loader`: which entries to trust, reading the rest, and writing it back.
"""

from __future__ import annotations

from plnctl.index.fileformat import forget
from plnctl.index.loader import load_summaries
from plnctl.index.location import cache_dir, index_path
from plnctl.index.records import TieSummary

__all__ = ["TieSummary", "cache_dir", "forget", "index_path", "load_summaries"]
