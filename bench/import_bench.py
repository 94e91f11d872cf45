"""Time `plnctl import` on generated files, and its peak memory on huge ones.

Usage: python bench/import_bench.py [--sizes 5000,20000,100000] [--skip-huge]

For each size it writes an OPML file of that many feeds and a CSV file of that
many people, and times a dry run and a real import into an empty data
directory (whole processes; peak resident memory through os.wait4). Then,
unless --skip-huge, it feeds plnctl a 50 MB vCard (cards with photos) and a
1,000,000-row CSV and reports what each cost and how it ended. An import must
grow linearly with the entries and never take gigabytes. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
THIS_CHECKOUT = [sys.executable, "-m", "plnctl"]


def write_opml(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><body>\n')
        for folder in range(0, count, 100):
            out.write(f'<outline text="Folder {folder // 100}">\n')
            for i in range(folder, min(folder + 100, count)):
                out.write(
                    f'<outline type="rss" text="Feed number {i}" '
                    f'xmlUrl="https://feeds{i % 97}.example.org/{i}/rss" '
                    f'htmlUrl="https://feeds{i % 97}.example.org/{i}/"/>\n'
                )
            out.write("</outline>\n")
        out.write("</body></opml>\n")


def write_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("First Name,Last Name,E-mail Address,Company,Notes\n")
        for i in range(count):
            out.write(f'Person{i},Lee{i % 1000},p{i}@example.org,Org {i % 50},"note, {i}"\n')


def write_vcard(path: Path, megabytes: int) -> int:
    """Cards with a 20 KB photo each, as phones export them; returns the card count."""
    photo = "".join(f" {'QUJD' * 18}\r\n" for _ in range(270))
    cards = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        while out.tell() < megabytes * 1024 * 1024:
            out.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {cards}\r\nN:{cards};Person;;;\r\n"
                f"EMAIL;TYPE=INTERNET:p{cards}@example.org\r\nNOTE:Met at a talk\\, then again\r\n"
                f"PHOTO;ENCODING=b;TYPE=JPEG:\r\n{photo}END:VCARD\r\n"
            )
            cards += 1
    return cards


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """(seconds, peak RSS in KiB, exit status, last stderr line) of one whole process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), (lines or [""])[-1]


def report(label: str, path: Path, result: tuple[float, int, int, str]) -> None:
    seconds, peak, status, last = result
    size = path.stat().st_size // (1024 * 1024)
    ended = f"exit {status}: {last[:90]}"
    print(f"| {label} | {size} MB | {seconds:.1f} s | {peak // 1024} MB | {ended} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--skip-huge", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="plnctl-import-bench-"))
    env = {**os.environ, "PYTHONPATH": str(SRC), "PLNCTL_TODAY": "2025-06-30"}
    env["PLNCTL_CACHE_DIR"] = str(work / "cache")
    try:
        print("| file | entries | dry run | import | peak memory |")
        print("|---|---|---|---|---|")
        for size in sizes:
            for kind, writer in (("opml", write_opml), ("csv", write_csv)):
                path = work / f"in-{size}.{kind}"
                writer(path, size)
                data = work / f"data-{kind}-{size}"
                dry = run([*THIS_CHECKOUT, "--data-dir", str(data), "import", "-n", str(path)], env)
                real = run([*THIS_CHECKOUT, "--data-dir", str(data), "import", str(path)], env)
                assert dry[2] == 0 and real[2] == 0, (dry, real)
                peak = max(dry[1], real[1]) // 1024
                print(f"| {kind} | {size:,} | {dry[0]:.2f} s | {real[0]:.2f} s | {peak} MB |")
                shutil.rmtree(data)
                path.unlink()
        if args.skip_huge:
            return
        print()
        print("| huge file | size | time | peak memory | how it ended |")
        print("|---|---|---|---|---|")
        vcf = work / "huge.vcf"
        cards = write_vcard(vcf, 50)
        result = run([*THIS_CHECKOUT, "--data-dir", str(work / "v"), "import", "-n", str(vcf)], env)
        report(f"vCard, {cards:,} cards", vcf, result)
        vcf.unlink()
        big = work / "huge.csv"
        write_csv(big, 1_000_000)
        result = run([*THIS_CHECKOUT, "--data-dir", str(work / "c"), "import", "-n", str(big)], env)
        report("CSV, 1,000,000 rows", big, result)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
