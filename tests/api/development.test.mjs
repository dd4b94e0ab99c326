// Development pipeline (domain.md "Development"): every interval rule at its
// boundary (17 years 364 days, one month, exactly one year, three months and
// a day, probation of one year and its extension), the order of steps, the
// introducers, the negative list, the member created at the vote and
// converted with the right dates, alerts and pools for a subtree, the plan.
// Today is 2026-06-30 (QIANGJI_TODAY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, MEMBERS, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');

const M = await admin.fixtureIds();
const ZHANG = M(0), LI = M(1), ZHAO = M(3);

let n = 0;
async function apply(over = {}, org = 'QJ0101') {
  n++;
  const body = { name: '申请人' + n, id_number: makeId('340104', over.birth || '1995-03-03', '男', 100 + n),
    applied_on: '2024-01-10', ...over };
  delete body.birth;
  return admin.post(`/api/v1/orgs/${org}/applicants`, body);
}
const step = (id, kind, on, extra = {}) => admin.post(`/api/v1/applicants/${id}/steps`, { kind, on, ...extra });
async function ok(res) { return assertStatus(res, 201); }
function rule(res, name, field) {
  const e = assertError(res, 422, 'rule_violation', field);
  assert.ok(e.message.includes(`【${name}】`), `rule ${name} named in: ${e.message}`);
}
async function auditTotal() { return (await admin.audit()).total; }

/** A person taken to candidate with the reviews done; dates given. */
async function candidate({ applied = '2023-01-10', designation = '2023-03-01', cand = '2024-03-01', review = '2024-04-01', birth } = {}) {
  const p = await ok(await apply({ applied_on: applied, birth }));
  await ok(await step(p.id, 'talk', applied));
  await ok(await step(p.id, 'designation', designation));
  await ok(await step(p.id, 'contacts', designation, { contacts: '王建国、李秀英' }));
  await ok(await step(p.id, 'training', designation, { hours: 12 }));
  await ok(await step(p.id, 'candidate', cand));
  await ok(await step(p.id, 'political_review', review));
  await ok(await step(p.id, 'short_training', review, { days: 3 }));
  await ok(await step(p.id, 'committee_review', review));
  await ok(await step(p.id, 'pre_approval', review));
  return p;
}
const vote = (id, on) => step(id, 'vote', on, { introducer1: ZHANG, introducer2: LI });

test('dev.min_age: 17 years 364 days is refused with nothing written, exactly 18 is accepted', async () => {
  const before = await auditTotal();
  const total = (await admin.get('/api/v1/orgs/QJ/applicants?limit=1')).json.total;
  rule(await apply({ birth: '2008-07-01', applied_on: '2026-06-30' }), 'dev.min_age', 'applied_on');
  assert.equal(await auditTotal(), before);
  assert.equal((await admin.get('/api/v1/orgs/QJ/applicants?limit=1')).json.total, total);
  const p = await ok(await apply({ birth: '2008-06-30', applied_on: '2026-06-30' }));
  assert.equal(p.stage, 'applicant');
  assert.equal(p.birth_date, '2008-06-30');
  assert.match(p.id_number, /\*/, 'ID number masked');
  assert.equal(p.steps[0].kind, 'application');
});

test('bad input is refused with nothing written: missing fields, bad ID, future date, not a branch, unknown kind', async () => {
  const before = await auditTotal();
  assertError(await admin.post('/api/v1/orgs/QJ0101/applicants', { name: '甲', applied_on: '2026-01-01' }), 400, 'required', 'id_number');
  assertError(await apply({ id_number: '340104199503030000' }), 400, 'invalid', 'id_number');
  assertError(await apply({ applied_on: '2026-07-01' }), 400, 'invalid', 'applied_on');
  assertError(await apply({}, 'QJ01'), 400, 'invalid', 'code');
  assertError(await apply({ extra: 1 }), 400, 'unknown_field');
  assertError(await apply({ id_number: MEMBERS[0].id_number }), 409, 'conflict', 'id_number');
  const p = await ok(await apply({ applied_on: '2026-01-05' }));
  const mid = await auditTotal();
  assertError(await step(p.id, 'vote2', '2026-02-01'), 400, 'invalid', 'kind');
  assertError(await step(p.id, 'talk', '2026-07-01'), 400, 'invalid', 'on');
  assertError(await admin.post(`/api/v1/applicants/${p.id}/steps`, { kind: 'talk' }), 400, 'required', 'on');
  rule(await step(p.id, 'talk', '2026-01-04'), 'dev.order', 'on');
  assertError(await step(999999, 'talk', '2026-02-01'), 404, 'not_found');
  assert.equal(await auditTotal(), mid);
  assert.equal(mid, before + 1);
});

test('dev.talk_1m: a talk on the last day of the month after is quiet, the day after warns; alerts list overdue talks', async () => {
  const a = await ok(await apply({ applied_on: '2026-01-31' }));
  const r1 = await ok(await step(a.id, 'talk', '2026-02-28'));
  assert.deepEqual(r1.warnings, []);
  const b = await ok(await apply({ applied_on: '2026-01-31' }));
  const r2 = await ok(await step(b.id, 'talk', '2026-03-01'));
  assert.equal(r2.warnings.length, 1);
  assert.equal(r2.warnings[0].rule, 'dev.talk_1m');
  assert.equal(r2.person.steps.at(-1).warnings[0].rule, 'dev.talk_1m');
  // Alerts: applied 2026-05-30 is due 2026-06-30 (today, not overdue); 2026-05-29 is overdue.
  const due = await ok(await apply({ applied_on: '2026-05-30' }));
  const late = await ok(await apply({ applied_on: '2026-05-29' }));
  const al = assertStatus(await east.get('/api/v1/orgs/QJ01/development/alerts'), 200);
  const overdue = al.talk_overdue.map((x) => x.id);
  assert.ok(overdue.includes(late.id), 'applied 2026-05-29: overdue');
  assert.ok(!overdue.includes(due.id), 'applied 2026-05-30: due today, not overdue');
  assert.ok(!overdue.includes(a.id));
  assert.equal(al.talk_overdue.find((x) => x.id === late.id).due_on, '2026-06-29');
  // Outside the subtree: west sees none of them.
  const wal = assertStatus(await west.get('/api/v1/orgs/QJ02/development/alerts'), 200);
  assert.ok(!wal.talk_overdue.some((x) => x.id === late.id));
  assertError(await west.get('/api/v1/orgs/QJ01/development/alerts'), 404, 'not_found');
  assertError(await west.get(`/api/v1/applicants/${late.id}`), 404, 'not_found');
  assertError(await west.post(`/api/v1/applicants/${late.id}/steps`, { kind: 'talk', on: '2026-06-01' }), 404, 'not_found');
});

test('order: designation needs the talk; contacts 1 or 2; candidate needs contacts and exactly one year as activist', async () => {
  const p = await ok(await apply({ applied_on: '2025-01-10' }));
  rule(await step(p.id, 'designation', '2025-03-01'), 'dev.order', 'kind');
  await ok(await step(p.id, 'talk', '2025-01-20'));
  rule(await step(p.id, 'candidate', '2026-03-01'), 'dev.order', 'kind');
  await ok(await step(p.id, 'designation', '2025-03-01'));
  rule(await step(p.id, 'candidate', '2026-03-01'), 'dev.contacts', 'kind');
  rule(await step(p.id, 'contacts', '2025-03-01', { contacts: '王建国、李秀英、张三丰' }), 'dev.contacts', 'contacts');
  rule(await step(p.id, 'contacts', '2025-03-01', { contacts: ' ' }), 'dev.contacts', 'contacts');
  await ok(await step(p.id, 'contacts', '2025-03-01', { contacts: '王建国, 李秀英' }));
  const before = await auditTotal();
  rule(await step(p.id, 'candidate', '2026-02-28'), 'dev.activist_1y', 'on');
  assert.equal(await auditTotal(), before, 'nothing written');
  assert.equal(assertStatus(await admin.get(`/api/v1/applicants/${p.id}`), 200).stage, 'activist');
  const r = await ok(await step(p.id, 'candidate', '2026-03-01'));
  assert.equal(r.person.stage, 'candidate');
});

test('dev.short_training: 2 days and 23 hours refused; 3 days or 24 hours accepted; reviews in order before the vote', async () => {
  const p = await ok(await apply({ applied_on: '2024-01-10' }));
  await ok(await step(p.id, 'talk', '2024-01-20'));
  await ok(await step(p.id, 'designation', '2024-02-01'));
  await ok(await step(p.id, 'contacts', '2024-02-01', { contacts: '李秀英' }));
  await ok(await step(p.id, 'candidate', '2025-02-01'));
  rule(await step(p.id, 'short_training', '2025-03-01', { days: 2, hours: 23 }), 'dev.short_training', 'days');
  rule(await step(p.id, 'committee_review', '2025-03-01'), 'dev.order', 'kind');
  await ok(await step(p.id, 'short_training', '2025-03-01', { hours: 24 }));
  await ok(await step(p.id, 'political_review', '2025-03-01'));
  rule(await vote(p.id, '2025-04-01'), 'dev.order', 'kind');
  await ok(await step(p.id, 'committee_review', '2025-03-05'));
  rule(await step(p.id, 'pre_approval', '2025-03-04'), 'dev.order', 'on');
  await ok(await step(p.id, 'pre_approval', '2025-03-10'));
  const q = await ok(await apply({ applied_on: '2024-01-10' }));
  await ok(await step(q.id, 'talk', '2024-01-20'));
  await ok(await step(q.id, 'designation', '2024-02-01'));
  await ok(await step(q.id, 'contacts', '2024-02-01', { contacts: '李秀英' }));
  await ok(await step(q.id, 'candidate', '2025-02-01'));
  await ok(await step(q.id, 'short_training', '2025-03-01', { days: 3 }));
});

test('dev.introducers: two different active full members; the vote makes a probationary member with joined_on = vote date', async () => {
  const p = await candidate();
  const total = await admin.total();
  const before = await auditTotal();
  rule(await step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG, introducer2: ZHAO }), 'dev.introducers', 'introducer2');
  rule(await step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG, introducer2: ZHANG }), 'dev.introducers');
  rule(await step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG }), 'dev.introducers', 'introducer2');
  // An id that names no member is refused by the dispatcher like one outside the subtree (refs.test.mjs).
  assertError(await step(p.id, 'vote', '2025-05-10', { introducer1: 99999, introducer2: LI }), 404, 'not_found', 'introducer1');
  assert.equal(await auditTotal(), before);
  assert.equal(await admin.total(), total, 'no member created by a refused vote');
  const r = await ok(await vote(p.id, '2025-05-10'));
  assert.equal(r.person.stage, 'probationary');
  const m = assertStatus(await admin.get(`/api/v1/members/${r.person.member_id}`), 200);
  assert.equal(m.category, '预备党员');
  assert.equal(m.joined_on, '2025-05-10');
  assert.equal(m.full_on, null);
  assert.equal(m.org_code, 'QJ0101');
  assert.equal(await admin.total(), total + 1);
  const au = await admin.audit();
  assert.ok(au.items.some((e) => e.entity === 'member' && e.action === 'create' && e.key === String(m.id)), 'member_save audited');
  // The history has the membership from the vote.
  const h = assertStatus(await admin.get(`/api/v1/members/${m.id}/organizations`), 200);
  assert.equal(h.items[0].from, '2025-05-10');
  assert.equal(h.items[0].via, 'vote');
});

test('dev.min_age on another birthday: the day before the 18th birthday refused, the birthday accepted', async () => {
  // Born 2007-06-01: 18 on 2025-06-01. (The vote checks the age again, but a person can only
  // reach the vote after applying at 18, so that check is a second line only.)
  rule(await apply({ birth: '2007-06-01', applied_on: '2025-05-31' }), 'dev.min_age', 'applied_on');
  await ok(await apply({ birth: '2007-06-01', applied_on: '2025-06-01' }));
});

test('dev.approval_3m: approval three months after the vote is quiet, three months and a day warns; waiting lists', async () => {
  const a = await candidate();
  await ok(await vote(a.id, '2025-10-15'));
  assert.deepEqual((await ok(await step(a.id, 'approval', '2026-01-15'))).warnings, []);
  const b = await candidate();
  await ok(await vote(b.id, '2025-10-15'));
  const w = await ok(await step(b.id, 'approval', '2026-01-16'));
  assert.equal(w.warnings[0].rule, 'dev.approval_3m');
  rule(await step(b.id, 'approval', '2026-01-20'), 'dev.order', 'kind');
  // Waiting: voted 2026-03-29 (due 2026-06-29) is listed today; 2026-03-30 (due today) is not.
  const c = await candidate();
  await ok(await vote(c.id, '2026-03-29'));
  const d = await candidate();
  await ok(await vote(d.id, '2026-03-30'));
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  const waiting = al.approval_waiting.map((x) => x.id);
  assert.ok(waiting.includes(c.id), 'three months and a day: waiting');
  assert.ok(!waiting.includes(d.id), 'exactly three months: not yet');
  assert.ok(!waiting.includes(a.id) && !waiting.includes(b.id));
});

test('dev.probation_1y: conversion a day before one year refused, exactly one year accepted, member becomes 正式党员', async () => {
  const p = await candidate();
  const v = await ok(await vote(p.id, '2025-06-30'));
  rule(await step(p.id, 'conversion', '2026-06-30'), 'dev.order', 'kind');   // no approval yet
  await ok(await step(p.id, 'approval', '2025-08-01'));
  const before = await auditTotal();
  rule(await step(p.id, 'conversion', '2026-06-29'), 'dev.probation_1y', 'on');
  assert.equal(await auditTotal(), before);
  const r = await ok(await step(p.id, 'conversion', '2026-06-30'));
  assert.equal(r.person.stage, 'full');
  const m = assertStatus(await admin.get(`/api/v1/members/${v.person.member_id}`), 200);
  assert.equal(m.category, '正式党员');
  assert.equal(m.joined_on, '2025-06-30');
  assert.equal(m.full_on, '2026-06-30');
  rule(await step(p.id, 'probation', '2026-06-30'), 'dev.order', 'kind');
});

test('extension: 6 to 12 whole months, once; conversion then counts from the vote plus the extension', async () => {
  const p = await candidate();
  await ok(await vote(p.id, '2025-01-10'));
  rule(await step(p.id, 'extension', '2025-12-01', { months: 6 }), 'dev.order', 'kind');
  await ok(await step(p.id, 'approval', '2025-02-10'));
  rule(await step(p.id, 'extension', '2026-01-10', { months: 5 }), 'dev.extension_months', 'months');
  rule(await step(p.id, 'extension', '2026-01-10', { months: 13 }), 'dev.extension_months', 'months');
  // months is a declared whole number: a fraction is refused as a bad value before the rule is judged.
  assertError(await step(p.id, 'extension', '2026-01-10', { months: 6.5 }), 400, 'invalid', 'months');
  await ok(await step(p.id, 'extension', '2026-01-10', { months: 6 }));
  rule(await step(p.id, 'extension', '2026-01-11', { months: 6 }), 'dev.extension_once', 'kind');
  // Probation now ends 2026-07-10: June 30 is too early, and the alert lists it as ending... next month, so not "this month".
  rule(await step(p.id, 'conversion', '2026-06-30'), 'dev.probation_1y', 'on');
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  assert.ok(!al.probation_ending.some((x) => x.id === p.id));
});

test('probation ending this month and past are reported; pools count each stage for a subtree', async () => {
  const p = await candidate();
  await ok(await vote(p.id, '2025-06-15'));
  await ok(await step(p.id, 'approval', '2025-07-15'));
  const q = await candidate();
  await ok(await vote(q.id, '2025-05-02'));
  await ok(await step(q.id, 'approval', '2025-07-15'));
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  const end = al.probation_ending.find((x) => x.id === p.id);
  assert.ok(end, 'probation ends 2026-06-15, this month');
  assert.equal(end.due_on, '2026-06-15');
  assert.ok(al.conversion_overdue.some((x) => x.id === q.id && x.due_on === '2026-05-02'));
  const act = await ok(await apply({ applied_on: '2026-03-01' }));
  await ok(await step(act.id, 'talk', '2026-03-10'));
  await ok(await step(act.id, 'designation', '2026-04-01'));
  const pools = assertStatus(await east.get('/api/v1/orgs/QJ01/development/pools'), 200);
  const list = assertStatus(await east.get('/api/v1/orgs/QJ01/applicants?stage=probationary&limit=200'), 200);
  assert.equal(pools.probationary, list.total);
  for (const s of ['applicant', 'activist', 'candidate', 'probationary', 'full']) {
    const l = assertStatus(await admin.get(`/api/v1/orgs/QJ/applicants?stage=${s}&limit=1`), 200);
    assert.equal((await admin.get('/api/v1/orgs/QJ/development/pools')).json[s], l.total, s);
    assert.ok(l.total > 0, `pool ${s} not empty`);
  }
  const wp = assertStatus(await west.get('/api/v1/orgs/QJ02/development/pools'), 200);
  assert.equal(wp.probationary, 0);
});

test('negative list: a listed person cannot apply or go on; listing needs every field', async () => {
  const id = makeId('340104', '1990-02-02', '女', 7);
  assertError(await east.post('/api/v1/orgs/QJ0101/development/negative', { name: '丙', id_number: id, listed_on: '2026-01-01' }), 400, 'required', 'reason');
  await ok(await east.post('/api/v1/orgs/QJ0101/development/negative', { name: '丙', id_number: id, reason: '受过刑事处罚', listed_on: '2026-01-01' }));
  assertError(await east.post('/api/v1/orgs/QJ0101/development/negative', { name: '丙', id_number: id, reason: '重复', listed_on: '2026-01-01' }), 409, 'conflict');
  rule(await admin.post('/api/v1/orgs/QJ0201/applicants', { name: '丙', id_number: id, applied_on: '2026-02-01' }), 'dev.negative_list', 'id_number');
  // A person already in the pipeline who is then listed cannot go on.
  const p = await ok(await apply({ applied_on: '2026-02-01' }));
  await ok(await admin.post('/api/v1/orgs/QJ0101/development/negative', { name: p.name, id_number: makeId('340104', '1995-03-03', '男', 100 + n), reason: '查实有违纪行为', listed_on: '2026-03-01' }));
  rule(await step(p.id, 'talk', '2026-03-02'), 'dev.negative_list', 'kind');
  const l = assertStatus(await east.get('/api/v1/orgs/QJ01/development/negative'), 200);
  assert.equal(l.items.length, 2);
  assert.ok(l.items.every((x) => x.id_number.includes('*')));
  assert.equal((await west.get('/api/v1/orgs/QJ02/development/negative')).json.items.length, 0);
  assertError(await west.post('/api/v1/orgs/QJ0101/development/negative', { name: '丁', id_number: id, reason: 'x', listed_on: '2026-01-01' }), 404, 'not_found');
});

test('plan: quotas per organization and year with progress counted in its subtree; bad quotas refused', async () => {
  assertError(await east.req('PUT', '/api/v1/orgs/QJ01/development/plan', { json: { year: 2026, activists: -1, candidates: 1, members: 1 } }), 400, 'invalid');
  assertError(await east.req('PUT', '/api/v1/orgs/QJ01/development/plan', { json: { year: 2026, activists: 1.5, candidates: 1, members: 1 } }), 400, 'invalid', 'activists');
  assertError(await east.req('PUT', '/api/v1/orgs/QJ01/development/plan', { json: { year: 2026, activists: 1 } }), 400, 'required');
  const p = assertStatus(await east.req('PUT', '/api/v1/orgs/QJ01/development/plan', { json: { year: 2026, activists: 10, candidates: 6, members: 5 } }), 200);
  assert.deepEqual([p.quota.activists, p.quota.candidates, p.quota.members], [10, 6, 5]);
  const g = assertStatus(await east.get('/api/v1/orgs/QJ01/development/plan?year=2026'), 200);
  // Votes recorded in 2026 in the tests above: 2026-03-29 and 2026-03-30 (at least).
  assert.ok(g.done.members >= 2, JSON.stringify(g));
  assert.ok(g.done.candidates >= 1);
  const y = assertStatus(await east.get('/api/v1/orgs/QJ01/development/plan?year=2025'), 200);
  assert.equal(y.quota, null);
  assertError(await east.get('/api/v1/orgs/QJ01/development/plan?year=1999'), 400, 'invalid', 'year');
});

test('the viewer reads but cannot write; a member cannot reach the pipeline', async () => {
  const viewer = await srv.as('viewer');
  assertStatus(await viewer.get('/api/v1/orgs/QJ/development/pools'), 200);
  assertError(await viewer.post('/api/v1/orgs/QJ0101/applicants', { name: '戊', id_number: makeId('340104', '1990-01-01', '男', 9), applied_on: '2026-01-01' }), 403, 'forbidden');
  const zsf = await srv.as('zsf');
  assertError(await zsf.get('/api/v1/orgs/QJ0101/applicants'), 403, 'forbidden');
});

test('alerts and pools summary first: counts and by_org agree with each child\'s own answer; kind, limit and offset page one kind', async () => {
  const KINDS = ['talk_overdue', 'probation_ending', 'conversion_overdue', 'approval_waiting', 'conversion_approval_waiting'];
  const STAGES = ['applicant', 'activist', 'candidate', 'probationary', 'full'];
  const all = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  assert.ok(KINDS.some((k) => all[k].length > 1), 'earlier tests leave alerts of some kind');
  let total = 0;
  for (const k of KINDS) {
    assert.equal(all.counts[k], all[k].length, k);
    total += all[k].length;
    for (const a of all[k]) assert.ok(a.org_name && !('org_path' in a), `${k} ${a.id}: org_name, no internals`);
  }
  assert.equal(all.total, total);
  const pools = assertStatus(await admin.get('/api/v1/orgs/QJ/development/pools'), 200);
  const kids = (await admin.get('/api/v1/orgs/QJ/children')).json.items;
  for (const c of kids) {
    const own = assertStatus(await admin.get(`/api/v1/orgs/${c.code}/development/alerts`), 200);
    const b = all.by_org.find((x) => x.org_code === c.code);
    if (KINDS.every((k) => own.counts[k] === 0)) assert.equal(b, undefined, `${c.code}: no alerts, not listed`);
    else for (const k of KINDS) assert.equal(b[k], own.counts[k], `${c.code} ${k}`);
    if (b) assert.equal(b.org_name, c.name);
    const ownPools = assertStatus(await admin.get(`/api/v1/orgs/${c.code}/development/pools`), 200);
    const p = pools.by_org.find((x) => x.org_code === c.code);
    if (STAGES.every((s) => ownPools[s] === 0)) assert.equal(p, undefined, `${c.code}: nobody, not listed`);
    else for (const s of STAGES) assert.equal(p[s], ownPools[s], `${c.code} ${s}`);
  }
  // One kind, a row a page: the pages put together are the whole list, in order; the other kinds are empty.
  const k = KINDS.find((x) => all[x].length > 1);
  const ids = [];
  for (let off = 0; off < all[k].length + 1; off++) {
    const p = assertStatus(await admin.get(`/api/v1/orgs/QJ/development/alerts?kind=${k}&limit=1&offset=${off}`), 200);
    assert.equal(p.total, all.counts[k]);
    assert.equal(p.limit, 1);
    assert.deepEqual(p.counts, all.counts, 'the counts are of every kind whatever is listed');
    for (const other of KINDS.filter((x) => x !== k)) assert.deepEqual(p[other], [], other);
    assert.ok(p[k].length <= 1);
    ids.push(...p[k].map((x) => x.id));
  }
  assert.deepEqual(ids, all[k].map((x) => x.id));
  // limit without kind: a page of each.
  const each = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts?limit=1'), 200);
  for (const x of KINDS) assert.deepEqual(each[x].map((a) => a.id), all[x].slice(0, 1).map((a) => a.id), x);
  assertError(await admin.get('/api/v1/orgs/QJ/development/alerts?kind=late'), 400, 'invalid', 'kind');
  assertError(await admin.get('/api/v1/orgs/QJ/development/alerts?limit=0'), 400, 'invalid', 'limit');
});
