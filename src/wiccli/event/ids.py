"""Stable identifiers for sessions, shared by every export.

The iCalendar UID depends only on the event id and the session id, never on
filters, order or the other sessions, so a calendar app updates a session on
re-import instead of duplicating it. The frab ``guid`` is a UUID version 5 of
that UID, so both formats name a session the same way.
"""

from __future__ import annotations

import uuid

# Our own namespace for guids: uuid5 of the URL namespace and the tool's name.
WIC_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/wic/")


def session_uid(event_id: str, session_id: str) -> str:
    return f"{session_id}@{event_id}.wic"


def session_guid(event_id: str, session_id: str) -> str:
    return str(uuid.uuid5(WIC_NAMESPACE, session_uid(event_id, session_id)))
