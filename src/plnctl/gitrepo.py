"""The git repository a data directory may be: plnctl runs the `git` executable for everything.

No git library: the data directory is an ordinary repository, which the
user's own git commands read and change as well. Every failure becomes a
SyncError holding git's own reason in one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from plnctl.errors import SyncError

# The trailer that marks a commit as plnctl's own: `undo` reverts only those.
TRAILER = "Made-by: plnctl"
NO_GIT = (
    "git is not installed (or not on PATH): install git (for example `apt install git` or "
    "`brew install git`) to keep your data directory's history and sync it"
)
NOT_SYNCED = (
    "{root} is not kept in git yet: `plnctl sync init` makes it a repository, and then every "
    "change is a commit"
)
_IDENTITY_HINTS = ("Please tell me who you are", "Author identity unknown", "auto-detect email")
WHO_ARE_YOU = (
    "git does not know who you are: run `git config --global user.name 'Your Name'` and "
    "`git config --global user.email you@example.org`"
)
# Git pairs a deleted file with an added one that looks alike as a rename, and tie
# files are small and alike: it would merge one tie's changes into another tie's
# file. plnctl identifies a tie by its slug and its events' ids (reconcile.py), so
# every git command it runs sees added and deleted files as such.
NO_RENAMES = ("-c", "merge.renames=false", "-c", "diff.renames=false", "-c", "status.renames=false")
# The strategy for plnctl's merges and reverts: git's default one (ort) ignores
# `merge.renames=false` and `-X no-renames` before git 2.50; `recursive` honours
# them, and from 2.50 on is another name for ort, which then honours them too.
MERGE_STRATEGY = ("--strategy=recursive", "--strategy-option=no-renames")
# Fields of `git log` output: hash, short hash, date, subject, trailer, parents.
_LOG_FORMAT = "%x1e%H%x1f%h%x1f%aI%x1f%s%x1f%(trailers:key=Made-by,valueonly,separator=%x2c)%x1f%P"


@dataclass(frozen=True)
class Commit:
    """One commit of the data directory's history, as `plnctl log` shows it."""

    hash: str
    short: str
    date: str  # ISO 8601, with the time and the offset it was made at
    message: str
    by_plnctl: bool
    merge: bool
    files: list[str] = field(default_factory=list)


def one_line(text: str) -> str:
    """The last meaningful line git wrote: its reason, without hints and prefixes."""
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith(("hint:", "To ", "From "))
    ]
    if not lines:
        return "no reason given"
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()
    return lines[-1]


class GitRepo:
    """The repository whose work tree is the data directory `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- running git ---------------------------------------------------------

    def run(
        self,
        *args: str,
        check: bool = True,
        cwd: Path | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run git in the data directory; a failure is a SyncError naming git's reason
        (past `timeout` seconds, subprocess.TimeoutExpired)."""
        env = {
            **os.environ,
            # Paths are file names, never patterns; messages are parsed in English.
            "GIT_LITERAL_PATHSPECS": "1",
            "LC_ALL": "C",
            "LANGUAGE": "C",
        }
        try:
            done = subprocess.run(
                ["git", *NO_RENAMES, *args],
                cwd=cwd or self.root,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                env=env,
                check=False,
                timeout=timeout,
            )
        except FileNotFoundError:
            if shutil.which("git") is None:
                raise SyncError(NO_GIT) from None
            raise SyncError(f"{cwd or self.root}: no such directory") from None
        if check and done.returncode != 0:
            raise SyncError(self.failure(args[0], done))
        return done

    def failure(self, what: str, done: subprocess.CompletedProcess[str]) -> str:
        text = done.stderr + done.stdout
        if any(hint in text for hint in _IDENTITY_HINTS):
            return WHO_ARE_YOU
        if done.returncode < 0 or done.returncode > 128:
            return f"git {what} was killed (signal {abs(done.returncode) % 128})"
        return f"git {what} failed: {one_line(text)}"

    # -- what the repository is ------------------------------------------------

    def git_dir(self) -> Path | None:
        """The repository's own directory, when the data directory is a work tree's top."""
        dot = self.root / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a linked work tree or a submodule: `gitdir: PATH`
            try:
                text = dot.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                target = Path(text.split(":", 1)[1].strip())
                return target if target.is_absolute() else self.root / target
        return None

    def exists(self) -> bool:
        return self.git_dir() is not None

    def require(self) -> Path:
        """The git directory, or a SyncError saying how to turn sync on."""
        git_dir = self.git_dir()
        if git_dir is None:
            raise SyncError(NOT_SYNCED.format(root=self.root))
        return git_dir

    def branch(self) -> str | None:
        """The branch checked out, or None on a detached HEAD."""
        git_dir = self.require()
        try:
            head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        except OSError:
            head = self.run("symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
            head = f"ref: {head}" if head else ""
        if head.startswith("ref: refs/heads/"):
            return head.removeprefix("ref: refs/heads/")
        return None

    def blocked(self) -> str | None:
        """Why no commit can be made now (a merge under way, a git that holds the index)."""
        git_dir = self.require()
        if (git_dir / "index.lock").exists():
            return (
                f"git's {git_dir / 'index.lock'} exists: another git command is running, or "
                "one was killed; when none is running, delete that file"
            )
        if (git_dir / "MERGE_HEAD").exists():
            return "a merge is not finished yet (`plnctl sync` finishes it)"
        if self.branch() is None:
            return (
                "the repository is on a detached HEAD, not on a branch: "
                f"`git -C '{self.root}' switch -` (or switch to your branch) first"
            )
        return None

    def enclosing(self) -> Path | None:
        """The top of another repository the data directory lies inside, if any."""
        done = self.run("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            return None
        return Path(done.stdout.strip())

    def has_commits(self) -> bool:
        return self.rev("HEAD") is not None

    def rev(self, name: str) -> str | None:
        """The commit `name` names, or None when there is none."""
        done = self.run("rev-parse", "-q", "--verify", f"{name}^{{commit}}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        done = self.run("merge-base", "--is-ancestor", older, newer, check=False)
        return done.returncode == 0

    def merge_base(self, one: str, other: str) -> str | None:
        done = self.run("merge-base", one, other, check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def count(self, since: str | None, until: str) -> int:
        """How many commits `until` has that `since` has not (all of them without `since`)."""
        span = f"{since}..{until}" if since else until
        return int(self.run("rev-list", "--count", span).stdout.strip() or 0)

    def blob(self, rev: str, path: str) -> bytes | None:
        """A file as commit `rev` holds it, or None when it holds no such file."""
        try:
            done = subprocess.run(
                ["git", "cat-file", "blob", f"{rev}:{path}"],
                cwd=self.root,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise SyncError(NO_GIT) from None
        return done.stdout if done.returncode == 0 else None

    def remotes(self) -> list[str]:
        return self.run("remote").stdout.split()

    def remote_branches(self, remote: str) -> list[str]:
        """The branches the last fetch saw on `remote`, sorted (`HEAD` left out)."""
        out = self.run("for-each-ref", "--format=%(refname:lstrip=3)", f"refs/remotes/{remote}")
        return sorted(b for b in out.stdout.split() if b != "HEAD")

    def config(self, key: str) -> str | None:
        done = self.run("config", "--local", "--get", key, check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def unreachable(self, remote: str, timeout: float) -> str | None:
        """Why git cannot read the repository `remote` now, or None when it can."""
        try:
            done = self.run(
                "ls-remote",
                "--heads",
                "--",
                remote,
                check=False,
                cwd=self._existing(),
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return f"no answer within {timeout:g} seconds"
        if done.returncode == 0:
            return None
        # ssh says why (`Could not resolve hostname`) before git's general `fatal:` line.
        said = [line for line in done.stderr.splitlines() if line.startswith("ssh: ")]
        return said[0].removeprefix("ssh: ") if said else one_line(done.stderr + done.stdout)

    def _existing(self) -> Path:
        """The data directory, or the nearest directory above it that exists."""
        here = self.root
        while not here.is_dir() and here != here.parent:
            here = here.parent
        return here

    def check_identity(self) -> None:
        """A SyncError saying how to tell git who you are, when it does not know."""
        self.run("var", "GIT_COMMITTER_IDENT", cwd=self._existing())

    # -- the work tree -------------------------------------------------------------

    def changed(self) -> list[str]:
        """Every path with changes not committed (untracked files too), sorted."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all").stdout
        paths: list[str] = []
        entries = iter(out.split("\0"))
        for entry in entries:
            if not entry:
                continue
            paths.append(entry[3:])
            if entry[0] in "RC":
                next(entries, None)  # the old name of a rename
        return sorted(set(paths))

    def unmerged(self) -> list[str]:
        out = self.run("diff", "--name-only", "--diff-filter=U", "-z").stdout
        return sorted({p for p in out.split("\0") if p})

    def tracked(self, paths: Sequence[str]) -> list[str]:
        out = self.run("ls-files", "-z", "--", *paths).stdout
        return [p for p in out.split("\0") if p]

    def commit_paths(self, paths: Sequence[str], message: str) -> bool:
        """Commit exactly `paths` (written or deleted) with `message`; False when none
        of them changed. Other changes in the work tree or the index stay as they are."""
        # A commit of paths takes them as they are in the work tree: only a new file
        # needs adding first, so most changes (a check-in) cost one git process.
        done = self.run("commit", "-q", "-m", stamped(message), "--", *paths, check=False)
        if done.returncode != 0 and "did not match any file(s) known to git" in done.stderr:
            present = [p for p in paths if os.path.lexists(self.root / p)]
            gone = [p for p in paths if p not in present]
            chosen = present + (self.tracked(gone) if gone else [])
            if not chosen:
                return False
            if present:
                self.run("add", "-A", "--", *present)
            done = self.run("commit", "-q", "-m", stamped(message), "--", *chosen, check=False)
        if done.returncode != 0:
            if "nothing to commit" in done.stdout or "no changes added" in done.stdout:
                return False
            raise SyncError(self.failure("commit", done))
        return True

    def commit_all(self, message: str) -> bool:
        """Commit everything in the work tree; False when there was nothing to commit."""
        self.run("add", "-A")
        if self.run("diff", "--cached", "--quiet", check=False).returncode == 0:
            return False
        self.run("commit", "-q", "-m", stamped(message))
        return True

    # -- history -----------------------------------------------------------------

    def plnctl_subjects(self, since: str, until: str) -> list[str]:
        """The subjects of plnctl's own commits that `until` has and `since` has not,
        oldest first."""
        fmt = "%x1e%s%x1f%(trailers:key=Made-by,valueonly,separator=%x2c)"
        out = self.run("log", "--reverse", f"--format={fmt}", f"{since}..{until}").stdout
        subjects = []
        for record in out.split("\x1e")[1:]:
            subject, _, made_by = record.partition("\x1f")
            if made_by.strip() == "plnctl":
                subjects.append(subject)
        return subjects

    def log(self, path: str | None = None, limit: int | None = None) -> list[Commit]:
        """Commits newest first, with the files each changed; only those that changed
        `path` (following it across renames) when given."""
        if not self.has_commits():
            return []
        args = ["log", f"--format={_LOG_FORMAT}", "--name-only", "-z"]
        args.append("--diff-merges=first-parent")  # a merge: what it brought in
        if limit is not None:
            args.append(f"-n{limit}")
        if path is not None:
            args += ["--follow", "--", path]
        else:
            args.append("--no-renames")  # a rename changed two files
        out = self.run(*args).stdout
        commits: list[Commit] = []
        for record in out.split("\x1e")[1:]:
            head, _, rest = record.partition("\0")
            if "\n" in head:  # the files follow the header after a newline
                head, _, first = head.partition("\n")
                rest = first + "\0" + rest
            fields = head.split("\x1f")
            commit_hash, short, date, subject, made_by, parents = fields[:6]
            files = [f.strip("\n") for f in rest.split("\0") if f.strip("\n")]
            commits.append(
                Commit(
                    hash=commit_hash,
                    short=short,
                    date=date,
                    message=subject,
                    by_plnctl=made_by.strip() == "plnctl",
                    merge=len(parents.split()) > 1,
                    files=files,
                )
            )
        return commits


def absolute_remote(remote: str) -> str:
    """A remote as git should keep it: a URL (`https://...`, `host:path`) as given, a
    path made absolute, since git reads a relative one from the data directory."""
    head = remote.split("/", 1)[0]
    if "://" in remote or ":" in head:
        return remote
    return str(Path(remote).expanduser().absolute())


def stamped(message: str) -> str:
    """A commit message with the trailer that marks it as plnctl's."""
    return f"{message}\n\n{TRAILER}\n"
