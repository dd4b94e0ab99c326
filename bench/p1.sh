#!/usr/bin/env bash
# bench/p1.sh DB LEVEL: P1, statistics of one subtree (LEVEL root, city,
# county or branch): GET /api/v1/orgs/{code}/stats through HTTP (p50 of
# wrk's latency over P1_SECONDS on one keep-alive connection) against the
# same figures by plain SQL (bench/p1-stats.sql) in the sqlite3 command-line
# tool on the same database (median of up to 3 runs). The two answers are
# compared figure by figure. Prints two table rows: the answer as the server
# gives it (cached by organization and the index's generation), and the
# answer summed from the index on every request (the server's answer cache
# off, QIANGJI_STATS_CACHE=0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
db=$1 level=$2
q() { sqlite3 "$db" "$1"; }
root=$(q "SELECT id FROM org WHERE parent_id IS NULL")
city=$(q "SELECT id FROM org WHERE parent_id=$root AND kind='党委' AND length(code)=6 ORDER BY code LIMIT 1")
county=$(q "SELECT id FROM org WHERE parent_id=$city AND kind='党委' AND length(code)=6 ORDER BY code LIMIT 1")
case $level in
  root) id=$root ;;
  city) id=$city ;;
  county) id=$county ;;
  branch)
    cpath=$(q "SELECT path FROM org WHERE id=$county")
    id=$(q "SELECT o.id FROM org o JOIN member m ON m.org_id=o.id WHERE o.path >= '$cpath'
            AND o.path < substr('$cpath', 1, length('$cpath') - 1) || '0' GROUP BY o.id ORDER BY count(*) DESC, o.code LIMIT 1") ;;
  *) echo "level: root, city, county or branch" >&2; exit 2 ;;
esac
code=$(q "SELECT code FROM org WHERE id=$id")
lo=$(q "SELECT path FROM org WHERE id=$id")
hi="${lo%/}0"
tmp=$(mktemp -d /tmp/qiangji-bench-p1.XXXXXX)
trap 'stop_server; rm -rf "$tmp"' EXIT

# The baseline: sqlite3 on the same file.
sed -e "s|:LO|$lo|g" -e "s|:HI|$hi|g" -e "s|:TODAY|$QIANGJI_TODAY|g" "$BENCH_DIR/p1-stats.sql" >"$tmp/q.sql"
sqlite3 "$db" <"$tmp/q.sql" >"$tmp/sql.out"
sql_s=$(median_seconds 3 sqlite3 "$db" ".read $tmp/q.sql")

# Qiangji through HTTP: the cached answer, then the answer summed from the
# index at request time (cache off). Sets p50 and errors.
measure() {
  QIANGJI_STATS_CACHE=$1 start_server "$db"
  curl -sf -H "Cookie: $QJ_COOKIE" "$QJ_URL/api/v1/orgs/$code/stats" >"$tmp/api-$1.json"
  out=$(wrk -t1 -c1 -d"${P1_SECONDS:-5}s" --latency -H "Cookie: $QJ_COOKIE" "$QJ_URL/api/v1/orgs/$code/stats")
  p50=$(wrk_ms "$out" 50%)
  errors=$(wrk_errors "$out")
  stop_server
}
measure 1
p50_cached=$p50 errors_cached=$errors
measure 0
p50_summed=$p50 errors_summed=$errors
cmp -s <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d, sort_keys=True))' "$tmp/api-1.json") \
       <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d, sort_keys=True))' "$tmp/api-0.json") ||
  { echo "P1 stats $level | the cached and the summed answers differ | | | | no"; exit 0; }
cp "$tmp/api-1.json" "$tmp/api.json"

# Identical figures?
same=$(python3 - "$tmp/api.json" "$tmp/sql.out" <<'EOF'
import json, math, sys
api = json.load(open(sys.argv[1]))
got = {}
for line in open(sys.argv[2], encoding='utf-8'):
    bd, label, n = line.rstrip('\n').split('|')
    got[(bd, label)] = int(n)
def section(bd):
    return api['orgs'] if bd in ('orgs', 'by_kind', 'by_domain', 'by_formation') else api['members']
bad = []
# The other modules' figures: compared on their own, then left out of the breakdowns.
mods = {k: got.pop(k) for k in [k for k in got if k[0] in ('meetings', 'training', 'secretaries')]}
meet = api['modules']['meetings']
for kind in [k for k in meet if k not in ('year', 'total')]:
    if meet[kind] != mods.get(('meetings', kind), 0): bad.append(f'meetings/{kind}: api {meet[kind]} sql {mods.get(("meetings", kind), 0)}')
if meet['total'] != sum(v for (b, _), v in mods.items() if b == 'meetings'): bad.append('meetings/total')
tr = api['modules']['training']
for key, want in (('courses', mods[('training', 'courses')]), ('person_times', mods[('training', 'person_times')]),
                  ('hours', mods[('training', 'hours_tenths')] / 10)):
    if abs(tr[key] - want) > 1e-9: bad.append(f'training/{key}: api {tr[key]} sql {want}')
sec, n = api['secretaries'], mods[('secretaries', 'count')]
half_up = lambda x, k: math.floor(x * 10 ** k + 0.5) / 10 ** k   # as the server's lround
want = {'available': True, 'count': n, 'average_age': half_up(mods[('secretaries', 'age_sum')] / n, 1) if n else None,
        'high_school_or_above_share': half_up(mods[('secretaries', 'high_school_or_above')] / n, 3) if n else None}
if sec != want: bad.append(f'secretaries: api {sec} sql {want}')
for (bd, label), n in got.items():
    v = section(bd)['total'] if label == 'total' else section(bd).get(bd, {}).get(label)
    if v != n: bad.append(f'{bd}/{label}: api {v} sql {n}')
for part in ('orgs', 'members'):
    for bd, o in api[part].items():
        if bd == 'total': continue
        for label, v in o.items():
            if v and (bd, label) not in got: bad.append(f'{bd}/{label}: api {v}, not in sql')
print('yes' if not bad else 'no: ' + '; '.join(bad[:3]))
EOF
)
# One row per way of answering, with the same goal.
row() {
  local how=$1 p50=$2 errors=$3 ratio ok met
  ratio=$(echo "$sql_s * 1000 / $p50" | bc -l)
  if [ "$level" = root ]; then goal="≥ 10,000×, < 1 ms, same figures"; ok=$(echo "$ratio >= 10000 && $p50 < 1" | bc -l)
  else goal="< 1 ms p50, same figures"; ok=$(echo "$p50 < 1" | bc -l); fi
  met=no; [ "$ok" = 1 ] && [ "$same" = yes ] && [ "$errors" = 0 ] && met=yes
  [ "$same" = yes ] || met="no (figures differ: ${same#no: })"
  [ "$errors" = 0 ] || met="no ($errors HTTP errors)"
  printf 'P1 stats %-6s %-14s %-6s | %.3f ms p50 (HTTP) | %.3f s sqlite3 | %s× | %s | %s\n' \
    "$level" "$code" "$how" "$p50" "$sql_s" "$(fmt_int "$ratio")" "$goal" "$met"
}
row cached "$p50_cached" "$errors_cached"
row summed "$p50_summed" "$errors_summed"
