"""Run plnctl as `python -m plnctl`."""

from plnctl.cli import main

if __name__ == "__main__":
    main()
