"""Output: tables (one layout for pipes and terminals), formats, progress, atomic files."""
