#!/usr/bin/env bash
# Install what the reverse-proxy test (tests/deploy/) needs: Debian's nginx, and openssl for its
# self-signed certificate. Never fails the build: when something cannot be installed it says so
# plainly, and the proxy test is then skipped (or fails, where MASKLOOP_REQUIRE_BROWSER=1
# demands the browser and proxy tests).
set -uo pipefail
NGINX="${NGINX:-/usr/sbin/nginx}"

missing=()
[ -x "$NGINX" ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's ${missing[*]} for the proxy test..."
    if ! log=$(apt-get update -qq 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" 2>&1); then
      echo "!! Could not install ${missing[*]}:"
      echo "$log" | tail -n 5
    fi
  else
    echo "!! ${missing[*]} missing and cannot be installed here (needs root and apt-get)."
  fi
fi

if [ ! -x "$NGINX" ] || ! command -v openssl >/dev/null; then
  echo "!! PROXY TEST WILL BE SKIPPED: nginx (at $NGINX) or openssl is missing on this machine."
fi
exit 0
