"""Make docs/img/checkin.png: the desk's verdict, captured from a real terminal.

    python docs/img/capture_checkin.py

Runs ``wic checkin`` in a tmux pane (90 x 24) on a fresh ledger of the bundled event with
the example guests, scans one accepted guest's badge, captures the pane with its colours
(``tmux capture-pane -e``), draws that text as SVG with Rich and screenshots the SVG with
headless Chromium at its own size. Needs tmux and chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIC = [sys.executable, "-m", "wiccli"]


def token(ledger: Path) -> str:
    from wiccli.cli.state import State
    from wiccli.door import tokens
    from wiccli.invites.store import open_store

    with open_store(State().event(), str(ledger), {}, ledger.parent) as store, \
            store.transaction() as tx:
        entry_id = tx.db.rows("SELECT id FROM entries WHERE status = 'accepted' AND "
                              "category = 'experts' ORDER BY id LIMIT 1")[0][0]
        return tokens.issue(tx.db, [entry_id], datetime.now(UTC))[0].token


def capture(ledger: Path, badge: str) -> str:
    session = "wic-checkin-capture"
    command = " ".join([*WIC, "checkin", "--ledger", str(ledger), "--desk", "north"])
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "90", "-y", "24",
                    f"TERM=xterm-256color {command}"], check=True)
    try:
        time.sleep(3)
        subprocess.run(["tmux", "send-keys", "-t", session, badge, "Enter"], check=True)
        time.sleep(2)
        return subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session],
                              check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def svg(ansi: str) -> str:
    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, width=90, force_terminal=True, color_system="truecolor",
                      file=open("/dev/null", "w"))
    console.print(Text.from_ansi(ansi.rstrip("\n")))
    return console.export_svg(title="wic checkin --desk north")


def png(svg_text: str, out: Path, folder: Path) -> None:
    page = folder / "checkin.svg"
    page.write_text(svg_text, encoding="utf-8")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--window-size={size(svg_text)}",
                    f"--screenshot={out}", page.as_uri()], check=True, capture_output=True)


def size(svg_text: str) -> str:
    """The window the drawing fills exactly (Rich's SVG scales to the window's width)."""
    import math
    import re

    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg_text)
    assert box is not None, "Rich's SVG has no viewBox"
    return f"{math.ceil(float(box[1]))},{math.ceil(float(box[2]))}"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger = Path(folder) / "wic2018.invites.db"
        subprocess.run([*WIC, "invites", "--ledger", str(ledger), "import",
                        str(ROOT / "examples" / "wic2018-guests.csv")], check=True,
                       capture_output=True)
        ansi = capture(ledger, token(ledger))
        png(svg(ansi), ROOT / "docs" / "img" / "checkin.png", Path(folder))
    print("wrote docs/img/checkin.png")


if __name__ == "__main__":
    main()
