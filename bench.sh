#!/usr/bin/env bash
# Runs the benchmark suite and writes docs/benchmarks.md (+ charts in docs/benchmarks/).
#   ./bench.sh            full run (about 20 minutes with the cluster block; 10,000 sessions), writes docs/benchmarks.md
#   ./bench.sh --quick    short blocks, for a first look; writes baton-bench/target/quick/benchmarks.md
# The load generator pins itself to the last core and the servers to the others (taskset) when there are two or more
# cores; --no-pin turns that off.
#   ./bench.sh --only=analytics   only the statistics over 1,000,000 audit entries (writes docs/benchmarks/analytics.md)
#   ./bench.sh --only=fanout      only the presence fan-out to 500 viewers, full lists and deltas in turn (printed; add
#                                 --jar=OLD.jar to measure an older build's baton.jar the same way, --store=postgres to run
#                                 that Baton on a PostgreSQL from Maven artifacts)
#   ./bench.sh --only=cluster     only Baton scaled out: a PostgreSQL from Maven artifacts, 3 instances on it beside the SQLite
#                                 node (about 5 minutes; writes docs/benchmarks/cluster.md; with --quick, baton-bench/target/quick/)
#   ./bench.sh --only=startup     only start-up: plain java -jar, the CDS archive and JDK 25's AOT cache, interleaved
#                                 (about 2 minutes; writes docs/benchmarks/startup.md)
#   ./bench.sh --only=recovery    only crash recovery: 100,000 held locks, kill -9, time to ready (printed; --jar=OLD.jar too)
#   ./bench.sh --only=latency     only one connection's acquire latency beside its floors (one page's fdatasync back to back;
#                                 a decision's 6 pages at the acquires' pace; the same open loop against the WebSocket echo),
#                                 3 times after a warm-up (printed; --jar=OLD.jar too)
#   ./bench.sh --only=sessions    only the connected sessions' memory (--sessions=N, default 10,000): heap per session by
#                                 owner and the 40 classes that grew most, with instances per session, beside the floors
#                                 (an idle echo session on Jetty's core WebSocket API and as a Javalin WebSocket) (printed)
#   ./bench.sh --ab=OLD.jar       only workload 1, an older build's baton.jar and this one side by side (5 rounds each, in turn;
#                                 printed, no report): the before/after ratio of a change; with --store=postgres both run on
#                                 one PostgreSQL from Maven artifacts, each on a database of its own
#   ./bench.sh --ab-rest=OLD.jar  the same for workload 3 (REST acquire + release, 16 workers)
#   BATON_BENCH_JFR=DIR ./bench.sh ...   records a flight-recorder profile of each Baton process into DIR
# It builds Baton if needed and installs redis-server/redis-tools (Debian) for the Redis floor and the Redisson peer.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/java-env.sh
baton_find_jdk
baton_find_maven
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "baton-bench: installing redis-server and redis-tools with apt-get..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
  else
    echo "baton-bench: redis-server/redis-benchmark are missing; the Redis floor and the Redisson peer will be skipped (install redis-server redis-tools)." >&2
  fi
fi
echo "baton-bench: building..."
mvn -B -q -DskipTests package -pl baton-server,baton-bench -am
exec "$JAVA_HOME/bin/java" -Xmx3g --enable-native-access=ALL-UNNAMED -jar baton-bench/target/baton-bench.jar "$@"
