"""The parsed-event cache: used when current, never stale, never hides an error, and safe
to read whoever wrote its folder (no code runs, nothing followed, nothing waited on)."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import pwd
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, Runner, write
from wiccli.event import cache

SESSION = """
[[sessions]]
id = "talk-{n:04d}"
title = "Talk number {n:04d} on the open web · 开放网络"
kind = "talk"
theme = "web"
venue = "hall-a"
start = 2025-03-29T10:00:00
end = 2025-03-29T11:00:00
description = "{padding}"
"""


def big_event(path: Path, sessions: int = 300, title: str = "Demo Conference") -> Path:
    """minimal.toml with enough sessions to be over the cache's size threshold."""
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Demo Conference"', f'name = "{title}"')
    text += "".join(SESSION.format(n=n, padding="x" * 120) for n in range(sessions))
    write(path, text)
    assert path.stat().st_size > cache.MIN_SIZE
    return path


def folder(tmp_path: Path) -> Path:
    return tmp_path / "xdg-cache" / "wic" / "events"


def entries(tmp_path: Path) -> list[Path]:
    where = folder(tmp_path)
    return sorted(where.glob("*.json")) if where.is_dir() else []


def info(run: Runner, *args: str, **kwargs: object) -> dict[str, object]:
    result = run(*args, "info", "-f", "json", **kwargs)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, object] = json.loads(result.stdout)
    return data


def read(entry: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    """An entry's header and its segments (see event/cache.py)."""
    head, rest = entry.read_bytes().split(b"\n", 1)
    header = json.loads(head)
    return header, [json.loads(rest[offset:offset + length])
                    for offset, length, _, _ in header["segments"]]


def rewrite(entry: Path, header: dict[str, Any], segments: list[list[Any]]) -> None:
    """The entry with this header and these segments (their places recomputed)."""
    blobs = [json.dumps(s).encode() for s in segments]
    offsets = [sum(map(len, blobs[:i])) for i in range(len(blobs))]
    header["segments"] = [[o, len(b), *old[2:]] for o, b, old in
                          zip(offsets, blobs, header["segments"], strict=True)]
    entry.write_bytes(json.dumps(header).encode() + b"\n" + b"".join(blobs))


def doctor(entry: Path, name: str = "From the cache") -> None:
    """Change the event's name in the entry: a run that shows it answered from it."""
    header, segments = read(entry)
    header["event"]["event"][1] = name
    rewrite(entry, header, segments)


def test_second_run_answers_from_the_entry(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    first = info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    doctor(entry)
    second = info(run, "-e", str(event))
    assert first["name"] == "Demo Conference"
    assert second["name"] == "From the cache"
    assert second["sessions"] == first["sessions"] == 302


def test_an_edit_in_the_same_second_with_the_same_size_is_seen(run: Runner,
                                                               tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml", title="Demo Conference")
    assert info(run, "-e", str(event))["name"] == "Demo Conference"
    before = event.stat()
    big_event(event, title="Demo Konferenz!")  # same size, new content ...
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the same time
    assert event.stat().st_size == before.st_size
    assert info(run, "-e", str(event))["name"] == "Demo Konferenz!"


def test_agenda_is_the_same_from_the_cache(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    cold = run("-e", str(event), "agenda", "-f", "json")
    warm = run("-e", str(event), "agenda", "-f", "json")
    plain = run("-e", str(event), "agenda", "-f", "json", environ={"WIC_NO_CACHE": "1"})
    assert cold.code == warm.code == plain.code == 0
    assert cold.stdout == warm.stdout == plain.stdout
    assert len(json.loads(warm.stdout)) == 302


def test_the_cached_event_is_the_parsed_event(tmp_path: Path) -> None:
    from wiccli.event.load import load_event

    for path in (ROOT / "data" / "wic2018.toml", DATA / "frab-event.toml",
                 big_event(tmp_path / "big.toml")):
        if not path.exists():
            continue
        event = dataclasses.replace(load_event(path), source="")
        back = cache.decode(json.loads(json.dumps(cache.encode(event))))
        assert repr(back) == repr(event)  # every value, and each time's offset


def test_a_day_reads_only_the_segments_that_can_overlap_it(
        run: Runner, tmp_path: Path, big_event_file: Path) -> None:
    """`agenda --day` answers from the day's segment (and the one of sessions crossing
    midnight) without reading the other days: a damaged other day is not noticed, while
    a view of every day finds it, and parses the file again."""
    event = ["-e", str(big_event_file)]
    plain = run(*event, "agenda", "--day", "1", "-f", "json", environ={"WIC_NO_CACHE": "1"})
    assert run(*event, "info").code == 0
    [entry] = entries(tmp_path)
    header, segments = read(entry)
    assert len(segments) == 5  # four days, then the sessions that cross midnight
    first = segments[0][0]
    first[1] = "Seen from the cache"
    segments[2] = [["not a session"]]  # day 3 cannot be read any more
    rewrite(entry, header, segments)
    day = run(*event, "agenda", "--day", "1", "-f", "json")
    assert day.code == 0, day.stderr
    shown = {r["id"]: r for r in json.loads(day.stdout)}
    assert shown[first[0]]["title"] == "Seen from the cache"
    shown[first[0]]["title"] = next(r for r in json.loads(plain.stdout)
                                    if r["id"] == first[0])["title"]
    assert list(shown.values()) == json.loads(plain.stdout)
    every = run(*event, "agenda", "-f", "json")
    assert "Seen from the cache" not in every.stdout  # a miss: the file was parsed again
    again = run(*event, "agenda", "-f", "json", environ={"WIC_NO_CACHE": "1"})
    assert every.stdout == again.stdout


LISTED_DAYS = "".join(f"""
[[days]]
date = 2018-11-{7 + n:02d}
start = 2018-11-{7 + n:02d}T{start}
end = 2018-11-{8 + n:02d}T{end}
""" for n, (start, end) in enumerate([("07:00:00", "02:00:00"), ("08:30:00", "01:00:00"),
                                      ("07:00:00", "03:00:00"), ("06:00:00", "04:00:00")]))


def days_past_midnight(source: Path, target: Path, how: str) -> Path:
    """``source`` with days that end after midnight: by a rule, or listed with gaps."""
    text = source.read_text(encoding="utf-8")
    if how == "day_starts":
        text = text.replace("[event]\n", '[event]\nday_starts = "04:00"\n', 1)
    elif how == "listed":
        at = text.index("[[themes]]")
        text = text[:at] + LISTED_DAYS.lstrip() + "\n" + text[at:]
    write(target, text)
    return target


@pytest.mark.parametrize("days", ["calendar", "day_starts", "listed"])
@pytest.mark.parametrize("tz", [None, "Asia/Tokyo", "America/Los_Angeles",
                                "Pacific/Kiritimati"])
def test_a_day_in_any_zone_is_the_same_from_the_cache(
        run: Runner, tmp_path: Path, big_event_file: Path, tz: str | None,
        days: str) -> None:
    """The segments read for a day hold every session event/days.py puts on it: a night
    talk on its evening, a moment between listed days on the day before."""
    path = days_past_midnight(big_event_file, tmp_path / "days.toml", days)
    event = ["-e", str(path)]
    assert run(*event, "info").code == 0
    zone = [] if tz is None else ["--tz", tz]
    for day in ("1", "2", "4"):
        for fmt in ("json", "table"):
            argv = [*event, "agenda", "--day", day, *zone, "-f", fmt]
            warm, plain = run(*argv), run(*argv, environ={"WIC_NO_CACHE": "1"})
            assert warm.code == 0, warm.stderr
            assert (warm.stdout, warm.stderr) == (plain.stdout, plain.stderr), argv


def test_the_file_is_named_as_this_run_names_it(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    assert info(run, "-e", str(event))["file"] == str(event)
    again = info(run, "-e", "big.toml")
    assert again["file"] == "big.toml"
    assert again["source"] == "big.toml"
    assert len(entries(tmp_path)) == 1


def _truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:1000])


def _wrong_type(entry: Path) -> None:
    header, segments = read(entry)
    segments[0][0][13] = "one"  # a sequence number that is text
    rewrite(entry, header, segments)


def _missing_field(entry: Path) -> None:
    header, segments = read(entry)
    del segments[0][5][-2]
    rewrite(entry, header, segments)


def _other_key(entry: Path) -> None:
    header, segments = read(entry)
    header["key"] = "0" * 64
    rewrite(entry, header, segments)


def _lost_session(entry: Path) -> None:
    header, segments = read(entry)
    del segments[-1][-1]  # the places left are not every session's
    rewrite(entry, header, segments)


def _moved_segment(entry: Path) -> None:
    header, segments = read(entry)
    header["segments"][0][0] += 1  # no longer where its JSON starts
    entry.write_bytes(json.dumps(header).encode() + b"\n"
                      + b"".join(json.dumps(s).encode() for s in segments))


def _deep(entry: Path) -> None:
    entry.write_bytes(b"[" * 100_000 + b"]" * 100_000)


@pytest.mark.parametrize("damage", [
    lambda e: e.write_bytes(b"\x80\x05not json at all"), _truncated, _wrong_type,
    _missing_field, _other_key, _lost_session, _moved_segment, _deep,
    lambda e: e.write_bytes(b'{"key": 1, "event": []}'),
    lambda e: e.write_text('{"key": "x"}', encoding="utf-8"),
])
def test_a_wrong_entry_is_a_miss_and_is_rewritten(run: Runner, tmp_path: Path,
                                                  damage: object) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    good = entry.read_bytes()
    damage(entry)  # type: ignore[operator]
    result = run("-e", str(event), "info", "-f", "json")
    assert (result.code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["name"] == "Demo Conference"
    assert entry.read_bytes() == good


def test_an_entry_never_runs_code(run: Runner, tmp_path: Path) -> None:
    """A pickle planted where an entry is (as the old cache read them): nothing runs."""
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(pickle.dumps(Payload()) + pickle.dumps(Payload()))
    assert info(run, "-e", str(event))["name"] == "Demo Conference"
    assert not marker.exists()


def test_a_link_or_a_fifo_planted_as_an_entry_is_a_miss(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    doctored = tmp_path / "elsewhere.json"
    entry.rename(doctored)
    doctor(doctored)
    entry.symlink_to(doctored)
    assert info(run, "-e", str(event))["name"] == "Demo Conference"
    assert not entry.is_symlink()  # replaced by a real entry, the link's target untouched
    assert read(doctored)[0]["event"]["event"][1] == "From the cache"
    entry.unlink()
    os.mkfifo(entry)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "xdg-cache"), PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-m", "wiccli", "-e", str(event), "info", "-f",
                           "json"], capture_output=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Demo Conference"


def test_a_folder_others_may_write_is_not_used(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    doctor(entry)
    os.chmod(folder(tmp_path), 0o777)
    assert info(run, "-e", str(event))["name"] == "Demo Conference"
    os.chmod(folder(tmp_path), 0o700)
    assert info(run, "-e", str(event))["name"] == "From the cache"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving the folder to another user needs root")
def test_a_folder_of_another_user_is_not_used(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    doctor(entry)
    os.chown(folder(tmp_path), pwd.getpwnam("nobody").pw_uid, -1)
    assert info(run, "-e", str(event))["name"] == "Demo Conference"


def test_an_invalid_file_is_never_cached(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    event.write_text(event.read_text(encoding="utf-8").replace(
        'kind = "talk"', 'kind = "Talk!"', 1), encoding="utf-8")
    for _ in range(2):
        result = run("-e", str(event), "agenda")
        assert result.code == 1
        assert result.stdout == ""
        assert "sessions[2].kind" in result.stderr
    assert entries(tmp_path) == []


def test_no_cache_variable_and_small_files_write_nothing(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event), environ={"WIC_NO_CACHE": "1"})
    info(run, "-e", str(DATA / "minimal.toml"))
    info(run)  # the bundled event is small too
    assert entries(tmp_path) == []


def test_an_unwritable_cache_folder_is_not_an_error(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = write(tmp_path / "not-a-folder", "a file where the cache folder would be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    event = big_event(tmp_path / "big.toml")
    for _ in range(2):
        result = run("-e", str(event), "info", "-f", "json")
        assert result.code == 0
        assert result.stderr == ""


def test_entries_and_folders_are_private_and_few(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert folder(tmp_path).stat().st_mode & 0o777 == 0o700
    assert folder(tmp_path).parent.stat().st_mode & 0o777 == 0o700
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]
    for n in range(cache.KEEP + 3):
        info(run, "-e", str(big_event(event, title=f"Edition {n:02d}")))
    assert len(entries(tmp_path)) == cache.KEEP


def test_every_module_the_loader_runs_keys_the_cache() -> None:
    """An edited rule (a limit, what a mail header may hold) never answers from an entry
    the old rule checked: each module the loader imports is hashed into the key."""
    from test_architecture import graph

    edges, seen, todo = graph(), set(), ["wiccli.event.load", "wiccli.event.check"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(edges.get(module, ()))
    files = {m.removeprefix("wiccli.").replace(".", "/") + ".py" for m in seen}
    assert files - set(cache.CODE) == set()
