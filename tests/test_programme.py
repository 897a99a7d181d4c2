"""`wic programme`: the PDF booklet, read back with pypdf and Poppler's tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest

from conftest import DATA, Runner, need_font_for, need_program, need_weasyprint

need_weasyprint()
pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")

SMALL = str(DATA / "publish-small.toml")
A4, LETTER = (595, 842), (612, 792)


def read(path: Path) -> tuple[list[str], list[tuple[int, int]]]:
    """Each page's text (whitespace collapsed) and size in points."""
    reader = pypdf.PdfReader(BytesIO(path.read_bytes()))
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in reader.pages]
    return texts, sizes


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wiccli.event.load import bundled_path

    need_font_for(bundled_path().read_text(encoding="utf-8"), "fonts-noto-cjk")  # no warning
    folder = tmp_path_factory.mktemp("programme")
    done = subprocess.run([sys.executable, "-m", "wiccli", "programme", "-o", "wic2018.pdf"],
                          cwd=folder, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert re.match(r"wrote the programme of WIC 2018 \([\d,]+ bytes\) to wic2018.pdf\n$",
                    done.stderr)
    return folder / "wic2018.pdf"


def test_cover_grids_and_every_session(bundled: Path, run: Runner) -> None:
    texts, sizes = read(bundled)
    assert len(texts) >= 6  # cover, three day grids, sessions, themes and venues
    cover = texts[0]
    assert "5th World Internet Conference" in cover
    assert "7 November 2018 – 9 November 2018" in cover
    assert "Creating a Digital World for Mutual Trust" in cover
    assert sizes[0] == A4
    assert [sizes[i] for i in (1, 2, 3)] == [A4[::-1]] * 3  # the grids are on landscape pages
    assert texts[1].startswith("Day 1: Wednesday 7 November 2018")
    assert "Day 2: Thursday 8 November 2018" in texts[2]
    assert f"2 / {len(texts)}" in texts[1]  # page numbers, not on the cover
    assert "1 / " not in cover
    everything = " ".join(texts)
    import json

    for session in json.loads(run("agenda", "-f", "json").stdout):
        assert session["title"] in everything, session["id"]
    assert "Themes" in everything
    assert re.search(r"Forum on big data · page \d+", everything)


def test_a_page_as_png(bundled: Path, tmp_path: Path) -> None:
    pdftoppm = need_program("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "3", "-l", "3", "-singlefile",
                    str(bundled), str(tmp_path / "day2")], check=True)
    png = (tmp_path / "day2.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 20_000


def test_letter_paper_and_same_bytes(run: Runner, tmp_path: Path, bundled: Path) -> None:
    result = run("programme", "-o", "letter.pdf", "--paper", "letter")
    assert result.code == 0, result.stderr
    _, sizes = read(tmp_path / "letter.pdf")
    assert sizes[0] == LETTER
    assert sizes[1] == LETTER[::-1]
    again = run("programme", "-o", "a4.pdf")
    assert again.code == 0, again.stderr
    assert (tmp_path / "a4.pdf").read_bytes() == bundled.read_bytes()


def test_to_stdout(run: Runner) -> None:
    result = run("-e", SMALL, "programme", "-o", "-")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("%PDF-")
    assert result.stderr.endswith("to stdout\n")


def test_chinese_text_in_a_cjk_font(run: Runner, tmp_path: Path) -> None:
    need_font_for("数字经济论坛：合作与共享", "fonts-noto-cjk")
    result = run("-e", SMALL, "programme", "-o", "small.pdf")
    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr
    texts, _ = read(tmp_path / "small.pdf")
    assert "数字经济论坛：合作与共享" in " ".join(texts)
    assert "Keynote: <script>alert(1)</script> & more" in " ".join(texts)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(tmp_path / "small.pdf")], capture_output=True,
                               text=True, check=True).stdout
        assert "CJK" in fonts


def test_missing_cjk_font_is_named(tmp_path: Path) -> None:
    need_program("fc-list", "fontconfig")
    if not Path("/usr/share/fonts/truetype/dejavu").is_dir():
        pytest.skip("DejaVu is not installed (Debian: fonts-dejavu-core; .ci/run installs it)")
    # A font configuration that knows DejaVu only: no font has Chinese characters.
    config = tmp_path / "fonts.conf"
    config.write_text("<?xml version='1.0'?><fontconfig>"
                      "<dir>/usr/share/fonts/truetype/dejavu</dir>"
                      f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    done = subprocess.run([sys.executable, "-m", "wiccli", "-e", SMALL, "programme", "-o",
                           "small.pdf"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "no installed font can draw '数'" in warnings[0]
    assert "install Noto Sans CJK / Noto Serif CJK (Debian: fonts-noto-cjk)" in warnings[0]
    assert (tmp_path / "small.pdf").is_file()


@pytest.mark.parametrize(("args", "code", "message"), [
    (["-o", "folder"], 1, "error: folder: is a folder; give a file name"),
    (["-o", "missing/x.pdf"], 1, "error: missing/x.pdf: cannot write: its folder does not"),
    (["-o", " "], 2, "error: -o/--output: give a file name"),
    (["-o", "x.pdf", "--paper", "a3"], 2, "error: Invalid value for '--paper'"),
    (["-o", "x.pdf", "--tz", "Nowhere/Land"], 2, "error: --tz: unknown time zone"),
])
def test_bad_input_is_one_error_line(run: Runner, tmp_path: Path, args: list[str], code: int,
                                     message: str) -> None:
    need_font_for(Path(SMALL).read_text(encoding="utf-8"), "fonts-noto-cjk")  # no warning
    (tmp_path / "folder").mkdir()
    result = run("-e", SMALL, "programme", *args)
    assert result.code == code
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "xdg-cache") == ["folder"]


def test_venue_parts_keep_every_block(big_event_file: Path) -> None:
    from wiccli.cli.state import State
    from wiccli.env import Env
    from wiccli.event.load import load_event
    from wiccli.publish import pages
    from wiccli.publish.programme import MAX_LANES

    event = load_event(big_event_file)
    site = pages.build(event, State(env=Env()).zone(event.timezone))
    for day in site.days:
        parts = pages.venue_parts(day, MAX_LANES)
        assert len(parts) > 1
        assert [c.venue for p in parts for c in p.grid.columns] == [
            c.venue for c in day.grid.columns]
        placed = {(b.session.id, b.row, b.rows) for p in parts for b in p.grid.blocks}
        assert placed == {(b.session.id, b.row, b.rows) for b in day.grid.blocks}
        for part in parts:
            assert part.grid.lanes <= MAX_LANES or len(part.grid.columns) == 1
            for block in part.grid.blocks:
                column = part.grid.columns[block.column]
                assert column.first_lane <= block.lane < column.first_lane + column.lanes
                assert column.venue == (block.session.venue or "")


@pytest.mark.skipif(not os.environ.get("CI") and not os.environ.get("WIC_SLOW_TESTS"),
                    reason="about 40 s of CPU in WeasyPrint; CI runs it (or WIC_SLOW_TESTS=1)")
def test_programme_of_a_thousand_sessions(big_event_file: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "wiccli", "-e", str(big_event_file),
                           "programme", "-o", "big.pdf", "--paper", "letter"], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=1800)
    assert done.returncode == 0, done.stderr
    texts, sizes = read(tmp_path / "big.pdf")
    assert len(texts) > 100
    grids = [i for i, t in enumerate(texts)
             if re.match(r"Day \d: \w+ \d+ \w+ \d{4} · venues? \d", t)]
    assert len(grids) >= 8  # 12 venues a day do not fit one page: they go on several
    assert all(sizes[i] == LETTER[::-1] for i in grids)
    assert "Day 4: " in texts[grids[-1]]
    # Long titles wrap, Chinese ones between any two characters: compare without spaces.
    everything = re.sub(r"\s+", "", "".join(texts))
    from wiccli.event.load import load_event

    for session in load_event(big_event_file).sessions[::50]:
        assert re.sub(r"\s+", "", session.title) in everything, session.id
