#!/usr/bin/env bash
# Runs Baton's whole test suite: unit, contract, integration and browser tests.
# Installs what the tests need when it is missing (see scripts/test-deps.sh), then runs Maven.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-env.sh
baton_find_jdk
baton_find_maven
if [ -x scripts/test-deps.sh ]; then scripts/test-deps.sh; fi
echo "baton: testing with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) from $JAVA_HOME"
exec mvn -B verify "$@"
