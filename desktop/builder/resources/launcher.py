"""Entry point of the frozen app: the shell, with the settings the bundle carries."""

import sys

from desktop.launcher import main

sys.exit(main())
