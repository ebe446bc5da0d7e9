#!/bin/sh
# Installs Debian's Chromium for StatusPageIT when it is missing (CI runs as root).
# The build runs this before the integration tests; -Ddynaccel.browser.skip=true skips it.
set -eu
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing and this is not root: install Debian's chromium package, or skip with -Ddynaccel.browser.skip=true" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
