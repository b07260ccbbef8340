"""Benchmarks: scripts that measure and print (never timed tests)."""
