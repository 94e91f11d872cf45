"""Memory and time of hostile TOML files: `plnctl list` before and after the limits.

Usage: python bench/bombs.py [--before REF] [--cap-mb 8000] [--timeout 120]

Each file (docs/data-safety.md, "Limits") is put next to one ordinary tie, and a
whole `plnctl list` process reads them: its wall time, peak resident memory
(getrusage through os.wait4) and how it ended. `--before REF` runs the same
command on that commit's code as well (`git archive`), for instance the commit
before the limits; without it, the "before" column is `tomllib.loads` alone on
the file, which is what every cold read of 0.1 did. Each process may use at
most `--cap-mb` of address space and `--timeout` seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _events(count: int) -> str:
    return "".join(
        f'\n[[events]]\nid = "e{i:015x}"\ndate = 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
        f'kind = "read"\nnote = "post {i}, on open pedagogy"\n'
        for i in range(count)
    )


BOMBS: dict[str, Callable[[], str]] = {
    "dotted key, 20,000 parts (40 KB)": lambda: ".".join(["a"] * 20_000) + " = 1\n",
    "dotted key, 30,000 parts (60 KB)": lambda: ".".join(["a"] * 30_000) + " = 1\n",
    "table name, 20,000 parts (40 KB)": lambda: "[" + ".".join(["t"] * 20_000) + "]\n",
    "130,000 tables of 4 parts (2 MB)": lambda: "".join(f"[t{i}.a.b.c]\n" for i in range(130_000)),
    "arrays nested 10,000 deep (20 KB)": lambda: "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "integer of 5,000 digits": lambda: "x = " + "9" * 5_000 + "\n",
    "0x and 20,000 f": lambda: "x = 0x" + "f" * 20_000 + "\n",
    "3,100,000 empty arrays (9 MB)": lambda: "x = [" + ",".join(["[]"] * 3_100_000) + "]\n",
    "a line of 1,000,001 characters": lambda: 'note = "' + "x" * 1_000_001 + '"\n',
    "a tie of 100,000 events (legal, 12 MB)": lambda: _events(100_000),
}


def measure(
    command: list[str], env: dict[str, str], cap_mb: int, timeout: float
) -> tuple[float, int, str]:
    """(wall seconds, peak resident MB, how it ended) of one process."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb << 20, cap_mb << 20))

    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    peak = usage.ru_maxrss // 1024
    if proc.returncode < 0:
        how = f"killed after {timeout:.0f} s" if elapsed >= timeout else "killed"
    elif "MemoryError" in err:
        how = f"MemoryError at the {cap_mb} MB cap, exit {proc.returncode}"
    elif "internal error" in err:
        how = f"crash, exit {proc.returncode}"
    elif "not read: " in err:
        how = "refused, one warning"
    elif "skipped" in err:
        how = "skipped, one warning"
    else:
        how = f"read, exit {proc.returncode}"
    return elapsed, peak, how


def code_at(ref: str, into: Path) -> Path:
    """The `src/` of commit `ref`, unpacked into `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
        check=True,
        capture_output=True,
    ).stdout
    tar = into / "src.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as handle:
        handle.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git commit without the limits, to compare with")
    parser.add_argument("--cap-mb", type=int, default=8000)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="plnctl-bombs-"))
    try:
        before_src = code_at(args.before, work) if args.before else None
        header = "plnctl list, " + (f"at {args.before}" if args.before else "tomllib.loads alone")
        print(f"| file | before ({header}) | after (plnctl list, this checkout) |")
        print("|---|---|---|")
        for label, make in BOMBS.items():
            data = work / "data"
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir(mode=0o700)
            (data / "ann.toml").write_text('name = "Ann"\n')
            bomb = data / "bomb.toml"
            bomb.write_text('name = "Bomb"\n' + make())
            env = {
                **os.environ,
                "PLNCTL_DATA_DIR": str(data),
                "PLNCTL_CACHE_DIR": str(work / "cache"),
                "PLNCTL_TODAY": "2025-06-30",
            }
            cells = []
            for src in (before_src, ROOT / "src"):
                shutil.rmtree(work / "cache", ignore_errors=True)
                if src is None:
                    command = [
                        sys.executable,
                        "-c",
                        "import sys, tomllib; tomllib.loads(open(sys.argv[1]).read())",
                        str(bomb),
                    ]
                    run_env = env
                else:
                    command = [sys.executable, "-m", "plnctl", "list"]
                    run_env = {**env, "PYTHONPATH": str(src)}
                elapsed, peak, how = measure(command, run_env, args.cap_mb, args.timeout)
                cells.append(f"{elapsed:.2f} s, {peak:,} MB: {how}")
            print(f"| {label} | {cells[0]} | {cells[1]} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
