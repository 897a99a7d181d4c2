"""The guest ledger: model, reading and checking, storing, CSV import, summary, countries."""
