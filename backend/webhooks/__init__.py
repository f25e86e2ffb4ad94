"""Webhook endpoints (agency admins), the HTTP client that delivers to them (docs/webhooks.md)."""
