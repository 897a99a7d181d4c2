"""What wic writes into a frab schedule for things the format has no field for.

The format has no session status, so the exporter says it in words that apps
show and the importer reads back:

* a cancelled session keeps its slot, its title starts with ``CANCELLED: `` (as
  wic's own agenda shows it), ``do_not_record`` is true in JSON and the XML
  ``<recording>`` opts out, so video pipelines skip it; its ``description``
  says so too;
* a tentative or provisional session says so in its ``description``.

The session's own text goes into ``abstract``; ``description`` holds only these
notes, so the importer can take them back out exactly.
"""

from __future__ import annotations

import re

CANCELLED_PREFIX = "CANCELLED: "
# Titles other tools mark as cancelled: "CANCELLED: x", "[Cancelled] x", "Abgesagt: x".
CANCELLED_TITLE_RE = re.compile(
    r"^\s*[\[(]?\s*(?:cancell?ed|abgesagt|entf[äa]llt)\s*[\])]?\s*[:\-–—]?\s*(?=\S)",
    re.IGNORECASE,
)

NOTE_CANCELLED = "Cancelled: this session will not take place."
NOTE_TENTATIVE = "Tentative: this session is not confirmed yet."
NOTE_PROVISIONAL = "Provisional: the title or time is not from a published source."
STATUS_NOTES = (NOTE_CANCELLED, NOTE_TENTATIVE, NOTE_PROVISIONAL)

# frab needs a room for every event; sessions without a venue go here.
PLACEHOLDER_ROOM = "Venue to be announced"

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"


def acronym(event_id: str) -> str:
    """The schedule's acronym: the event id with ``_`` for ``-``, at least 4 characters.

    The JSON schema's acronym and both schemas' slugs want ``[a-z0-9_]{4,}``.
    :func:`event_id` reads it back, so an id survives export and import.
    """
    return event_id.replace("-", "_").ljust(4, "_")


def event_id(schedule_acronym: str) -> str:
    """The event id an acronym names: the inverse of :func:`acronym`.

    ``my-conf-2020`` (as pretalx writes it) and ``my_conf_2020`` (as wic exports it) are
    both the event ``my-conf-2020``; the padding of a short id is dropped. An id written
    with ``_`` comes back with ``-``: the acronym cannot tell them apart.
    """
    from wiccli.text import slugify

    return slugify(schedule_acronym).replace("_", "-").strip("-")


def session_slug(event_id: str, session_id: str) -> str:
    """``ACRONYM-SESSION``; a short id is padded with leading hyphens (``demo--web``).

    The c3voc slug wants 4 characters after the hyphen; ids never start with a
    hyphen, so the importer strips the padding and gets the id back.
    """
    return f"{acronym(event_id)}-{session_id.rjust(4, '-')}"


def session_id_from_slug(slug: str, schedule_acronym: str) -> str:
    """The part of a slug after the schedule's acronym (the whole slug otherwise)."""
    prefix = f"{schedule_acronym}-"
    if schedule_acronym and slug.startswith(prefix) and slug[len(prefix):].strip("-"):
        return slug[len(prefix):].lstrip("-")
    return slug
