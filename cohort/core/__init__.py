"""Shared pieces: model mixins, time helpers, mail, errors, security headers."""
