"""The agent's web console (从业人员网签): pages served here, every action through /api/v1."""
