#!/bin/bash
# Pause cost of jdk.ObjectCountAfterGC under G1 (default collector): the "Report Object Count" phase
# (-Xlog:gc+phases=debug) and the whole Remark / Full pause, with the event on and off, on JDK 17 and Temurin 25.
# Live heap of 80-byte pairs (a 16-byte object holding a byte[48]): 100 MiB (~2.6 million objects) and 1 GiB (~27
# million objects), heap 3x the live set. Remarks come from System.gc() with -XX:+ExplicitGCInvokesConcurrent (a
# concurrent cycle), full collections from System.gc(). Run from this directory: ./pauses.sh > pauses.txt
set -e
out=$(mktemp -d)
javac -d "$out" OcProbe.java
for jv in 17 25; do
  JAVA=java; [ $jv = 25 ] && JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  for live in 100 1024; do
    heap=$(( live * 3 ))m
    for rep in 1 2; do
      for on in false true; do
        $JAVA -Xms$heap -Xmx$heap -XX:+ExplicitGCInvokesConcurrent -Xlog:gc+phases=debug,gc=info:file=$out/c.log -cp "$out" OcProbe $live conc $on 6 >/dev/null
        echo "jdk$jv live=${live}MiB remark on=$on pause_ms: $(grep 'Pause Remark ' $out/c.log | sed 's/.* \([0-9.]*\)ms$/\1/' | tr '\n' ' ') phase_ms: $(grep 'Report Object Count ' $out/c.log | sed 's/.* \([0-9.]*\)ms$/\1/' | tr '\n' ' ')"
        $JAVA -Xms$heap -Xmx$heap -Xlog:gc+phases=debug,gc=info:file=$out/f.log -cp "$out" OcProbe $live full $on 5 >/dev/null
        echo "jdk$jv live=${live}MiB full on=$on pause_ms: $(grep 'Pause Full ' $out/f.log | sed 's/.* \([0-9.]*\)ms$/\1/' | tr '\n' ' ') phase_ms: $(grep 'Report Object Count ' $out/f.log | sed 's/.* \([0-9.]*\)ms$/\1/' | tr '\n' ' ')"
      done
    done
  done
done
rm -rf "$out"
