"""Agency accounts, practitioners and their materials."""
