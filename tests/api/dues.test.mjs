// Dues (domain.md "Dues" and "Six months"): brackets at each edge (3000,
// 5000, 10000; retirees 5000), farmers, students; bases; payments from the
// branch vote; make-up at most 6 months back; arrears ageing and the
// six-month flag at 5 and 6 months; lapsed (paid last year, not this);
// the treasurer's export. Today is 2026-06-30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, cliOk, csvObjects } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');

const M = await admin.fixtureIds();
const ZHANG = M(0), LI = M(1), WANG = M(2), ZHAO = M(3);
const auditTotal = async () => (await admin.audit()).total;
const amount = async (q) => assertStatus(await east.get(`/api/v1/dues/amount?${q}`), 200).amount;
function rule(res, name, field) {
  const e = assertError(res, 422, 'rule_violation', field);
  assert.ok(e.message.includes(`【${name}】`), e.message);
}

test('brackets at each edge: 3000, 5000, 10000 yuan; retirees at 5000; farmers, students, the unemployed', async () => {
  assert.equal(await amount('category=salaried&income=3000'), 15);
  assert.equal(await amount('category=salaried&income=3000.01'), 30);
  assert.equal(await amount('category=salaried&income=5000'), 50);
  assert.equal(await amount('category=salaried&income=5000.01'), 75);
  assert.equal(await amount('category=salaried&income=10000'), 150);
  assert.equal(await amount('category=salaried&income=10000.01'), 200);
  assert.equal(await amount('category=salaried&income=0'), 0);
  assert.equal(await amount('category=retiree&income=5000'), 25);
  assert.equal(await amount('category=retiree&income=5000.01'), 50);
  assert.equal(await amount('category=farmer'), 0.2);
  assert.equal(await amount('category=farmer&amount=1'), 1);
  rule(await east.get('/api/v1/dues/amount?category=farmer&amount=1.01'), 'dues.farmer', 'amount');
  rule(await east.get('/api/v1/dues/amount?category=farmer&amount=0.19'), 'dues.farmer', 'amount');
  for (const c of ['student', 'unemployed', 'relief']) assert.equal(await amount(`category=${c}`), 0.2);
  assert.equal(await amount('category=exempt'), 0);
  assertError(await east.get('/api/v1/dues/amount?category=salaried'), 400, 'required', 'income');
  assertError(await east.get('/api/v1/dues/amount?category=salaried&income=abc'), 400, 'invalid', 'income');
  assertError(await east.get('/api/v1/dues/amount?category=king&income=1'), 400, 'invalid', 'category');
  // The rules are versioned: before the 2008 rules took force there is none, and the default applies.
  const r = assertStatus(await east.get('/api/v1/dues/amount?category=salaried&income=3000&on=2026-01-01'), 200);
  assert.equal(r.rule_from, '2008-04-01');
});

test('bases: computed per year under the rules; bad input refused with nothing written; start-of-year bulk', async () => {
  const before = await auditTotal();
  assertError(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026 }), 400, 'required', 'category');
  assertError(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026, category: 'salaried' }), 400, 'required', 'income');
  assertError(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 1980, category: 'salaried', income: 1 }), 400, 'invalid', 'year');
  assertError(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026, category: 'salaried', income: -5 }), 400, 'invalid', 'income');
  rule(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026, category: 'farmer', amount: 2 }), 'dues.farmer', 'amount');
  assertError(await west.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026, category: 'student' }), 404, 'not_found');
  assert.equal(await auditTotal(), before);
  const b = assertStatus(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2026, category: 'salaried', income: 3500 }), 200);
  assert.equal(b.amount, 35);
  assert.equal(b.rule_from, '2008-04-01');
  for (const [id, y] of [[ZHANG, 2025], [LI, 2025], [LI, 2026], [WANG, 2025], [WANG, 2026]])
    assertStatus(await east.post(`/api/v1/members/${id}/dues/base`, { year: y, category: 'retiree', income: 3000 }), 200);
  // Bulk: the rest of the subtree gets a base from the roster's income; those without one are listed.
  const bulk = assertStatus(await east.post('/api/v1/orgs/QJ01/dues/bases', { year: 2026 }), 200);
  assert.ok(bulk.set + bulk.skipped >= 1);
  const zhao = assertStatus(await east.get(`/api/v1/members/${ZHAO}/dues`), 200);
  // 赵丽华 has no income on the roster: skipped and listed.
  assert.ok(bulk.skipped_members.some((x) => x.member_id === ZHAO), JSON.stringify(bulk));
  assert.equal(zhao.bases.length, 0);
  assert.equal(bulk.skipped, bulk.skipped_members.length);
  const again = assertStatus(await east.post('/api/v1/orgs/QJ01/dues/bases', { year: 2026 }), 200);
  assert.equal(again.set, 0, 'a second run changes nothing');
});

test('payments: from the vote month; make-up at most 6 months back; at least the amount due; no overlap', async () => {
  // 赵丽华, probationary from 2025-12-01: student rate.
  assertStatus(await east.post(`/api/v1/members/${ZHAO}/dues/base`, { year: 2025, category: 'student' }), 200);
  assertStatus(await east.post(`/api/v1/members/${ZHAO}/dues/base`, { year: 2026, category: 'student' }), 200);
  const before = await auditTotal();
  const pay = (id, o) => east.post(`/api/v1/members/${id}/dues/payments`, { paid_on: '2026-06-30', channel: 'wechat', ...o });
  rule(await pay(ZHAO, { amount: 10, period_from: '2025-11', period_to: '2025-12' }), 'dues.from_vote', 'period_from');
  // 张三丰: bases 2025 (retiree 3000 -> 15) and 2026 (35). Paid 2026-06-30: back to 2025-12 allowed, 2025-11 not.
  rule(await pay(ZHANG, { amount: 1000, period_from: '2025-11', period_to: '2026-06' }), 'dues.makeup_6m', 'period_from');
  rule(await pay(ZHANG, { amount: 189.99, period_from: '2025-12', period_to: '2026-05' }), 'dues.amount', 'amount');
  assertError(await pay(ZHANG, { amount: 10, period_from: '2026-13', period_to: '2026-12' }), 400, 'invalid', 'period_from');
  assertError(await pay(ZHANG, { amount: 10, period_from: '2026-05', period_to: '2026-04' }), 400, 'invalid', 'period_to');
  assertError(await pay(ZHANG, { amount: 10, period_from: '2026-05', period_to: '2027-01' }), 400, 'invalid', 'period_to');
  assertError(await pay(ZHANG, { amount: 10, period_from: '2026-05', period_to: '2026-05', paid_on: '2026-07-01' }), 400, 'invalid', 'paid_on');
  assertError(await pay(ZHANG, { amount: 10, period_from: '2026-05', period_to: '2026-05', channel: 'gold' }), 400, 'invalid', 'channel');
  assertError(await pay(ZHANG, { amount: -1, period_from: '2026-05', period_to: '2026-05' }), 400, 'invalid', 'amount');
  assert.equal(await auditTotal(), before, 'nothing written');
  assertStatus(await east.post(`/api/v1/members/${ZHANG}/dues/base`, { year: 2025, category: 'retiree', income: 3000 }), 200);
  const p = assertStatus(await pay(ZHANG, { amount: 190, period_from: '2025-12', period_to: '2026-05' }), 201);
  assert.equal(p.due, 190);   // 15 + 5 * 35
  assertError(await pay(ZHANG, { amount: 70, period_from: '2026-05', period_to: '2026-06' }), 409, 'conflict', 'period_from');
  assertStatus(await pay(ZHAO, { amount: 1.4, period_from: '2025-12', period_to: '2026-06' }), 201);
  const d = assertStatus(await east.get(`/api/v1/members/${ZHAO}/dues`), 200);
  assert.equal(d.state.unpaid_months, 0);
  assert.equal(d.state.last_paid, '2026-06');
  // The member sees their own dues.
  const zsf = await srv.as('zsf');
  const own = assertStatus(await zsf.get(`/api/v1/members/${ZHANG}/dues`), 200);
  assert.equal(own.payments.length, 1);
  assertError(await zsf.get(`/api/v1/members/${LI}/dues`), 404, 'not_found');
});

test('six months: 5 unpaid months in a row is not flagged, 6 is; ageing; lapsed; treasurer export', async () => {
  const pay = (id, paid, from, to, amt) => east.post(`/api/v1/members/${id}/dues/payments`, { paid_on: paid, channel: 'cash', amount: amt, period_from: from, period_to: to });
  // 王建国: 2025 paid in full in two make-up-legal payments; 2026-01..05 unpaid = 5 in a row.
  assertStatus(await pay(WANG, '2025-06-15', '2025-01', '2025-06', 90), 201);
  assertStatus(await pay(WANG, '2025-12-10', '2025-07', '2025-12', 90), 201);
  // 李秀英: paid up to 2025-11; 2025-12..2026-05 unpaid = 6 in a row.
  assertStatus(await pay(LI, '2025-06-15', '2025-01', '2025-06', 90), 201);
  assertStatus(await pay(LI, '2025-11-10', '2025-07', '2025-11', 75), 201);
  const ar = assertStatus(await east.get('/api/v1/orgs/QJ01/dues/arrears'), 200);
  const w = ar.items.find((x) => x.member_id === WANG), l = ar.items.find((x) => x.member_id === LI);
  assert.equal(w.consecutive_unpaid, 5);
  assert.equal(w.six_month_flag, false);
  assert.equal(w.oldest_unpaid, '2026-01');
  assert.equal(w.ageing, '4-6');
  assert.equal(w.owed, 75);
  assert.equal(l.consecutive_unpaid, 6);
  assert.equal(l.six_month_flag, true);
  assert.equal(l.ageing, '4-6');
  assert.equal(l.owed, 15 + 5 * 15);
  // 张三丰: base since 2025, paid 2025-12..2026-05 only: 2025-01..11 stay unpaid (too old to make
  // up now), aged 7+, but nothing unpaid in a row up to last month, so no six-month flag.
  const z0 = ar.items.find((x) => x.member_id === ZHANG);
  assert.equal(z0.unpaid_months, 11);
  assert.equal(z0.consecutive_unpaid, 0);
  assert.equal(z0.ageing, '7+');
  assert.equal(z0.six_month_flag, false);
  assert.ok(ar.six_month_flags >= 1);
  const six = assertStatus(await east.get('/api/v1/orgs/QJ01/dues/arrears?six_months=1'), 200);
  assert.ok(six.items.every((x) => x.six_month_flag));
  assert.ok(six.items.some((x) => x.member_id === LI));
  assert.equal((await west.get('/api/v1/orgs/QJ02/dues/arrears')).json.items.length, 0);
  // County scale (issue 11): the list pages on the server; the summary comes first, by organization one level down.
  assert.equal(ar.total, ar.in_arrears);
  assert.equal(ar.by_org.reduce((n, o) => n + o.in_arrears, 0), ar.total);
  assert.ok(ar.by_org.every((o) => o.org_name && o.org_code.startsWith('QJ01')), JSON.stringify(ar.by_org));
  assert.ok(ar.items.every((x) => x.org_name), 'each member with the name of the branch');
  const p1 = assertStatus(await east.get('/api/v1/orgs/QJ01/dues/arrears?limit=1'), 200);
  const p2 = assertStatus(await east.get('/api/v1/orgs/QJ01/dues/arrears?limit=1&offset=1'), 200);
  assert.equal(p1.items.length, 1);
  assert.equal(p1.total, ar.total);
  assert.equal(p1.items[0].member_id, ar.items[0].member_id);
  assert.equal(p2.items[0].member_id, ar.items[1].member_id);
  assertError(await east.get('/api/v1/orgs/QJ01/dues/arrears?limit=0'), 400, 'invalid', 'limit');
  assertError(await east.get('/api/v1/orgs/QJ01/dues/arrears?min_months=0'), 400, 'invalid', 'min_months');
  // Lapsed: paid for 2025, nothing for 2026.
  const lapsed = assertStatus(await east.get('/api/v1/orgs/QJ01/dues/lapsed?year=2026'), 200);
  const lids = lapsed.items.map((x) => x.member_id).sort();
  assert.deepEqual(lids, [LI, WANG].sort());
  // The treasurer's sheet (CSV, UTF-8 with BOM) and xlsx.
  const csv = await east.get('/api/v1/export/dues?org=QJ01&year=2026');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.equal(csv.buf[0], 0xEF);
  const rows = csvObjects(csv.text);
  const z = rows.find((r) => r['党员编号'] === String(ZHANG));
  assert.equal(z['月交纳额'], '35.00');
  assert.equal(z['本年已收金额'], '190.00');
  assert.equal(z['本年已交月数'], '5');
  assert.equal(z['欠交月数'], '11');
  const x = await east.get('/api/v1/export/dues?org=QJ01&year=2026&format=xlsx');
  assert.equal(x.status, 200);
  assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
  assertError(await west.get('/api/v1/export/dues?org=QJ01'), 404, 'not_found');
  // The same reports from the CLI.
  const cl = csvObjects(cliOk(['report', 'dues-arrears', '--db', srv.db, '--org', 'QJ01']).stdout);
  assert.equal(cl.find((r) => r.member_id === String(LI)).six_month_flag, '是');
  const lp = JSON.parse(cliOk(['report', 'dues-lapsed', '--db', srv.db, '--org', 'QJ01', '--year', '2026', '--format', 'json']).stdout);
  assert.equal(lp.length, 2);
});
