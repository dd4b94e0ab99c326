// report.mjs: the fault suite's figures as one table (Markdown), from the
// files the tests wrote to build/fault (FAULT_OUT). `make fault` and
// `make torture` print it at the end; paste it into a closing note.
import fs from 'node:fs';
import path from 'node:path';
import { OUT } from './lib.mjs';

const read = (n) => {
  try { return JSON.parse(fs.readFileSync(path.join(OUT, `${n}.json`), 'utf8')); } catch { return null; }
};
const rows = [];
const c = read('crash'), f = read('diskfull'), i = read('import-kill'), s = read('soak');
// --fuzz: the fuzz targets' last run, from their logs (build/fuzz/NAME.log).
let z = null;
if (process.argv.includes('--fuzz')) {
  const dir = path.join(OUT, '../fuzz');
  const logs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /^fuzz_[a-z]+\.log$/.test(n)) : [];
  z = { crashes: fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => /-(crash|leak|timeout|oom)-/.test(n)).length : 0, targets: [] };
  for (const n of logs) {
    const m = /Done (\d+) runs in (\d+) second/.exec(fs.readFileSync(path.join(dir, n), 'utf8'));
    z.targets.push({ name: n.replace('.log', ''), execs: m ? Number(m[1]) : 0, seconds: m ? Number(m[2]) : 0 });
  }
}
if (c) rows.push(['kill -9 under writes', `${c.cycles} cycles, ${c.acknowledged} acknowledged writes, ${c.lost} lost`,
  `integrity ${c.integrity_ok}/${c.cycles}, chain ${c.chain_ok}/${c.cycles}`]);
if (f) rows.push(['disk full', f.ran ? `${f.fs}: ${f.answers_507} × 507 storage_full, ${f.answers_2xx} × 2xx (fitted), ${f.answers_other} other; ` +
  `reads ${f.reads_ok}/4 ok; import: CLI refused, API ${f.api_import_full}` : `not run: ${f.reason}`,
  f.ran ? `recovered without restart: ${f.recovered ? 'yes' : 'no'}` : '']);
if (i) rows.push(['kill -9 during import', `${i.kills} kills in ${i.rows} rows, ${i.imported_by_killed} left anything`,
  `integrity ${i.integrity_ok}/${i.kills}, chain ${i.chain_ok}/${i.kills}, re-import ${i.reimport_ok ? 'ok' : 'FAILED'}`]);
if (z) rows.push(['fuzz', z.targets.map((t) => `${t.name} ${t.seconds} s ${t.execs} runs`).join(', '), `crashes ${z.crashes}`]);
if (s) rows.push(['soak', `${s.clients} clients ${s.seconds} s: ${s.requests} requests, ${s.rps}/s, p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms, max ${s.max_ms} ms`,
  `errors ${s.errors}; RSS ${s.rss_warm_mb} → ${s.rss_end_mb} MB after warm-up (${s.rss_growth_pct} %), max ${s.rss_max_mb}`]);
console.log('| fault | what ran | result |\n| --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (!rows.length) console.log(`| (no figures in ${OUT}) | | |`);
