"""The JSON Schema of ``[invitations.fields]`` and ``[exports.NAME]`` (see schema.py).

The rules a schema cannot state stay with the loader: a profile's columns, sort and
where naming fields that exist, a bound below the other, choices named twice.
"""

from __future__ import annotations

from typing import Any

from wiccli.event import guestfields, profiles

Schema = dict[str, Any]

_STRINGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def _object(properties: Schema, required: list[str], text: str, **extra: Any) -> Schema:
    return {"type": "object", "description": text, "properties": properties,
            "required": required, "additionalProperties": False, **extra}


def field_defs() -> Schema:
    """``$defs`` entries: the fields table and one field."""
    field = _object(
        {
            "type": {"enum": list(guestfields.TYPES), "description": "The field's type."},
            "label": {"type": "string", "maxLength": 80,
                      "description": "What people read (a column's heading)."},
            "choices": {"type": "array", "minItems": 1, "maxItems": guestfields.MAX_CHOICES,
                        "items": {"type": "string", "minLength": 1,
                                  "maxLength": guestfields.MAX_CHOICE},
                        "description": "The values a choice field takes."},
            "min": {"type": "integer", "description": "An integer field's smallest value."},
            "max": {"type": "integer", "description": "An integer field's largest value, "
                    "or a text field's most characters."},
            "private": {"type": "boolean", "description": "Leaves the ledger only through "
                        "an export profile that names it."},
        },
        ["type"], "A guest field.",
    )
    table = {
        "type": "object", "description": "Guest fields: name -> { type, … }.",
        "propertyNames": {"pattern": guestfields.NAME_RE.pattern,
                          "not": {"enum": sorted(guestfields.RESERVED)}},
        "maxProperties": guestfields.MAX_FIELDS,
        "additionalProperties": {"$ref": "#/$defs/guest_field"},
    }
    return {"guest_fields": table, "guest_field": field}


def export_defs() -> Schema:
    """``$defs`` entries: the exports table and one profile."""
    profile = _object(
        {
            "title": {"type": "string", "description": "The heading of a PDF list."},
            "format": {"enum": list(profiles.FORMATS), "description": "csv (the default), "
                       "tsv, json, xlsx or pdf."},
            "columns": {**_STRINGS, "description": "The columns, in order: nothing else "
                        "leaves."},
            "totals": {**_STRINGS, "description": "Count guests per value of these "
                       "instead of listing them."},
            "status": {**_STRINGS, "items": {"enum": list(profiles.GUEST_STATUSES)},
                       "description": "Only guests of these statuses."},
            "category": {**_STRINGS, "description": "Only guests of these categories."},
            "country": {**_STRINGS, "items": {"type": "string",
                                              "pattern": profiles.COUNTRY_RE.pattern},
                        "description": "Only guests of these countries (ISO codes)."},
            "where": {"type": "object", "description": "Only guests whose field has this "
                      "value (or one of these).",
                      "additionalProperties": {"type": ["string", "integer", "boolean",
                                                        "array"]}},
            "sort": {**_STRINGS, "description": "Sort by these columns; -name descends."},
            "redact": {"type": "object", "description": "column -> initials or domain.",
                       "additionalProperties": {"enum": list(profiles.REDACTIONS)}},
        },
        [], "An export profile: `wic invites export --profile NAME`.",
    )
    table = {
        "type": "object", "description": "Export profiles: name -> profile.",
        "propertyNames": {"pattern": profiles.NAME_RE.pattern},
        "maxProperties": profiles.MAX_PROFILES,
        "additionalProperties": {"$ref": "#/$defs/export"},
    }
    return {"exports": table, "export": profile}
