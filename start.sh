#!/usr/bin/env bash
# Builds Baton if its sources changed since the last build, then starts it in embedded mode.
# Port: BATON_PORT (default 8080). Data: BATON_DATA_DIR (default ./data). Everything else: README.md.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-env.sh
baton_find_jdk
jar=baton-server/target/baton.jar
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find . -path ./data -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}
if stale; then
  baton_find_maven
  echo "baton: building (first run downloads dependencies from Maven Central; this takes a minute or two)..."
  # Maven 3.8 writes colour resets even in batch mode; stripped so the log that follows starts clean.
  mvn -B -q -DskipTests package 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g'
fi
# Class-data sharing: the first run writes an archive of the loaded classes next to the jar (at exit); later runs
# start about twice as fast from it (docs/benchmarks.md, start-up). The archive is named after the jar's build time,
# so a rebuilt jar gets a fresh one.
archive="baton-server/target/baton-$(date -r "$jar" +%s).jsa"
exec "$JAVA_HOME/bin/java" -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
  --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
