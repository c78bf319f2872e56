"""``python -m placement_desk``: the same as the ``placement-desk`` command."""

import sys

from .cli import main

sys.exit(main())
