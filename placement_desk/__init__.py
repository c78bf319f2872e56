"""Placement Desk: commissioning children's placements for English councils."""

__version__ = "0.1.0"
APP_NAME = "Placement Desk"
APP_ID = "placement-desk"
