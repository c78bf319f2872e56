"""The published example files as text, for the SSDA903 rule tests that read them."""

from tests.services.placements.ssda903.kit import example_files

__all__ = ["example_files"]
