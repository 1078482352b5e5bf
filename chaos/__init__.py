"""Fault injection against a running jiuzhu: `make chaos` (python -m chaos) and tests/integration/test_faults.py."""
