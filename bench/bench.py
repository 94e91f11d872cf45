"""Time plnctl as whole processes against floors measured in the same run, beside similar tools.

Every command is timed as a whole process on a generated network and
reported as the median of its runs in milliseconds, and as multiples of
three floors measured in the same run:

- `python -c pass`: starting the interpreter;
- `python -c "import typer"`: the unavoidable cost of a Typer command line;
- tomllib: one python process that reads and parses every tie file of the
  network with the standard library's tomllib, the cost of a cold read.

The two first run right before every timed process, and each run is
divided by the floor runs just before it, so a multiple holds while the
machine's load drifts; the tomllib floor runs once per round, right before
the cold review, and pairs with that round's runs. When
khard, todoman (`todo`) or jrnl are installed (`pip install -e '.[bench]'`),
they are timed in the same rounds on equivalent generated data, in a
temporary home that never touches yours. Peak memory is the largest
resident set of a process over its runs, cpu its median user and system
time (getrusage through os.wait4): on a busy machine cpu grows far less
than the time.

To time a new plnctl command, add one line to COMMANDS; a command the plnctl
being timed does not have (`plnctl COMMAND --help` fails) is shown as n/a.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# plnctl ships no py.typed: mypy checks these imports only with src/ on its path
# (`MYPYPATH=src mypy --strict bench/bench.py`), and takes them as untyped without.
if TYPE_CHECKING:
    from plnctl.model import Event  # type: ignore[import-untyped, unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TODAY = dt.date(2025, 6, 30)
LIGHT = "light-tie"  # 10 events
HEAVY = "heavy-tie"  # 5,000 events
SHOWN = "shown-tie"  # 300 events, for `show`
THIS_CHECKOUT = "this checkout"  # --plnctl default: `python -m plnctl` on src/
FIRST = ("Ann", "Ben", "Chen", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jun", "Kim", "Lena")
LAST = ("Lee", "Okafor", "Tanaka", "Wei", "Fischer", "Nuñez", "Moreau", "Singh", "Costa", "Berg")
TOPICS = (
    "pedagogy",
    "statistics",
    "open education",
    "assessment",
    "machine learning",
    "peer learning",
    "research methods",
    "writing",
    "teaching",
    "history",
)
WEAK_KINDS = ("read", "read", "read", "listen", "visit", "comment")
STRONG_KINDS = (
    "read",
    "read",
    "comment",
    "converse",
    "share",
    "ask",
    "help-received",
    "help-given",
    "read",
    "listen",
)
NOTES = (None, None, "a useful thread on feedback", "worth rereading")
TIMES = "\N{MULTIPLICATION SIGN}"

# -- what is timed ----------------------------------------------------------------

PASS = "python -c pass"
TYPER = 'python -c "import typer"'
TOMLLIB = "tomllib, every tie file"
FLOORS = (PASS, TYPER, TOMLLIB)
SHORT = {PASS: "python", TYPER: "typer", TOMLLIB: "tomllib"}  # as in the column heads
READ_EVERY_TIE = (
    "import os, sys, tomllib\n"
    "for entry in os.scandir(sys.argv[1]):\n"
    "    if entry.name.endswith('.toml'):\n"
    "        with open(entry.path, 'rb') as f:\n"
    "            tomllib.load(f)\n"
)


@dataclass(frozen=True)
class Command:
    """One plnctl command to time; `plnctl` itself is implied."""

    label: str
    args: tuple[str, ...]
    writes: bool = False  # changes the data directory: runs after the reading ones, then undone
    cold: bool = False  # runs with the cache directory deleted first
    whole: bool = False  # reads the whole network: also reported against the tomllib floor

    @property
    def needs(self) -> str | None:
        """The subcommand the installed plnctl must have, if any."""
        return None if self.args[0].startswith("-") else self.args[0]


COMMANDS = (
    Command("plnctl --help", ("--help",)),
    Command("show (300 events)", ("show", SHOWN)),
    Command("list --json", ("list", "--json"), whole=True),
    Command("review, warm", ("review",), whole=True),
    Command("review, cold", ("review",), cold=True, whole=True),
    Command("stats", ("stats",), whole=True),
    Command(
        "map",
        ("map", "--force", "-o", str(Path(tempfile.gettempdir()) / "plnctl-bench-map.html")),
        whole=True,
    ),
    Command("topics", ("topics",), whole=True),
    Command("who", ("who", "statistics"), whole=True),
    Command("scouts", ("scouts",), whole=True),
    Command("suggest", ("suggest", "statistics", "pedagogy"), whole=True),
    Command("add", ("add", "Bench Added Tie", "--via", LIGHT, "--topic", "pedagogy"), writes=True),
    Command("checkin, 10 events", ("checkin", LIGHT, "--note", "bench"), writes=True),
    Command("checkin, 5,000 events", ("checkin", HEAVY, "--note", "bench"), writes=True),
    Command("share, 10 events", ("share", "https://example.org/b", "--with", LIGHT), writes=True),
    Command("set, 10 events", ("set", LIGHT, "--add-tag", "bench", "--every", "21"), writes=True),
)


@dataclass(frozen=True)
class Peer:
    """One command of a similar tool, timed on its own generated data."""

    label: str
    tool: str  # the executable
    args: tuple[str, ...]
    warm: bool = False  # run once before timing (todoman fills its cache, jrnl its config)


PEERS = (
    Peer("khard --help", "khard", ("--help",)),
    Peer("khard list", "khard", ("list",), warm=True),
    Peer("todo --help", "todo", ("--help",)),
    Peer("todo list", "todo", ("list",), warm=True),
    Peer("jrnl --help", "jrnl", ("--help",)),
    Peer("jrnl -n 10", "jrnl", ("-n", "10"), warm=True),
)


@dataclass(frozen=True)
class Target:
    """`row` takes at most `limit` times `against` (a floor or another row) in the same run."""

    row: str
    limit: float
    against: str
    sizes: tuple[int, ...] = ()  # the network sizes it applies to; () for every size measured


TARGETS = (
    Target("plnctl --help", 1.2, TYPER),
    Target("add", 1.6, TYPER),
    Target("checkin, 10 events", 1.6, TYPER),
    Target("share, 10 events", 1.6, TYPER),
    Target("set, 10 events", 1.6, TYPER),
    Target("show (300 events)", 2.0, TYPER),
    Target("review, warm", 1.6, TYPER, sizes=(1_000,)),
    Target("review, warm", 3.0, TYPER, sizes=(10_000,)),
    Target("review, cold", 1.5, TOMLLIB, sizes=(10_000,)),
    Target("checkin, 5,000 events", 2.0, "checkin, 10 events"),
)

# -- generated data ---------------------------------------------------------------


def _events(rng: random.Random, count: int, span_days: int, kinds: Sequence[str]) -> list[Event]:
    from plnctl.model import Event  # type: ignore[import-untyped, unused-ignore]

    events = []
    for _ in range(count):
        day = TODAY - dt.timedelta(days=rng.randint(0, span_days))
        link = f"https://example.org/{rng.getrandbits(32):08x}" if rng.random() < 0.3 else None
        events.append(
            Event(
                id=f"{rng.getrandbits(64):016x}",
                date=day,
                kind=rng.choice(kinds),
                note=rng.choice(NOTES),
                link=link,
            )
        )
    events.sort(key=lambda e: e.date)
    return events


def generate(root: Path, ties: int, seed: int = 4) -> None:
    """A network of `ties` files: about 3% strong ties with hundreds of events, the rest weak.

    Three extra ties serve the write and show timings: `light-tie` (10
    events), `heavy-tie` (5,000 events) and `shown-tie` (300 events).
    """
    sys.path.insert(0, str(SRC))
    from plnctl.model import Tie  # type: ignore[import-untyped, unused-ignore]
    from plnctl.names import slugify  # type: ignore[import-untyped, unused-ignore]
    from plnctl.store import dump_tie  # type: ignore[import-untyped, unused-ignore]

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)

    def write(slug: str, tie: Tie) -> None:
        (root / f"{slug}.toml").write_bytes(dump_tie(tie))

    for i in range(ties):
        strong = rng.random() < 0.03
        person = rng.random() < 0.6
        name = (
            f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            if person
            else f"The {rng.choice(TOPICS).title()} Feed {i}"
        )
        if strong:
            events = _events(rng, rng.randint(100, 700), 3 * 365, STRONG_KINDS)
        else:
            events = _events(rng, rng.randint(1, 8), 2 * 365, WEAK_KINDS)
        tie = Tie.model_validate(
            {
                "name": name,
                "kind": "person" if person else "source",
                "url": f"https://example.org/{i}",
                "topics": rng.sample(TOPICS, rng.randint(0, 3)),
                "tags": ["colleague"] if rng.random() < 0.1 else [],
                "every": 30 if rng.random() < 0.05 else None,
                "added": TODAY - dt.timedelta(days=3 * 365),
                "events": events,
            }
        )
        write(slugify(name), tie)
    for slug, count in ((LIGHT, 10), (HEAVY, 5000), (SHOWN, 300)):
        tie = Tie.model_validate(
            {
                "name": slug.replace("-", " ").title(),
                "kind": "person",
                "events": _events(rng, count, 3 * 365, STRONG_KINDS),
            }
        )
        write(slug, tie)


def _person(rng: random.Random, i: int) -> tuple[str, str]:
    return rng.choice(FIRST), f"{rng.choice(LAST)} {i}"


def _khard_data(home: Path, items: int, rng: random.Random) -> None:
    """One vCard per contact, as khard keeps them, and a config naming the address book."""
    book = home / "contacts"
    book.mkdir(parents=True)
    for i in range(items):
        first, last = _person(rng, i)
        topics = ",".join(rng.sample(TOPICS, rng.randint(0, 3)))
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{rng.getrandbits(64):016x}",
            f"FN:{first} {last}",
            f"N:{last};{first};;;",
            f"EMAIL;TYPE=pref:{first.lower()}.{i}@example.org",
            f"URL:https://example.org/{i}",
            *([f"CATEGORIES:{topics}"] if topics else []),
            *([f"NOTE:{note}"] if (note := rng.choice(NOTES)) else []),
            "END:VCARD",
        ]
        (book / f"{i:06d}.vcf").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    config = home / ".config" / "khard" / "khard.conf"
    config.parent.mkdir(parents=True)
    config.write_text(f"[addressbooks]\n[[bench]]\npath = {book}\n", encoding="utf-8")


def _todoman_data(home: Path, items: int, rng: random.Random) -> None:
    """One open VTODO per .ics file in one list, as todoman keeps them, and its config."""
    tasks = home / "calendars" / "bench"
    tasks.mkdir(parents=True)
    stamp = "20250630T090000Z"
    for i in range(items):
        due = TODAY + dt.timedelta(days=rng.randint(-60, 120))
        topics = ",".join(rng.sample(TOPICS, rng.randint(0, 3)))
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//plnctl bench//EN",
            "BEGIN:VTODO",
            f"UID:{rng.getrandbits(64):016x}",
            f"DTSTAMP:{stamp}",
            f"CREATED:{stamp}",
            f"SUMMARY:Check in with {' '.join(_person(rng, i))}",
            f"DUE;VALUE=DATE:{due:%Y%m%d}",
            *([f"CATEGORIES:{topics}"] if topics else []),
            *([f"DESCRIPTION:{note}"] if (note := rng.choice(NOTES)) else []),
            "STATUS:NEEDS-ACTION",
            "END:VTODO",
            "END:VCALENDAR",
        ]
        (tasks / f"{i:06d}.ics").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    config = home / ".config" / "todoman" / "config.py"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'path = "{tasks.parent}/*"\n'
        'date_format = "%Y-%m-%d"\n'
        'time_format = "%H:%M"\n'
        'default_list = "bench"\n',
        encoding="utf-8",
    )


def _jrnl_data(home: Path, items: int, rng: random.Random) -> None:
    """One journal file of dated entries, as jrnl keeps it, and its config."""
    home.mkdir(parents=True)
    days = sorted(TODAY - dt.timedelta(days=rng.randint(0, 3 * 365)) for _ in range(items))
    entries = []
    for i, day in enumerate(days):
        first, last = _person(rng, i)
        tag = rng.choice(TOPICS).replace(" ", "-")
        note = rng.choice(NOTES) or "a short talk"
        entries.append(f"[{day} 09:00] Read {first} {last}.\n{note.capitalize()}, @{tag}.\n")
    journal = home / "journal.txt"
    journal.write_text("\n".join(entries), encoding="utf-8")
    config = home / ".config" / "jrnl" / "jrnl.yaml"
    config.parent.mkdir(parents=True)
    # jrnl rewrites a config of another version on its first run: the warm-up run takes that.
    config.write_text(
        "journals:\n"
        f"  default:\n    journal: {journal}\n"
        "editor: ''\nencrypt: false\ntemplate: false\n"
        "default_hour: 9\ndefault_minute: 0\n"
        "timeformat: '%Y-%m-%d %H:%M'\ntagsymbols: '#@'\n"
        "highlight: false\nlinewrap: 79\nindent_character: '|'\n"
        "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n",
        encoding="utf-8",
    )


PEER_DATA: dict[str, Callable[[Path, int, random.Random], None]] = {
    "khard": _khard_data,
    "todo": _todoman_data,
    "jrnl": _jrnl_data,
}


def peer_env(home: Path) -> dict[str, str]:
    """An environment whose home, configuration, data and cache all live in `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "KHARD", "JRNL"))}
    env.pop("VISUAL", None)
    env.pop("EDITOR", None)
    return env | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CONFIG_DIRS": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "KHARD_CONFIG": str(home / ".config" / "khard" / "khard.conf"),
        "NO_COLOR": "1",
    }


# -- timing ---------------------------------------------------------------------


@dataclass
class Job:
    """One process to time: a floor, a plnctl command or a peer's."""

    label: str
    argv: list[str]
    env: Mapping[str, str]
    before: Callable[[], None] | None = None
    after: Callable[[], None] | None = None
    must_pass: bool = True  # plnctl and the floors stop the bench when they fail; peers do not


@dataclass
class Timing:
    """The runs of one job: times, the round of each, and the floor runs just before each."""

    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    before: dict[str, list[float]] = field(default_factory=dict)
    peak_kib: int = 0
    failed: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def ratio(timings: Mapping[str, Timing], row: str, against: str) -> float | None:
    """The median over the runs of `row` of its time over that of `against` in the same run.

    Against a floor that ran right before each run of `row`, each run is paired
    with that floor run; against anything else (the tomllib floor, another
    command), with its run of the same round. Pairing runs that were close
    in time keeps the ratio steady when the machine's load drifts.
    """
    r, ref = timings.get(row), timings.get(against)
    if r is None or ref is None or not r.times or not ref.times:
        return None
    if against in r.before:
        pairs = list(zip(r.times, r.before[against], strict=True))
    else:
        by_round = dict(zip(ref.rounds, ref.times, strict=True))
        pairs = [(t, by_round[n]) for n, t in zip(r.rounds, r.times, strict=True) if n in by_round]
    return statistics.median(t / f for t, f in pairs) if pairs else None


@dataclass(frozen=True)
class Outcome:
    seconds: float  # wall clock
    cpu: float  # user and system time of the process and the children it waited for
    peak_kib: int
    code: int


def run(argv: Sequence[str], env: Mapping[str, str]) -> Outcome:
    """Run one whole process, stdout discarded, and say how it went."""
    # stderr goes to a file, not a pipe: a chatty process cannot block on it.
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            sys.stderr.write(err.read()[-4000:].decode(errors="replace"))
    return Outcome(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)


def measure(
    jobs: Sequence[Job], floors: Sequence[Job], runs: int, into: dict[str, Timing], first: int = 0
) -> None:
    """Run every job `runs` times (rounds `first` on), each run right after a run of each floor."""
    for job in [*floors, *jobs]:
        into.setdefault(job.label, Timing())
    for n in range(first, first + runs):
        print(f"    round {n - first + 1}/{runs}", file=sys.stderr, flush=True)
        for job in jobs:
            if into[job.label].failed:
                continue
            just_before: dict[str, float] = {}
            for floor in floors:
                elapsed = _time(floor, into[floor.label], n, just_before)
                if elapsed is not None:
                    just_before[floor.label] = elapsed
            _time(job, into[job.label], n, just_before)


def _time(job: Job, timing: Timing, round_: int, just_before: Mapping[str, float]) -> float | None:
    if job.before:
        job.before()
    outcome = run(job.argv, job.env)
    if job.after:
        job.after()
    if outcome.code != 0:
        if job.must_pass:
            raise SystemExit(f"bench: {' '.join(job.argv)} exited {outcome.code}")
        print(f"bench: {job.label} exited {outcome.code}; left out", file=sys.stderr)
        timing.failed = True
        return None
    timing.times.append(outcome.seconds)
    timing.cpu.append(outcome.cpu)
    timing.rounds.append(round_)
    for label, floor in just_before.items():
        timing.before.setdefault(label, []).append(floor)
    timing.peak_kib = max(timing.peak_kib, outcome.peak_kib)
    return outcome.seconds


# -- what runs what -------------------------------------------------------------


@dataclass
class Setup:
    """How to run the plnctl being timed and the peers that are installed."""

    plnctl: list[str]
    python: str  # the interpreter plnctl runs on: the floors use it
    extra_env: dict[str, str]
    missing: set[str]  # plnctl subcommands the timed plnctl lacks
    peers: dict[str, str]  # tool -> executable
    no_peers: bool = False  # --no-peers


def interpreter_of(executable: str) -> str | None:
    """The python a console script runs on, from its #! line."""
    path = shutil.which(executable)
    if path is None:
        return None
    with open(path, "rb") as f:
        first = f.readline().decode(errors="replace").strip()
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    if Path(words[0]).name == "env" and len(words) > 1:
        return shutil.which(words[-1])
    return words[0]


def install(venv: Path) -> list[str]:
    """Install this checkout into a new virtual environment, as a user would, not editable."""
    print(f"installing plnctl into {venv}", file=sys.stderr, flush=True)
    # From a copy: building in place would leave build/ and egg-info in the checkout.
    source = venv.parent / "plnctl-source"
    shutil.copytree(SRC, source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(source)], check=True)
    return [str(venv / "bin" / "plnctl")]


def find_peers() -> dict[str, str]:
    """The peers' executables: beside this python first (its virtual environment), then PATH."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = {}
    for tool in dict.fromkeys(p.tool for p in PEERS):
        path = shutil.which(tool, path=search)
        if path:
            found[tool] = path
    return found


def first_line(argv: Sequence[str], env: Mapping[str, str]) -> str:
    try:
        out = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def make_setup(args: argparse.Namespace, work: Path) -> Setup:
    extra_env: dict[str, str] = {}
    if args.install:
        plnctl = install(work / "plnctl-venv")
        python = str(work / "plnctl-venv" / "bin" / "python")
    elif args.plnctl == THIS_CHECKOUT:
        python = args.python or sys.executable
        plnctl = [python, "-m", "plnctl"]
        extra_env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(SRC), os.environ.get("PYTHONPATH")])
        )
    else:
        plnctl = args.plnctl.split()
        found = interpreter_of(plnctl[0])
        if args.python is None and found is None:
            print(f"bench: cannot tell which python runs {plnctl[0]}; floors use", file=sys.stderr)
            print(f"  {sys.executable} (--python to choose)", file=sys.stderr)
        python = args.python or found or sys.executable
    peers = {} if args.no_peers else find_peers()
    setup = Setup(plnctl, python, extra_env, set(), peers, args.no_peers)
    env = os.environ | extra_env | {"PLNCTL_DATA_DIR": str(work / "empty")}
    for name in sorted({c.needs for c in COMMANDS if c.needs}):
        if run([*plnctl, name, "--help"], env).code != 0:
            setup.missing.add(name)
    return setup


def plnctl_jobs(
    setup: Setup, data: Path, cache: Path
) -> tuple[list[Job], list[Job], dict[str, str]]:
    """(reading jobs, writing jobs, the environment) for one generated network."""
    env = (
        dict(os.environ)
        | setup.extra_env
        | {
            "PLNCTL_DATA_DIR": str(data),
            "PLNCTL_CACHE_DIR": str(cache),
            "PLNCTL_TODAY": TODAY.isoformat(),
            "NO_COLOR": "1",
        }
    )
    pristine = data.parent / f"{data.name}-pristine"
    shutil.copytree(data, pristine, copy_function=shutil.copy2)
    seen = {e.name: _stamp(e) for e in os.scandir(data)}

    def undo() -> None:
        """Put the data directory back as generated: drop new files, restore changed ones."""
        for entry in os.scandir(data):
            if entry.name not in seen:
                os.unlink(entry.path)
            elif _stamp(entry) != seen[entry.name]:
                shutil.copy2(pristine / entry.name, entry.path)
                seen[entry.name] = _stamp(entry)
        for name in seen.keys() - {e.name for e in os.scandir(data)}:
            shutil.copy2(pristine / name, data / name)
            seen[name] = _stamp(data / name)

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    reading, writing = [], []
    for command in COMMANDS:
        if command.needs in setup.missing:
            continue
        job = Job(command.label, [*setup.plnctl, *command.args], env)
        if command.cold:
            job.before = drop_cache
        if command.writes:
            job.after = undo
            writing.append(job)
        else:
            reading.append(job)
    return reading, writing, env


def _stamp(entry: os.DirEntry[str] | Path) -> tuple[int, int]:
    st = entry.stat()
    return st.st_size, st.st_mtime_ns


def peer_jobs(setup: Setup, work: Path, items: int) -> tuple[list[Job], list[str]]:
    """(the installed peers' jobs on `items` generated items, the labels that failed)."""
    jobs, failed = [], []
    for tool, executable in setup.peers.items():
        home = work / f"{tool}-{items}"
        try:
            PEER_DATA[tool](home, items, random.Random(items))
        except OSError as exc:
            print(f"bench: cannot make {tool}'s data: {exc}", file=sys.stderr)
            failed += [p.label for p in PEERS if p.tool == tool]
            continue
        env = peer_env(home)
        for peer in PEERS:
            if peer.tool != tool:
                continue
            argv = [executable, *peer.args]
            if peer.warm and run(argv, env).code != 0:
                print(f"bench: {peer.label} failed; left out", file=sys.stderr)
                failed.append(peer.label)
                continue
            jobs.append(Job(peer.label, argv, env, must_pass=False))
    return jobs, failed


def bench_size(setup: Setup, work: Path, ties: int, runs: int) -> dict[str, Timing]:
    data = work / f"net-{ties}"
    cache = work / f"cache-{ties}"
    started = time.perf_counter()
    # In a process of its own: a forked child's peak memory counts the parent's.
    subprocess.run([sys.executable, __file__, "--generate", str(data), str(ties)], check=True)
    print(f"  generated {ties:,} ties in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    reading, writing, env = plnctl_jobs(setup, data, cache)
    peers, failed = peer_jobs(setup, work, ties)
    floors = [Job(PASS, [setup.python, "-c", "pass"], env)]
    floors.append(Job(TYPER, [setup.python, "-c", "import typer"], env))
    tomllib = Job(TOMLLIB, [setup.python, "-c", READ_EVERY_TIE, str(data)], env)
    # The index trusts no file changed within two seconds of its last look:
    # let the generated files settle, then build it twice, as use would.
    time.sleep(2.1)
    for _ in range(2):
        run([*setup.plnctl, "review"], env)
    # Cold runs last in a round, so the warm ones meet the index the previous round left.
    cold = [j for j in reading if j.before is not None]
    warm = [j for j in reading if j.before is None]
    timings = {label: Timing(failed=True) for label in failed}
    print(f"  reading commands, peers and the tomllib floor, {runs} rounds", file=sys.stderr)
    measure([*warm, *peers, tomllib, *cold], floors, runs, timings)
    # Writes change files; they run last so the reading runs saw a settled index.
    print(f"  writing commands, {runs} rounds", file=sys.stderr)
    measure(writing, floors, runs, timings, first=runs)
    return timings


# -- report ---------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _x(ratio: float) -> str:
    digits = 2 if ratio < 10 else 1 if ratio < 100 else 0
    return f"{ratio:.{digits}f}{TIMES}"


def _mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def _x_or_blank(value: float | None) -> str:
    return "" if value is None else _x(value)


def floors_table(results: Mapping[int, Mapping[str, Timing]]) -> str:
    sizes = sorted(results)
    lines = [
        "| floor | " + " | ".join(f"{n:,} ties" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for label in FLOORS:
        cells = []
        for n in sizes:
            t = results[n][label]
            times = (
                "" if label == PASS else f" ({_x_or_blank(ratio(results[n], label, PASS))} python)"
            )
            cpu = _ms(statistics.median(t.cpu))
            cells.append(f"{_ms(t.median)}{times}; cpu {cpu}; {_mb(t.peak_kib)}")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def size_table(ties: int, timings: Mapping[str, Timing]) -> str:
    lines = [
        f"{ties:,} ties",
        "",
        "| command | time | cpu | "
        + " | ".join(f"{TIMES} {SHORT[f]}" for f in FLOORS)
        + " | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    whole = {c.label for c in COMMANDS if c.whole}
    for label in [c.label for c in COMMANDS] + [p.label for p in PEERS]:
        t = timings.get(label)
        if t is None or not t.times:
            why = "failed" if t is not None else "n/a"
            lines.append(f"| {label} | {why} | | | | | |")
            continue
        cells = [_ms(t.median), _ms(statistics.median(t.cpu))]
        cells += [_x_or_blank(ratio(timings, label, floor)) for floor in (PASS, TYPER)]
        cells += [_x_or_blank(ratio(timings, label, TOMLLIB)) if label in whole else ""]
        lines.append(f"| {label} | {' | '.join(cells)} | {_mb(t.peak_kib)} |")
    return "\n".join(lines)


def targets_table(results: Mapping[int, Mapping[str, Timing]]) -> tuple[str, int, int]:
    """The targets table, and how many targets were met and missed."""
    lines = ["| target | measured | |", "|---|---|---|"]
    met = missed = 0
    for target in TARGETS:
        against = SHORT.get(target.against, f"`{target.against}`")
        for n in target.sizes or sorted(results):
            what = f"`{target.row}` ≤ {target.limit:g}{TIMES} {against}, {n:,} ties"
            if n not in results:
                lines.append(f"| {what} | not measured | |")
                continue
            value = ratio(results[n], target.row, target.against)
            if value is None:
                lines.append(f"| {what} | n/a | |")
                continue
            ok = value <= target.limit
            met += ok
            missed += not ok
            lines.append(f"| {what} | {_x(value)} | {'met' if ok else 'missed'} |")
    return "\n".join(lines), met, missed


def describe_machine(setup: Setup, work: Path) -> list[str]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = "import importlib.metadata as m; print(m.version('typer'))"
    typer = first_line([setup.python, "-c", version], os.environ)
    python = first_line(
        [setup.python, "-c", "import sys; print(sys.version.split()[0])"], os.environ
    )
    plnctl = first_line([*setup.plnctl, "--version"], os.environ | setup.extra_env)
    lines = [
        f"machine: {model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}",
        f"plnctl: {plnctl}, Typer {typer}, Python {python}; timed as `{' '.join(setup.plnctl)}`",
        f"floors: {setup.python}",
    ]
    if setup.missing:
        lines.append(f"not in this plnctl (n/a): {', '.join(sorted(setup.missing))}")
    peers = ["not timed (--no-peers)"] if setup.no_peers else []
    for tool in [] if setup.no_peers else dict.fromkeys(p.tool for p in PEERS):
        if tool in setup.peers:
            env = peer_env(work / "versions")
            peers.append(first_line([setup.peers[tool], "--version"], env))
        else:
            peers.append(f"{tool}: not installed (n/a)")
    lines.append("peers: " + "; ".join(peers))
    return lines


def report(
    machine: list[str],
    results: Mapping[int, Mapping[str, Timing]],
    runs: int,
    seconds: float,
    load: tuple[float, float, float],
) -> str:
    targets, met, missed = targets_table(results)
    after, cpus = os.getloadavg()[0], os.cpu_count() or 1
    busy = [
        f"note: the machine was busy (load average above its {cpus} CPUs): times are "
        "inflated and multiples less steady; rerun on a quiet machine"
    ]
    parts = [
        *machine,
        f"{runs} runs of each; medians; the whole bench took {seconds / 60:.1f} min; "
        f"load average {load[0]:.2f} before, {after:.2f} after",
        *(busy if max(load[0], after) > cpus else []),
        "",
        "Floors, measured in the same rounds as the commands",
        "",
        floors_table(results),
    ]
    for n in sorted(results):
        parts += ["", size_table(n, results[n])]
    parts += [
        "",
        f"Targets, as multiples in the same run: {met} met, {missed} missed",
        "",
        targets,
    ]
    return "\n".join(parts)


def as_json(machine: list[str], results: Mapping[int, Mapping[str, Timing]], runs: int) -> str:
    return json.dumps(
        {
            "machine": machine,
            "runs": runs,
            "sizes": {
                str(n): {
                    label: {
                        "seconds": t.times,
                        "cpu_seconds": t.cpu,
                        "rounds": t.rounds,
                        "floors_just_before": t.before,
                        "peak_kib": t.peak_kib,
                        "failed": t.failed,
                    }
                    for label, t in timings.items()
                }
                for n, timings in results.items()
            },
        },
        indent=1,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time plnctl against floors measured in the same run, beside khard, "
        "todoman and jrnl when they are installed. Results go to stdout, progress to "
        "stderr. See docs/performance.md.",
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="network sizes in ties, comma-separated (default: 1000,10000; 100000 takes long)",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (default: 7)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a fast check: sizes 100,1000 and 3 runs, unless --sizes or --runs say otherwise",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--plnctl",
        default=THIS_CHECKOUT,
        metavar="CMD",
        help="the plnctl command to time, e.g. an installed `plnctl` "
        "(default: `python -m plnctl` on this checkout's src/)",
    )
    which.add_argument(
        "--install",
        action="store_true",
        help="install this checkout, not editable, into a new virtual environment in the "
        "work directory and time its `plnctl`, as a user would run it",
    )
    parser.add_argument(
        "--python",
        metavar="EXE",
        help="the interpreter for the floors (default: the one plnctl runs on)",
    )
    parser.add_argument("--no-peers", action="store_true", help="do not time khard, todo, jrnl")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every sample here")
    parser.add_argument("--generate", nargs=2, metavar=("DIR", "TIES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    explicit = set(argv if argv is not None else sys.argv[1:])
    if args.quick:
        if not any(a.startswith("--sizes") for a in explicit):
            args.sizes = "100,1000"
        if not any(a.startswith("--runs") for a in explicit):
            args.runs = 3
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def sizes_of(text: str) -> list[int]:
    return [int(s.strip().replace("_", "")) for s in text.split(",") if s.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]))
        return
    started, load = time.perf_counter(), os.getloadavg()
    work = args.keep or Path(tempfile.mkdtemp(prefix="plnctl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Timing]] = {}
    try:
        setup = make_setup(args, work)
        for n in sizes_of(args.sizes):
            print(f"{n:,} ties:", file=sys.stderr, flush=True)
            results[n] = bench_size(setup, work / str(n), n, args.runs)
        machine = describe_machine(setup, work)
        print(report(machine, results, args.runs, time.perf_counter() - started, load))
        if args.json:
            args.json.write_text(as_json(machine, results, args.runs) + "\n", encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
