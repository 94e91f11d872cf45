"""The one place that prints: tables and lines for people, JSON documents for scripts.

- `terminal`: whether output is plain, consoles, escaping, and messages on stderr;
- `tables`: review, list, show and shares for people;
- `lines`: the one-line results and reports of commands that change things;
- `jsondoc`: the `--json` documents (docs/json.md is their contract).

Nothing else in plnctl prints (ruff's T20 rule keeps it so).
"""
