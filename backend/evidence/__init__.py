"""Evidence that stands on its own: the contract PDF, its signatures and the evidence bundle."""
