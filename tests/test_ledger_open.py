"""Opening a ledger database: two wic at once on one file or server, each older schema
migrated, the settings a ledger is opened with, and what is refused."""

from __future__ import annotations
