# Sourced by ./jtrace and ./test.sh: sets JDK to a JDK 25+ home (JAVA_HOME if it is one, else
# one installed under the usual places), or prints one line saying what is missing and exits.

java_major() { # the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      v="$(java_major "$home/bin/java")"
      if [ -n "$v" ] && [ "$v" -ge 25 ]; then
        echo "$home"
        return 0
      fi
    fi
  done
  return 1
}

if ! JDK="$(find_jdk)"; then
  echo "jtrace: JDK 25 or newer not found: set JAVA_HOME to a JDK 25 installation (looked in JAVA_HOME and /usr/lib/jvm)" >&2
  exit 1
fi

if ! command -v mvn >/dev/null 2>&1; then
  need_mvn_message="jtrace: Maven (mvn) is needed to build jtrace; install it (e.g. apt-get install maven)"
fi
