"""Journalist lists: import and export, validation, dedupe, segments, suppression, privacy."""
