// (e) a mixed soak: 16 clients on the county demo (1,500 organizations,
// 30,000 members, 85,000 meetings), reads and writes mixed like real use:
// member lists and searches, a member, statistics, meeting lists, the audit
// list, meetings created with their attendance, new members with a dues base
// and a payment. It reports requests per second, p50/p99/max latency (also per
// kind of request), errors (goal 0) and the growth of the server's resident
// memory (VmRSS of /proc/PID/status, sampled every 2 s) from the end of the
// warm-up (half the run, at most 120 s) to the end (goal < 5 %, checked on
// runs of 5 minutes or more).
//
// SOAK_SECONDS (default 60; `make torture`: 1800), SOAK_CLIENTS (16). The
// server is the optimized build (SOAK_BIN, default build/qiangji): latency
// under ASan says nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { tmpDir, rmDir, sqlite, Server, Client, record, envInt, personId, personName, ROOT, stopClean } from './lib.mjs';
import { ENV } from '../api/lib.mjs';

const SECONDS = envInt('SOAK_SECONDS', 60);
const CLIENTS = envInt('SOAK_CLIENTS', 16);
const BIN = path.resolve(process.env.SOAK_BIN || path.join(ROOT, 'build/qiangji'));

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))];

test(`soak: ${CLIENTS} clients for ${SECONDS} s`, { timeout: (SECONDS + 300) * 1000 }, async () => {
  const dir = tmpDir('soak');
  const db = path.join(dir, 'county.db');
  let srv;
  try {
    const r = spawnSync(BIN, ['demo', '--db', db, '--scale', 'county', '--seed', '1'], { env: ENV, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = (sql) => sqlite(db, sql).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
    const counties = rows("SELECT code FROM org WHERE kind IN ('党委','党工委') ORDER BY id").map(([c]) => c);
    const branches = rows("SELECT o.code, group_concat(m.id) FROM org o JOIN member m ON m.org_id=o.id AND m.status='active'" +
      " AND m.category='正式党员' WHERE o.kind='党支部' GROUP BY o.id HAVING count(*) >= 5 ORDER BY o.id")
      .map(([code, ids]) => ({ code, ids: ids.split(',').map(Number) }));
    const memberIds = branches.flatMap((b) => b.ids);
    assert.ok(counties.length > 10 && branches.length > 100, 'the demo has its tree');

    srv = new Server(dir, db, { QIANGJI_QUIET: '1' });
    await startWith(srv, BIN);
    const clients = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(new Client(srv, await srv.login('admin', 'qiangji-admin')));

    const pick = (a) => a[Math.floor(Math.random() * a.length)];
    let person = 900_000;
    const OPS = [
      [24, 'members', (c) => c.get(`/api/v1/orgs/${pick(counties)}/members?limit=20&offset=${Math.floor(Math.random() * 200)}`)],
      [12, 'search', (c) => c.get(`/api/v1/orgs/${pick(counties)}/members?q=${encodeURIComponent(pick(['王', '李', 'zh', 'wang', '张伟', 'l']))}&limit=20`)],
      [12, 'member', (c) => c.get(`/api/v1/members/${pick(memberIds)}`)],
      [12, 'stats', (c) => c.get(`/api/v1/orgs/${pick([...counties, pick(branches).code])}/stats`)],
      [8, 'meetings', (c) => c.get(`/api/v1/orgs/${pick(branches).code}/meetings`)],
      [6, 'audit', (c) => c.get(`/api/v1/audit?limit=50&org=${pick(counties)}`)],
      [10, 'meeting+attendance', (c) => {
        const b = pick(branches);
        return c.post(`/api/v1/orgs/${b.code}/meetings`, { kind: 'lecture', title: '专题党课', held_on: `2026-06-${String(1 + Math.floor(Math.random() * 29)).padStart(2, '0')}`,
          attendance: b.ids.slice(0, 30).map((id, i) => ({ member_id: id, state: i % 7 ? 'present' : 'absent' })) });
      }],
      [6, 'member+dues', async (c) => {
        const i = person++;
        const m = await c.post('/api/v1/members', { name: personName(i), ...personId(i), category: '正式党员', joined_on: '2015-07-01',
          full_on: '2016-07-01', org_code: pick(branches).code });
        if (m.status !== 201) return m;
        const b = await c.post(`/api/v1/members/${m.json.id}/dues/base`, { year: 2026, category: 'student' });
        if (b.status !== 200) return b;
        return c.post(`/api/v1/members/${m.json.id}/dues/payments`, { paid_on: '2026-06-30', channel: 'wechat', amount: 0.2,
          period_from: '2026-06', period_to: '2026-06' });
      }],
    ];
    const total = OPS.reduce((n, o) => n + o[0], 0);
    const lat = [], byOp = {}, errors = [];
    let nReq = 0;
    const t0 = Date.now(), tEnd = t0 + SECONDS * 1000;
    const samples = [];
    const sampler = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, kb: rssKb(srv.proc.pid) }), 2000);
    samples.push({ t: 0, kb: rssKb(srv.proc.pid) });
    await Promise.all(clients.map(async (c) => {
      while (Date.now() < tEnd) {
        let x = Math.random() * total, op = OPS[0];
        for (const o of OPS) { if ((x -= o[0]) < 0) { op = o; break; } }
        const s = performance.now();
        let res;
        try { res = await op[2](c); } catch (e) { res = { status: 0, text: String(e) }; }
        const ms = performance.now() - s;
        nReq++;
        lat.push(ms);
        (byOp[op[1]] ??= []).push(ms);
        if (!(res.status >= 200 && res.status < 300)) errors.push(`${op[1]}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }));
    clearInterval(sampler);
    samples.push({ t: (Date.now() - t0) / 1000, kb: rssKb(srv.proc.pid) });
    const secs = (Date.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    // Warm-up: the page caches and the answer cache fill (two minutes here,
    // half of a shorter run). The memory goal is judged on runs of 5 minutes
    // or more; a shorter one (make check's minute) reports the figure only.
    const warm = Math.min(120, SECONDS / 2);
    const atWarm = samples.find((s) => s.t >= warm) || samples[samples.length - 1];
    const last = samples[samples.length - 1];
    const fig = {
      seconds: Math.round(secs), clients: CLIENTS, requests: nReq, rps: Math.round(nReq / secs),
      p50_ms: +pct(lat, 0.5).toFixed(1), p99_ms: +pct(lat, 0.99).toFixed(1), max_ms: +lat[lat.length - 1].toFixed(1),
      errors: errors.length, rss_start_mb: +(samples[0].kb / 1024).toFixed(1), rss_warm_mb: +(atWarm.kb / 1024).toFixed(1),
      rss_end_mb: +(last.kb / 1024).toFixed(1), rss_max_mb: +(Math.max(...samples.map((s) => s.kb)) / 1024).toFixed(1),
      rss_growth_pct: +((last.kb - atWarm.kb) * 100 / atWarm.kb).toFixed(1),
      by_op: Object.fromEntries(Object.entries(byOp).map(([k, a]) => {
        a.sort((x, y) => x - y);
        return [k, { n: a.length, p50: +pct(a, 0.5).toFixed(1), p99: +pct(a, 0.99).toFixed(1), max: +a[a.length - 1].toFixed(1) }];
      })),
      rss_mb: samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 30)) === 0).map((s) => [Math.round(s.t), +(s.kb / 1024).toFixed(0)]),
    };
    record('soak', fig);
    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} errors`);
    if (SECONDS >= 300) assert.ok(fig.rss_growth_pct < 5, `resident memory grew ${fig.rss_growth_pct} % after the warm-up (${fig.rss_warm_mb} -> ${fig.rss_end_mb} MB)`);
    await stopClean(srv);
    srv = null;
  } finally {
    if (srv) { srv.stopped = true; srv.proc.kill('SIGKILL'); }
    rmDir(dir);
  }
});

/** Server.start with another binary than QIANGJI_BIN (the optimized build). */
async function startWith(srv, bin) {
  // SOAK_WRAP: a command to run the server under, for finding where memory
  // goes (`SOAK_WRAP='heaptrack -o /tmp/soak'`); the RSS figures are then the wrapper's.
  const wrap = (process.env.SOAK_WRAP || '').split(' ').filter(Boolean);
  const argv = [...wrap.slice(1), bin, 'serve', '--db', srv.db, '--listen', '127.0.0.1:0'];
  const proc = spawn(wrap[0] || argv.shift(), argv, { env: srv.env, stdio: ['ignore', 'pipe', 'pipe'] });
  srv.proc = proc;
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { srv.stderr = (srv.stderr + d).slice(-65536); });
  await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no "listening on" in 30 s: ${srv.stderr}`)), 30_000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m && !srv.base) { srv.base = m[1]; srv.port = Number(m[2]); clearTimeout(t); resolve(); }
    });
    proc.on('exit', (code, sig) => { if (!srv.base) { clearTimeout(t); reject(new Error(`server exited ${code} ${sig}: ${srv.stderr}`)); } });
  });
}
