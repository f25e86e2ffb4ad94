"""Events for integrators: the feed (``GET /api/v1/events``) and the jobs that fill it."""
