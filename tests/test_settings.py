"""`_settings.toml`: every number of the model can be changed, and bad values are refused."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import Cli
from helpers import Ties
from plnctl.settings import Settings, settings_from_dict


def test_a_float_setting_with_a_whole_default_takes_a_fraction() -> None:
    settings = settings_from_dict({"strong_at": 4.5, "due_at": 0.8, "half_life_days": 21.5})
    assert (settings.strong_at, settings.due_at, settings.half_life_days) == (4.5, 0.8, 21.5)


def test_a_whole_number_setting_refuses_a_fraction() -> None:
    with pytest.raises(ValueError, match="'strong_min_days' must be a whole number >= 1"):
        settings_from_dict({"strong_min_days": 2.5})


@pytest.mark.parametrize("field", [f for f in dataclasses.fields(Settings)])
def test_every_setting_can_be_set_to_its_own_default(field: dataclasses.Field[object]) -> None:
    value = getattr(Settings(), field.name)
    if isinstance(value, tuple):
        value = list(value)
    assert getattr(settings_from_dict({field.name: value}), field.name) == getattr(
        Settings(), field.name
    )


def test_a_fractional_threshold_in_the_settings_file_changes_the_status(
    cli: Cli, ties: Ties
) -> None:
    ties.write(
        "ann", events=[("2025-06-28", "comment"), ("2025-06-29", "read"), ("2025-06-30", "comment")]
    )
    # The score is 4.89: strong by default, weak when strong needs 4.9.
    assert '"status": "strong"' in cli.ok("show", "ann", "--json").out
    cli.data_dir.joinpath("_settings.toml").write_text("strong_at = 4.9\n")
    result = cli.ok("show", "ann", "--json")
    assert '"status": "weak"' in result.out
    assert result.err == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'participation_kinds = [["share"]]',
            "'participation_kinds' must be a list of event kinds",
        ),
        ("half_life_days = nan", "'half_life_days' must be a number > 0"),
        ("strong_at = inf", "'strong_at' must be a number > 0"),
        ("weights = {read = -inf}", "weights.read must be a number >= 0"),
        ("weights = {read = nan}", "weights.read must be a number >= 0"),
    ],
)
def test_a_bad_settings_file_is_one_clear_error(cli: Cli, text: str, message: str) -> None:
    cli.ok("add", "Ann")
    settings = cli.data_dir / "_settings.toml"
    settings.write_text(text + "\n")
    result = cli.fails("list")
    assert result.err == f"plnctl: error: {settings}: invalid settings: {message}\n"
    assert result.out == ""
