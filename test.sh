#!/usr/bin/env bash
# Runs Baton's whole test suite: unit, contract, integration and browser tests.
# Installs what the tests need when it is missing (see scripts/test-deps.sh), then runs Maven.
#   ./test.sh --soak   the long tests CI does not run (issue 16): the 10-minute soak with 10,000 sessions and the
#                      reconnect storm with 2,000 clients (both on SQLite and PostgreSQL, and through HAProxy to three
#                      instances, one killed), then 60 s of fuzzing per fuzz test.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-env.sh
baton_find_jdk
baton_find_maven
if [ -x scripts/test-deps.sh ]; then scripts/test-deps.sh; fi
echo "baton: testing with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) from $JAVA_HOME"
if [ "${1:-}" = "--soak" ]; then
  shift
  mvn -B test -pl baton-server -am -Psoak -Dtest='SoakTest,ReconnectStormTest,ReconnectStormClusterTest' -Dsurefire.failIfNoSpecifiedTests=false "$@"
  exec scripts/fuzz.sh
fi
exec mvn -B verify "$@"
