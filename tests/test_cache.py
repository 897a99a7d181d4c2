"""The parsed-event cache: used when current, never stale, never hides an error."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from pathlib import Path

import pytest

from conftest import DATA, Runner, write
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


def entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "xdg-cache" / "wic" / "events"
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def info(run: Runner, *args: str, **kwargs: object) -> dict[str, object]:
    result = run(*args, "info", "-f", "json", **kwargs)
    assert result.code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_second_run_answers_from_the_entry(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    first = info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    # Swap the cached event's name: the next run must show it, so it came from the cache.
    with entry.open("rb") as handle:
        key, cached = pickle.load(handle), pickle.load(handle)
    doctored = dataclasses.replace(cached, name="From the cache")
    with entry.open("wb") as handle:
        pickle.dump(key, handle)
        pickle.dump(doctored, handle)
    second = info(run, "-e", str(event))
    assert first["name"] == "Demo Conference"
    assert second["name"] == "From the cache"
    assert second["sessions"] == first["sessions"] == 302


def test_an_edited_file_is_parsed_again(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml", title="Demo Conference")
    assert info(run, "-e", str(event))["name"] == "Demo Conference"
    big_event(event, title="Demo Konferenz!")  # same size, new content
    assert info(run, "-e", str(event))["name"] == "Demo Konferenz!"
    assert len(entries(tmp_path)) == 1


def test_agenda_is_the_same_from_the_cache(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    cold = run("-e", str(event), "agenda", "-f", "json")
    warm = run("-e", str(event), "agenda", "-f", "json")
    plain = run("-e", str(event), "agenda", "-f", "json", environ={"WIC_NO_CACHE": "1"})
    assert cold.code == warm.code == plain.code == 0
    assert cold.stdout == warm.stdout == plain.stdout
    assert len(json.loads(warm.stdout)) == 302


def test_the_file_is_named_as_this_run_names_it(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    assert info(run, "-e", str(event))["file"] == str(event)
    again = info(run, "-e", "big.toml")
    assert again["file"] == "big.toml"
    assert again["source"] == "big.toml"
    assert len(entries(tmp_path)) == 1


def test_a_corrupt_entry_is_ignored_and_rewritten(run: Runner, tmp_path: Path) -> None:
    event = big_event(tmp_path / "big.toml")
    info(run, "-e", str(event))
    [entry] = entries(tmp_path)
    entry.write_bytes(b"\x80\x05not a pickle at all")
    result = run("-e", str(event), "info", "-f", "json")
    assert result.code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["name"] == "Demo Conference"
    with entry.open("rb") as handle:
        assert pickle.load(handle) == cache.file_key(event)


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


def test_entries_are_private(run: Runner, tmp_path: Path) -> None:
    info(run, "-e", str(big_event(tmp_path / "big.toml")))
    [entry] = entries(tmp_path)
    assert entry.stat().st_mode & 0o077 == 0
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]
    assert os.access(entry, os.R_OK)
