"""Signed webhooks (issue #19 item 1): a tenant's endpoints, the events a checked bundle and a finished batch
emit, and their delivery by a Celery task (at least once, retried with backoff, logged per endpoint)."""
