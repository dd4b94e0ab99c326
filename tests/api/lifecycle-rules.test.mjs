// The lifecycle rules at their boundaries (docs/rules.md): introducers judged
// on the day of the branch vote (D8) and the age checked again at the vote
// (D2); dues prepaid exactly to December, the next-year base, nothing for an
// inactive member (Du13, Du14); transfers issued on the joining day, accepted
// on the issue day and today (T6, T7); mobility refused in every wrong state
// (MB2-MB8); status changes allowed and refused, same-day and today, while a
// transfer is open, at once (ST1, ST3, ST5, ST7); and an inactive member
// refused by mobility, dues and development (ST6). Every refusal is checked
// to write nothing. Today is 2026-06-30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, sqlite, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');

const id = {};
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;
const count = (table) => Number(sqlite(srv.db, `SELECT count(*) FROM ${table}`).trim());
const TABLES = ['member', 'audit', 'dev_person', 'dev_step', 'st_change', 'mob_event', 'tr_transfer', 'lc_membership',
  'dues_base', 'dues_payment'];
const snapshot = () => Object.fromEntries(TABLES.map((t) => [t, count(t)]));
const member = async (mid) => assertStatus(await admin.get(`/api/v1/members/${mid}`), 200);
function rule(res, name, field) {
  const e = assertError(res, 422, 'rule_violation', field);
  assert.ok(e.message.includes(`【${name}】`), `rule ${name} named in: ${e.message}`);
  return e;
}
const status = (mid, s, on, reason = '测试') => admin.post(`/api/v1/members/${mid}/status`, { status: s, on, reason });
const mob = (mid, body) => admin.post(`/api/v1/members/${mid}/mobility`, body);

// ---- development ------------------------------------------------------------------

let n = 0;
const step = (pid, kind, on, extra = {}) => admin.post(`/api/v1/applicants/${pid}/steps`, { kind, on, ...extra });
async function candidate({ applied = '2023-01-10', designation = '2023-03-01', cand = '2024-03-01', review = '2024-04-01',
  birth = '1995-03-03' } = {}) {
  n++;
  const p = assertStatus(await admin.post('/api/v1/orgs/QJ0101/applicants', { name: '申请人' + n,
    id_number: makeId('340104', birth, '男', 300 + n), applied_on: applied }), 201);
  for (const [kind, on, extra] of [['talk', applied], ['designation', designation],
    ['contacts', designation, { contacts: '王建国' }], ['candidate', cand], ['political_review', review],
    ['short_training', review, { days: 3 }], ['committee_review', review], ['pre_approval', review]]) {
    assertStatus(await step(p.id, kind, on, extra), 201);
  }
  return p;
}
const vote = (pid, on, a, b) => step(pid, 'vote', on, { introducer1: a, introducer2: b });

test('D8 dev.introducers: full member and in good standing on the day of the vote, not merely today', async () => {
  // 王建国 converted (full_on) on 2025-05-11: not a full member on 05-10, one on 05-11
  assertStatus(await admin.patch(`/api/v1/members/${id['王建国']}`, { full_on: '2025-05-11' }), 200);
  const p = await candidate();
  const before = snapshot();
  const e = rule(await vote(p.id, '2025-05-10', id['张三丰'], id['王建国']), 'dev.introducers', 'introducer2');
  assert.match(e.message, /王建国于 2025-05-11 转为正式党员，支部大会讨论之日（2025-05-10）尚不是正式党员/);
  rule(await vote(p.id, '2025-05-10', id['王建国'], id['张三丰']), 'dev.introducers', 'introducer1');
  assert.deepEqual(snapshot(), before);
  const ok = assertStatus(await vote(p.id, '2025-05-11', id['张三丰'], id['王建国']), 201);
  assert.equal(ok.person.stage, 'probationary');
  assert.equal((await member(ok.person.member_id)).joined_on, '2025-05-11');

  // 李秀英 suspended from 2025-03-01 and restored on 2025-06-01: not in good standing on 05-10,
  // in good standing on 06-01
  assertStatus(await status(id['李秀英'], 'suspended', '2025-03-01'), 200);
  assertStatus(await status(id['李秀英'], 'active', '2025-06-01'), 200);
  const p2 = await candidate();
  const b2 = snapshot();
  const e2 = rule(await vote(p2.id, '2025-05-10', id['张三丰'], id['李秀英']), 'dev.introducers', 'introducer2');
  assert.match(e2.message, /李秀英在支部大会讨论之日（2025-05-10）党籍不正常/);
  rule(await vote(p2.id, '2025-05-31', id['张三丰'], id['李秀英']), 'dev.introducers', 'introducer2');
  assert.deepEqual(snapshot(), b2);
  assertStatus(await vote(p2.id, '2025-06-01', id['张三丰'], id['李秀英']), 201);

  // 罗强 left on 2026-01-01: a vote on that day is refused, a vote of 2025-12-31 recorded now
  // is accepted, since on that day he was a full member in good standing
  assertStatus(await status(id['罗强'], 'left', '2026-01-01'), 200);
  const p3 = await candidate();
  const b3 = snapshot();
  rule(await vote(p3.id, '2026-01-01', id['罗强'], id['张三丰']), 'dev.introducers', 'introducer1');
  assert.deepEqual(snapshot(), b3);
  assertStatus(await vote(p3.id, '2025-12-31', id['罗强'], id['张三丰']), 201);
  // a probationary member (赵丽华, joined 2025-12-01) never is one
  const p4 = await candidate();
  rule(await vote(p4.id, '2026-06-30', id['张三丰'], id['赵丽华']), 'dev.introducers', 'introducer2');
});

test('D2 dev.min_age at the vote: under a stricter rule in force on the vote day, the day before refused, the birthday accepted', async () => {
  // Applied at 18 under the rule of 216 months; from 2025-01-01 a (local) rule asks 20 years.
  const p = await candidate({ birth: '2006-01-01', applied: '2024-01-10', designation: '2024-02-01', cand: '2025-02-01',
    review: '2025-03-01' });
  sqlite(srv.db, "INSERT INTO lc_rule VALUES('dev.min_age_months','2025-01-01',240,'测试：年满20岁')");
  try {
    const before = snapshot();
    const e = rule(await vote(p.id, '2025-12-31', id['张三丰'], id['王建国']), 'dev.min_age', 'on');
    assert.match(e.message, /年满20岁（2026-01-01 满）/);
    assert.deepEqual(snapshot(), before);
    const ok = assertStatus(await vote(p.id, '2026-01-01', id['张三丰'], id['王建国']), 201);
    assert.equal(ok.person.stage, 'probationary');
  } finally {
    sqlite(srv.db, "DELETE FROM lc_rule WHERE name='dev.min_age_months' AND valid_from='2025-01-01'");
  }
});

test('D13 dev.extension_months: 12 months, the upper edge, accepted; conversion counts from the vote plus 12 + 12 months', async () => {
  const p = await candidate();
  assertStatus(await vote(p.id, '2024-06-10', id['张三丰'], id['陈静']), 201);
  assertStatus(await step(p.id, 'approval', '2024-07-10'), 201);
  const before = snapshot();
  rule(await step(p.id, 'extension', '2025-06-01', { months: 13 }), 'dev.extension_months', 'months');
  assert.deepEqual(snapshot(), before);
  assertStatus(await step(p.id, 'extension', '2025-06-01', { months: 12 }), 201);
  const b2 = snapshot();
  rule(await step(p.id, 'conversion', '2026-06-09'), 'dev.probation_1y', 'on');
  assert.deepEqual(snapshot(), b2);
  const c = assertStatus(await step(p.id, 'conversion', '2026-06-10'), 201);
  assert.equal(c.person.stage, 'full');
  const m = await member(c.person.member_id);
  assert.deepEqual([m.category, m.full_on], ['正式党员', '2026-06-10']);
});

test('ST6 development: no step for a person whose membership is not active', async () => {
  const p = await candidate();
  const v = assertStatus(await vote(p.id, '2025-06-10', id['张三丰'], id['王建国']), 201);
  assertStatus(await status(v.person.member_id, 'suspended', '2026-06-01'), 200);
  const before = snapshot();
  assertError(await step(p.id, 'approval', '2026-06-10'), 409, 'conflict', 'kind');
  assertError(await step(p.id, 'conversion', '2026-06-30'), 409, 'conflict', 'kind');
  assert.deepEqual(snapshot(), before);
  assert.equal((await member(v.person.member_id)).category, '预备党员');
});

// ---- dues ----------------------------------------------------------------------

test('Du13 and Du14: prepaying exactly to December; a base for next year but not the year after; nothing for an inactive member', async () => {
  const zsf = id['张三丰'];
  assertStatus(await admin.post(`/api/v1/members/${zsf}/dues/base`, { year: 2026, category: 'salaried', income: 3500 }), 200);
  const nxt = assertStatus(await admin.post(`/api/v1/members/${zsf}/dues/base`, { year: 2027, category: 'salaried', income: 3500 }), 200);
  assert.deepEqual([nxt.year, nxt.amount], [2027, 35]);
  const before = snapshot();
  assertError(await admin.post(`/api/v1/members/${zsf}/dues/base`, { year: 2028, category: 'salaried', income: 3500 }), 400, 'invalid', 'year');
  // to January of next year refused; to December accepted (12 months of 35 yuan)
  assertError(await admin.post(`/api/v1/members/${zsf}/dues/payments`, { paid_on: '2026-06-30', amount: 455, channel: 'cash',
    period_from: '2026-01', period_to: '2027-01' }), 400, 'invalid', 'period_to');
  rule(await admin.post(`/api/v1/members/${zsf}/dues/payments`, { paid_on: '2026-06-30', amount: 419.99, channel: 'cash',
    period_from: '2026-01', period_to: '2026-12' }), 'dues.amount', 'amount');
  assert.deepEqual(snapshot(), before);
  const pay = assertStatus(await admin.post(`/api/v1/members/${zsf}/dues/payments`, { paid_on: '2026-06-30', amount: 420,
    channel: 'cash', period_from: '2026-01', period_to: '2026-12' }), 201);
  assert.deepEqual([pay.period_from, pay.period_to], ['2026-01', '2026-12']);
  assert.equal(count('dues_payment'), before.dues_payment + 1);

  // 周建华 suspended: no base, no payment, nothing written
  const zjh = id['周建华'];
  assertStatus(await admin.post(`/api/v1/members/${zjh}/dues/base`, { year: 2026, category: 'retiree', income: 2000 }), 200);
  assertStatus(await status(zjh, 'suspended', '2026-06-15'), 200);
  const b2 = snapshot();
  assertError(await admin.post(`/api/v1/members/${zjh}/dues/base`, { year: 2026, category: 'retiree', income: 2500 }), 409, 'conflict');
  assertError(await admin.post(`/api/v1/members/${zjh}/dues/payments`, { paid_on: '2026-06-30', amount: 10, channel: 'cash',
    period_from: '2026-06', period_to: '2026-06' }), 409, 'conflict');
  assert.deepEqual(snapshot(), b2);
});

// ---- transfers -------------------------------------------------------------------

test('T6 and T7: issued on the joining day, not the day before; accepted on the issue day and on today', async () => {
  const zlh = id['赵丽华'];   // joined 2025-12-01
  const before = snapshot();
  assertError(await east.post(`/api/v1/members/${zlh}/transfers`, { to_org_code: 'QJ0102', issued_on: '2025-11-30' }), 400, 'invalid', 'issued_on');
  assert.deepEqual(snapshot(), before);
  const t = assertStatus(await east.post(`/api/v1/members/${zlh}/transfers`, { to_org_code: 'QJ0102', issued_on: '2025-12-01' }), 201);
  const a = assertStatus(await east.post(`/api/v1/transfers/${t.id}/accept`, { on: '2025-12-01' }), 200);
  assert.deepEqual([a.state, a.closed_on], ['accepted', '2025-12-01']);
  assert.equal((await member(zlh)).org_code, 'QJ0102');
  const t2 = assertStatus(await admin.post(`/api/v1/members/${id['高峰']}/transfers`, { to_org_code: 'QJ0201', issued_on: '2026-06-20' }), 201);
  const b2 = snapshot();
  assertError(await west.post(`/api/v1/transfers/${t2.id}/accept`, { on: '2026-07-01' }), 400, 'invalid', 'on');
  assert.deepEqual(snapshot(), b2);
  const a2 = assertStatus(await west.post(`/api/v1/transfers/${t2.id}/accept`, { on: '2026-06-30' }), 200);
  assert.equal(a2.closed_on, '2026-06-30');
  assert.equal((await member(id['高峰'])).org_code, 'QJ0201');
});

test('ST5: no status change while a transfer is open; after its return, allowed', async () => {
  const sl = id['孙丽'];
  const t = assertStatus(await admin.post(`/api/v1/members/${sl}/transfers`, { to_org_code: 'QJ0101', issued_on: '2026-06-10' }), 201);
  const before = snapshot();
  assertError(await status(sl, 'suspended', '2026-06-20'), 409, 'conflict', 'status');
  assert.deepEqual(snapshot(), before);
  assert.equal((await member(sl)).status, 'active');
  assertStatus(await admin.post(`/api/v1/transfers/${t.id}/return`, { on: '2026-06-15', reason: '材料不全' }), 200);
  assert.equal(assertStatus(await status(sl, 'suspended', '2026-06-20'), 200).status, 'suspended');
});

// ---- mobile members ------------------------------------------------------------------

test('MB2-MB8: mobility refused in the wrong state, in the future, before joining, for an inactive or unknown member', async () => {
  const before = snapshot();
  // MB2: 刘洋 is mobile (imported so): no second outflow
  assertError(await mob(id['刘洋'], { kind: 'outflow', on: '2026-06-01', location: '上海' }), 409, 'conflict', 'kind');
  // MB3: 陈静 is at home: no return, remote or lost
  for (const kind of ['return', 'remote', 'lost']) assertError(await mob(id['陈静'], { kind, on: '2026-06-01' }), 409, 'conflict', 'kind');
  // MB4: found only for someone lost
  assertError(await mob(id['刘洋'], { kind: 'found', on: '2026-06-01' }), 409, 'conflict', 'kind');
  assertError(await mob(id['陈静'], { kind: 'found', on: '2026-06-01' }), 409, 'conflict', 'kind');
  // MB5: not after today, not before joining (陈静 joined 2008-05-04)
  assertError(await mob(id['刘洋'], { kind: 'remote', on: '2026-07-01' }), 400, 'invalid', 'on');
  assertError(await mob(id['陈静'], { kind: 'outflow', on: '2026-07-01', location: '合肥' }), 400, 'invalid', 'on');
  assertError(await mob(id['陈静'], { kind: 'outflow', on: '2008-05-03', location: '合肥' }), 400, 'invalid', 'on');
  // MB6 / ST6: 罗强 left the Party: nothing
  assertError(await mob(id['罗强'], { kind: 'outflow', on: '2026-06-01', location: '合肥' }), 409, 'conflict', 'kind');
  // MB8: inflow in the future, or naming an unknown member
  assertError(await admin.post('/api/v1/orgs/QJ0201/inflow', { name: '外来党员', home_org: '江苏某支部', on: '2026-07-01' }), 400, 'invalid', 'on');
  assertError(await admin.post('/api/v1/orgs/QJ0201/inflow', { name: '外来党员', home_org: '江苏某支部', on: '2026-06-01',
    member_id: 999999 }), 404, 'not_found', 'member_id');
  assert.deepEqual(snapshot(), before);
  // the accepted edges: an outflow today, on the joining day of another; an inflow today
  const o = assertStatus(await mob(id['陈静'], { kind: 'outflow', on: '2026-06-30', location: '合肥' }), 201);
  assert.equal(o.kind, 'outflow');
  const m = await member(id['陈静']);
  assert.equal(m.mobile, true);
  assertStatus(await mob(id['赵丽华'], { kind: 'outflow', on: '2025-12-01', location: '南京' }), 201);
  const inf = assertStatus(await admin.post('/api/v1/orgs/QJ0201/inflow', { name: '外来党员', home_org: '江苏某支部', on: '2026-06-30',
    member_id: id['胡德明'] }), 201);
  assert.equal(inf.on, '2026-06-30');
});

// ---- status changes -----------------------------------------------------------------

test('ST1 and ST3: every allowed change from suspended, active to left; final states; same day and today accepted', async () => {
  const ok = async (mid, s, on) => assertStatus(await status(mid, s, on), 200);
  // suspended -> left / deceased / expelled, each on the same day as the suspension
  for (const [name, to] of [['徐海涛', 'left'], ['朱红梅', 'deceased'], ['郭秀兰', 'expelled']]) {
    await ok(id[name], 'suspended', '2026-05-01');
    const r = await ok(id[name], to, '2026-05-01');
    assert.deepEqual([r.from, r.status, r.on], ['suspended', to, '2026-05-01']);
    assert.equal((await member(id[name])).status, to);
  }
  // active -> left, today
  const r = await ok(id['马文斌'], 'left', '2026-06-30');
  assert.deepEqual([r.from, r.status], ['active', 'left']);
  // final states refuse every change, with nothing written
  const before = snapshot();
  for (const name of ['徐海涛', '朱红梅', '郭秀兰', '马文斌']) {
    for (const to of ['active', 'suspended', 'left', 'deceased', 'expelled']) {
      const res = await status(id[name], to, '2026-06-30');
      assert.equal(res.status, 409, `${name} -> ${to}`);
    }
  }
  // an active member cannot be restored; a date after today or before the last change is refused
  assertError(await status(id['黄美玲'], 'active', '2026-06-30'), 409, 'conflict', 'status');
  assertError(await status(id['黄美玲'], 'suspended', '2026-07-01'), 400, 'invalid', 'on');
  assertError(await status(id['孙丽'], 'active', '2026-06-19'), 400, 'invalid', 'on');   // suspended on 06-20
  assert.deepEqual(snapshot(), before);
  // suspended -> active on the day of the suspension's last change
  assert.equal((await ok(id['孙丽'], 'active', '2026-06-20')).status, 'active');
  const h = assertStatus(await admin.get(`/api/v1/members/${id['徐海涛']}/history`), 200);
  assert.ok(JSON.stringify(h).includes('suspended') && JSON.stringify(h).includes('left'));
});

test('ST7: the same status change twice at once, exactly one wins', async () => {
  const mid = id['黄美玲'];
  const before = snapshot();
  const rs = await Promise.all([status(mid, 'suspended', '2026-06-30', '甲'), status(mid, 'suspended', '2026-06-30', '乙')]);
  assert.deepEqual(rs.map((x) => x.status).sort(), [200, 409]);
  assert.equal(rs.find((x) => x.status === 409).json.error.code, 'conflict');
  assert.equal(count('st_change'), before.st_change + 1);
  assert.equal(count('audit'), before.audit + 1);
  assert.equal((await member(mid)).status, 'suspended');
});
