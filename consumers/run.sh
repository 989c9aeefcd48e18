#!/usr/bin/env bash
# Proof that the published artifacts work for a consumer. Deploys the BOM, core and the starter to a file repository
# inside the build directory, checks what was deployed (flattened POMs, licence, sources and javadoc jars,
# Automatic-Module-Name), then builds two consumer applications, on Spring Boot 4.1 and on Spring Boot 3.5, that take
# heapwatch only from that repository, starts each and checks its authenticated /metrics. The Boot 4.1 application
# runs once on embedded Tomcat and once on embedded Jetty (spring-boot-starter-jetty).
# Usage: bash consumers/run.sh   (SKIP_DEPLOY=1 reuses consumers/target/staging-repo)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/consumers/target
staging=$work/staging-repo
repo=$work/m2 # the consumers' own local repository: never ~/.m2, which heapwatch must not reach
seed=${HEAPWATCH_SEED_REPO:-$HOME/.m2/repository}
mkdir -p "$work" "$seed"

fail() {
  echo "consumers: FAIL: $*" >&2
  exit 1
}

if [ "${SKIP_DEPLOY:-0}" != 1 ]; then
  rm -rf "$staging"
  # Tests ran in the main build; this repackages the same sources and deploys them without installing anything.
  mvn -B -ntp -q -pl bom,core,spring-boot-starter -am deploy -DskipTests -Dmaven.install.skip=true \
    -DaltDeploymentRepository="heapwatch-staging::file:$staging"
fi

# What was deployed: exactly the three published artifacts.
deployed=$(cd "$staging/io/heapwatch" && ls | tr '\n' ' ')
[ "$deployed" = "heapwatch-bom heapwatch-core heapwatch-spring-boot-starter " ] || fail "deployed: $deployed"
for artifact in heapwatch-bom heapwatch-core heapwatch-spring-boot-starter; do
  dir=$(ls -d "$staging"/io/heapwatch/$artifact/*/)
  pom=$(ls "$dir"$artifact-*.pom)
  if grep -q '<parent>' "$pom"; then fail "$artifact: the published POM names a parent"; fi
  if grep -q '<scope>import</scope>' "$pom"; then fail "$artifact: the published POM imports a BOM"; fi
  if grep -q 'spring-boot-dependencies' "$pom"; then fail "$artifact: the published POM imposes spring-boot-dependencies"; fi
  for element in '<name>' '<description>' '<url>' '<name>Apache License, Version 2.0</name>' '<scm' '<developers>'; do
    grep -q "$element" "$pom" || fail "$artifact: the published POM lacks $element"
  done
  if [ $artifact = heapwatch-bom ]; then continue; fi
  for classifier in sources javadoc; do
    ls "$dir"$artifact-*-$classifier.jar >/dev/null 2>&1 || fail "$artifact: no $classifier jar"
  done
  jar=$(ls "$dir"$artifact-*.jar | grep -v -e '-sources.jar$' -e '-javadoc.jar$')
  grep -q '^Automatic-Module-Name: io\.heapwatch' <<<"$(unzip -p "$jar" META-INF/MANIFEST.MF)" \
    || fail "$artifact: no Automatic-Module-Name"
done
version=$(basename "$(ls -d "$staging"/io/heapwatch/heapwatch-core/*/)")
[ "$(basename "$(ls -d "$staging"/io/heapwatch/heapwatch-bom/*/)")" = "$version" ] || fail "heapwatch-bom's version is not $version"
echo "consumers: deployed heapwatch-bom, heapwatch-core, heapwatch-spring-boot-starter $version to $staging (flattened POMs checked)"

# consumer-dir expected-spring-boot-version expected-server
run_consumer() {
  local name=$1 boot=$2 server=$3
  local dir=$root/consumers/$name
  rm -rf "$repo/io/heapwatch" "$dir/target"
  HEAPWATCH_SEED_URL="file://$seed" HEAPWATCH_STAGING_URL="file://$staging" \
    mvn -B -ntp -q -s "$root/consumers/settings.xml" -Dmaven.repo.local="$repo" -Dheapwatch.version="$version" \
    -f "$dir/pom.xml" package

  # heapwatch came from the staging repository and from nowhere else.
  local origin
  for artifact in heapwatch-bom heapwatch-core heapwatch-spring-boot-starter; do
    origin=$(cat "$repo"/io/heapwatch/$artifact/*/_remote.repositories 2>/dev/null | grep -v '^#' || true)
    [ -n "$origin" ] || fail "$name: $artifact was not resolved"
    if echo "$origin" | grep -v -q '>heapwatch-staging=$'; then
      fail "$name: $artifact resolved from elsewhere: $origin"
    fi
  done
  # The consumer's Spring Boot version won over the one heapwatch was built with.
  local libs
  libs=$(unzip -l "$dir/target/consumer.jar" | awk '{print $4}' | grep '^BOOT-INF/lib/' | sed 's|BOOT-INF/lib/||')
  grep -qx "spring-boot-autoconfigure-$boot.jar" <<<"$libs" || fail "$name: not on Spring Boot $boot: $(echo "$libs" | grep spring-boot-autoconfigure)"
  grep -q '^heapwatch-spring-boot-starter-' <<<"$libs" || fail "$name: the starter is not packaged"
  grep -q '^heapwatch-core-' <<<"$libs" || fail "$name: heapwatch-core is not packaged"
  if [ "$server" = Jetty ] && grep -q '^tomcat-embed-core-' <<<"$libs"; then
    fail "$name: Tomcat is packaged beside Jetty"
  fi

  local log=$work/$name.log password
  password="consumer-$RANDOM$RANDOM"
  METRICS_AUTH_USERNAME=prometheus METRICS_AUTH_PASSWORD="$password" CONTAINER_NAME="$name" \
    java -jar "$dir/target/consumer.jar" --server.port=0 --server.address=127.0.0.1 >"$log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 1 240); do
    port=$(grep -o -m1 -E "$server started on port [0-9]+" "$log" | grep -o -E '[0-9]+$' || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name: the application exited"; }
    sleep 0.5
  done
  if [ -z "$port" ]; then
    kill "$pid"
    cat "$log" >&2
    fail "$name: $server did not start in 120 s"
  fi
  local base=http://127.0.0.1:$port status body
  curl -fsS "$base/items/7" >/dev/null
  status=$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")
  [ "$status" = 401 ] || { kill "$pid"; fail "$name: /metrics without credentials answered $status"; }
  status=$(curl -s -o /dev/null -w '%{http_code}' -u "prometheus:wrong" "$base/metrics")
  [ "$status" = 401 ] || { kill "$pid"; fail "$name: /metrics with a wrong password answered $status"; }
  # The filter records a request after its response has gone out, so the sample may trail the response a little.
  for _ in $(seq 1 20); do
    body=$(curl -fsS -u "prometheus:$password" "$base/metrics") || { kill "$pid"; fail "$name: /metrics with credentials failed"; }
    grep -q 'uri="/items/{id}"' <<<"$body" && break
    sleep 0.25
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  grep -q "^heapwatch_.*container=\"$name\"" <<<"$body" || fail "$name: /metrics has no heapwatch series for container $name"
  grep -q 'uri="/items/{id}"' <<<"$body" || fail "$name: /metrics has no series for the route /items/{id}"
  echo "consumers: $name on Spring Boot $boot and $server: heapwatch from the staging repository; /metrics 401 without and with wrong credentials, 200 with them ($(grep -c '^heapwatch_' <<<"$body") heapwatch samples)"
}

run_consumer boot4 4.1.1 Tomcat
run_consumer boot4-jetty 4.1.1 Jetty
run_consumer boot35 3.5.16 Tomcat
echo "consumers: 3 passed, 0 failed"
