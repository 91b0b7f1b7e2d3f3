"""Benchmarks of the deals app: data generator, timed scenarios and conflict-check quality.

Run through `make bench` (throwaway services) or `python -m bench --help` against a database.
"""
