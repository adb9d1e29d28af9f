"""The read side: filters and the queries the dashboard and exports draw from.

Aggregates run in SQL. May import tracker.store (never its write path) and below."""
