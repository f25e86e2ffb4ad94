"""Accounts: login, password change, logout and the current account."""
