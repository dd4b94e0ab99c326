// (a) kill -9 under concurrent writes. Several clients create members, change
// their phone numbers, set dues bases, record dues payments and hold meetings
// with attendance through the API; the server is killed with SIGKILL at a
// random moment, started again on the same database, and every write that
// was acknowledged (a 2xx received) must be there, with its audit entry;
// PRAGMA integrity_check must say ok and `qiangji audit verify` must hold.
// A write that was in flight when the server died may be there or not, but
// never in part (a meeting without its attendance, a payment without its
// audit entry).
//
// FAULT_CYCLES (default 5; `make torture`: 100), FAULT_CLIENTS (default 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  tmpDir, rmDir, buildDb, launch, kill9, stopClean, as, integrity, chain, sqlite, personId, personName, record,
  envInt, sleep,
} from './lib.mjs';

const CYCLES = envInt('FAULT_CYCLES', 5);
const CLIENTS = envInt('FAULT_CLIENTS', 4);
const ORGS = ['QJ0101', 'QJ0102', 'QJ0201'];

/** What one client had acknowledged, and what it had in flight when the server died. */
class Ledger {
  constructor() {
    this.members = new Map();   // id -> {id_number, phone (last acknowledged), pending (phone in flight) }
    this.bases = new Set();     // member ids with an acknowledged 2026 base
    this.payments = new Map();  // payment id -> member id
    this.meetings = new Map();  // meeting id -> attendee member ids
    this.acked = 0;
    this.failed = [];           // answers other than 2xx that were not a dead server (must stay empty)
  }
}

let person = 0;   // person numbers across every cycle and client: unique ID numbers

async function writer(c, L, stop) {
  let k = 0;
  const ok = (res, what) => {
    if (res.status >= 200 && res.status < 300) { L.acked++; return true; }
    L.failed.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
    return false;
  };
  try {
    while (!stop.now) {
      const i = person++;
      const org = ORGS[i % ORGS.length];
      const p = personId(i);
      const phone = `138${String(i).padStart(8, '0')}`;
      const m = await c.post('/api/v1/members', { name: personName(i), ...p, category: '正式党员', joined_on: '2015-07-01',
        full_on: '2016-07-01', org_code: org, phone });
      if (!ok(m, 'create member')) continue;
      const id = m.json.id;
      const rec = { id_number: p.id_number, phone, pending: null, org };
      L.members.set(id, rec);
      if (stop.now) break;
      const phone2 = `139${String(i).padStart(8, '0')}`;
      rec.pending = phone2;
      if (ok(await c.patch(`/api/v1/members/${id}`, { phone: phone2 }), 'patch member')) { rec.phone = phone2; rec.pending = null; }
      if (stop.now) break;
      if (ok(await c.post(`/api/v1/members/${id}/dues/base`, { year: 2026, category: 'student' }), 'dues base')) {
        L.bases.add(id);
        const pay = await c.post(`/api/v1/members/${id}/dues/payments`, { paid_on: '2026-06-30', channel: 'cash', amount: 0.2,
          period_from: '2026-06', period_to: '2026-06' });
        if (ok(pay, 'payment')) L.payments.set(pay.json.id, id);
      }
      if (stop.now) break;
      const attendees = [...L.members.entries()].filter(([, r]) => r.org === org).slice(-4).map(([mid]) => mid);
      const mt = await c.post(`/api/v1/orgs/${org}/meetings`, { kind: 'lecture', title: `党课第${k++}讲`,
        held_on: `2026-06-${String(1 + (i % 29)).padStart(2, '0')}`,
        attendance: attendees.map((mid) => ({ member_id: mid, state: 'present' })) });
      if (ok(mt, 'meeting')) L.meetings.set(mt.json.id, attendees);
    }
  } catch (e) {
    if (!stop.now) throw e;   // a refused connection before the kill is a failure; after it, expected
  }
}

/** Acknowledged writes missing from the database (each a line of why). */
function lost(db, L) {
  const out = [];
  const q = (sql) => sqlite(db, sql).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
  const ids = [...L.members.keys()];
  if (ids.length) {
    const have = new Map(q(`SELECT id, id_number, phone FROM member WHERE id IN (${ids.join(',')})`).map(([a, b, c]) => [Number(a), [b, c]]));
    const audited = new Set(q(`SELECT entity_key FROM audit WHERE entity='member' AND action='create' AND entity_key IN (${ids.map((x) => `'${x}'`).join(',')})`).map(([k]) => Number(k)));
    for (const [id, r] of L.members) {
      const h = have.get(id);
      if (!h) { out.push(`member ${id} missing`); continue; }
      if (h[0] !== r.id_number) out.push(`member ${id}: id_number ${h[0]} != ${r.id_number}`);
      if (h[1] !== r.phone && h[1] !== r.pending) out.push(`member ${id}: phone ${h[1]}, acknowledged ${r.phone}`);
      if (!audited.has(id)) out.push(`member ${id}: no audit entry for its creation`);
    }
  }
  if (L.bases.size) {
    const have = new Set(q(`SELECT member_id FROM dues_base WHERE year=2026 AND member_id IN (${[...L.bases].join(',')})`).map(([a]) => Number(a)));
    for (const id of L.bases) if (!have.has(id)) out.push(`dues base of member ${id} missing`);
  }
  if (L.payments.size) {
    const keys = [...L.payments.keys()];
    const have = new Map(q(`SELECT id, member_id, amount FROM dues_payment WHERE id IN (${keys.join(',')})`).map(([a, b, c]) => [Number(a), [Number(b), Number(c)]]));
    const audited = new Set(q(`SELECT entity_key FROM audit WHERE entity='dues' AND action='payment' AND entity_key IN (${keys.map((x) => `'${x}'`).join(',')})`).map(([k]) => Number(k)));
    for (const [pid, mid] of L.payments) {
      const h = have.get(pid);
      if (!h || h[0] !== mid || h[1] !== 20) out.push(`payment ${pid} of member ${mid}: ${h ? h.join('/') : 'missing'}`);
      else if (!audited.has(pid)) out.push(`payment ${pid}: no audit entry`);
    }
  }
  if (L.meetings.size) {
    const keys = [...L.meetings.keys()];
    const att = new Map();
    for (const [m, mid] of q(`SELECT meeting_id, member_id FROM attendance WHERE meeting_id IN (${keys.join(',')})`)) {
      if (!att.has(Number(m))) att.set(Number(m), new Set());
      att.get(Number(m)).add(Number(mid));
    }
    const have = new Set(q(`SELECT id FROM meeting WHERE id IN (${keys.join(',')})`).map(([a]) => Number(a)));
    for (const [mid, who] of L.meetings) {
      if (!have.has(mid)) { out.push(`meeting ${mid} missing`); continue; }
      const a = att.get(mid) || new Set();
      if (a.size !== who.length || !who.every((x) => a.has(x))) out.push(`meeting ${mid}: attendance ${[...a]} != ${who}`);
    }
  }
  return out;
}

test(`kill -9 under concurrent writes, ${CYCLES} cycles of ${CLIENTS} clients`, { timeout: 60_000 + CYCLES * 30_000 }, async () => {
  const dir = tmpDir('crash');
  const db = path.join(dir, 'qj.db');
  const fig = { cycles: 0, acknowledged: 0, lost: 0, integrity_ok: 0, chain_ok: 0 };
  try {
    buildDb(db);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const srv = await launch(dir, db);
      const ledgers = [];
      const stop = { now: false };
      const loops = [];
      for (let j = 0; j < CLIENTS; j++) {
        const L = new Ledger();
        ledgers.push(L);
        const c = await as(srv, 'admin');
        loops.push(writer(c, L, stop));
      }
      await sleep(400 + Math.floor(Math.random() * 1600));
      stop.now = true;
      await kill9(srv);
      await Promise.all(loops);
      for (const L of ledgers) assert.deepEqual(L.failed, [], `cycle ${cycle}: writes refused before the kill`);

      // Restart on the same files: the server must come up and answer from them.
      const again = await launch(dir, db);
      const c = await as(again, 'admin');
      const sample = ledgers.flatMap((L) => [...L.members.keys()]).slice(-1)[0];
      if (sample) assert.equal((await c.get(`/api/v1/members/${sample}`)).status, 200, `cycle ${cycle}: member ${sample} after restart`);
      const missing = ledgers.flatMap((L) => lost(db, L));
      const ic = integrity(db), ch = chain(db);
      await stopClean(again);
      fig.cycles++;
      fig.acknowledged += ledgers.reduce((n, L) => n + L.acked, 0);
      fig.lost += missing.length;
      fig.integrity_ok += ic === 'ok' ? 1 : 0;
      fig.chain_ok += ch.ok ? 1 : 0;
      assert.deepEqual(missing, [], `cycle ${cycle}: acknowledged writes lost`);
      assert.equal(ic, 'ok', `cycle ${cycle}: integrity_check`);
      assert.ok(ch.ok, `cycle ${cycle}: audit verify: ${ch.out}`);
    }
    assert.ok(fig.acknowledged >= CYCLES * CLIENTS, `too few writes acknowledged to prove anything: ${fig.acknowledged}`);
  } finally {
    record('crash', fig);
    rmDir(dir);
  }
});
