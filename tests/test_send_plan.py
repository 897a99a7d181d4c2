"""The plan of a sending run: who gets what, and who is skipped and why."""

from __future__ import annotations
