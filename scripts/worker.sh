#!/usr/bin/env bash
# Starts, stops and restarts a background local scimlet Worker on a loopback port, for
# tests and benchmarks. It runs in its own process group, recorded in $RUN_DIR/pid, and is
# stopped by that id only.
#
#   PORT=8790 RUN_DIR=/tmp/x PERSIST_DIR=/tmp/x/state scripts/worker.sh start|stop|restart
#
# Environment: PORT (required), RUN_DIR (pid and log; required), PERSIST_DIR (local KV and
# Durable Object state; default .wrangler/state), SERVE (`miniflare`, the default: the
# built Worker in one Miniflare instance, scripts/serve.mjs; or `wrangler`: `wrangler dev`,
# which rebuilds through wrangler.toml's [build] first), WORKER_VARS (space-separated
# NAME:VALUE pairs passed as --var), READY_TIMEOUT (seconds, default 300).
#
# Only one server at a time uses a state directory: each holds an exclusive lock on
# PERSIST_DIR.lock (flock) for its whole life, and a second one refuses to start.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PORT:?PORT is required}" "${RUN_DIR:?RUN_DIR is required}"
PERSIST_DIR="${PERSIST_DIR:-.wrangler/state}"
SERVE="${SERVE:-miniflare}"
PID_FILE="$RUN_DIR/pid"
LOG_FILE="$RUN_DIR/worker.log"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

wait_ready() {
    local deadline=$((SECONDS + ${READY_TIMEOUT:-300}))
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
        if ! running; then
            echo "the $SERVE server exited; last lines of $LOG_FILE:" >&2
            tail -n 40 "$LOG_FILE" >&2
            return 1
        fi
        if ((SECONDS > deadline)); then
            echo "the $SERVE server is not ready after ${READY_TIMEOUT:-300} s; see $LOG_FILE" >&2
            return 1
        fi
        sleep 0.2
    done
}

# The command serving the Worker, by $SERVE, into the array `cmd`. Both run on Node >= 22
# (scripts/tools.sh node22).
server_command() {
    local var node
    node="$(scripts/tools.sh node22)" || return 1
    case "$SERVE" in
        miniflare)
            cmd=("$node" scripts/serve.mjs --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST_DIR")
            for var in ${WORKER_VARS:-}; do cmd+=(--var "$var"); done
            ;;
        wrangler)
            cmd=("$node" node_modules/wrangler/bin/wrangler.js dev --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST_DIR")
            for var in ${WORKER_VARS:-}; do cmd+=(--var "$var"); done
            ;;
        *) echo "SERVE must be miniflare or wrangler, not '$SERVE'" >&2; return 2 ;;
    esac
}

start() {
    mkdir -p "$RUN_DIR" "$(dirname "$PERSIST_DIR")"
    if running; then
        echo "already running (pid $(cat "$PID_FILE"))" >&2
        return 1
    fi
    local cmd lock=()
    server_command
    if command -v flock >/dev/null; then
        lock=(flock -n "$PERSIST_DIR.lock")
        if ! "${lock[@]}" true; then
            echo "another local server uses $PERSIST_DIR (make dev?); stop it first" >&2
            return 1
        fi
    fi
    echo "--- ${cmd[*]} ($(date -u +%FT%TZ))" >>"$LOG_FILE"
    # Without DevTools attached, wrangler's inspector proxy only buffers events (it grew by
    # 230 MB over 2,500 requests); wrangler skips it inside a VS Code debug terminal, which
    # this variable announces.
    VSCODE_INSPECTOR_OPTIONS=skip-inspector-proxy \
        setsid "${lock[@]}" "${cmd[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    wait_ready
}

stop() {
    running || { rm -f "$PID_FILE"; return 0; }
    local pid
    pid="$(cat "$PID_FILE")"
    # The whole group: the server and the workerd processes it spawned.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    # Returns once the state is free, so a restart never meets its own predecessor's lock.
    command -v flock >/dev/null || return 0
    for _ in $(seq 1 40); do
        flock -n "$PERSIST_DIR.lock" true && return 0
        sleep 0.25
    done
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
