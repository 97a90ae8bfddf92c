"""Start-up failures: a clear message naming the log file, the reason in the log, an exit code."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.support.processes import running_shell, shell_env, start_shell, wait_for_exit
from tests.support.session import session_from_output

HERE = Path(__file__).parent
EX_SOFTWARE = 70


def run_broken(tmp_path, home, workdir, app_spec: str):
    env = shell_env(os.environ, home, PYTHONPATH=str(HERE))
    data = tmp_path / "d"
    proc = start_shell(["--browser", "--no-open", "--data-dir", str(data), "--app", app_spec], env=env, cwd=workdir)
    code, out, err = wait_for_exit(proc, timeout=60)
    return code, err, (data / "logs" / "app.log").read_text()


def test_missing_module_is_explained(tmp_path, home, workdir):
    code, err, log = run_broken(tmp_path, home, workdir, "no_such_module_xyz:create_app")
    assert code == EX_SOFTWARE
    assert "cannot import 'no_such_module_xyz'" in err
    assert "app.log" in err  # the user is told where the details are
    assert "Traceback" not in err
    assert "cannot import 'no_such_module_xyz'" in log


def test_crashing_factory_is_logged_with_its_traceback(tmp_path, home, workdir):
    code, err, log = run_broken(tmp_path, home, workdir, "sample_apps:create_failing_app")
    assert code == EX_SOFTWARE
    assert "the factory is broken" in err
    assert "app.log" in err
    assert "Traceback" in log and "create_failing_app" in log


def test_any_factory_is_hosted(tmp_path, home, workdir):
    env = shell_env(os.environ, home, PYTHONPATH=str(HERE))
    args = ["--browser", "--no-open", "--data-dir", str(tmp_path / "d"), "--app", "sample_apps:create_app_with_config"]
    with running_shell(args, env=env, cwd=workdir) as proc:
        assert "<title>Configured</title>" in session_from_output(proc).get()[1]
        proc.send_signal(signal.SIGINT)
        assert wait_for_exit(proc, timeout=10)[0] == 0


def test_a_frozen_app_writing_into_its_install_folder_is_told_so(tmp_path, monkeypatch):
    """Issue 27: FileNotFoundError .../_internal/logs/...log, with no word of why."""
    import sys

    from desktop.launch import explained_install_folder_write

    install = tmp_path / "Blog" / "_internal"
    install.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(install), raising=False)
    written = FileNotFoundError(2, "No such file or directory", str(install / "logs" / "blog.log"))
    explained = explained_install_folder_write(written)
    assert explained is not None and explained.__cause__ is written
    assert f"tried to write {install / 'logs' / 'blog.log'}, inside its install folder" in str(explained)
    assert "`python -m desktop build` names the line" in str(explained)
    elsewhere = FileNotFoundError(2, "No such file or directory", str(tmp_path / "home" / "x.log"))
    assert explained_install_folder_write(elsewhere) is None
