// Kept answers (src/memo.h): a subtree's 三会一课 findings and dues arrears
// and lapsed, when they are slow to compute (here every one is: the server
// runs with QIANGJI_MEMO_SLOW_MS=0), are kept and served until the data
// change; then the kept answer is served once more, marked stale with the time
// it was computed, while the current one is computed behind it, and the next
// requests get the current one. Pages and filters are cut from one answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertStatus } from './lib.mjs';

const srv = await startServer({ env: { QIANGJI_MEMO_SLOW_MS: '0' } });
const admin = await srv.as('admin');
const id = {};
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** GETs path until its answer is current (stale false), at most 10 s. */
async function current(path) {
  for (let i = 0; i < 100; i++) {
    const o = assertStatus(await admin.get(path), 200);
    if (!o.stale) return o;
    await sleep(100);
  }
  assert.fail(`${path} stayed stale`);
}

test('obligations: kept until a change, then stale once with the old figures, then current', async () => {
  const path = '/api/v1/orgs/QJ/obligations?year=2025&limit=10000';
  const a = await current(path);
  assert.match(a.computed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const b = assertStatus(await admin.get(path), 200);
  assert.equal(b.stale, false);
  assert.equal(b.computed_at, a.computed_at, 'the same kept answer');
  assert.deepEqual(b.summary, a.summary);
  assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings',
    { kind: 'lecture', title: '党课', held_on: '2025-04-10', host_id: id['张三丰'] }), 201);
  const s = assertStatus(await admin.get(path), 200);
  assert.equal(s.stale, true, 'the data changed: the kept answer is marked stale');
  assert.equal(s.computed_at, a.computed_at);
  assert.equal(s.summary.held, a.summary.held, 'and still has the old figures');
  const c = await current(path);
  assert.equal(c.summary.held, a.summary.held + 1, 'the current answer counts the new lecture');
  assert.ok(c.computed_at >= a.computed_at);
});

test('obligations: pages and the type filter are cut from one answer', async () => {
  const all = await current('/api/v1/orgs/QJ/obligations?year=2025&limit=10000');
  assert.ok(all.total > 4, `enough findings to page (${all.total})`);
  const pages = [];
  for (let off = 0; off < all.total; off += 3) {
    const p = assertStatus(await admin.get(`/api/v1/orgs/QJ/obligations?year=2025&limit=3&offset=${off}`), 200);
    assert.equal(p.total, all.total);
    assert.equal(p.computed_at, all.computed_at);
    pages.push(...p.findings);
  }
  assert.deepEqual(pages, all.findings);
  const missing = assertStatus(await admin.get('/api/v1/orgs/QJ/obligations?year=2025&type=missing&limit=10000'), 200);
  assert.deepEqual(missing.findings, all.findings.filter((f) => f.type === 'missing'));
  assert.equal(missing.total, missing.findings.length);
});

test('dues arrears and lapsed: kept, stale after a payment, then current', async () => {
  const base = (m, y) => admin.post(`/api/v1/members/${m}/dues/base`, { year: y, category: 'retiree', income: 3000 });
  assertStatus(await base(id['王建国'], 2025), 200);
  assertStatus(await base(id['王建国'], 2026), 200);
  const path = '/api/v1/orgs/QJ/dues/arrears?limit=1000';
  const a = await current(path);
  const w = a.items.find((x) => x.member_id === id['王建国']);
  assert.ok(w && w.unpaid_months > 0, JSON.stringify(a.items));
  assert.ok(w.org_name, 'rows carry their branch name');
  assertStatus(await admin.post(`/api/v1/members/${id['王建国']}/dues/payments`,
    { paid_on: '2026-06-30', channel: 'cash', amount: 15, period_from: '2026-01', period_to: '2026-01' }), 201);
  const s = assertStatus(await admin.get(path), 200);
  assert.equal(s.stale, true);
  assert.equal(s.items.find((x) => x.member_id === id['王建国']).unpaid_months, w.unpaid_months);
  const c = await current(path);
  assert.equal(c.items.find((x) => x.member_id === id['王建国']).unpaid_months, w.unpaid_months - 1);
  assert.equal(c.in_arrears, c.total);
  const page = assertStatus(await admin.get('/api/v1/orgs/QJ/dues/arrears?limit=1&offset=1'), 200);
  assert.deepEqual(page.items, c.items.slice(1, 2));
  // Lapsed in 2026: paid for 2025, nothing for 2026. A 2025 payment makes 李秀英 one.
  const l0 = await current('/api/v1/orgs/QJ/dues/lapsed?year=2026');
  assertStatus(await base(id['李秀英'], 2025), 200);
  assertStatus(await admin.post(`/api/v1/members/${id['李秀英']}/dues/payments`,
    { paid_on: '2025-12-10', channel: 'cash', amount: 15, period_from: '2025-12', period_to: '2025-12' }), 201);
  const l1 = await current('/api/v1/orgs/QJ/dues/lapsed?year=2026');
  assert.equal(l1.total, l0.total + 1);
  const li = l1.items.find((x) => x.member_id === id['李秀英']);
  assert.deepEqual([li.last_paid, typeof li.org_name], ['2025-12', 'string']);
});
