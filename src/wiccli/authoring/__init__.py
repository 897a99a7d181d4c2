"""Keeping the event file right: validate, lint, schema, scaffold, diff, announce."""
