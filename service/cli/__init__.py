"""The `preflight` command: serve, api, worker, check (no server) and submit (to a server)."""
