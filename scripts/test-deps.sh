#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven, only when it is missing:
#  - Node.js (for the browser client's unit tests and the Socket.IO compatibility test),
#  - npm packages pinned by committed package-lock.json files: socket.io-client (Socket.IO compatibility test),
#    fake-indexeddb (the browser client's unit tests), axe-core (accessibility checks in the browser tests),
#  - Debian's chromium and chromium-driver for the browser tests (never a browser download from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "baton: installing ${need_apt[*]} with apt-get..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "baton: the tests need ${need_apt[*]}; install them (e.g. 'sudo apt-get install ${need_apt[*]}') and run again." >&2
    exit 1
  fi
fi

# each directory with its package that must be present
for pair in baton-server/src/test/socketio:socket.io-client baton-client-js/src/test/js:fake-indexeddb baton-server/src/test/a11y:axe-core; do
  dir=${pair%%:*}
  package=${pair#*:}
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules/$package" ]; then
    echo "baton: installing $package (npm ci in $dir)..."
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
