#!/usr/bin/env bash
# Refresh the vendored front-end files in static/vendor from their npm packages.
# Usage: scripts/vendor-static.sh [bootstrap-version] [bootstrap-icons-version] [htmx-version]
set -euo pipefail
BS=${1:-5.3.9} ICONS=${2:-1.13.2} HTMX=${3:-2.0.11}
DEST="$(cd "$(dirname "$0")/.." && pwd)/static/vendor"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "bootstrap@$BS" "bootstrap-icons@$ICONS" "htmx.org@$HTMX" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
mkdir -p "$DEST/bootstrap" "$DEST/bootstrap-icons/fonts" "$DEST/htmx"
cp "bootstrap-$BS"/package/dist/css/bootstrap.min.css "bootstrap-$BS"/package/dist/js/bootstrap.bundle.min.js \
   "bootstrap-$BS"/package/LICENSE "$DEST/bootstrap/"
cp "bootstrap-icons-$ICONS"/package/font/bootstrap-icons.min.css "bootstrap-icons-$ICONS"/package/LICENSE \
   "$DEST/bootstrap-icons/"
cp "bootstrap-icons-$ICONS"/package/font/fonts/bootstrap-icons.woff2 \
   "bootstrap-icons-$ICONS"/package/font/fonts/bootstrap-icons.woff "$DEST/bootstrap-icons/fonts/"
cp "htmx.org-$HTMX"/package/dist/htmx.min.js "htmx.org-$HTMX"/package/LICENSE "$DEST/htmx/"
echo "vendored bootstrap $BS, bootstrap-icons $ICONS, htmx $HTMX into $DEST (update its README.md)"
