#!/usr/bin/env bash
# Install what the browser tests need: Debian's chromium and npm's playwright-core.
# Never fails the build: when something cannot be installed it says so plainly, and the
# browser tests are then skipped (or fail, where MASKLOOP_REQUIRE_BROWSER=1 demands them).
set -uo pipefail
cd "$(dirname "$0")/.."
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "!! Could not install chromium."
  else
    echo "!! Chromium is not at $CHROMIUM and cannot be installed here (needs root and apt-get)."
  fi
fi

if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || echo "!! npm could not install playwright-core."
else
  echo "!! npm is not installed: playwright-core cannot be installed."
fi

if [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ]; then
  echo "!! BROWSER TESTS WILL BE SKIPPED: Chromium or playwright-core is missing on this machine."
fi
exit 0
