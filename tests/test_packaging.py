"""The wheel carries what wic reads at run time: the bundled event and the default
message and letter templates (a source checkout would hide their absence)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT
from wiccli.mail.templating import DEFAULTS, default_files


def test_the_wheel_ships_the_bundled_event_and_the_default_templates(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(tmp_path), str(ROOT)], capture_output=True, text=True,
                          check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("wic-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "wiccli/data/wic2018.toml" in names
    assert "wiccli/invites/m49.csv" in names  # the UN M49 regions of `invites report`
    templates = {f"wiccli/mail/templates/{p.relative_to(DEFAULTS).as_posix()}"
                 for p in default_files()}
    assert {"wiccli/mail/templates/invitation.txt", "wiccli/mail/templates/letter.html",
            "wiccli/mail/templates/visa.html", "wiccli/mail/templates/letter.css"} <= templates
    assert templates <= names
