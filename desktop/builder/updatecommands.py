"""`python -m desktop keys ...` and `python -m desktop publish`: signed updates from the developer's side."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ..errors import UsageError
from .commands import _settings
from ..updates import platform_tag
from .updates import CHANNELS, ROLES, UpdateRepository, init_keys


def keys_command(argv: list[str], *, project: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop keys", description=(
        "Signing keys for updates. `init` makes one key per role in --keys (a folder of yours, never the "
        "project's: keep root.pem offline, it is needed only to rotate keys) and a new update repository in "
        "--repo, and puts its root metadata (public) where [tool.desktop.update] root says, to ship in the app."))
    sub = parser.add_subparsers(dest="action", required=True)
    init = sub.add_parser("init", help="create the keys and the update repository")
    rotate = sub.add_parser("rotate", help="replace one role's key (needs root.pem)")
    rotate.add_argument("role", choices=ROLES)
    for command in (init, rotate):
        command.add_argument("--keys", type=Path, required=True, help="the folder holding the private keys")
        command.add_argument("--repo", type=Path, required=True, help="the update repository folder (to upload)")
    args = parser.parse_args(argv)
    if args.action == "rotate":
        new_root = UpdateRepository(args.repo).rotate(args.role, args.keys)
        print(f"The {args.role} key is replaced ({args.keys / (args.role + '.pem.old')} is the old one). Upload "
              f"{args.repo} with {new_root.name}: apps learn the new key from it.")
        return 0
    settings = _settings(project)
    if args.keys.resolve().is_relative_to(settings.root.resolve()):
        raise UsageError(f"keep the keys outside the project ({args.keys} is inside {settings.root}): private keys "
                         "in a repository get published")
    root_file = init_keys(args.keys, args.repo)
    shipped = settings.root / settings.update.root
    shipped.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root_file, shipped)
    print(f"Keys for {', '.join(ROLES)} are in {args.keys} (private: back them up; move root.pem offline).")
    print(f"The update repository is {args.repo}; its trusted root is copied to {shipped} (public: commit it).")
    if not settings.update.url:
        print("Next: set url under [tool.desktop.update] in pyproject.toml to where you will upload the repository.")
    return 0


def publish_command(argv: list[str], *, project: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop publish", description=(
        "Build the folder bundle and add it to the update repository, signed: upload the repository folder to "
        "your static host afterwards. --refresh only re-signs the short-lived metadata (before it expires)."))
    parser.add_argument("--keys", type=Path, required=True, help="the folder with targets.pem, snapshot.pem, "
                        "timestamp.pem")
    parser.add_argument("--repo", type=Path, required=True, help="the update repository folder")
    parser.add_argument("--channel", choices=CHANNELS, default=None,
                        help="stable or beta (default: [tool.desktop.update] channel)")
    parser.add_argument("--no-build", action="store_true", help="publish the bundle already in dist/")
    parser.add_argument("--bundle", type=Path, default=None, help="publish this folder bundle (built elsewhere, "
                        "e.g. a CI job's artifact) instead of building; give its --platform")
    parser.add_argument("--platform", default=None, help="whose build it is, as linux-x86_64, windows-x86_64, "
                        f"macos-arm64 (default: this machine's, {platform_tag()})")
    parser.add_argument("--refresh", action="store_true", help="only re-sign snapshot and timestamp")
    args = parser.parse_args(argv)
    repository = UpdateRepository(args.repo)
    if args.refresh:
        repository.refresh(args.keys)
        print(f"Re-signed {args.repo}: upload its metadata folder.")
        return 0
    settings = _settings(project)
    from .bundle import build_bundle, bundle_path, dist_dir

    if args.bundle is not None:
        bundle = args.bundle
    elif args.no_build:
        bundle = bundle_path(settings, dist_dir(settings), onefile=False)
    else:
        bundle = build_bundle(settings, onefile=False)
    published = repository.publish(bundle, slug=settings.slug, version=settings.version,
                                   channel=args.channel or settings.update.channel, keys_dir=args.keys,
                                   platform=args.platform)
    patches = "".join(f"; a {size / 1e3:,.0f} kB patch from {old}" for old, size in published.patches.items())
    print(f"Published {settings.name} {published.version} for {published.platform} on {published.channel} "
          f"({published.size / 1e6:.1f} MB{patches}): upload {args.repo} to {settings.update.url or 'your update URL'}.")
    return 0
