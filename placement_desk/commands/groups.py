"""The ``import`` and ``export`` command groups; each area adds its kinds to them."""

from __future__ import annotations

from .registry import command_group

import_kind = command_group("import", "import files: Ofsted's published data, and more")
export_kind = command_group("export", "export data to spreadsheets")
