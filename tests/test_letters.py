"""PDF letters: drawn by WeasyPrint, read back with pypdf (text, pages, the fonts used)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import DATA, Runner, need_font_for, need_program, need_weasyprint, write
from wiccli.errors import DataError
from wiccli.event.load import load_event
from wiccli.event.model import Event
from wiccli.invites.model import Invitation
from wiccli.mail.letters import (
    Printer,
    addressees,
    check_fonts,
    file_names,
    make_letters,
    write_invitation_letters,
    write_letters,
)
from wiccli.mail.outbox import composer
from wiccli.mail.templating import DEFAULTS

pypdf = pytest.importorskip("pypdf")
need_weasyprint()
NOW = datetime(2025, 2, 1, tzinfo=UTC)
SENDER = """
[invitations.organizer]
name = "Demo Programme Team"
email = "team@example.org"
"""


@pytest.fixture
def event(tmp_path: Path) -> Event:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8") + SENDER
    return load_event(write(tmp_path / "event.toml", text))


def guest(entry_id: str, name: str, organization: str = "") -> Invitation:
    return Invitation(entry_id, name, "speakers", "CN", "invited", NOW, NOW,
                      organization=organization, email=f"{entry_id}@example.org")


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def fonts_of(path: Path) -> set[str]:
    found = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]))
    return found


def test_one_letter_per_guest_with_a_chinese_name_drawn_in_a_cjk_font(
        event: Event, tmp_path: Path) -> None:
    need_font_for("任贤良中国网络空间研究院", "fonts-noto-cjk")
    guests = [guest("zh0001", "任贤良 Ren Xianliang", "中国网络空间研究院"),
              guest("en0002", "Ada Lovelace", "Analytical Engines")]
    letters = make_letters(composer(event, date(2025, 2, 1)), guests, visa=False)
    check_fonts(letters)
    written = write_letters(Printer(DEFAULTS), letters, tmp_path / "letters")
    assert [p.name for p in written] == ["zh0001-ren-xianliang.pdf", "en0002-ada-lovelace.pdf"]
    assert [len(pypdf.PdfReader(p).pages) for p in written] == [1, 1]
    chinese = text_of(written[0])
    assert "任贤良 Ren Xianliang" in chinese
    assert "中国网络空间研究院" in chinese
    assert "Demo Conference" in chinese
    assert "29–30 March 2025" in chinese
    assert any("CJK" in name for name in fonts_of(written[0])), fonts_of(written[0])
    assert "Ada Lovelace" in text_of(written[1])
    assert not any("CJK" in name for name in fonts_of(written[1]))


def test_the_visa_letter_leaves_room_for_passport_details(event: Event, tmp_path: Path) -> None:
    letters = make_letters(composer(event, date(2025, 2, 1)), [guest("v1", "Ada Lovelace")],
                           visa=True)
    [path] = write_letters(Printer(DEFAULTS), letters, tmp_path)
    text = text_of(path)
    assert "Letter of invitation for a visa application" in text
    for label in ("Passport number", "Date of birth", "Nationality"):
        assert label in text


def test_combined_letters_are_one_pdf_with_a_page_each(event: Event, tmp_path: Path) -> None:
    guests = [guest(f"g{n}", f"Guest Number {n}") for n in range(3)]
    letters = make_letters(composer(event, date(2025, 2, 1)), guests, visa=False)
    data = Printer(DEFAULTS).combined(letters)
    path = write(tmp_path / "all.pdf", "")
    path.write_bytes(data)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 3
    assert [("Dear Guest Number " + str(n)) in reader.pages[n].extract_text()
            for n in range(3)] == [True, True, True]


def test_a_name_no_font_can_draw_is_an_error_naming_the_font_to_install(event: Event) -> None:
    from wiccli.output.fonts import uncovered

    need_program("fc-list", "fontconfig")
    if not uncovered("\U00013000"):
        pytest.skip("a font for Egyptian hieroglyphs is installed: no character is missing")
    letters = make_letters(composer(event, date(2025, 2, 1)),
                           [guest("ok1", "Ada"), guest("hg1", "Scribe \U00013000")], visa=False)
    with pytest.raises(DataError) as caught:
        check_fonts(letters)
    assert str(caught.value) == (
        "no installed font can draw '\U00013000' (U+13000, egyptian hieroglyph a001) in hg1 "
        "(Scribe \U00013000); install Noto Sans Egyptian Hieroglyphs (Debian: fonts-noto-extra)")


def test_file_names_are_safe_and_distinct(event: Event) -> None:
    letters = make_letters(composer(event, date(2025, 2, 1)),
                           [guest("a1", "../../etc/passwd"), guest("CON", ""),
                            guest("b2", "张伟")], visa=False)
    assert file_names(letters) == ["a1-_etc_passwd.pdf", "con_.pdf", "b2.pdf"]


@pytest.mark.parametrize(("value", "said"), [
    ("", "the value is empty; use YYYY-MM-DD"),
    ("  ", "the value is empty; use YYYY-MM-DD"),
    ("２０１８-０９-２０", "'２０１８-０９-２０' is not a date (YYYY-MM-DD)"),
    ("3000-01-01", "3000-01-01 is outside the dates wic supports (1900-01-01 to 2999-12-31)"),
])
def test_the_date_option_is_read_like_every_other_date(run: Runner, value: str,
                                                       said: str) -> None:
    result = run("invites", "letters", "--date", value)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == f"error: --date: {said}\n"


def test_letters_is_one_call_that_reports_what_it_wrote(event: Event, tmp_path: Path) -> None:
    guests = [guest("en0001", "Ada Lovelace"), guest("en0002", "Grace Hopper")]
    steps: list[tuple[int, str]] = []

    @contextmanager
    def progress(total: int, what: str) -> Iterator[Callable[[int], None]]:
        yield lambda done: steps.append((done, f"{what} of {total}"))

    each = write_invitation_letters(event, guests, day=date(2025, 2, 1), visa=False,
                                    combine=False, folder=tmp_path / "each", shown="each",
                                    progress=progress)
    assert (each.letters, each.combined) == (2, False)
    assert [p.name for p in each.files] == ["en0001-ada-lovelace.pdf", "en0002-grace-hopper.pdf"]
    assert steps == [(1, "drawing letters of 2"), (2, "drawing letters of 2")]
    one = write_invitation_letters(event, guests, day=date(2025, 2, 1), visa=True,
                                   combine=True, folder=tmp_path / "one", shown="one")
    assert (one.files, one.letters) == ((tmp_path / "one" / "visa-letters.pdf",), 2)
    assert len(pypdf.PdfReader(one.files[0]).pages) == 2


def test_only_an_asked_for_withdrawn_invitation_gets_a_letter() -> None:
    gone = replace(guest("wd0001", "Withdrawn Guest"), status="withdrawn")
    kept = guest("en0001", "Ada Lovelace")
    assert addressees([gone, kept], frozenset()) == [kept]
    assert addressees([gone, kept], {"withdrawn"}) == [gone, kept]
    with pytest.raises(DataError, match="no invitation matches"):
        addressees([gone], {"invited"})
