#!/usr/bin/env bash
# Prints the path of a `java` for OpenJDK 21, from Debian's own packages, for Surefire's -Djvm.
#
# Debian 12 (CI's system) packages no JDK 21, and Debian 13's openjdk-21-jre-headless is built against glibc 2.38.
# So that package and the C runtime it was built against (libc6, libstdc++6, libgcc-s1, zlib1g, all from Debian 13)
# are unpacked into one directory, not installed, and the JVM runs under that directory's own dynamic loader. Nothing
# on the system changes; apt's own lists are not touched (a private list directory is used).
# Usage: java21=$(bash .ci/jdk21.sh [directory])   (default directory: target/jdk21 in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-$PWD/target/jdk21}
root=$dest/root
home=$root/usr/lib/jvm/java-21-openjdk-amd64
wrapper=$home/bin/java
if [ ! -x "$home/lib/jspawnhelper.debian13" ]; then
  rm -rf "$dest"
  mkdir -p "$dest/apt/lists/partial" "$dest/apt/cache/archives/partial" "$dest/debs"
  echo "deb http://deb.debian.org/debian trixie main" >"$dest/apt/sources.list"
  apt_opts=(-qq -o "Dir::Etc::SourceList=$dest/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$dest/apt/lists" -o "Dir::Cache=$dest/apt/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update >&2
  (cd "$dest/debs" && apt-get "${apt_opts[@]}" download openjdk-21-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g >&2)
  for deb in "$dest"/debs/*.deb; do
    dpkg -x "$deb" "$root"
  done
  # The package links its configuration to /etc/java-21-openjdk; point the links at the unpacked copy.
  find "$home" -type l -lname '/etc/*' | while read -r link; do
    ln -sfn "$root$(readlink "$link")" "$link"
  done
  # bin/java becomes the wrapper, so that a test that starts a child JVM from java.home runs it the same way.
  libs=$root/usr/lib/x86_64-linux-gnu
  mv "$home/bin/java" "$home/bin/java.debian13"
  cat >"$wrapper" <<WRAPPER
#!/bin/sh
exec "$libs/ld-linux-x86-64.so.2" --library-path "$libs:$home/lib:$home/lib/server" "$home/bin/java.debian13" "\$@"
WRAPPER
  chmod +x "$wrapper"
  # The JDK starts every child process through lib/jspawnhelper, itself a program for the newer C library.
  mv "$home/lib/jspawnhelper" "$home/lib/jspawnhelper.debian13"
  cat >"$home/lib/jspawnhelper" <<WRAPPER
#!/bin/sh
exec "$libs/ld-linux-x86-64.so.2" --library-path "$libs" "$home/lib/jspawnhelper.debian13" "\$@"
WRAPPER
  chmod +x "$home/lib/jspawnhelper"
fi
grep -q 'version "21' <<<"$("$wrapper" -version 2>&1)" || { "$wrapper" -version >&2; echo "not a JDK 21: $wrapper" >&2; exit 1; }
echo "$wrapper"
