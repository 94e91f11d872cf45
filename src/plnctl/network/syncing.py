"""Keeping the network in git: turning sync on, syncing, the history, undo, and folding
the conflict copies other sync tools leave."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import ConfirmationError, SyncError, TieFileError, UnknownTieError
from plnctl.network.base import NetworkBase

if TYPE_CHECKING:
    from plnctl.checkup import Checkup
    from plnctl.copies import ConflictCopy
    from plnctl.gitrepo import Commit, GitRepo
    from plnctl.reconcile import Settled

ATTRIBUTES = (".gitattributes", ["*.toml merge=plnctl"])
IGNORED = (".gitignore", [".lock", ".*.tmp", ".merge_file_*"])
DRIVER_NAME = "plnctl: merge ties by event id, never with conflict markers"
PUSH_ATTEMPTS = 3
# How long `sync init` waits for a remote to answer before saying it cannot reach it.
REACH_SECONDS = 30.0
# Your own `git merge` and `git pull` in the data directory pair no files by
# likeness either (gitrepo.MERGE_STRATEGY says why both are needed).
RENAMES_OFF = {"merge.renames": "false", "pull.twohead": "recursive"}


@dataclass
class SyncSetup:
    """What `plnctl sync init` did; everything False or empty when it was done before."""

    root: Path
    created: bool = False
    cloned: str | None = None
    driver: bool = False
    files: list[str] = field(default_factory=list)
    committed: bool = False
    remote: str | None = None
    remote_before: str | None = None
    unreachable: str | None = None  # why git could not reach the remote given


@dataclass
class SyncReport:
    """What `plnctl sync` did, as far as it got."""

    remote: str | None = None
    branch: str = ""
    driver: bool = False
    finished_merge: bool = False
    hand_edits: list[str] = field(default_factory=list)
    received: int = 0
    changed: list[str] = field(default_factory=list)
    settled: Settled | None = None
    recorded: list[tuple[str, int]] = field(default_factory=list)  # (file, records added)
    # Settings both devices changed differently: this device's value stayed, and the
    # other's is told here, as a conflict record (`_settings.toml` holds none).
    settings_kept: list[dict[str, Any]] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # files received that doctor rejects
    pushed: int = 0
    # The remote's other branches: a device syncing to one of them never meets this one.
    other_branches: list[str] = field(default_factory=list)


class SyncStopped(SyncError):
    """`plnctl sync` stopped part-way: the report says what was done before."""

    def __init__(self, message: str, report: SyncReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class Fold:
    """One conflict copy folded into its file by `doctor --fix`, or why it was not."""

    copy: str
    original: str
    added: int = 0
    recorded: int = 0
    problem: str | None = None
    # Each setting the copy had differently: the file's own value stays.
    settings_kept: list[dict[str, Any]] = field(default_factory=list)


class Syncing(NetworkBase):
    def _repo(self) -> GitRepo:
        from plnctl.gitrepo import GitRepo

        repo = GitRepo(self.store.root)
        repo.require()
        return repo

    # -- turning it on -----------------------------------------------------------

    def sync_init(self, remote: str | None, *, clone: str | None, driver: str) -> SyncSetup:
        """Make the data directory a git repository with plnctl's merge driver, or
        adopt the one it is; commit what is there; set `origin`, and say when it
        cannot be reached (it is kept: the remote may not exist yet). Idempotent."""
        from plnctl.gitrepo import GitRepo, absolute_remote

        root = self.store.root
        repo = GitRepo(root)
        done = SyncSetup(root)
        repo.check_identity()
        remote = None if remote is None else absolute_remote(remote)
        clone = None if clone is None else absolute_remote(clone)
        if clone is not None:
            if remote is not None:
                raise SyncError("give REMOTE or --clone REMOTE, not both")
            self._clone(repo, clone)
            done.cloned = clone
        with self.store.lock(self.on_wait):
            if not repo.exists():
                top = repo.enclosing()
                if top is not None:
                    raise SyncError(
                        f"{root} is inside the git repository {top}; plnctl keeps its data "
                        "directory in a repository of its own: move the data directory out of "
                        f"{top} (or keep committing it there yourself, without sync)"
                    )
                repo.run("init", "-q", "-b", "main")
                done.created = True
            elif repo.branch() is None:
                raise SyncError(f"cannot set up sync: {repo.blocked()}")
            self._adopt_branch(repo)
            # A clone's files (and the directory `git clone` made) are yours alone.
            self._private([root, *root.iterdir()])
            done.driver = self._register_driver(repo, driver)
            for name, lines in (ATTRIBUTES, IGNORED):
                if self._ensure_lines(root / name, lines):
                    done.files.append(name)
            done.committed = repo.commit_all("sync init: the data directory in git")
            if remote is not None:
                done.remote = remote
                done.remote_before = repo.config("remote.origin.url")
                if done.remote_before is None:
                    repo.run("remote", "add", "origin", remote)
                elif done.remote_before != remote:
                    repo.run("remote", "set-url", "origin", remote)
        if remote is not None:
            done.unreachable = repo.unreachable(remote, REACH_SECONDS)
        return done

    def _clone(self, repo: GitRepo, source: str) -> None:
        root = self.store.root
        self.store.check_dir()
        if root.exists() and any(root.iterdir()):
            raise SyncError(
                f"{root} is not empty: --clone makes a new data directory; choose another "
                f"--data-dir, or run `plnctl sync init {source}` here and then `plnctl sync` "
                "to merge the two"
            )
        root.parent.mkdir(parents=True, exist_ok=True)
        repo.run("clone", "-q", source, str(root.resolve()), cwd=root.parent)

    def _adopt_branch(self, repo: GitRepo) -> None:
        """A fresh clone with nothing checked out (the remote's HEAD names a branch it
        does not have) takes the remote's branch: `main`, `master`, or its only one.
        The clone of an empty remote starts on `main`, as `sync init` does, whatever
        git's default: two devices set up before either pushed meet on one branch."""
        if repo.has_commits():
            return
        branches = repo.remote_branches("origin")
        chosen: str | None = next((b for b in ("main", "master") if b in branches), None)
        if chosen is None and len(branches) == 1:
            chosen = branches[0]
        if chosen is not None:
            repo.run("checkout", "-q", "-B", chosen, "--track", f"origin/{chosen}")
        elif not branches:
            repo.run("symbolic-ref", "HEAD", "refs/heads/main")

    def _register_driver(self, repo: GitRepo, driver: str) -> bool:
        """Put the merge driver in the repository's own config, with git's rename
        detection off for merges (yours too: `git pull`); False when all was there."""
        wanted = {"merge.plnctl.name": DRIVER_NAME, "merge.plnctl.driver": driver}
        wanted.update(RENAMES_OFF)
        if all(repo.config(key) == value for key, value in wanted.items()):
            return False
        for key, value in wanted.items():
            repo.run("config", key, value)
        return True

    def _ensure_lines(self, path: Path, lines: list[str]) -> bool:
        """Add the lines a file lacks, keeping what is there; False when none was missing."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        have = {line.strip() for line in text.splitlines()}
        missing = [line for line in lines if line not in have]
        if not missing:
            return False
        if text and not text.endswith("\n"):
            text += "\n"
        header = "" if text else "# Written by `plnctl sync init`.\n"
        self.store.write_file(path, (text + header + "\n".join(missing) + "\n").encode("utf-8"))
        return True

    # -- syncing -----------------------------------------------------------------

    def sync(self, driver: str) -> SyncReport:
        """Commit hand edits, fetch, merge with plnctl's driver, push; see docs/sync.md."""
        repo = self._repo()
        report = SyncReport()
        with self.store.lock(self.on_wait):
            branch = self._ready(repo, report)
            report.branch = branch
            report.driver = self._register_driver(repo, driver)
            for name, lines in (ATTRIBUTES, IGNORED):
                self._ensure_lines(self.store.root / name, lines)
            edits = repo.changed()
            if edits:
                self._vet(edits, report)
                more = f" and {len(edits) - 5} more" if len(edits) > 5 else ""
                repo.commit_all(f"hand edits: {', '.join(edits[:5])}{more}")
                report.hand_edits = edits
            report.remote = self._remote(repo, report)
            for _attempt in range(PUSH_ATTEMPTS):
                self._fetch(repo, report)
                self._merge(repo, report)
                if self._push(repo, report):
                    return report
            raise SyncStopped(
                f"{report.remote} kept changing while plnctl pushed ({PUSH_ATTEMPTS} tries); "
                "your changes are merged and committed here: run `plnctl sync` again",
                report,
            )

    def _vet(self, edits: list[str], report: SyncReport) -> None:
        """Stop before committing a hand edit `doctor` rejects: the other devices would
        get a file no plnctl can read."""
        from plnctl.checkup import check_files

        errors = check_files(self.store.root, edits).errors
        if not errors:
            return
        first = errors[0]
        where = f"{first.path.name}:{first.line}" if first.line else first.path.name
        others = len({f.path for f in errors}) - 1
        more = f" (and {others} more file{'s' if others > 1 else ''})" if others else ""
        raise SyncStopped(
            f"cannot sync: {where}: {first.message}{more}; "
            f"fix it (`plnctl doctor` lists every problem) or undo the edit, then sync "
            "again; to sync it as it is, commit it yourself (`git commit`) first; nothing "
            "was committed or pushed",
            report,
        )

    def _ready(self, repo: GitRepo, report: SyncReport) -> str:
        """The branch to sync; a merge left unfinished is finished first, when it can be."""
        git_dir = repo.require()
        if (git_dir / "MERGE_HEAD").exists() and not (git_dir / "index.lock").exists():
            stuck = repo.unmerged()
            if stuck:
                raise SyncStopped(_UNMERGED.format(paths=", ".join(stuck)), report)
            repo.run("add", "-A")
            repo.run("commit", "-q", "--no-edit")
            report.finished_merge = True
        why = repo.blocked()
        if why is not None:
            raise SyncStopped(f"cannot sync: {why}; nothing was changed", report)
        branch = repo.branch()
        assert branch is not None  # blocked() said so
        return branch

    def _remote(self, repo: GitRepo, report: SyncReport) -> str:
        remotes = repo.remotes()
        upstream = repo.config(f"branch.{report.branch}.remote")
        for choice in (upstream, "origin"):
            if choice in remotes:
                return choice
        if len(remotes) == 1:
            return remotes[0]
        raise SyncStopped(
            "no remote to sync with: your changes are committed here; `plnctl sync init "
            "REMOTE` sets one (a git URL or the path of a bare repository)",
            report,
        )

    def _fetch(self, repo: GitRepo, report: SyncReport) -> None:
        assert report.remote is not None
        done = repo.run("fetch", "-q", "--prune", report.remote, check=False)
        if done.returncode != 0:
            waiting = self._unpushed(repo, report)
            raise SyncStopped(
                f"could not reach {report.remote} ({repo.failure('fetch', done)}); your "
                f"changes stay committed here ({waiting} to push): run `plnctl sync` again "
                "when it can be reached",
                report,
            )
        others = repo.remote_branches(report.remote)
        report.other_branches = [b for b in others if b != report.branch]

    def _unpushed(self, repo: GitRepo, report: SyncReport) -> str:
        if not repo.has_commits():
            return "nothing"
        theirs = repo.rev(f"refs/remotes/{report.remote}/{report.branch}")
        count = repo.count(theirs, "HEAD")
        return "1 commit" if count == 1 else f"{count} commits"

    def _merge(self, repo: GitRepo, report: SyncReport) -> None:
        from plnctl.gitrepo import MERGE_STRATEGY
        from plnctl.reconcile import settle

        theirs = repo.rev(f"refs/remotes/{report.remote}/{report.branch}")
        head = repo.rev("HEAD")
        if theirs is None or theirs == head or (head and repo.is_ancestor(theirs, head)):
            return
        # Counted once merged: a merge that stops has brought nothing in yet.
        incoming = repo.count(head, theirs)
        base = repo.merge_base(head, theirs) if head else None
        if head is None or base == head:
            repo.run("merge", "-q", "--ff-only", theirs)
            report.received += incoming
            new = self._changed(repo, head, theirs)
            self._took(report, new)
            self._received(new)
            self._check_received(report, new)
            return
        merge = ["merge", "-q", *MERGE_STRATEGY, "--no-ff", "--no-commit"]
        done = repo.run(*merge, "--allow-unrelated-histories", theirs, check=False)
        if done.returncode not in (0, 1):
            raise SyncStopped(f"{repo.failure('merge', done)}; nothing was changed", report)
        settled = settle(repo, self.store, base, theirs, self.today)
        report.settled = settled
        if settled.unresolved:
            reasons = [
                line.removeprefix("plnctl: error: ")
                for line in done.stderr.splitlines()
                if line.startswith("plnctl: error: ")
            ]
            why = f" ({'; '.join(reasons)})" if reasons else ""
            raise SyncStopped(
                f"git could not merge {', '.join(settled.unresolved)}{why}. "
                + _UNMERGED.format(paths=", ".join(settled.unresolved)),
                report,
            )
        repo.run("add", "-A")
        repo.run("commit", "-q", "-m", f"sync: merge {report.remote}/{report.branch}")
        report.received += incoming
        new = self._changed(repo, head, "HEAD")
        self._took(report, new)
        # Git may have written any file the two sides had differently, even where the
        # merge came out as this side had it (a file both added): each gets mode 600.
        self._received({*new, *self._changed(repo, head, theirs)})
        report.recorded += _records_added(repo, head, new)
        report.settings_kept += _settings_kept(repo, base, head, theirs)
        self._check_received(report, new)

    @staticmethod
    def _took(report: SyncReport, new: list[str]) -> None:
        """Add what this merge changed to what earlier tries (a push that lost a race)
        changed, each file once."""
        report.changed = list(dict.fromkeys([*report.changed, *new]))

    def _check_received(self, report: SyncReport, new: list[str]) -> None:
        """Name the files that came in broken (committed by hand elsewhere): plnctl
        skips them until they are fixed, and `plnctl doctor` says why."""
        from plnctl.checkup import check_files

        found = check_files(self.store.root, new).errors
        report.broken = sorted({f.path.name for f in found} | set(report.broken))

    def _private(self, paths: Iterable[Path]) -> list[str]:
        """Give each regular file the mode plnctl gives its own (600), and the data
        directory 700, where others could read them: personal data. Git keeps no
        permissions but the executable bit, and other tools use the umask. Links are
        left alone. Returns the names changed (the directory's whole path)."""
        import stat

        root = self.store.root
        changed = []
        for path in paths:
            try:
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode) or not (stat.S_ISREG(st.st_mode) or path == root):
                    continue
                mode = stat.S_IMODE(st.st_mode)
                if mode & 0o077:
                    path.chmod(mode & 0o700)
                    changed.append(str(root) if path == root else path.name)
            except OSError:
                continue
        return changed

    def _received(self, names: Iterable[str]) -> None:
        """The files git wrote, made private."""
        self._private(self.store.root / name for name in names)

    def _changed(self, repo: GitRepo, before: str | None, after: str) -> list[str]:
        if before is None:
            return repo.run("ls-tree", "-r", "--name-only", "-z", after).stdout.split("\0")[:-1]
        out = repo.run("diff", "--name-only", "-z", before, after).stdout
        return [p for p in out.split("\0") if p]

    def _push(self, repo: GitRepo, report: SyncReport) -> bool:
        """Push the branch; False when the remote moved on meanwhile (fetch and merge again)."""
        assert report.remote is not None
        if not repo.has_commits():
            return True
        theirs = repo.rev(f"refs/remotes/{report.remote}/{report.branch}")
        ahead = repo.count(theirs, "HEAD")
        if ahead == 0:
            return True
        done = repo.run("push", "--porcelain", "-u", report.remote, report.branch, check=False)
        if done.returncode == 0:
            report.pushed += ahead
            return True
        rejected = [line for line in done.stdout.splitlines() if line.startswith("!")]
        if any(word in line for line in rejected for word in _RACED):
            return False
        reason = repo.failure("push", done)
        if rejected:  # `[remote rejected] (pre-receive hook declined)`
            reason = rejected[0].split("\t")[-1].split("] ", 1)[-1].strip("()")
        said = [line[7:].strip() for line in done.stderr.splitlines() if line.startswith("remote:")]
        if any(said):
            reason += f": {' '.join(line for line in said if line)}"
        raise SyncStopped(
            f"{report.remote} refused the push ({reason}); your changes stay committed here "
            f"({ahead} commit{'s' if ahead != 1 else ''} to push)",
            report,
        )

    # -- history -----------------------------------------------------------------

    def history(self, query: str | None, limit: int | None) -> list[Commit]:
        """What changed, newest first: every commit, or those of one tie (even one
        renamed or removed since)."""
        repo = self._repo()
        if query is None:
            return repo.log(None, limit)
        from plnctl.slug import SLUG_RE

        try:
            return repo.log(f"{self.find(query)}.toml", limit)
        except UnknownTieError:
            # A tie that is gone has a history still; a slug that never was is unknown.
            gone = repo.log(f"{query.strip()}.toml", limit) if SLUG_RE.match(query.strip()) else []
            if not gone:
                raise
            return gone

    def undo(self, confirm: Callable[[Commit], bool]) -> Commit:
        """Revert plnctl's last commit with a new commit (safe after a push)."""
        from plnctl.gitrepo import MERGE_STRATEGY, stamped

        repo = self._repo()
        last = self._undoable(repo)
        if not confirm(last):
            raise ConfirmationError(f"nothing undone: {last.message!r} stays")
        with self.store.lock(self.on_wait):
            if self._undoable(repo).hash != last.hash:
                raise SyncError("the history changed meanwhile; nothing was undone")
            repo.run("revert", *MERGE_STRATEGY, "--no-commit", last.hash)
            repo.run("commit", "-q", "-m", stamped(f"undo {last.message}"))
            self._received(last.files)
        return last

    def _undoable(self, repo: GitRepo) -> Commit:
        why = repo.blocked()
        if why is not None:
            raise SyncError(f"cannot undo: {why}")
        commits = repo.log(limit=1)
        if not commits:
            raise SyncError("nothing to undo: the history is empty")
        last = commits[0]
        if last.merge:
            raise SyncError(
                f"the last commit ({last.short}, {last.message!r}) merged another device's "
                "changes; undo reverts only a change plnctl made here"
            )
        if not last.by_plnctl:
            raise SyncError(
                f"the last commit ({last.short}, {last.message!r}) was not made by plnctl; "
                f"undo reverts only plnctl's own changes (`git revert {last.short}` reverts it)"
            )
        edits = repo.changed()
        if edits:
            raise SyncError(
                f"the data directory has changes not committed yet ({', '.join(edits[:5])}): "
                "`plnctl sync` commits them (or `git checkout -- FILE` drops them); then undo"
            )
        return last

    # -- conflict copies ------------------------------------------------------------

    def repair(self) -> tuple[list[Fold], list[str], Checkup]:
        """`doctor --fix`: fold each sync tool's conflict copy into its file, make the
        files others could read private, then check."""
        from plnctl.copies import conflict_copy

        _, problems = self.store.listing()
        copies = [c for p in problems if (c := conflict_copy(p.path.name))]
        folds: list[Fold] = []
        if copies:
            with self._locked("doctor --fix") as change:
                folds = [self._fold(copy) for copy in copies]
                done = [f.copy for f in folds if f.problem is None]
                change.message = f"doctor --fix: folded {', '.join(done)}"
        root = self.store.root
        private = self._private([root, *root.iterdir()]) if root.is_dir() else []
        from plnctl.checkup import check

        return folds, private, check(self.store.root, today=self.today)

    def _fold(self, copy: ConflictCopy) -> Fold:
        """Fold one copy in with the three-way rules from an empty base (a union of
        events, differing fields recorded); the copy goes only once the file is saved."""
        from plnctl.store import load_toml, parse_tie
        from plnctl.threeway import SETTINGS_NAME, UnmergeableError, file_kind, merge_bytes

        kind = file_kind(copy.original)  # a copy's original is always a `.toml` file
        fold = Fold(copy.name, copy.original)
        source = self.store.root / copy.name
        target = self.store.root / copy.original
        try:
            theirs = source.read_bytes()
            ours = target.read_bytes() if target.exists() else None
            for path, raw in ((target, ours), (source, theirs)):
                if raw is not None:
                    load_toml(path, raw)  # which file is unreadable, named as it is
            merged = merge_bytes(copy.original, None, ours or theirs, theirs, today=self.today)
            if kind == "tie":
                parse_tie(target, merged)
        except (UnmergeableError, TieFileError) as exc:
            fold.problem = exc.message
            return fold
        except OSError as exc:
            fold.problem = f"{source}: {exc.strerror or exc}"
            return fold
        fold.added, fold.recorded = _grown(ours, merged, copy.original)
        if kind == SETTINGS_NAME and ours is not None:
            mine = _table(ours, copy.original)
            fold.added = len(_leaves(_table(merged, copy.original)) - _leaves(mine))
            fold.settings_kept = _settings_not_taken(None, mine, _table(theirs, copy.original))
        self.store.write_file(target, merged)
        self.store.remove_file(source)
        return fold


# How a push that lost a race is refused: the remote moved on after the fetch
# (`[rejected] (fetch first)`), or while the push updated it (`cannot lock ref`).
_RACED = ("[rejected]", "cannot lock ref", "failed to update ref")

_UNMERGED = (
    "A merge is waiting for you, both versions kept: fix {paths} (`git diff` shows both; "
    "`git checkout --theirs FILE` takes the other device's), `git add` each, then run "
    "`plnctl sync` again"
)


def _entries(raw: bytes | None, name: str) -> tuple[int, int]:
    """How many events (or shares, or goals) and conflict records a file holds."""
    doc = _table(raw, name)
    if doc is None:
        return 0, 0
    main: list[Any] = next(
        (doc[k] for k in ("events", "shares", "learn") if isinstance(doc.get(k), list)), []
    )
    records = doc.get("conflicts")
    return len(main), len(records) if isinstance(records, list) else 0


def _grown(before: bytes | None, after: bytes, name: str) -> tuple[int, int]:
    old, new = _entries(before, name), _entries(after, name)
    return max(new[0] - old[0], 0), max(new[1] - old[1], 0)


def _settings_kept(repo: GitRepo, base: str | None, head: str, theirs: str) -> list[dict[str, Any]]:
    """A record of each setting the merge of `theirs` kept this device's value of, though
    the other device changed it differently (`removed` when it removed it)."""
    from plnctl.settings import SETTINGS_FILE

    raw = [repo.blob(rev, SETTINGS_FILE) if rev else None for rev in (base, head, theirs)]
    if raw[1] is None or raw[2] is None or raw[1] == raw[2]:
        return []
    tables = [_table(side, SETTINGS_FILE) for side in raw]
    return _settings_not_taken(*tables)


def _settings_not_taken(
    base: dict[str, Any] | None, ours: dict[str, Any] | None, theirs: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The settings merge keeps ours in a true conflict; one record per key where the
    other side's value (or its removal) was not taken."""
    from plnctl.threeway import merge_settings

    if ours is None or theirs is None:
        return []  # the merge refused it, and whoever called it has said why
    _, lost = merge_settings(base, ours, theirs)
    kept = []
    for key in lost:
        value: Any = theirs
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        kept.append(
            {"field": key, "removed": True} if value is None else {"field": key, "theirs": value}
        )
    return kept


def _leaves(table: dict[str, Any] | None, at: str = "") -> set[str]:
    """The dotted names of a settings table's values (`weights.read`)."""
    names: set[str] = set()
    for key, value in (table or {}).items():
        if isinstance(value, dict):
            names |= _leaves(value, f"{at}{key}.")
        else:
            names.add(f"{at}{key}")
    return names


def _table(raw: bytes | None, name: str) -> dict[str, Any] | None:
    from plnctl.store import load_toml

    if raw is None:
        return None
    try:
        return load_toml(Path(name), raw)[0]
    except TieFileError:
        return None


def _records_added(repo: GitRepo, before: str | None, paths: list[str]) -> list[tuple[str, int]]:
    """The files a merge added conflict records to, and how many."""
    found = []
    for path in paths:
        if not path.endswith(".toml") or not (repo.root / path).is_file():
            continue
        old = repo.blob(before, path) if before else None
        _, added = _grown(old, (repo.root / path).read_bytes(), path)
        if added:
            found.append((path, added))
    return found
