"""Listing verification, contracts and the to-do list."""
