"""The kit on Flask projects that are not this repository, the way their developers use it.

Each project is copied into a temporary folder outside this repository; the kit is installed alone
(from ./desktop, never Inkwell) into a fresh virtual environment with only the project's own
dependencies; then `init` (or a hand-written table), `self-test` from source, `package` (the
bundle and the .deb), and the frozen app's self-test with its install folder read-only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.build.conftest import kit, report_of
from tests.support.processes import files_under, shell_env

pytestmark = [pytest.mark.bundle, pytest.mark.timeout(900)]  # a venv, two bundles and packages
NOBODY = 65534
INKWELL_ONLY = ("nh3", "markdown_it", "flask_wtf", "webapp")  # what installing the kit must not bring


def source_files(project: Path) -> list[str]:
    """The project's files, less Python's own bytecode cache."""
    return [name for name in files_under(project) if "__pycache__" not in name]


@contextlib.contextmanager
def installed_for_a_user(bundle: Path) -> Iterator[tuple[Path, Path, list]]:
    """The bundle installed as a package installs it: a folder the user who runs the app can't
    write to; yields (install folder, that user's home, the command prefix that runs as them).

    As root, the app runs as `nobody` (root could write anywhere; a read-only bind mount is not
    possible in every sandbox, e.g. a chroot); otherwise the copy is made read-only.
    """
    top = Path(tempfile.mkdtemp(prefix="desktop-installed-", dir="/tmp"))
    try:
        top.chmod(0o755)
        install, home = top / "install", top / "home"
        shutil.copytree(bundle, install, symlinks=True)
        home.mkdir()
        if os.geteuid() == 0:
            os.chown(home, NOBODY, NOBODY)
            prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        else:
            for folder, _dirs, _files in os.walk(install):
                Path(folder).chmod(0o555)
            prefix = []
        yield install, home, prefix
    finally:
        for folder, _dirs, _files in os.walk(top):
            Path(folder).chmod(0o755)
        shutil.rmtree(top)


def frozen_self_test(bundle: Path, display_env: dict):
    """The frozen app's self-test, run by a user who can't write to its install folder."""
    with installed_for_a_user(bundle) as (install, home, prefix):
        before = files_under(install)
        env = {"PATH": "/usr/bin:/bin", "DISPLAY": display_env["DISPLAY"], "HOME": str(home), "LANG": "C.UTF-8",
               "DESKTOP_NO_DIALOG": "1"}
        result = subprocess.run([*prefix, str(install / bundle.name), "--self-test"], env=env, cwd=home,
                                capture_output=True, text=True, timeout=180)
        assert files_under(install) == before  # nothing written into the install folder
        data = home / ".local" / "share" / bundle.name
        log_file = home / ".local" / "state" / bundle.name / "log" / "app.log"
        found = {"data": sorted(p.name for p in data.iterdir()) if data.is_dir() else [],
                 "log": log_file.read_text() if log_file.is_file() else "",
                 "home": sorted(p.name for p in home.iterdir())}
        return result, found


def test_installing_the_kit_brings_nothing_of_inkwell(kit_python):
    probe = "import importlib.util as u; print([m for m in %r if u.find_spec(m)])" % (INKWELL_ONLY,)
    result = subprocess.run([str(kit_python), "-c", probe], capture_output=True, text=True, timeout=60, cwd="/")
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
    help_text = subprocess.run([str(kit_python), "-m", "flask", "desktop", "--help"], capture_output=True,
                               text=True, timeout=60, cwd="/").stdout
    assert "package" in help_text and "self-test" in help_text  # `flask desktop ...` through the entry point


def test_a_flask_migrate_app_with_a_config_class_runs_from_source(kit_python, ledger_project, display_env, tmp_path,
                                                                   home):
    project = ledger_project
    before = source_files(project)
    env = shell_env(display_env, home)
    data = tmp_path / "source-data"

    source = kit(kit_python, project, "self-test", "--data-dir", str(data), env=env, timeout=180)
    report = report_of(source)
    assert source.returncode == 0 and report["ok"], source.stderr
    assert report["app"] == "Ledger" and report["title"] == "Entries · Ledger" and report["start_status"] == 200
    assert (data / "data" / "ledger.db").is_file()  # [tool.desktop.config], migrated at start
    assert (data / "logs" / "ledger.log").is_file()  # [tool.desktop.env] placed the app's own log
    assert not any("SECRET_KEY" in finding["problem"] for finding in report["readiness"])  # the kit gives its own
    assert source_files(project) == before  # nothing written into the source tree


def test_a_flask_migrate_app_with_a_config_class_ships(ledger_packaged, display_env):
    project = ledger_packaged
    assert (project / "dist" / "ledger_1.2.0_amd64.deb").is_file()
    bundle = project / "dist" / "Ledger"
    assert (bundle / "_internal" / "migrations" / "env.py").is_file()
    assert (bundle / "_internal" / "ledger" / "templates" / "ledger_index.html").is_file()

    frozen, found = frozen_self_test(bundle, display_env)
    report = report_of(frozen)
    assert frozen.returncode == 0 and report["ok"], frozen.stderr
    assert report["title"] == "Entries · Ledger"
    assert "ledger.db" in found["data"] and "logs" not in found["data"]  # the app's logs/ went to {logs}
    assert "upgrading the database" in found["log"]  # the shell's log survived Alembic's fileConfig
    assert set(found["home"]) <= {".local", ".cache", ".config"}  # nothing in the folder it was started from


def test_an_app_shaped_like_flasks_tutorial_runs_from_source(kit_python, flaskr_project, display_env, tmp_path,
                                                               home):
    project, init_output = flaskr_project
    env = shell_env(display_env, home)
    text = (project / "pyproject.toml").read_text()
    assert 'factory = "flaskr:create_app"' in text and 'first_run = ["init-db"]' in text
    assert "SECRET_KEY is hard-coded" not in init_output  # the kit gives each install its own key

    data = tmp_path / "source-data"
    source = kit(kit_python, project, "self-test", "--data-dir", str(data), env=env, timeout=180)
    report = report_of(source)
    assert source.returncode == 0 and report["ok"], source.stderr
    assert report["app"] == "Flaskr" and report["title"] == "Posts - Flaskr"
    assert (data / "data" / "flaskr.sqlite").is_file()  # the instance folder is the user data folder
    assert not (project / "instance").exists()


def test_an_app_shaped_like_flasks_tutorial_ships(flaskr_packaged, display_env, tmp_path, home, workdir):
    env = shell_env(display_env, home)
    bundle = flaskr_packaged / "dist" / "Flaskr"
    frozen, found = frozen_self_test(bundle, display_env)
    report = report_of(frozen)
    assert frozen.returncode == 0 and report["ok"], frozen.stderr
    assert report["title"] == "Posts - Flaskr"  # init-db ran from the bundle (schema.sql was collected)
    assert "flaskr.sqlite" in found["data"]  # the instance folder is the user's data folder

    frozen_data = tmp_path / "frozen-data"
    flask_cli = subprocess.run([str(bundle / "Flaskr"), "--data-dir", str(frozen_data), "--flask", "init-db"],
                               env=env, cwd=workdir, capture_output=True, text=True, timeout=120)
    assert flask_cli.returncode == 0 and "Initialized the database." in flask_cli.stdout, flask_cli.stderr


def test_the_flask_books_shape_ships_as_init_writes_it(kit_python, flasky_project, display_env, tmp_path, home):
    """Issue 27: `create_app(config_name)` failed at start, init named the factory instead of
    flasky.py's app, and the bundle died at its first page without the extension's templates."""
    project, init_output = flasky_project
    assert 'factory = "flasky:app"' in (project / "pyproject.toml").read_text()
    assert "FLASK_APP in .flaskenv" in init_output
    env = shell_env(display_env, home)
    source = kit(kit_python, project, "self-test", "--data-dir", str(tmp_path / "source-data"), env=env, timeout=180)
    report = report_of(source)
    assert source.returncode == 0 and report["ok"], source.stdout + source.stderr
    assert report["title"] == "Flasky"
    flask_command = kit(kit_python, project, "flask", "--data-dir", str(tmp_path / "source-data"), "deploy", env=env)
    assert flask_command.returncode == 0 and "Deployed." in flask_command.stdout, flask_command.stderr

    packaged = kit(kit_python, project, "package", env=env)
    assert packaged.returncode == 0, packaged.stdout + packaged.stderr
    assert "checked: it opened" in packaged.stdout  # build started the bundle before it said Built
    bundle = project / "dist" / "Flasky"
    assert (bundle / "_internal" / "flask_footer" / "templates" / "footer.html").is_file()
    assert (project / "dist" / "flasky_2.0.0_amd64.deb").is_file()
    frozen, _found = frozen_self_test(bundle, display_env)
    report = report_of(frozen)
    assert frozen.returncode == 0 and report["ok"], frozen.stdout + frozen.stderr


def test_a_blog_writing_its_logs_beside_its_code_ships_after_the_one_edit_init_names(kit_python, blog_project,
                                                                                     display_env, home):
    """Issue 27: the frozen app crashed (FileNotFoundError .../_internal/logs/...) and nothing said why."""
    project, init_output = blog_project
    assert 'factory = "blog:create_app"' in (project / "pyproject.toml").read_text()
    assert "blog/__init__.py:32: writes a log file beside the code" in init_output  # file:line, and the fix
    env = shell_env(display_env, home)
    source = kit(kit_python, project, "self-test", "--data-dir", str(home / "source-data"), env=env, timeout=180)
    report = report_of(source)
    assert source.returncode == 0 and report["ok"] and report["title"] == "The blog", source.stdout + source.stderr
    assert any("writes a log file beside the code" in finding["problem"] for finding in report["readiness"])
    refused = kit(kit_python, project, "build", env=env)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "the app wrote into its install folder" in refused.stderr or "inside its install folder" in refused.stderr, \
        refused.stdout + refused.stderr
    source = (project / "blog" / "__init__.py").read_text()  # the edit init's finding asks for
    (project / "blog" / "__init__.py").write_text(source.replace('os.path.join(basedir, "logs")',
                                                                 'os.path.join(app.instance_path, "logs")'))
    built = kit(kit_python, project, "package", env=env)
    assert built.returncode == 0 and "checked: it opened" in built.stdout, built.stdout + built.stderr
    assert (project / "dist" / "blog_0.9.0_amd64.deb").is_file()
    frozen, found = frozen_self_test(project / "dist" / "Blog", display_env)
    report = report_of(frozen)
    assert frozen.returncode == 0 and report["ok"] and report["title"] == "The blog", frozen.stdout + frozen.stderr
    assert "logs" in found["data"]  # its own log, in the user's data folder


def test_without_a_table_the_commands_name_init(kit_python, tmp_path):
    project = tmp_path / "bare"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "bare"\n')
    result = kit(kit_python, project, "build")
    assert result.returncode == 78
    assert "python -m desktop init" in result.stderr and "Traceback" not in result.stderr
