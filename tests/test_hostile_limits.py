"""Nesting and size limits: huge or deeply nested input is one clear error, quickly.

Arrays nested 5,000 deep used to reach tomllib's (or ElementTree's) recursion and
end in a RecursionError; a number of 5,000 digits in Python's int-conversion
ValueError; a 55 MB event file took minutes to refuse.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import MINIMAL, refused, schedule_json, schedule_xml

MAX_DEPTH = 64  # docs/errors.md


@pytest.mark.parametrize(("value", "what"), [
    ("[" * 5000 + "]" * 5000, "arrays"),
    ("{a = " * 5000 + "1" + "}" * 5000, "inline tables"),
])
@pytest.mark.parametrize("command", [["agenda"], ["validate"]])
def test_deep_toml_is_refused_before_the_parser_recurses(
    run: Runner, tmp_path: Path, value: str, what: str, command: list[str]
) -> None:
    text = MINIMAL.replace("[[themes]]", f"x = {value}\n\n[[themes]]", 1)
    path = write(tmp_path / "deep.toml", text)
    if command == ["agenda"]:
        err = refused(run("-e", str(path), *command), 1)
    else:  # validate ends with its summary line
        result = run(*command, str(path))
        assert (result.code, result.stdout) == (1, "")
        err = result.stderr
        assert err.endswith("deep.toml: invalid, 1 error\n")
    assert f"nested more than {MAX_DEPTH} levels deep" in err
    assert "deep.toml:9:" in err  # the line of the bracket one level too deep


def test_brackets_inside_strings_and_comments_do_not_count(run: Runner, tmp_path: Path) -> None:
    brackets = "[{" * 200
    text = MINIMAL.replace('name = "The Web"', f'name = "The Web {brackets}" # {brackets}')
    text = text.replace('[[venues]]', f"description = '''{brackets}\n'''\n\n[[venues]]")
    result = run("-e", str(write(tmp_path / "wic.toml", text)), "themes", "-f", "json")
    assert result.code == 0, result.stderr
    assert brackets in result.stdout


def test_nesting_at_the_limit_is_read(run: Runner, tmp_path: Path) -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    path = write(tmp_path / "e.toml", MINIMAL.replace('name = "The Web"',
                                                      f'name = "The Web"\nx = {ok}'))
    err = refused(run("-e", str(path), "agenda"), 1)  # read, then checked: x is unknown
    assert "themes[0].x: unknown key" in err
    deeper = write(tmp_path / "e.toml", MINIMAL.replace('name = "The Web"',
                                                        f'name = "The Web"\nx = [{ok}]'))
    err = refused(run("-e", str(deeper), "agenda"), 1)
    assert f"e.toml:12:{5 + MAX_DEPTH}: arrays and tables are nested more than" in err


def test_a_number_of_thousands_of_digits_names_its_line(run: Runner, tmp_path: Path) -> None:
    text = MINIMAL.replace("[[themes]]", "[[themes]]\nweight = " + "9" * 5000, 1)
    err = refused(run("-e", str(write(tmp_path / "e.toml", text)), "agenda"), 1)
    assert "e.toml:10:10: a number with thousands of digits" in err
    assert "int" not in err.replace("integers", "")


def test_an_oversized_event_file_is_refused_unread(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as stream:  # 55 MB of unknown keys, as in the original report
        stream.write(MINIMAL.encode())
        line = b"unknown_key_000000 = 1\n"
        stream.write(line * (55 * 1024 * 1024 // len(line)))
    began = time.monotonic()
    err = refused(run("-e", str(path), "agenda"), 1)
    assert time.monotonic() - began < 2
    assert err == f"error: {path}: the event file is larger than 16 MB, the most wic reads\n"


def test_an_oversized_event_on_stdin_is_refused(run: Runner) -> None:
    err = refused(run("validate", "-", stdin=MINIMAL + "#" * (16 * 1024 * 1024)), 1)
    assert "larger than 16 MB" in err


def test_an_oversized_csv_is_refused(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "guests.csv"
    path.write_text("name,category,country\n" + "Ann,experts,DE\n" * (17 * 1024 * 1024 // 14))
    err = refused(run("invites", "--ledger", str(tmp_path / "g.toml"), "import", str(path)), 1)
    assert "the CSV file is larger than 16 MB" in err
    assert not (tmp_path / "g.toml").exists()


def test_html_nested_a_thousand_deep_in_an_xml_abstract(run: Runner, tmp_path: Path) -> None:
    deep = "<p>" * 1000 + "x" + "</p>" * 1000
    source = write(tmp_path / "schedule.xml", schedule_xml(abstract=deep))
    err = refused(run("import", str(source), "-o", "out.toml"), 1)
    assert f"nested more than {MAX_DEPTH} levels deep" in err
    assert not (tmp_path / "out.toml").exists()


def test_json_nested_five_thousand_deep(run: Runner, tmp_path: Path) -> None:
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    source = write(tmp_path / "schedule.json", schedule_json(extra=f', "answers": {deep}'))
    err = refused(run("import", str(source), "-o", "out.toml"), 1)
    assert f"nested more than {MAX_DEPTH} levels deep" in err


def test_a_number_of_thousands_of_digits_in_json(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "schedule.json", schedule_json(extra=', "logo": ' + "7" * 5000))
    err = refused(run("import", str(source), "-o", "out.toml"), 1)
    assert "schedule.json:1:" in err
    assert "a number with thousands of digits" in err
    assert "int_max_str_digits" not in err


def test_html_in_a_json_abstract_nested_deep_is_still_text(run: Runner, tmp_path: Path) -> None:
    deep = "<div>" * 1000 + "deep text" + "</div>" * 1000
    source = write(tmp_path / "schedule.json", schedule_json(abstract=deep))
    result = run("import", str(source), "-o", "out.toml")
    assert result.code == 0, result.stderr
    assert "deep text" in (tmp_path / "out.toml").read_text()


def test_the_limits_are_documented_as_enforced() -> None:
    from conftest import ROOT
    from wiccli import limits

    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for what, size in limits.MAX_BYTES.items():
        assert f"| {limits.human_size(size)} |" in page, what
    assert f"| {limits.MAX_DEPTH} levels |" in page
    assert f"| {limits.calendar_range()} |" in page
    assert f"| {limits.MAX_EVENT_DAYS} days |" in page
    assert f"0 to {limits.MAX_SEQUENCE:,}" in page
    assert f"{limits.MAX_SEQUENCE:,}" in readme
    assert f"1 to {limits.MAX_QUANTITY:,}" in page
    assert f"0 to {limits.MAX_STALE_DAYS:,}" in page
    assert f"0 to {limits.MAX_COUNT:,}" in page
    assert "16 MB" in readme
    assert limits.calendar_range() in readme
