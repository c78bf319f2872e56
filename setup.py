"""Packaging beside pyproject.toml: the top-level ``resources/`` folder goes into the
wheel as ``placement_desk/resources`` (pyproject's package finder cannot map a folder
from outside the package). Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["placement_desk*"]), "placement_desk.resources"],
      package_dir={"placement_desk.resources": "resources"})
