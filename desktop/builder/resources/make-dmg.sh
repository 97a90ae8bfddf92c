#!/usr/bin/env bash
# Make a .dmg from the .app that `python -m desktop build` leaves in dist/ (run on macOS).
#   desktop/builder/resources/make-dmg.sh Inkwell 0.1.0   (from the project folder)
set -euo pipefail
name=${1:?app name}; version=${2:?version}
app="dist/${name}.app"
[ -d "$app" ] || { echo "no $app: run python -m desktop build first" >&2; exit 1; }
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"   # drag the app onto this link to install
hdiutil create -volname "$name" -srcfolder "$staging" -ov -format UDZO "dist/${name}-${version}.dmg"
echo "dist/${name}-${version}.dmg"
