"""The entry point: run the app and turn every failure into one line on stderr."""

from __future__ import annotations

import os
import sys

from plnctl.errors import PlnctlError

INTERNAL_ERROR = 70


def _fail(message: str, code: int) -> None:
    from plnctl.render.terminal import visible

    one_line = visible(" ".join(message.split("\n")), one_line=True)
    print(f"plnctl: error: {one_line}", file=sys.stderr, flush=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run plnctl; user errors exit 1, usage errors 2, and nothing prints a traceback."""
    import gc

    from plnctl.app import app

    # One command makes millions of small objects on a large network and no
    # cycles worth collecting; scanning the growing heap again and again made
    # a 100,000-tie review take 1.7 times as long.
    collecting = gc.isenabled()
    gc.disable()
    try:
        app(args=argv, prog_name="plnctl")
    except PlnctlError as exc:
        _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`plnctl list | head`): not an error worth a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OverflowError:
        # Date arithmetic past year 1 or 9999, e.g. `--for 5000000` or an odd PLNCTL_TODAY.
        _fail(
            "a date is too near year 1 or year 9999 for plnctl to count back or forward "
            "from it; use a nearer one",
            1,
        )
    except OSError as exc:
        _fail(f"{exc.filename or ''} {exc.strerror or exc}".strip(), 1)
    except Exception as exc:
        if os.environ.get("PLNCTL_DEBUG"):
            raise
        _fail(
            f"internal error ({type(exc).__name__}: {exc}); set PLNCTL_DEBUG=1 for details "
            "and please report it",
            INTERNAL_ERROR,
        )
    finally:
        meter = sys.modules.get("plnctl.render.meter")
        if meter is not None:
            meter.close_all()
        if collecting:
            gc.enable()
