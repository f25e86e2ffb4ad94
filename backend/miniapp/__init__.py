"""The mini-program (/mp/v1): one party per session."""
