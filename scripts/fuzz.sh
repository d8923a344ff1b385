#!/usr/bin/env bash
# Fuzzes each Jazzer test of baton-server in turn (Jazzer fuzzes one test per JVM), for its maxDuration (60 s each).
# A crash is saved by Jazzer under baton-server/src/test/resources/org/baton/server/fuzz/<Test>Inputs/<method>/ and
# from then on replayed by every normal build: commit it with the fix. Run by `./test.sh --soak`, or alone.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-env.sh
baton_find_jdk
baton_find_maven
tests=(ResourceIdFuzzTest EnvelopeFuzzTest RecordFieldsFuzzTest PolicyFileFuzzTest)
mvn -B -q install -DskipTests -pl baton-server -am
for test in "${tests[@]}"; do
  echo "baton: fuzzing $test"
  JAZZER_FUZZ=1 mvn -B test -pl baton-server -Djazzer.hooks=true -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.instrumentation_includes='org.baton.**:com.fasterxml.jackson.**:org.yaml.snakeyaml.**' \
    -Dsurefire.reportsDirectory=target/surefire-reports-fuzz
done
