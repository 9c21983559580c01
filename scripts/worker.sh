#!/usr/bin/env bash
# Starts, stops and restarts a background `wrangler dev` of scimlet on a loopback port, for
# tests and benchmarks. It runs in its own process group, recorded in $RUN_DIR/pid, and is
# stopped by that id only.
#
#   PORT=8790 RUN_DIR=/tmp/x PERSIST_DIR=/tmp/x/state scripts/worker.sh start|stop|restart
#
# Environment: PORT (required), RUN_DIR (pid and log; required), PERSIST_DIR (local KV and
# Durable Object state; default .wrangler/state), WORKER_VARS (space-separated NAME:VALUE
# pairs passed as --var), READY_TIMEOUT (seconds, default 300).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PORT:?PORT is required}" "${RUN_DIR:?RUN_DIR is required}"
PID_FILE="$RUN_DIR/pid"
LOG_FILE="$RUN_DIR/wrangler.log"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

wait_ready() {
    local deadline=$((SECONDS + ${READY_TIMEOUT:-300}))
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
        if ! running; then
            echo "wrangler dev exited; last lines of $LOG_FILE:" >&2
            tail -n 40 "$LOG_FILE" >&2
            return 1
        fi
        if ((SECONDS > deadline)); then
            echo "wrangler dev not ready after ${READY_TIMEOUT:-300} s; see $LOG_FILE" >&2
            return 1
        fi
        sleep 0.5
    done
}

start() {
    mkdir -p "$RUN_DIR"
    if running; then
        echo "already running (pid $(cat "$PID_FILE"))" >&2
        return 1
    fi
    local args=(dev --ip 127.0.0.1 --port "$PORT")
    [[ -n "${PERSIST_DIR:-}" ]] && args+=(--persist-to "$PERSIST_DIR")
    local var
    for var in ${WORKER_VARS:-}; do args+=(--var "$var"); done
    echo "--- wrangler ${args[*]} ($(date -u +%FT%TZ))" >>"$LOG_FILE"
    setsid node_modules/.bin/wrangler "${args[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    wait_ready
}

stop() {
    running || { rm -f "$PID_FILE"; return 0; }
    local pid
    pid="$(cat "$PID_FILE")"
    # The whole group: wrangler and the workerd it spawned.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
