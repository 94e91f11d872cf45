"""DATE arguments (YYYY-MM-DD, today, yesterday, Nd and Nw) and the rules for dates typed."""

from __future__ import annotations

import datetime as dt
import re

from plnctl.errors import InvalidValueError

DATE_HELP = "YYYY-MM-DD, today, yesterday, Nd or Nw (N days or weeks ago)"
_RELATIVE = re.compile(r"^([0-9]{1,5})([dw])$")


def parse_date(text: str, today: dt.date, *, option: str = "date") -> dt.date:
    """Turn a DATE argument into a date, relative to `today`."""
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    match = _RELATIVE.match(value)
    if match:
        n = int(match.group(1))
        days = n * 7 if match.group(2) == "w" else n
        try:
            return today - dt.timedelta(days=days)
        except OverflowError:
            pass
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidValueError(
                f"invalid {option} {text!r}: {no_such_day(value)}; use {DATE_HELP}"
            ) from None
    raise InvalidValueError(f"invalid {option} {text!r}: use {DATE_HELP}")


def no_such_day(value: str) -> str:
    """Why a YYYY-MM-DD that looks like a date is not one: `February has no 30th`."""
    import calendar

    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    last = calendar.monthrange(max(year, 1), month)[1]
    name = calendar.month_name[month]
    if day == 0 or day > 31:
        return f"there is no day {day} in a month"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    if year == 0:
        return "there is no year 0"
    return f"{name} {year} has no {day}{suffix} (it has {last} days)"


def not_in_future(day: dt.date, today: dt.date, *, what: str) -> dt.date:
    if day > today:
        raise InvalidValueError(
            f"{what} is dated {day.isoformat()}, after today ({today.isoformat()}): "
            "only past and present events can be logged"
        )
    return day


MAX_SNOOZE_DAYS = 3650


def snooze_date(
    today: dt.date, *, until: str | None = None, for_days: int | None = None
) -> dt.date:
    """The day a snooze ends, from --until DATE or --for DAYS; it must be after today."""
    if until is not None:
        text = until.strip().lower()
        if text == "tomorrow":
            day = today + dt.timedelta(days=1)
        else:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise InvalidValueError(
                    f"invalid --until {until!r}: use YYYY-MM-DD or tomorrow"
                ) from None
    elif for_days is not None:
        if not 1 <= for_days <= MAX_SNOOZE_DAYS:
            raise InvalidValueError(f"--for must be between 1 and {MAX_SNOOZE_DAYS} days")
        day = today + dt.timedelta(days=for_days)
    else:
        raise InvalidValueError("say how long: --until DATE, --for DAYS, or --off")
    if day <= today:
        raise InvalidValueError(
            f"--until {day.isoformat()} is not after today ({today.isoformat()}): "
            "a snooze must end in the future"
        )
    if (day - today).days > MAX_SNOOZE_DAYS:
        raise InvalidValueError(
            f"a snooze can last at most {MAX_SNOOZE_DAYS} days; to drop a tie for good, "
            "`plnctl archive` it"
        )
    return day


FUTURE_HELP = "YYYY-MM-DD, today, tomorrow, +Nd or +Nw (N days or weeks from today)"
_AHEAD = re.compile(r"^\+([0-9]{1,5})([dw])$")


def parse_future_date(text: str, today: dt.date, *, option: str = "date") -> dt.date:
    """A day written as YYYY-MM-DD, today, tomorrow, +Nd or +Nw (whether it is in the
    past is for the caller to judge: a goal's `--until` must not be)."""
    value = text.strip().lower()
    day: dt.date | None = None
    if value == "today":
        day = today
    elif value == "tomorrow":
        day = today + dt.timedelta(days=1)
    elif match := _AHEAD.match(value):
        n = int(match.group(1))
        try:
            day = today + dt.timedelta(days=n * 7 if match.group(2) == "w" else n)
        except OverflowError:
            day = None
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise InvalidValueError(f"invalid {option} {text!r}: use {FUTURE_HELP}")
    return day
