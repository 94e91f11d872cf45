"""Time plnctl as whole processes on generated networks, as multiples of `python -c pass`.

Usage: python bench/bench.py [--sizes 100,1000,10000] [--runs N]

Every timing is the median over the runs of a whole `plnctl` process, each
run right after a `python -c pass` whose median is the unit, so the ratios
hold on a noisy machine. Peak memory is the largest resident set of the
process (getrusage through os.wait4). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plnctl.model import Event

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TODAY = dt.date(2025, 6, 30)
LIGHT = "light-tie"  # 10 events
HEAVY = "heavy-tie"  # 5,000 events
SHOWN = "shown-tie"  # 300 events, for `show`
THIS_CHECKOUT = [sys.executable, "-m", "plnctl"]
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


def _events(rng: random.Random, count: int, span_days: int, kinds: Sequence[str]) -> list[Event]:
    from plnctl.model import Event

    events = []
    for _ in range(count):
        day = TODAY - dt.timedelta(days=rng.randint(0, span_days))
        note = rng.choice((None, None, "a useful thread on feedback", "worth rereading"))
        link = f"https://example.org/{rng.getrandbits(32):08x}" if rng.random() < 0.3 else None
        events.append(
            Event(
                id=f"{rng.getrandbits(64):016x}",
                date=day,
                kind=rng.choice(kinds),
                note=note,
                link=link,
            )
        )
    events.sort(key=lambda e: e.date)
    return events


def generate(root: Path, ties: int, seed: int = 4) -> None:
    """A network of `ties` files: about 3% strong ties with hundreds of events, the rest weak.

    Three extra ties serve the check-in and show timings: `light-tie` (10
    events), `heavy-tie` (5,000 events) and `shown-tie` (300 events).
    """
    sys.path.insert(0, str(SRC))
    from plnctl.model import Tie, slugify
    from plnctl.store import dump_tie

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


# -- timing ---------------------------------------------------------------------


@dataclass
class Case:
    label: str
    args: list[str]
    before: Callable[[], None] | None = None
    after: Callable[[], None] | None = None


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, exit status) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 and proc.stderr is not None:
        sys.stderr.write(proc.stderr.read().decode(errors="replace"))
    if proc.stderr is not None:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss, proc.returncode


def measure(
    cases: Sequence[Case], plnctl: Sequence[str], env: dict[str, str], runs: int
) -> dict[str, tuple[float, float, int]]:
    """label -> (median seconds, median ratio to `python -c pass`, peak KiB)."""
    base = [sys.executable, "-c", "pass"]
    passes: list[float] = []
    times: dict[str, list[float]] = {c.label: [] for c in cases}
    peaks: dict[str, int] = {c.label: 0 for c in cases}
    for _ in range(runs):
        for case in cases:
            passes.append(run(base, env)[0])
            if case.before:
                case.before()
            elapsed, peak, code = run([*plnctl, *case.args], env)
            if case.after:
                case.after()
            if code != 0:
                raise SystemExit(f"bench: {' '.join(case.args)} exited {code}")
            times[case.label].append(elapsed)
            peaks[case.label] = max(peaks[case.label], peak)
    unit = statistics.median(passes)
    return {
        label: (statistics.median(t), statistics.median(t) / unit, peaks[label])
        for label, t in times.items()
    } | {"python -c pass": (unit, 1.0, 0)}


def bench_size(
    work: Path, ties: int, runs: int, plnctl: Sequence[str]
) -> dict[str, tuple[float, float, int]]:
    data = work / f"net-{ties}"
    cache = work / f"cache-{ties}"
    started = time.perf_counter()
    # In a process of its own: a forked child's peak memory counts the parent's.
    subprocess.run([sys.executable, __file__, "--generate", str(data), str(ties)], check=True)
    print(f"  generated {ties:,} ties in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    env = {
        **os.environ,
        "PLNCTL_DATA_DIR": str(data),
        "PLNCTL_CACHE_DIR": str(cache),
        "PLNCTL_TODAY": TODAY.isoformat(),
        "NO_COLOR": "1",
    }
    if list(plnctl) == THIS_CHECKOUT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    originals = {slug: (data / f"{slug}.toml").read_bytes() for slug in (LIGHT, HEAVY)}

    def restore(root: Path, slug: str) -> Callable[[], None]:
        def put_back() -> None:
            (root / f"{slug}.toml").write_bytes(originals[slug])

        return put_back

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    # The index trusts no file changed within two seconds of its last look:
    # let the generated files settle, then build it twice, as use would.
    time.sleep(2.1)
    for _ in range(2):
        run([*plnctl, "review"], env)
    reading = [
        Case("plnctl --help", ["--help"]),
        Case("review, warm", ["review"]),
        Case("list --json", ["list", "--json"]),
        Case("show (300 events)", ["show", SHOWN]),
        Case("review, cold", ["review"], before=drop_cache),
    ]
    results = measure(reading, plnctl, env, runs)
    # Check-ins change files; they run last so the reading runs saw a settled index.
    # Each also runs in a copy of the network kept in git (where it is also a
    # commit), taking turns with the plain one so both see the same machine.
    kept = work / f"git-{ties}"
    shutil.copytree(data, kept)
    for key, value in GIT_IDENTITY.items():
        env.setdefault(key, value)
    if run([*plnctl, "--data-dir", str(kept), "sync", "init"], env)[2] != 0:
        raise SystemExit("bench: plnctl sync init failed")
    writing = []
    for slug, label in ((LIGHT, "checkin, 10 events"), (HEAVY, "checkin, 5,000 events")):
        args = ["checkin", slug, "--note", "bench"]
        writing.append(Case(label, args, after=restore(data, slug)))
        in_git = ["--data-dir", str(kept), *args]
        writing.append(Case(f"{label}, git", in_git, after=restore(kept, slug)))
    results |= {k: v for k, v in measure(writing, plnctl, env, runs).items() if "pass" not in k}
    return results


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "plnctl bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "plnctl bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


ORDER = [
    "python -c pass",
    "plnctl --help",
    "checkin, 10 events",
    "checkin, 10 events, git",
    "checkin, 5,000 events",
    "checkin, 5,000 events, git",
    "review, cold",
    "review, warm",
    "list --json",
    "show (300 events)",
]


def table(results: dict[int, dict[str, tuple[float, float, int]]]) -> str:
    sizes = sorted(results)
    head = "| command | " + " | ".join(f"{n:,} ties" for n in sizes) + " |"
    rule = "|---|" + "---|" * len(sizes)
    lines = [head, rule]
    for label in ORDER:
        cells = []
        for n in sizes:
            seconds, ratio, peak = results[n][label]
            if label == "python -c pass":
                cells.append(f"{seconds * 1000:.0f} ms")
            else:
                extra = ""
                if label == "review, cold":
                    extra = f", {seconds * 1000 / n:.2f} ms/tie"
                cells.append(f"{ratio:.1f}x ({seconds * 1000:.0f} ms{extra}; {peak // 1024} MB)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default="100,1000,10000",
        help="network sizes in ties, comma-separated (100000 takes a while)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--generate", nargs=2, metavar=("DIR", "TIES"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--plnctl",
        default=" ".join(THIS_CHECKOUT),
        help="the command to time (default: this checkout's plnctl, from src/)",
    )
    args = parser.parse_args(argv)
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="plnctl-bench-"))
    results: dict[int, dict[str, tuple[float, float, int]]] = {}
    try:
        for n in sizes:
            print(f"{n:,} ties:", file=sys.stderr)
            results[n] = bench_size(work, n, args.runs, args.plnctl.split())
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs; ")
    print("each cell: median time as a multiple of `python -c pass` (ms; peak memory)\n")
    print(table(results))


if __name__ == "__main__":
    main()
