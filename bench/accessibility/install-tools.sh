#!/bin/sh
# Install the tools golive's accessibility audit is compared with into a scratch folder (default: a new temp
# folder), without downloading a browser: both are pointed at Debian's Chromium by run.py.
# @axe-core/cli drives Chromium through chromedriver: `apt-get install -y chromium-driver` provides it.
set -eu
folder="${1:-$(mktemp -d -t golive-a11y-tools-XXXXXX)}"
mkdir -p "$folder"
cd "$folder"
[ -f package.json ] || npm init -y >/dev/null
PUPPETEER_SKIP_DOWNLOAD=1 npm install --ignore-scripts --no-audit --no-fund pa11y-ci @axe-core/cli >/dev/null
command -v chromedriver >/dev/null || echo "chromedriver not found: apt-get install -y chromium-driver" >&2
echo "$folder"
