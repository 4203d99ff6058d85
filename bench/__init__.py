"""Benchmarks (bash bench/run); not part of the test suite."""
