"""Time a check-in in a data directory kept in git against the same check-in without git.

Usage: python bench/autocommit_bench.py [--sizes 100,1000,10000] [--runs 9]

In a data directory where `plnctl sync init` ran, every change is also a git
commit. For each size this generates one network (bench.generate), copies it
into a plain directory and one kept in git, and takes turns: a check-in on
the 10-event tie and on the 5,000-event tie in each, each file put back after
its run. It prints the medians and their ratio (the target is under 2x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import HEAVY, LIGHT, TODAY, generate

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "plnctl bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "plnctl bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def timed(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def bench_size(ties: int, runs: int, plnctl: list[str]) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="plnctl-autocommit-"))
    try:
        plain, kept = work / "plain", work / "git"
        generate(plain, ties)
        shutil.copytree(plain, kept)
        env = {
            **os.environ,
            **GIT_IDENTITY,
            "PLNCTL_CACHE_DIR": str(work / "cache"),
            "PLNCTL_TODAY": TODAY.isoformat(),
            "NO_COLOR": "1",
        }
        env.pop("PLNCTL_DATA_DIR", None)
        timed([*plnctl, "--data-dir", str(kept), "sync", "init"], env)
        originals = {slug: (plain / f"{slug}.toml").read_bytes() for slug in (LIGHT, HEAVY)}
        times: dict[str, list[float]] = {}
        for _ in range(runs):
            for slug in (LIGHT, HEAVY):
                for label, root in (("plain", plain), ("git", kept)):
                    argv = [*plnctl, "--data-dir", str(root), "checkin", slug, "--note", "bench"]
                    times.setdefault(f"{slug} {label}", []).append(timed(argv, env))
                    (plain / f"{slug}.toml").write_bytes(originals[slug])
            # The copy in git keeps its commits: each run adds one event to a fresh file.
            for slug in (LIGHT, HEAVY):
                (kept / f"{slug}.toml").write_bytes(originals[slug])
                timed([*plnctl, "--data-dir", str(kept), "sync", "init"], env)
        return {key: statistics.median(values) for key, values in times.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="network sizes, in ties")
    parser.add_argument("--runs", type=int, default=9, help="runs per check-in")
    parser.add_argument("--plnctl", default="plnctl", help="the plnctl command to time")
    args = parser.parse_args(argv)
    plnctl = args.plnctl.split()
    print(f"{'ties':>7}  {'tie':<10}  {'plain':>8}  {'in git':>8}  ratio")
    for size in (int(s) for s in args.sizes.split(",")):
        medians = bench_size(size, args.runs, plnctl)
        for slug, label in ((LIGHT, "10 events"), (HEAVY, "5,000 ev.")):
            plain, kept = medians[f"{slug} plain"], medians[f"{slug} git"]
            print(
                f"{size:>7,}  {label:<10}  {plain * 1000:>6.0f}ms  {kept * 1000:>6.0f}ms"
                f"  {kept / plain:.2f}x"
            )


if __name__ == "__main__":
    main()
