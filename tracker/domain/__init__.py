"""The model: SQLModel tables, validated input schemas, vocabularies and their lookups.

May import tracker.core only."""
