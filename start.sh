#!/usr/bin/env bash
# Builds Baton if its sources changed since the last build, then starts it.
#   ./start.sh             one instance on the embedded database (SQLite in BATON_DATA_DIR, default ./data)
#   ./start.sh --cluster   an embedded PostgreSQL, three instances and HAProxy in front, on http://localhost:8080
#   ./start.sh --demo-month  one instance on a fresh data directory (default ./data-demo-month) filled with a month of
#                            acute-pain-service activity, so the dashboard's statistics have a history to show
# Port: BATON_PORT (default 8080). Everything else: README.md and docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-env.sh
baton_find_jdk
cluster=false
if [ "${1:-}" = "--cluster" ]; then
  cluster=true
  shift
elif [ "${1:-}" = "--demo-month" ]; then
  export BATON_DATA_DIR="${BATON_DATA_DIR:-./data-demo-month}"
fi
jar=baton-server/target/baton.jar
cluster_jar=baton-devcluster/target/baton-devcluster.jar
stale() { # $1: a built jar
  [ ! -f "$1" ] && return 0
  [ -n "$(find . \( -path ./data -o -path ./data-demo-month \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$1" -print -quit)" ]
}
if stale "$jar" || { $cluster && stale "$cluster_jar"; }; then
  baton_find_maven
  echo "baton: building (first run downloads dependencies from Maven Central; this takes a minute or two)..."
  # Maven 3.8 writes colour resets even in batch mode; stripped so the log that follows starts clean.
  mvn -B -q -DskipTests package -pl baton-server,baton-devcluster -am 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
fi
if $cluster; then
  if ! command -v haproxy >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "baton: installing HAProxy (the cluster's load balancer) with apt-get..."
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
    else
      echo "baton: the cluster needs HAProxy as its load balancer; install it (e.g. 'sudo apt-get install haproxy') and run again." >&2
      exit 1
    fi
  fi
  exec "$JAVA_HOME/bin/java" -jar "$cluster_jar" "$jar" "$JAVA_HOME/bin/java"
fi
# The start-up archive (JDK 25's AOT cache, or class-data sharing on older JDKs): the first run writes it when it
# stops (Ctrl+C); later runs start from it (docs/benchmarks.md, section 9).
flags=$(baton_startup_flags "$jar")
case "$flags" in
  *AOTCacheOutput*) echo "baton: first start of this build; when you stop it (Ctrl+C) the JVM writes its start-up cache, which takes a few seconds, and later starts are faster." ;;
esac
# shellcheck disable=SC2086 # the flags are words without spaces
exec "$JAVA_HOME/bin/java" $flags --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
