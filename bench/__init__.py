"""Benchmarks on PostgreSQL: ``make bench`` (``python -m bench.run``). Not part of ``make test``."""
