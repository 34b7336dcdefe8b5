#!/bin/sh
# Builds the fp stack tier's native helper into $1/<platform>/libjtracefp.so (run by Maven in
# process-classes): linux-x64 and linux-aarch64, each with the machine's gcc when it targets that
# architecture, or a Debian cross compiler (x86_64-linux-gnu-gcc, aarch64-linux-gnu-gcc) when
# installed. The machine's own platform is required; skip the helper with -Djtrace.fp.skip=true.
set -eu
out="$1"
src="$(dirname "$0")/jtracefp.c"
flags="-O2 -fPIC -shared -fno-omit-frame-pointer -Wall -Wextra -Werror -std=gnu11"

host=$(uname -m)
case "$host" in
  x86_64) native=linux-x64; cross=aarch64-linux-gnu-gcc; other=linux-aarch64 ;;
  aarch64|arm64) native=linux-aarch64; cross=x86_64-linux-gnu-gcc; other=linux-x64 ;;
  *) echo "jtrace: no fp stack helper for $(uname -s)/$host; build with -Djtrace.fp.skip=true" >&2; exit 1 ;;
esac
if [ "$(uname -s)" != Linux ]; then
  echo "jtrace: the fp stack helper builds on Linux only; build with -Djtrace.fp.skip=true" >&2
  exit 1
fi
if ! command -v gcc >/dev/null 2>&1; then
  echo "jtrace: gcc not found: install it (Debian: apt-get install gcc libc6-dev) to build the fp stack helper, or build with -Djtrace.fp.skip=true" >&2
  exit 1
fi
mkdir -p "$out/$native"
gcc $flags -o "$out/$native/libjtracefp.so" "$src"
if command -v "$cross" >/dev/null 2>&1; then
  mkdir -p "$out/$other"
  "$cross" $flags -o "$out/$other/libjtracefp.so" "$src"
fi
