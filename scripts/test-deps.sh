#!/usr/bin/env bash
# Installs what the test suite needs beyond Java and Maven, only when it is missing:
#  - Node.js (for the browser client's unit tests and the Socket.IO compatibility test),
#  - npm packages pinned by committed package-lock.json files: socket.io-client (Socket.IO compatibility test),
#    the OpenAPI and AsyncAPI validators (contract test), TypeScript (the browser client's types), fake-indexeddb
#    (the browser client's unit tests), axe-core (accessibility checks in the browser tests),
#  - Debian's chromium and chromium-driver for the browser tests (never a browser download from elsewhere),
#  - Debian's haproxy (the load balancer of the cluster tests) and faketime (libfaketime: one instance's clock skewed).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v haproxy >/dev/null 2>&1 || need_apt+=(haproxy)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || [ -e /usr/lib/faketime/libfaketime.so.1 ] || need_apt+=(faketime)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "baton: installing ${need_apt[*]} with apt-get..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "baton: the tests need ${need_apt[*]}; install them (e.g. 'sudo apt-get install ${need_apt[*]}') and run again." >&2
    exit 1
  fi
fi

npm_ci() { # npm_ci <dir> <a package it installs> <why>
  if [ -f "$1/package-lock.json" ] && [ ! -d "$1/node_modules/$2" ]; then
    echo "baton: installing $2 for $3..."
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_ci baton-server/src/test/socketio socket.io-client "the Socket.IO compatibility test"
npm_ci baton-server/src/test/contract @asyncapi/parser "the contract documents test"
npm_ci baton-client-js typescript "the browser client's type check"
npm_ci baton-client-js/src/test/js fake-indexeddb "the browser client's unit tests"
npm_ci baton-server/src/test/a11y axe-core "the accessibility checks of the browser tests"
