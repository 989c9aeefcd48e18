#!/bin/bash
# Which G1 collections emit jdk.ObjectCountAfterGC, and which classes (the cutoff), on JDK 17 and Temurin 25.
# Run from this directory: ./emission.sh > emission.txt
set -e
out=$(mktemp -d)
javac -d "$out" OcProbe.java Cutoff.java
for jv in java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; do
  $jv -version 2>&1 | head -1
  echo "== young only (garbage churn, 50 MiB live, -Xmx512m)"
  $jv -Xmx512m -cp "$out" OcProbe 50 natural true 5 | grep -v "^  pause" | grep -E "objectClass events|OC |gcId [0-9]+ ->" || true
  echo "   young collections: $($jv -Xmx512m -cp "$out" OcProbe 50 natural true 5 | grep -c '^GC.*G1New')"
  echo "== concurrent cycles started by the heap (300 MiB live, -Xmx512m)"
  $jv -Xmx512m -cp "$out" OcProbe 300 natural true 8 | grep -E "objectClass events|OC |gcId [0-9]+ ->"
  echo "== System.gc() with -XX:+ExplicitGCInvokesConcurrent"
  $jv -Xmx512m -XX:+ExplicitGCInvokesConcurrent -cp "$out" OcProbe 50 conc true 2 | grep -E "objectClass events|OC |gcId [0-9]+ ->"
  echo "== System.gc() (full)"
  $jv -Xmx512m -cp "$out" OcProbe 50 full true 2 | grep -E "objectClass events|OC |gcId [0-9]+ ->"
  echo "== cutoff"
  $jv -Xmx1g -cp "$out" Cutoff
done
rm -rf "$out"
