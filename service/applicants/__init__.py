"""An applicant's preflight attempts, per tenant and bundle reference (workers/history.py keeps them)."""
