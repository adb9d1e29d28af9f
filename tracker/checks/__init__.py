"""Consistency checks: the rules, the findings they produce, and their stored copy.

May import tracker.store (never its write path) and the layers below it."""
