"""Celery app, tasks and the check engine of KYC Preflight."""
