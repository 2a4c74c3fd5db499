#!/usr/bin/env bash
# Neo4j 5 Community for the graph store's tests and benchmark: resolves the embedded
# database and its Bolt server from Maven Central into tools/.cache/neo4j/lib (once) and
# compiles the small launcher in tools/neo4j/src. Needs Java 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/neo4j
stamp="$cache/ready"
inputs=$(cat neo4j/pom.xml neo4j/src/*.java | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then echo "neo4j launcher up to date"; exit 0; fi
for tool in java javac mvn; do
  command -v "$tool" >/dev/null || { echo "50-neo4j: '$tool' not found; install a JDK 17+ and Maven (openjdk-17-jdk-headless, maven)" >&2; exit 1; }
done
rm -rf "$cache/lib" "$cache/classes"
mkdir -p "$cache/lib" "$cache/classes"
echo "resolving Neo4j from Maven Central (first time only)"
mvn -q -B -f neo4j/pom.xml dependency:copy-dependencies \
  -DoutputDirectory="$PWD/$cache/lib" -DincludeScope=runtime -Dmaven.repo.local="$PWD/$cache/m2"
javac -cp "$cache/lib/*" -d "$cache/classes" neo4j/src/*.java
echo "$inputs" > "$stamp"
echo "neo4j launcher ready: $(ls "$cache/lib" | wc -l) jars"
