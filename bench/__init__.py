"""Benchmarks: speed and memory figures, recorded in bench/results.json by ``make bench``."""
