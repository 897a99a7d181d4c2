"""wic: conference agendas and invitations from one TOML file."""

__version__ = "0.1.0"
