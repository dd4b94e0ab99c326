#!/usr/bin/env bash
# bench/p3.sh DB: P3, a cached JSON read endpoint under load: `wrk -c64`
# for P3_SECONDS on GET /api/v1/orgs/{county}/stats (answered from the
# index, cached by its generation; session checked on every request)
# against nginx serving a static file of the same size, same client, same
# headers, same machine, loopback only. Prints one table row.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
db=$1
secs=${P3_SECONDS:-10}
root=$(sqlite3 "$db" "SELECT id FROM org WHERE parent_id IS NULL")
city=$(sqlite3 "$db" "SELECT id FROM org WHERE parent_id=$root AND kind='党委' AND length(code)=6 ORDER BY code LIMIT 1")
code=$(sqlite3 "$db" "SELECT code FROM org WHERE parent_id=$city AND kind='党委' AND length(code)=6 ORDER BY code LIMIT 1")
tmp=$(mktemp -d /tmp/qiangji-bench-p3.XXXXXX)
chmod 755 "$tmp"
ngx_pid=
trap 'stop_server; [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

start_server "$db"
url="$QJ_URL/api/v1/orgs/$code/stats"
bytes=$(curl -sf -H "Cookie: $QJ_COOKIE" "$url" | wc -c)
wrk -t2 -c64 -d2s -H "Cookie: $QJ_COOKIE" "$url" >/dev/null   # warm-up
qj=$(wrk -t2 -c64 -d"${secs}s" --latency -H "Cookie: $QJ_COOKIE" "$url")
stop_server

# nginx: the same number of bytes from a static file.
mkdir -p "$tmp/www" "$tmp/logs"
head -c "$bytes" /dev/zero | tr '\0' 'x' >"$tmp/www/stats.json"
chmod 644 "$tmp/www/stats.json"
port=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $tmp/www; default_type application/json; }
}
CONF
nginx -e "$tmp/logs/error.log" -p "$tmp" -c "$tmp/nginx.conf"
for _ in $(seq 1 50); do [ -s "$tmp/nginx.pid" ] && break; sleep 0.1; done
ngx_pid=$(cat "$tmp/nginx.pid")
wrk -t2 -c64 -d2s -H "Cookie: $QJ_COOKIE" "http://127.0.0.1:$port/stats.json" >/dev/null
ng=$(wrk -t2 -c64 -d"${secs}s" --latency -H "Cookie: $QJ_COOKIE" "http://127.0.0.1:$port/stats.json")
kill "$ngx_pid"
ngx_pid=

qj_rps=$(wrk_rps "$qj") ng_rps=$(wrk_rps "$ng")
qj_p99=$(wrk_ms "$qj" 99%) ng_p99=$(wrk_ms "$ng" 99%)
qj_err=$(wrk_errors "$qj")
ratio=$(echo "$qj_rps / $ng_rps" | bc -l)
met=no
[ "$(echo "$ratio >= 0.7 && $qj_p99 < 10" | bc -l)" = 1 ] && [ "$qj_err" = 0 ] && met=yes
printf 'P3 cached JSON %s B, wrk -c64 %ss | %s req/s, p99 %.2f ms, %s errors | nginx %s req/s, p99 %.2f ms | %.2f× | ≥ 0.7×, p99 < 10 ms, 0 errors | %s\n' \
  "$bytes" "$secs" "$(fmt_int "$qj_rps")" "$qj_p99" "$qj_err" "$(fmt_int "$ng_rps")" "$ng_p99" "$ratio" "$met"
