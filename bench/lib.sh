# bench/lib.sh: what the benchmark rows share (sourced, not run).
# QIANGJI names the binary (default build/qiangji of this checkout);
# BENCH_CACHE the cache directory (run.sh sets it). Everything listens on
# 127.0.0.1 only, and every server started here is stopped by its pid.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QIANGJI=${QIANGJI:-$BENCH_DIR/../build/qiangji}
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qiangji-bench}
# Fixed so that the API (util_today) and the SQL baseline count ages to the same day.
export QIANGJI_TODAY=${QIANGJI_TODAY:-$(date +%F)}

# A free loopback port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts `qiangji serve` on DB; sets QJ_PID, QJ_URL, QJ_COOKIE (admin), and
# QJ_INDEX (the server's line about its statistics index).
start_server() {
  local db=$1 port log
  port=$(free_port)
  log=$(mktemp /tmp/qiangji-bench-srv.XXXXXX)
  QIANGJI_QUIET=1 "$QIANGJI" serve --db "$db" --listen "127.0.0.1:$port" >"$log.out" 2>"$log" &
  QJ_PID=$!
  QJ_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    grep -q "listening on" "$log.out" 2>/dev/null && break
    kill -0 "$QJ_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  QJ_INDEX=$(grep "statistics index" "$log" | head -1)
  QJ_COOKIE=$(curl -s -i -H 'content-type: application/json' \
    -d '{"login":"admin","password":"qiangji-admin"}' "$QJ_URL/api/v1/session" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(qj_session=[^;]*\).*/\1/p')
  rm -f "$log" "$log.out"
  [ -n "$QJ_COOKIE" ]
}

stop_server() {
  [ -n "${QJ_PID:-}" ] && kill "$QJ_PID" 2>/dev/null && wait "$QJ_PID" 2>/dev/null
  QJ_PID=
}

# wrk's latency percentile ($2: 50%, 99%) from its --latency output ($1), in ms.
wrk_ms() {
  awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' <<<"$1"
}
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' <<<"$1"; }
# Errors wrk saw: non-2xx answers plus socket errors.
wrk_errors() {
  awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$1"
}

# Seconds (float) a command takes, the median of up to $1 runs (fewer when
# one run takes over 5 s: those are slow enough to measure once).
median_seconds() {
  local runs=$1; shift
  local t=() s e
  for _ in $(seq 1 "$runs"); do
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    t+=("$(echo "$e - $s" | bc -l)")
    [ "$(echo "${t[-1]} > 5" | bc -l)" = 1 ] && break
  done
  printf '%s\n' "${t[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# 12345.6 -> 12,346 (for the table).
fmt_int() { printf "%'.0f" "$1"; }
