"""The KYC Preflight HTTP API (Litestar) and the `preflight` command line."""
