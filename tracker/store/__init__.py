"""The store: engine and sessions, the one write path (revisions), bulk loads, upkeep,
history and accounts. May import tracker.extraction, tracker.domain and tracker.core."""
