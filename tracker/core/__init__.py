"""Foundations every layer may use: domain errors, settings, safe links, text escaping.

Imports nothing else from tracker."""
