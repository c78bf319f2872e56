"""Packaging beside pyproject.toml: the top-level ``resources/`` and ``docs/`` folders go
into the wheel as ``placement_desk/resources`` and ``placement_desk/docs`` (pyproject's
package finder cannot map a folder from outside the package). Everything else is in
pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["placement_desk*"]), "placement_desk.resources",
                "placement_desk.docs"],
      package_dir={"placement_desk.resources": "resources", "placement_desk.docs": "docs"})
