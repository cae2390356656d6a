"""Batches: ingest (multipart or zip, streamed into Redis), status, verdicts, deletion."""
