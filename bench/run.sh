#!/usr/bin/env bash
# The load benchmark: builds the project, then runs dynalite (also behind a TCP proxy adding 1 ms each way), the
# accelerator, a baseline server and a bare forwarder, each in its own JVM, on this machine and prints every figure beside the
# baseline measured in the same run, with the CPU time per request of the process that answered.
# Usage: bench/run.sh [--seconds N] [--connections N] [--upstream-delay-ms N] [--delayed-connections N] [--instances N] [--in-process]
#   (from anywhere; takes about 4 minutes with --seconds 3)
# Microbenchmarks:   bench/run.sh jmh [JMH options]        e.g. bench/run.sh jmh -f 1 -wi 3 -i 5
# Auth cost:         bench/run.sh auth [--seconds N]   cache-hit GetItem, auth sigv4 against none, same run (about a minute)
# Memory footprint:  bench/run.sh memory
# Cluster hop:       bench/run.sh cluster [--nodes N] [--seconds N] [--connections N]   a 3-member cluster (2 at least), cache-hit
#   GetItem to one member for keys it owns against keys another member owns (one forwarding hop), same run: p50/p99 and
#   throughput of both and their ratio (target: the hop adds at most 0.3 ms p50; about two minutes)
# Soak (not in CI):  bench/run.sh soak [--minutes N] [--fraction F]   a sigv4 node, mixed signed load at half its measured capacity
#   for 10 minutes: errors (target 0) and the node's heap after GC at start and end (target flat)
# Write strategies:  bench/run.sh strategies [--seconds N] [--rounds N] [--writers N] [--kills N]   (about 5 minutes)
#   direct DynamoDB, write-through, invalidate, write-back fsync always and interval, one run, one upstream
#   (dynalite behind a proxy adding 1-2 ms each way): write p50/p99 against direct, stale reads of a
#   concurrent reader, acknowledged writes lost after kill -9 of the node, upstream writes for 10,000 increments
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package -pl bench -am
jar=bench/target/dynaccel-bench.jar
case "${1:-}" in
  jmh) shift; exec java -jar "$jar" "$@" ;;
  strategies) shift; exec java -Xms1g -Xmx1g -cp "$jar" io.dynaccel.bench.StrategyBenchmark "$@" ;;
  auth) shift; exec java -Xms2g -Xmx2g -cp "$jar" io.dynaccel.bench.AuthCostRun "$@" ;;
  cluster) shift; exec java -Xms1g -Xmx1g -cp "$jar" io.dynaccel.bench.ClusterHopRun "$@" ;;
  soak) shift; exec java -Xms1g -Xmx1g -cp "$jar" io.dynaccel.bench.SoakRun "$@" ;;
  memory) shift; exec java -Xms6g -Xmx6g -cp "$jar" io.dynaccel.bench.MemoryFootprint "$@" ;;
  *) exec java -Xms2g -Xmx2g -cp "$jar" io.dynaccel.bench.LoadBenchmark "$@" ;;
esac
