"""After git merges two devices' data directories: what git leaves to plnctl.

Git merges each file through plnctl's merge driver, but a tie file changed on
one device and deleted on the other never reaches the driver: git stops and
asks. Here the change always wins. When the deleting device renamed the tie
(`plnctl rename`) or folded it into another (`plnctl merge`), the change goes
into the file that now holds the tie: the one holding its events (by id), or,
for a tie with no events of its own, the one plnctl's commits name. Otherwise
the changed file stays. Then every `via` that still names a tie moved on either
device is pointed at its new file, as `rename` and `merge` do on one device.

Git's rename detection is off for all of this (gitrepo.NO_RENAMES): it pairs
files by how alike they look, and two ties' files look alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plnctl.errors import TieFileError
from plnctl.gitrepo import GitRepo
from plnctl.store import TIE_SUFFIX, Store, load_toml
from plnctl.subjects import MERGE_RE, REMOVE_RE, RENAME_RE


@dataclass
class Settled:
    """What plnctl did after git's merge, and the paths a person must still look at."""

    moved: list[tuple[str, str]] = field(default_factory=list)  # (old file, file it went into)
    kept: list[str] = field(default_factory=list)  # changed on one device, `rm` on the other
    # Changed on one device, deleted on the other by hand or by a rename or merge
    # plnctl cannot follow: kept, and it may now be a duplicate of another tie.
    unfollowed: list[str] = field(default_factory=list)
    repointed: list[str] = field(default_factory=list)  # slugs whose `via` followed a move
    unresolved: list[str] = field(default_factory=list)
    # One tie moved on both devices, to two files: (old file, here, there). Both
    # hold its history now; `plnctl merge` folds one into the other.
    split: list[tuple[str, str, str]] = field(default_factory=list)


def _is_tie(path: str) -> bool:
    from plnctl.slug import SLUG_RE

    return path.endswith(TIE_SUFFIX) and bool(SLUG_RE.match(path[: -len(TIE_SUFFIX)]))


def _table(raw: bytes | None, path: str) -> dict[str, Any]:
    if raw is None:
        return {}
    try:
        return load_toml(Path(path), raw)[0]
    except TieFileError:
        return {}


def _event_ids(doc: dict[str, Any]) -> set[str]:
    """The ids of a tie's own events: a `share` event's id is in every tie it went to."""
    events = doc.get("events")
    if not isinstance(events, list):
        return set()
    return {
        str(e["id"])
        for e in events
        if isinstance(e, dict) and "id" in e and e.get("kind") != "share"
    }


def moves(repo: GitRepo, base: str, side: str) -> dict[str, str]:
    """The ties `side` moved since `base`: old file -> the file holding the tie now.

    Files are never paired by how alike they look: two ties' files are alike.
    A tie file deleted on that side moved into the file, added or changed on the
    same side, that holds the most of its events (by id); a tie with no events of
    its own moved where plnctl's commits on that side renamed or merged it.
    """
    deleted, landed = _tie_changes(repo, base, side)
    found: dict[str, str] = {}
    for old in deleted:
        ids = _event_ids(_table(repo.blob(base, old), old))
        if not ids:
            continue
        best, shared = None, 0
        for new in landed:
            overlap = len(ids & _event_ids(_table(repo.blob(side, new), new)))
            if overlap > shared:
                best, shared = new, overlap
        if best is not None:
            found[old] = best
    unfound = [old for old in deleted if old not in found]
    if unfound:
        recorded = Recorded.read(repo, base, side)
        for old in unfound:
            moved_to = recorded.follow(old, lambda path: repo.blob(side, path) is not None)
            if moved_to is not None:
                found[old] = moved_to
    return found


def _tie_changes(repo: GitRepo, base: str, side: str) -> tuple[list[str], list[str]]:
    """The tie files `side` deleted since `base`, and those it added or changed."""
    out = repo.run("diff", "--name-status", "--no-renames", "-z", base, side).stdout
    deleted: list[str] = []
    landed: list[str] = []
    fields = iter(out.split("\0"))
    for status in fields:
        path = next(fields, "")
        if not status or not _is_tie(path):
            continue
        if status == "D":
            deleted.append(path)
        elif status in ("A", "M", "T"):
            landed.append(path)
    return deleted, landed


@dataclass
class Recorded:
    """What plnctl's commits between two points say happened to tie files."""

    moved: dict[str, str] = field(default_factory=dict)  # old file -> new file, latest wins
    removed: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, repo: GitRepo, base: str, side: str) -> Recorded:
        found = cls()
        for subject in repo.plnctl_subjects(base, side):
            undone = False
            while subject.startswith("undo "):  # undoing an undo does it again
                subject, undone = subject.removeprefix("undo "), not undone
            if m := RENAME_RE.match(subject) or MERGE_RE.match(subject):
                old, new = f"{m['old']}{TIE_SUFFIX}", f"{m['new']}{TIE_SUFFIX}"
                if undone and RENAME_RE.match(subject):
                    found.moved[new] = old
                elif not undone:
                    found.moved[old] = new
                    found.removed.discard(old)
            elif m := REMOVE_RE.match(subject):
                gone = f"{m['old']}{TIE_SUFFIX}"
                if undone:
                    found.removed.discard(gone)
                else:
                    found.removed.add(gone)
        return found

    def follow(self, old: str, exists: Callable[[str], bool]) -> str | None:
        """The file a tie moved to, through renames and merges, that still exists."""
        seen = {old}
        here = self.moved.get(old)
        while here is not None and here not in seen:
            if exists(here):
                return here
            seen.add(here)
            here = self.moved.get(here)
        return None


def _unmerged(repo: GitRepo) -> list[tuple[str, str]]:
    """(XY, path) of each path git left unmerged: `UD` deleted by them, `DU` by us."""
    out = repo.run("status", "--porcelain=v2", "-z").stdout
    found = []
    for entry in out.split("\0"):
        if entry.startswith("u "):
            parts = entry.split(" ", 10)
            found.append((parts[1], parts[10]))
    return found


def settle(
    repo: GitRepo,
    store: Store,
    base: str | None,
    theirs: str,
    today: dt.date,
) -> Settled:
    """Finish what git's merge of `theirs` into HEAD left (see the module's docstring)."""
    from plnctl.threeway import UnmergeableError, merge_bytes

    done = Settled()
    ours_moves = moves(repo, base, "HEAD") if base else {}
    their_moves = moves(repo, base, theirs) if base else {}
    recorded: dict[str, Recorded] = {}
    # Renamed on both devices, differently: two new files, each the whole tie. (A tie
    # merged into two other ties is in two ties that were already there: nothing to say.)
    if base is not None:
        done.split = [
            (old, here, there)
            for old, here in ours_moves.items()
            if (there := their_moves.get(old, here)) != here
            and all(
                (store.root / new).is_file() and repo.blob(base, new) is None
                for new in (here, there)
            )
        ]
    for xy, path in _unmerged(repo):
        if xy not in ("UD", "DU") or base is None:
            done.unresolved.append(path)
            continue
        # The side that deleted the file, and where that side moved the tie.
        deleting_rev = theirs if xy == "UD" else "HEAD"
        moved_to = (their_moves if xy == "UD" else ours_moves).get(path)
        changed_rev = "HEAD" if xy == "UD" else theirs
        changed = repo.blob(changed_rev, path) or b""
        if moved_to is None or not (store.root / moved_to).is_file():
            store.write_file(store.root / path, changed)
            repo.run("add", "--", path)
            if deleting_rev not in recorded:
                recorded[deleting_rev] = Recorded.read(repo, base, deleting_rev)
            removed = path in recorded[deleting_rev].removed
            (done.kept if removed else done.unfollowed).append(path)
            continue
        now = (store.root / moved_to).read_bytes()
        sides = (changed, now) if xy == "UD" else (now, changed)
        try:
            merged = merge_bytes(moved_to, repo.blob(base, path), *sides, today=today)
        except UnmergeableError:
            done.unresolved.append(path)
            continue
        store.write_file(store.root / moved_to, merged)
        if (store.root / path).exists():
            store.remove_file(store.root / path)
        repo.run("rm", "-q", "--cached", "--ignore-unmatch", "--", path)
        repo.run("add", "--", moved_to)
        done.moved.append((path, moved_to))
    done.repointed = _follow_moves(store, {**ours_moves, **their_moves}.items())
    if done.repointed:
        repo.run("add", "--", *(f"{slug}{TIE_SUFFIX}" for slug in done.repointed))
    return done


def _follow_moves(store: Store, moved: Iterable[tuple[str, str]]) -> list[str]:
    """Point each `via` naming a tie that moved away at the tie's new slug."""
    targets = {
        old[: -len(TIE_SUFFIX)]: new[: -len(TIE_SUFFIX)]
        for old, new in moved
        if not (store.root / old).exists()
    }
    if not targets:
        return []
    changed = []
    ties, _ = store.load_all()
    for slug, tie in ties:
        new = targets.get(tie.via or "")
        if new is not None and new != slug:
            tie.via = new
            store.save(slug, tie)
            changed.append(slug)
    return changed
