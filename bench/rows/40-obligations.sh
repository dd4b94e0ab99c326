#!/usr/bin/env bash
# 40-obligations.sh DB: the organizational-life obligations report of the
# whole tree (the province) for last year, written as CSV with every
# finding, by `qiangji report obligations` (which reads the yearly
# summaries), against the same findings in plain SQL straight over the
# records (bench/sql/obligations-common.sql + obligations-findings.sql), on
# the same database, in one run. Each side is the median of up to 3 runs
# (one when a run takes over 5 s), after one untimed run of each that maps
# the file's pages in for both alike. Checked before the times are
# compared: the two give the same findings, line by line, and the report's
# seven totals are those of obligations-plain.sql. Prints one line:
#   name | qiangji | plain SQL | ratio | goal | met?
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
DB=${1:?usage: 40-obligations.sh DB}
YEAR=${YEAR:-$(( ${QIANGJI_TODAY:0:4} - 1 ))}
ROOT=$(sqlite3 "$DB" "SELECT code FROM org WHERE parent_id IS NULL")
NORG=$(sqlite3 "$DB" "SELECT count(*) FROM org")
tmp=$(mktemp -d /tmp/qiangji-bench-obl.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sql() { cat "$BENCH_DIR/sql/obligations-common.sql" "$BENCH_DIR/sql/obligations-$1.sql" | sed "s/SELECT 2025)/SELECT $YEAR)/"; }
sql findings >"$tmp/findings.sql"
sql plain >"$tmp/plain.sql"
report() { "$QIANGJI" report obligations --db "$DB" --org "$ROOT" --year "$YEAR" --format csv --out "$tmp/q.csv" 2>"$tmp/q.err"; }
plain_findings() { sqlite3 "$DB" <"$tmp/findings.sql" >"$tmp/p.txt"; }

cat "$DB" >/dev/null
report
plain_findings
q=$(median_seconds 3 report)
p=$(median_seconds 3 plain_findings)

# The same findings: the report's CSV in the query's form, sorted alike.
python3 - "$tmp/q.csv" >"$tmp/q.txt" <<'PY'
import csv, sys
out = []
for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')):
    period = '' if r['规则'] == 'member_six_months' else r['期间']
    out.append('|'.join([r['类型'], r['规则'], r['组织编码'], r['党员编号'], period]))
print('\n'.join(sorted(out)))
PY
sort "$tmp/p.txt" >"$tmp/p.sorted"
nq=$(wc -l <"$tmp/q.txt") np=$(wc -l <"$tmp/p.sorted")
# The seven totals: the report's summary line against the plain query.
mine=$(sed -n 's/.*due \([0-9]*\), held \([0-9]*\); missing \([0-9]*\), late \([0-9]*\), quorum \([0-9]*\), no lecture \([0-9]*\), six months \([0-9]*\).*/\1|\2|\3|\4|\5|\6|\7/p' "$tmp/q.err")
plain=$(sqlite3 "$DB" <"$tmp/plain.sql")

ratio=$(echo "$p / $q" | bc -l)
met=no
if ! cmp -s "$tmp/q.txt" "$tmp/p.sorted"; then
  met="no (findings differ: report $(fmt_int "$nq"), plain SQL $(fmt_int "$np"); first: $(diff "$tmp/q.txt" "$tmp/p.sorted" | sed -n 2p))"
elif [ "$mine" != "$plain" ]; then
  met="no (totals differ: report $mine, plain SQL $plain)"
elif [ "$(echo "$q < 1" | bc -l)" = 1 ]; then
  met=yes
fi
printf 'obligations report %s orgs, year %s, %s findings | %.2f s | %.2f s plain SQL | %.1f× faster | < 1 s, same findings | %s\n' \
  "$(fmt_int "$NORG")" "$YEAR" "$(fmt_int "$nq")" "$q" "$p" "$ratio" "$met"
