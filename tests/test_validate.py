"""wic validate: every error and warning class, with lines; exit codes; the JSON shape."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT, Runner, write
from wiccli.authoring.keys import KeyLocator
from wiccli.event.load import bundled_path

EVERY_ERROR = DATA / "invalid-every-error.toml"
EVERY_WARNING = DATA / "warnings-every-class.toml"


def line_of(path: Path, marker: str) -> int:
    """The 1-based line of the only line in ``path`` containing ``marker``."""
    hits = [n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def test_bundled_event_is_valid_with_warnings(run: Runner) -> None:
    result = run("validate")
    assert result.code == 0, result.stderr
    assert "error:" not in result.stderr
    # Grouped warnings wrap at the width, after the file's path, which may be long.
    said = " ".join(result.stderr.split())
    assert "19 sub-forums have no venue" in said
    assert "24 sessions have a provisional time" in said
    assert result.stderr.rstrip().splitlines()[-1].endswith(
        "valid, 44 warnings (1 venue-overlap, 19 sub-forum-without-venue, 24 provisional)")
    # The summary is data: on stdout.
    assert "Sessions per day (Asia/Shanghai)" in result.stdout
    assert "Thu 8 Nov 2018" in result.stdout
    assert "warning" not in result.stdout


def test_bundled_summary_counts(run: Runner) -> None:
    result = run("validate", "-f", "json")
    summary = json.loads(result.stdout)["summary"]
    assert [d["sessions"] for d in summary["days"]] == [3, 16, 5]
    assert sum(d["sub_forums"] for d in summary["days"]) == 19
    assert {t["id"]: t["sub_forums"] for t in summary["themes"]} == {
        "innovation": 4, "security": 4, "openness": 4, "better-life": 4, "prosperity": 3}


def test_strict_fails_on_warnings(run: Runner) -> None:
    result = run("validate", "--strict", "-f", "json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["strict"] is True
    assert report["errors"] == []


def test_strict_says_the_warnings_fail(run: Runner) -> None:
    counts = "44 warnings (1 venue-overlap, 19 sub-forum-without-venue, 24 provisional)"
    strict = run("validate", "--strict")
    assert strict.code == 1
    assert strict.stderr.splitlines()[-1].endswith(f"wic2018.toml: fails under --strict: {counts}")
    plain = run("validate")
    assert plain.code == 0
    assert plain.stderr.splitlines()[-1].endswith(f"wic2018.toml: valid, {counts}")


def test_all_lists_each_warning_with_its_line(run: Runner) -> None:
    result = run("validate", "--all", str(bundled_path()))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 44
    plenary = line_of(bundled_path(), 'id = "plenary"')
    assert any(f":{plenary + 5}: sessions[1].provisional:" in w for w in warnings)


@pytest.mark.parametrize(("path", "marker", "message"), [
    ("event.colour", "# unknown key", "unknown key"),
    ("themes[1].id", "# duplicate id", "duplicate id 'web'"),
    ("sessions[0].title", "# type: not a string", "expected a string, got an integer"),
    ("sessions[1].theme", "# unknown theme", "no theme with id 'mobile'"),
    ("sessions[2].venue", "# unknown venue", "no venue with id 'hall-z'"),
    ("sessions[3].end", "# end not after start", "is not after the start"),
    ("sessions[4].start", "# outside the event", "is outside the event"),
    ("sessions[5].id", "# bad id", "is not a valid id"),
    ("sessions[5].status", "# bad status", "unknown status 'postponed'"),
])
def test_each_error_class_has_path_and_line(
    run: Runner, path: str, marker: str, message: str
) -> None:
    result = run("validate", str(EVERY_ERROR))
    assert result.code == 1
    assert result.stdout == ""
    line = line_of(EVERY_ERROR, marker)
    expected = f"error: {EVERY_ERROR}:{line}: {path}: "
    hits = [x for x in result.stderr.splitlines() if x.startswith(expected)]
    assert len(hits) == 1, result.stderr
    assert message in hits[0]


def test_every_error_is_reported_at_once(run: Runner) -> None:
    report = json.loads(run("validate", "-f", "json", str(EVERY_ERROR)).stdout)
    assert report["valid"] is False
    assert len(report["errors"]) == 9
    lines = [e["line"] for e in report["errors"]]
    assert lines == sorted(lines)
    assert report["warnings"] == []
    assert report["summary"] is None


def test_syntax_error_names_line_and_column(run: Runner) -> None:
    path = DATA / "invalid-syntax.toml"
    result = run("validate", str(path))
    assert result.code == 1
    line = line_of(path, "never closed")
    assert result.stderr.startswith(f"error: {path}:{line}:")
    report = json.loads(run("validate", "-f", "json", str(path)).stdout)
    (error,) = report["errors"]
    assert error["line"] == line
    assert error["column"] > 1
    assert error["path"] == ""


def test_bad_time_zone(run: Runner) -> None:
    path = DATA / "invalid-timezone.toml"
    result = run("validate", str(path))
    assert result.code == 1
    line = line_of(path, "Europe/Atlantis")
    assert f"error: {path}:{line}: event.timezone: unknown time zone 'Europe/Atlantis'" in (
        result.stderr)


@pytest.mark.parametrize(("code", "path", "marker", "subject"), [
    ("venue-overlap", "sessions[1].venue", "# venue overlap", "'clash'"),
    ("person-overlap", "sessions[2].speakers", "# person overlap", "'ada  lovelace'"),
    ("travel-time", "sessions[6].speakers", "# travel time", "'grace hopper' has 5 min"),
    ("over-capacity", "sessions[6].expected", "# over capacity", "'annex-talk' expects 80"),
    ("theme-without-sub-forum", "themes[1]", 'id = "data"', "theme 'data'"),
    ("sub-forum-without-venue", "sessions[4]", "# sub-forum without a venue", "'web-forum'"),
    ("provisional", "sessions[4].provisional", "# provisional time", "'web-forum'"),
])
def test_each_warning_class(run: Runner, code: str, path: str, marker: str, subject: str) -> None:
    result = run("validate", "-f", "json", str(EVERY_WARNING))
    assert result.code == 0
    report = json.loads(result.stdout)
    hits = [w for w in report["warnings"] if w["code"] == code]
    assert len(hits) == 1, report["warnings"]
    assert hits[0]["path"] == path
    assert subject in hits[0]["message"]
    expected = line_of(EVERY_WARNING, marker)
    # A table's warning points at its header line, one above the marked key.
    assert hits[0]["line"] in (expected, expected - 1)


def test_cancelled_sessions_do_not_clash(run: Runner) -> None:
    report = json.loads(run("validate", "-f", "json", str(EVERY_WARNING)).stdout)
    assert all("cancelled-clash" not in w["message"] for w in report["warnings"])
    assert len(report["warnings"]) == 7


def test_warning_lines_in_table_mode(run: Runner) -> None:
    result = run("validate", str(EVERY_WARNING))
    line = line_of(EVERY_WARNING, "# venue overlap")
    assert f"warning: {EVERY_WARNING}:{line}: sessions[1].venue: 'clash'" in result.stderr
    assert "Sub-forums per theme" in result.stdout
    assert result.stderr.rstrip().endswith("1 provisional)")


def test_json_shape(run: Runner) -> None:
    report = json.loads(run("validate", "-f", "json", str(EVERY_WARNING)).stdout)
    assert set(report) == {"file", "valid", "strict", "errors", "warnings", "summary"}
    assert report["file"] == str(EVERY_WARNING)
    assert report["valid"] is True
    assert all(set(w) == {"code", "path", "line", "message"} for w in report["warnings"])
    assert set(report["summary"]) >= {"event", "sessions", "days", "themes", "venues"}
    assert report["summary"]["cancelled"] == 1


def test_default_file_is_the_one_wic_would_load(run: Runner, tmp_path: Path) -> None:
    shutil.copy(EVERY_ERROR, tmp_path / "wic.toml")
    result = run("validate")
    assert result.code == 1
    assert result.stderr.startswith("error: wic.toml:")
    other = run("validate", environ={"WIC_EVENT": str(EVERY_WARNING)})
    assert other.code == 0
    assert str(EVERY_WARNING) in other.stderr


def test_stdin(run: Runner) -> None:
    result = run("validate", "-", stdin=EVERY_WARNING.read_text())
    assert result.code == 0
    assert "<stdin>: valid, 7 warnings" in result.stderr


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such event file"),
    ("", "is empty"),
])
def test_unreadable_file(run: Runner, tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "event.toml"
    if content is not None:
        write(path, content)
    result = run("validate", str(path))
    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_locator_finds_every_key_of_the_bundled_event() -> None:
    text = bundled_path().read_text()
    locator = KeyLocator(text)
    lines = text.splitlines()
    for index in range(24):
        for key in ("id", "start", "end"):
            line = locator.line(f"sessions[{index}].{key}")
            assert line is not None
            assert lines[line - 1].startswith(f"{key} = ")
    assert lines[locator.line("invitations.categories[3]") - 1] == "[[invitations.categories]]"
    # A missing key points at its table's header.
    assert lines[locator.line("sessions[1].venue") - 1] == "[[sessions]]"


def test_locator_skips_keys_inside_strings_and_arrays() -> None:
    text = (
        '[event]\nnote = """\nid = "not a key"\n"""\nlist = [\n  "a",\n  "b", # c = 1\n]\n'
        "id = 'x'\n"
    )
    locator = KeyLocator(text)
    assert locator.line("event.id") == 9
    assert locator.line("event.list[1]") == 5


def test_example_event_validates(run: Runner) -> None:
    example = ROOT / "examples" / "event.toml"
    if not example.is_file():
        pytest.skip("no example event")
    result = run("validate", str(example))
    assert result.code == 0, result.stderr


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "id": st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
    "title": _TEXT,
    "description": _TEXT,
    "speakers": st.lists(_TEXT, max_size=3),
}), min_size=1, max_size=5), st.booleans())
def test_locator_agrees_with_a_toml_writer(sessions: list[dict[str, object]], multi: bool) -> None:
    import tomli_w

    text = tomli_w.dumps({"event": {"id": "x"}, "sessions": sessions}, multiline_strings=multi)
    lines = text.split("\n")  # TOML ends lines at LF only, not at U+0085 or U+2028
    locator = KeyLocator(text)
    for index, session in enumerate(sessions):
        for key in session:
            line = locator.line(f"sessions[{index}].{key}")
            assert line is not None
            # Tables inside an inline array are not indexed: the array's line is given.
            assert lines[line - 1].startswith((f"{key} = ", "sessions = [")), (key, text)
