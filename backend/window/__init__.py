"""Cancellation and the window (offline) paths, with their printable forms."""
