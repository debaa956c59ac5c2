#!/usr/bin/env bash
# Start or stop a real Chroma server (`chroma run`) on loopback, for server-mode tests, CI and benchmarks.
#
#   scripts/chroma-server.sh start [DIR] [PORT]   # prints the URL (http://127.0.0.1:PORT); waits until it answers
#   scripts/chroma-server.sh stop  [DIR]          # stops the server started for DIR (pid file DIR/chroma.pid)
#   scripts/chroma-server.sh status [DIR]
#
# DIR defaults to .data/chroma-server, PORT to 8765. In CI: `export KB_TEST_CHROMA_URL=$(scripts/chroma-server.sh start)`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
dir="${2:-$here/.data/chroma-server}"
port="${3:-8765}"
chroma="${CHROMA_BIN:-$here/.venv/bin/chroma}"
[ -x "$chroma" ] || chroma="$(command -v chroma || true)"
pidfile="$dir/chroma.pid"
portfile="$dir/chroma.port"

heartbeat() {
  curl -fsS --max-time 2 "http://127.0.0.1:$1/api/v2/heartbeat" >/dev/null 2>&1 \
    || "$here/.venv/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v2/heartbeat", timeout=2).read()
PY
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$cmd" in
  start)
    [ -n "$chroma" ] || { echo "chroma-server.sh: no chroma executable (install the project: make install)" >&2; exit 2; }
    mkdir -p "$dir/db"
    if running; then echo "http://127.0.0.1:$(cat "$portfile")"; exit 0; fi
    # setsid: the server gets its own process group, so stopping it never touches the caller's.
    setsid "$chroma" run --path "$dir/db" --host 127.0.0.1 --port "$port" >"$dir/chroma.log" 2>&1 < /dev/null &
    echo $! >"$pidfile"
    echo "$port" >"$portfile"
    for _ in $(seq 1 120); do
      if heartbeat "$port"; then echo "http://127.0.0.1:$port"; exit 0; fi
      if ! running; then echo "chroma-server.sh: server exited; log:" >&2; tail -20 "$dir/chroma.log" >&2; exit 1; fi
      sleep 0.5
    done
    echo "chroma-server.sh: server did not answer on port $port within 60 s" >&2
    exit 1
    ;;
  stop)
    if running; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    ;;
  status)
    if running && heartbeat "$(cat "$portfile")"; then echo "up http://127.0.0.1:$(cat "$portfile")"; else echo "down"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status [DIR] [PORT]" >&2
    exit 2
    ;;
esac
