"""Messages in the user's terms: what is wrong and where, never Python's own words.

``invalid literal for int() with base 10`` used to reach users from a CSV cell, and
``{"schedule": []}`` was reported as "got an object".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import refused

PYTHON_WORDS = ("invalid literal", "int()", "Errno", "object has no attribute", "NoneType",
                "RecursionError", "ValueError", "KeyError", "TypeError", "sys.set_int")


def plain(err: str) -> str:
    for words in PYTHON_WORDS:
        assert words not in err
    return err


@pytest.mark.parametrize(("document", "message"), [
    ('{"schedule": []}', '"schedule" is an array, not an object'),
    ('{"schedule": "x"}', '"schedule" is a string, not an object'),
    ('{"schedule": null}', '"schedule" is null, not an object'),
    ('{"conference": {}}', 'expected a JSON object with a "schedule" object, got an object '
                           "without one"),
])
def test_the_shape_of_a_schedule_is_named(
    run: Runner, tmp_path: Path, document: str, message: str
) -> None:
    source = write(tmp_path / "schedule.json", document)
    err = plain(refused(run("import", str(source), "-o", "out.toml"), 1))
    assert err == f"error: {source}: not a frab schedule: {message}\n"


@pytest.mark.parametrize("quantity", ["²", "½", "1.5", "x", "١٢"])
def test_a_quantity_cell_is_explained(run: Runner, tmp_path: Path, quantity: str) -> None:
    source = write(tmp_path / "guests.csv", f"name,category,country,quantity\n"
                                            f"Ann,experts,DE,{quantity}\n")
    err = plain(refused(run("invites", "--ledger", "g.toml", "import", str(source)), 1))
    assert f"guests.csv:2: quantity must be a whole number from 1 to 10,000, got {quantity}" \
        in err


@pytest.mark.parametrize("day", ["²", "³", "¹²"])
def test_a_day_is_explained(run: Runner, day: str) -> None:
    err = plain(refused(run("agenda", "--day", day), 2))
    assert err.startswith(f"error: --day: {day!r} is not a date; use YYYY-MM-DD")
