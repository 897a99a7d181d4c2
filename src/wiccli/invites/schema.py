"""The ledger's tables, the same for SQLite and PostgreSQL, and how older ones migrate.

``MIGRATIONS[n]`` turns a database of schema version ``n`` into version ``n + 1``;
a new database runs them all from 0. A test builds a database at every earlier
version and opens it with this wic. The backends differ in two spellings only:
byte-wise collation of ids (PostgreSQL's default collation sorts by locale) and
how a row id is generated.
"""

from __future__ import annotations

from wiccli.invites.model import DIRECTIONS, MESSAGE_KINDS, STATUSES


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# Statuses and kinds are checked by the database too: a row no wic would write is refused.
V1 = f"""
CREATE TABLE ledger (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE entries (
    id TEXT {{collate}} PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32),
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    category TEXT NOT NULL CHECK (category <> ''),
    country TEXT NOT NULL CHECK (length(country) = 2),
    status TEXT NOT NULL CHECK (status IN ({_one_of(STATUSES)})),
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    organization TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    note TEXT NOT NULL DEFAULT '',
    email_key TEXT UNIQUE,
    name_key TEXT NOT NULL UNIQUE,
    CHECK ((email = '') = (email_key IS NULL))
);
CREATE INDEX entries_folded_id ON entries (lower(id));
CREATE TABLE history (
    entry_id TEXT {{collate}} NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ({_one_of(STATUSES)})),
    note TEXT NOT NULL DEFAULT '',
    message_id TEXT,
    PRIMARY KEY (entry_id, seq)
);
CREATE TABLE messages (
    id {{row_id}} PRIMARY KEY,
    entry_id TEXT {{collate}} REFERENCES entries (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ({_one_of(DIRECTIONS)})),
    kind TEXT NOT NULL CHECK (kind IN ({_one_of(MESSAGE_KINDS)})),
    message_id TEXT NOT NULL UNIQUE CHECK (message_id <> ''),
    uid TEXT NOT NULL DEFAULT '',
    sequence INTEGER CHECK (sequence >= 0),
    dtstamp TEXT,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_entry ON messages (entry_id, at);
"""

# `wic invites status` sums quantities per category, country and status: from this index
# alone, in its order, without reading or sorting the table.
V2 = """
CREATE INDEX entries_tally ON entries (category, country, status, quantity);
"""

# At most once: each message is recorded as ``attempted`` (with the address it goes to)
# before the server is handed its text, and settled as accepted or refused after its answer.
# A bounce keeps the address that bounced, so a guest is written to again once it changes.
V3 = """
ALTER TABLE messages ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_kind ON messages (kind, entry_id);
"""

# At the door. A guest's badge carries an opaque token; a reprint gives a new one and
# marks the old one replaced, so the door refuses it. Each print is recorded. Each scan at
# a desk is recorded with its own id (made by the desk), so a desk's journal merged twice
# adds its scans once; a person counts once however often scanned.
V4 = """
CREATE TABLE badges (
    token TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
    entry_id TEXT {collate} NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    issued TEXT NOT NULL,
    replaced TEXT
);
CREATE UNIQUE INDEX badges_live ON badges (entry_id) WHERE replaced IS NULL;
CREATE TABLE prints (
    id {row_id} PRIMARY KEY,
    token TEXT NOT NULL REFERENCES badges (token) ON DELETE CASCADE,
    at TEXT NOT NULL,
    layout TEXT NOT NULL DEFAULT ''
);
CREATE TABLE scans (
    id TEXT PRIMARY KEY CHECK (id <> ''),
    at TEXT NOT NULL,
    desk TEXT NOT NULL CHECK (desk <> ''),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    session TEXT NOT NULL DEFAULT '',
    input TEXT NOT NULL DEFAULT '',
    token TEXT,
    entry_id TEXT {collate} REFERENCES entries (id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('admitted', 'refused')),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scans_entry ON scans (entry_id, session, direction, at);
CREATE INDEX scans_at ON scans (at);
"""

# Guest fields the event declares ([invitations.fields]): one row per guest and field that
# has a value. A change of a field is a line of the history that names the field and the
# value it took (NULL for a private field: its value is kept in this table only).
V5 = """
CREATE TABLE fields (
    entry_id TEXT {collate} NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    name TEXT {collate} NOT NULL CHECK (name <> ''),
    value TEXT NOT NULL CHECK (value <> ''),
    PRIMARY KEY (entry_id, name)
);
ALTER TABLE history ADD COLUMN field TEXT CHECK (field <> '');
ALTER TABLE history ADD COLUMN value TEXT;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5)
SCHEMA = len(MIGRATIONS)

SQLITE = {"collate": "", "row_id": "INTEGER"}
POSTGRES = {"collate": 'COLLATE "C"', "row_id": "BIGINT GENERATED ALWAYS AS IDENTITY"}


def statements(version: int, spelling: dict[str, str]) -> list[str]:
    """The statements that migrate a database of schema ``version`` to ``version + 1``."""
    text = MIGRATIONS[version].format(**spelling)
    return [s.strip() for s in text.split(";") if s.strip()]
