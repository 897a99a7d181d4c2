"""The event: frozen model, reading and checking the TOML, queries, records, cache."""
