"""What the frozen executables run: the ``placement-desk`` command (the package's
``__main__`` uses a relative import, which a top-level script cannot)."""

import sys

from placement_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
