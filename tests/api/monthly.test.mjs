// Month by month changes of a subtree's membership (GET
// /api/v1/orgs/{code}/lifecycle/monthly, the organization page's trend
// chart): admissions and conversions from the roster's dates, transfers that
// cross the subtree's boundary (not those inside it), members who left.
// Today is 2026-06-30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');
const westview = await srv.as('westview');

const M = await admin.fixtureIds();
const monthly = async (c, code, q = '') => assertStatus(await c.get(`/api/v1/orgs/${code}/lifecycle/monthly${q}`), 200);
const at = (r, month) => r.months.find((x) => x.month === month);

test('twelve months ending this month; admissions and conversions as the roster dates them', async () => {
  const r = await monthly(admin, 'QJ');
  assert.equal(r.today, '2026-06-30');
  assert.equal(r.from, '2025-07');
  assert.equal(r.to, '2026-06');
  assert.deepEqual(r.months.map((x) => x.month), ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12',
    '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
  const all = await admin.allMembers('QJ');
  for (const x of r.months) {
    assert.equal(x.admitted, all.filter((m) => m.joined_on.startsWith(x.month)).length, `admitted ${x.month}`);
    assert.equal(x.converted, all.filter((m) => (m.full_on || '').startsWith(x.month)).length, `converted ${x.month}`);
  }
  assert.ok(r.months.reduce((n, x) => n + x.admitted, 0) >= 1, 'the fixture has an admission in the last year');
  const three = await monthly(admin, 'QJ', '?months=3');
  assert.deepEqual(three.months.map((x) => x.month), ['2026-04', '2026-05', '2026-06']);
  assertError(await admin.get('/api/v1/orgs/QJ/lifecycle/monthly?months=0'), 400, 'invalid', 'months');
  assertError(await admin.get('/api/v1/orgs/QJ/lifecycle/monthly?months=37'), 400, 'invalid', 'months');
  assertError(await admin.get('/api/v1/orgs/NOPE/lifecycle/monthly'), 404, 'not_found');
  assert.ok([403, 404].includes((await westview.get('/api/v1/orgs/QJ01/lifecycle/monthly')).status));
});

test('a transfer counts out of one subtree and into the other, not inside their common parent; leaving counts', async () => {
  const before = { qj: await monthly(admin, 'QJ'), e: await monthly(east, 'QJ01'), w: await monthly(west, 'QJ02') };
  const id = M(1);   // 李秀英, QJ0101
  const t = assertStatus(await east.post(`/api/v1/members/${id}/transfers`, { to_org_code: 'QJ0201', issued_on: '2026-06-10', letter_no: '东组〔2026〕9号' }), 201);
  assertStatus(await west.post(`/api/v1/transfers/${t.id}/accept`, { on: '2026-06-12' }), 200);
  const qj = at(await monthly(admin, 'QJ'), '2026-06'), e = at(await monthly(east, 'QJ01'), '2026-06'), w = at(await monthly(west, 'QJ02'), '2026-06');
  assert.equal(e.transferred_out, at(before.e, '2026-06').transferred_out + 1);
  assert.equal(e.transferred_in, at(before.e, '2026-06').transferred_in);
  assert.equal(w.transferred_in, at(before.w, '2026-06').transferred_in + 1);
  assert.equal(qj.transferred_in, at(before.qj, '2026-06').transferred_in);
  assert.equal(qj.transferred_out, at(before.qj, '2026-06').transferred_out);
  // A member who dies: counted as left in the month of the date given.
  assertStatus(await east.post(`/api/v1/members/${M(0)}/status`, { status: 'deceased', on: '2026-05-03', reason: '病故' }), 200);
  assert.equal(at(await monthly(east, 'QJ01'), '2026-05').left, at(before.e, '2026-05').left + 1);
  assert.equal(at(await monthly(west, 'QJ02'), '2026-05').left, at(before.w, '2026-05').left);
});
