# Sourced by start.sh and test.sh: finds a JDK >= 21 and Maven, or stops with a clear message.
# Order: $JAVA_HOME, the `java` on PATH, then the JDKs installed under /usr/lib/jvm, /opt and ~/.sdkman.

baton_java_major() { # prints the major version of the java binary given as $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

baton_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /opt/*jdk* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  local best="" best_major=0
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(baton_java_major "$c/bin/java")
    [ -n "$major" ] || continue
    if [ "$major" -ge 21 ]; then
      # JAVA_HOME wins when it is suitable; otherwise take the newest JDK found.
      if [ "$c" = "${JAVA_HOME:-}" ]; then best="$c"; best_major=$major; break; fi
      if [ "$major" -gt "$best_major" ]; then best="$c"; best_major=$major; fi
    fi
  done
  if [ -z "$best" ]; then
    echo "baton: no JDK 21 or newer found (looked at JAVA_HOME='${JAVA_HOME:-}', the java on PATH, /usr/lib/jvm, /opt)." >&2
    echo "baton: install one (e.g. 'apt-get install openjdk-21-jdk' or a Temurin 21+ build) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export BATON_JAVA_MAJOR="$best_major"
  export PATH="$JAVA_HOME/bin:$PATH"
  if [ "$best_major" -ge 24 ]; then
    # Maven 3.8 itself uses sun.misc.Unsafe; JDK 24+ warns about it on every run.
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

# The JVM flags that spare the server jar $1 re-loading and re-linking its ~6,000 classes at every start: JDK 25's AOT
# cache (classes loaded and linked ahead of time, with method profiles) or, on older JDKs, a class-data-sharing archive.
# The first run writes the file when it exits cleanly (Ctrl+C); later runs start from it (docs/benchmarks.md, section 9).
# It is named after the jar's build time, so a rebuilt jar gets a fresh one. Needs baton_find_jdk first.
baton_startup_flags() {
  local jar=$1 stamp
  stamp=$(date -r "$jar" +%s)
  if [ "${BATON_JAVA_MAJOR:-0}" -ge 25 ]; then
    local cache="${jar%/*}/baton-$stamp.aot"
    if [ -s "$cache" ]; then
      echo "-XX:AOTCache=$cache -Xlog:aot=off -Xlog:cds=off"
    else
      echo "-XX:AOTCacheOutput=$cache -Xlog:aot=off -Xlog:cds=off"
    fi
  else
    echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=${jar%/*}/baton-$stamp.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

baton_find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "baton: Maven (mvn) is not installed; install it (e.g. 'apt-get install maven') and run this again." >&2
    return 1
  fi
}
