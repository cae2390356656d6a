"""The check engine: pure measures, checks that compare them with thresholds, and the engine that runs them.

Nothing in this package imports Celery or Redis: the same engine runs in a worker, in the CLI and in benchmarks.
"""

ENGINE_VERSION = "0.1.0"
