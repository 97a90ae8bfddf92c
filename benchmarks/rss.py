"""Run a module like `python -m`, then add the process's peak RSS to its last JSON line.

Used by the benchmarks so our shell needs no measuring code of its own.
"""

import contextlib
import io
import json
import resource
import runpy
import sys

# Python put this script's folder first on sys.path; there, benchmarks/webapp.py would shadow
# the webapp package.
sys.path.pop(0)
module = sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
captured = io.StringIO()
code = 0
with contextlib.redirect_stdout(captured):
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code or 0
lines = captured.getvalue().strip().splitlines()
marks = json.loads(lines[-1]) if lines else {}
marks["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(marks))
sys.exit(code)
