"""The city-scale benchmark: `make bench` (see docs/performance.md)."""
