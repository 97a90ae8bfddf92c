"""The first app process of a launch, forked on Linux: it must behave like a spawned one to the shell."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the app process is forked on Linux only")

# Run in a fresh interpreter: forking pytest (threads of earlier tests, its own state) tests nothing
# a launch does, where the fork happens in a process that has done nothing yet.
SCRIPT = textwrap.dedent("""
    import json, os, signal, subprocess, sys
    from desktop.forkedprocess import can_fork, fork_app_process

    def child():
        line = os.read(0, 100)
        os.write(1, b"echo " + line)
        os.write(2, b"to the log\\n")
        if line.startswith(b"hang"):
            os.read(0, 100)  # until the window process goes
            return 5
        return 3

    results = {"can_fork": can_fork()}
    first = fork_app_process(child, "HANDOVER_FD", 7)
    first.stdin.write(b"hello\\n"); first.stdin.flush()
    results["stdout"] = first.stdout.read().decode()
    results["stderr"] = first.stderr.read().decode()
    results["code"] = first.wait(30)

    second = fork_app_process(child, "HANDOVER_FD", 7)
    second.stdin.write(b"hang\\n"); second.stdin.flush()
    second.stdout.readline()
    try:
        second.wait(0.2)
    except subprocess.TimeoutExpired:
        results["timed_out"] = True
    results["running"] = second.poll()
    second.kill()
    results["killed"] = second.wait(30)
    second.kill()  # a second kill of a reaped child is a no-op, as with Popen

    third = fork_app_process(child, "HANDOVER_FD", 7)
    third.stdin.write(b"hang\\n"); third.stdin.flush()
    third.stdout.readline()
    third.stdin.close()  # the window process's end closing is the app process's EOF
    results["after_eof"] = third.wait(30)
    print(json.dumps(results))
""")


def test_a_forked_app_process_talks_waits_and_dies_like_a_spawned_one(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results == {
        "can_fork": True, "stdout": "echo hello\n", "stderr": "to the log\n", "code": 3,
        "timed_out": True, "running": None, "killed": -9, "after_eof": 5,
    }


def test_an_app_process_that_raises_says_why_on_its_stderr_and_exits_1():
    script = textwrap.dedent("""
        from desktop.forkedprocess import fork_app_process

        def child():
            raise RuntimeError("the app's import failed")

        process = fork_app_process(child, "HANDOVER_FD", 7)
        print(process.wait(30), process.stderr.read().decode().strip().splitlines()[-1])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "1 RuntimeError: the app's import failed"


def test_the_modules_both_processes_import_are_loaded_once_before_the_fork_and_start_no_thread():
    """Imported by the window process, shared with the app process (memory, issue 16): they must
    leave the process as safe to fork as it was, and be the standard library's own."""
    script = textwrap.dedent("""
        import json, os, sys
        from desktop.forkedprocess import SHARED_MODULES, can_fork, fork_app_process, import_shared_modules

        import_shared_modules()
        still_safe = can_fork()

        def child():
            os.write(1, json.dumps([name for name in SHARED_MODULES if name not in sys.modules]).encode())
            return 0

        process = fork_app_process(child, "HANDOVER_FD", 7)
        print(json.dumps({"can_fork": still_safe, "missing_in_child": json.loads(process.stdout.read()),
                          "code": process.wait(30)}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"can_fork": True, "missing_in_child": [], "code": 0}
    from desktop.forkedprocess import SHARED_MODULES

    assert {name.partition(".")[0] for name in SHARED_MODULES} <= sys.stdlib_module_names
