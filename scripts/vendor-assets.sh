#!/usr/bin/env bash
# Refresh the front-end assets vendored under coop/web/static/vendor/.
#
# The assets are committed, so CI and the app never run npm. A maintainer runs
# this script (it needs `npm` and the npm registry) to move to new versions,
# then reads the diff and runs the browser tests before committing.
#
# We deliberately take only what we use: GOV.UK Frontend's compiled CSS and JS,
# but NOT its GDS Transport font files or crown/royal arms images (the GOV.UK
# brand and its font are restricted to government services). coop.css swaps in
# Atkinson Hyperlegible so the browser never asks for the fonts we leave out.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
HTMX_VERSION="2.0.11"
ATKINSON_VERSION="5.3.0"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$repo_root/coop/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unpack() { # unpack PACKAGE@VERSION DIR: npm pack into $work/DIR/package
  local spec="$1" dir="$work/$2" tarball
  mkdir -p "$dir"
  tarball="$(cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -n 1)"
  tar -xzf "$dir/$tarball" -C "$dir"
}

unpack "govuk-frontend@$GOVUK_FRONTEND_VERSION" govuk
unpack "htmx.org@$HTMX_VERSION" htmx
unpack "@fontsource/atkinson-hyperlegible@$ATKINSON_VERSION" atkinson

rm -rf "$vendor"
mkdir -p "$vendor/govuk-frontend" "$vendor/htmx.org" "$vendor/atkinson-hyperlegible"

# GOV.UK Frontend: precompiled CSS and the ES module build of its JS.
govuk_dist="$work/govuk/package/dist/govuk"
cp "$govuk_dist/govuk-frontend.min.css" "$govuk_dist/govuk-frontend.min.js" "$vendor/govuk-frontend/"
# Drop its @font-face rules for GDS Transport, the font we do not ship: a
# browser that lays a page out before coop.css has arrived (the browser tests
# caught this) would otherwise ask for those files and get 404s.
sed -E 's/@font-face\{font-family:GDS Transport;[^}]*\}//g' "$govuk_dist/govuk-frontend.min.css" \
  >"$vendor/govuk-frontend/govuk-frontend.min.css"
# The npm package carries no licence file; its README says the code is MIT.
cat >"$vendor/govuk-frontend/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# htmx: the minified browser build (sets window.htmx).
cp "$work/htmx/package/dist/htmx.min.js" "$work/htmx/package/LICENSE" "$vendor/htmx.org/"

# Atkinson Hyperlegible: Latin subset, regular and bold, woff2 only.
fonts="$work/atkinson/package/files"
cp "$fonts/atkinson-hyperlegible-latin-400-normal.woff2" \
   "$fonts/atkinson-hyperlegible-latin-700-normal.woff2" \
   "$fonts/atkinson-hyperlegible-latin-ext-400-normal.woff2" \
   "$fonts/atkinson-hyperlegible-latin-ext-700-normal.woff2" \
   "$work/atkinson/package/LICENSE" "$vendor/atkinson-hyperlegible/"

# GOV.UK's CSS points at files we do not ship. With the font rules gone,
# today that is only the footer crest, which our pages never use. If a new
# version adds another url(), stop and look at it.
expected='/assets/images/govuk-crest.svg'
found="$(grep -o 'url([^)]*)' "$vendor/govuk-frontend/govuk-frontend.min.css" |
  sed -e 's/^url(//' -e 's/)$//' | sort -u)"
if [ "$found" != "$expected" ]; then
  echo "govuk-frontend.min.css now refers to other files:" >&2
  echo "$found" >&2
  echo "Check coop.css still stops the browser asking for them, then update this list." >&2
  exit 1
fi

cat >"$vendor/README.md" <<EOF
# Vendored front-end assets

Fetched from the npm registry by \`scripts/vendor-assets.sh\`; do not edit by hand.

| folder | npm package | version | licence |
| --- | --- | --- | --- |
| govuk-frontend/ | govuk-frontend (dist/govuk) | $GOVUK_FRONTEND_VERSION | MIT |
| htmx.org/ | htmx.org (dist) | $HTMX_VERSION | 0BSD |
| atkinson-hyperlegible/ | @fontsource/atkinson-hyperlegible (latin and latin-ext, 400 and 700) | $ATKINSON_VERSION | OFL-1.1 |

GOV.UK Frontend's GDS Transport font, crown and royal arms images are left out
on purpose: they belong to the GOV.UK brand. Source maps are left out too.
SHA256SUMS lists every file, so a refresh shows exactly what changed.
EOF

(cd "$vendor" && find . -type f ! -name SHA256SUMS ! -name README.md -print0 |
  sort -z | xargs -0 sha256sum >SHA256SUMS)

echo "Vendored assets written to $vendor"
