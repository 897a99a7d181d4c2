"""Read a personal selection: session ids, one a line, ``#`` comments allowed."""

from __future__ import annotations

from pathlib import Path

from wiccli.errors import DataError


def read_pick_file(path: Path) -> list[str]:
    from wiccli.event.load import read_text

    try:
        text = read_text(path, what="pick file")
    except DataError as exc:
        if "is empty" in exc.message:
            return []
        raise
    ids = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            ids.append(entry)
    return ids
