"""Entry point of the frozen app: the shell's main(), imported as a package module."""

import sys

from desktop.__main__ import main

sys.exit(main())
