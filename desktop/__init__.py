"""The native desktop shell: hosts a Flask app on loopback and shows it in a pywebview window."""

import time

# Taken at import, before Flask, pywebview or GTK load: the self-test reports times from here.
STARTED_AT = time.perf_counter()
