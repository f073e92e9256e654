#!/usr/bin/env bash
# Stops what deploy/local/run.sh started (MariaDB keeps running: tests and the next run use it).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for name in api silo simulator; do
  pid_file="$root/.run/$name.pid"
  if [ -f "$pid_file" ]; then
    kill "$(cat "$pid_file")" 2>/dev/null && echo "stopped $name"
    rm -f "$pid_file"
  fi
done
