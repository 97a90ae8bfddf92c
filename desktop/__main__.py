"""`python -m desktop`: the developer's commands (see commands.py)."""

import sys

from .commands import main

if __name__ == "__main__":
    sys.exit(main())
