#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download
# does not work here). Install it when missing and we are allowed to.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is not installed and cannot be installed here (needs root and apt-get)."
  echo "The browser tests will be skipped. Install it with: sudo apt-get install chromium"
fi
