"""The ledger's message log, on both backends: what is recorded, settled and listed."""

from __future__ import annotations
