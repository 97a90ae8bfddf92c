"""Entry point of the frozen app: the shell, with the settings the bundle carries."""

import sys

from desktop import earlystart

# Before the shell's own imports: the app process starts on the other core at once (a bundle
# always carries its settings, so only the command line decides; see desktop/launcher.py).
if earlystart.wants_app(sys.argv[1:]):
    earlystart.start_early()

from desktop.launcher import main  # noqa: E402 - after the app process has started

sys.exit(main())
