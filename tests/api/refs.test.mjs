// References in request bodies (issue 10): every field that names a member,
// an organization or another object is checked by the dispatcher against the
// user's subtree. From an org_admin of 东湖镇 (QJ01), a member of 西山镇 (QJ02)
// and an id that does not exist get the same answer, 404 not_found naming the
// field, and the answer names nobody; inside the subtree the same field works.
// Today is 2026-06-30 (QIANGJI_TODAY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, MEMBERS, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');

const M = await admin.fixtureIds();
const ZHANG = M(0), LI = M(1), WANG = M(2);   // full members of 东湖村 (QJ0101), inside east's subtree
const OUTSIDE = M(14);                         // 胡德明, a full member of 西山村 (QJ0201), outside it
const OUTSIDE_NAME = MEMBERS[14].name;
const NOBODY = 987654321;

/** The same answer for "outside" and "nowhere": 404, the field named, no name in the text. */
async function refused(call, field) {
  const a = await call(OUTSIDE);
  const b = await call(NOBODY);
  assertError(a, 404, 'not_found', field);
  assertError(b, 404, 'not_found', field);
  assert.ok(!a.text.includes(OUTSIDE_NAME), `the answer names the outside member: ${a.text}`);
  assert.equal(a.json.error.message.replace(String(OUTSIDE), 'X'), b.json.error.message.replace(String(NOBODY), 'X'),
    'the two answers differ only in the id that was sent');
}

let n = 0;
const step = (id, kind, on, extra = {}) => east.post(`/api/v1/applicants/${id}/steps`, { kind, on, ...extra });
async function candidate() {
  n++;
  const p = assertStatus(await east.post('/api/v1/orgs/QJ0101/applicants', {
    name: '申请人乙' + n, id_number: makeId('340104', '1994-04-04', '女', 300 + n), applied_on: '2023-01-10' }), 201);
  for (const [kind, on, extra] of [['talk', '2023-01-10'], ['designation', '2023-03-01'],
    ['contacts', '2023-03-01', { contacts: '王建国、李秀英' }], ['training', '2023-03-01', { hours: 12 }],
    ['candidate', '2024-03-01'], ['political_review', '2024-04-01'], ['short_training', '2024-04-01', { days: 3 }],
    ['committee_review', '2024-04-01'], ['pre_approval', '2024-04-01']])
    assertStatus(await step(p.id, kind, on, extra), 201);
  return p;
}

test('introducers: a member outside the subtree and one that does not exist answer alike, 404 naming nobody', async () => {
  const p = await candidate();
  const before = (await admin.audit()).total;
  await refused((id) => step(p.id, 'vote', '2025-05-10', { introducer1: id, introducer2: LI }), 'introducer1');
  await refused((id) => step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG, introducer2: id }), 'introducer2');
  assert.equal((await admin.audit()).total, before, 'nothing written');
  // Not a number at all: a 400 of the declared type, before any lookup.
  assertError(await step(p.id, 'vote', '2025-05-10', { introducer1: 'abc', introducer2: LI }), 400, 'invalid', 'introducer1');
  // Digits in a string are not a number either (JSON numbers only).
  assertError(await step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG, introducer2: String(WANG) }), 400, 'invalid', 'introducer2');
  // Inside the subtree the same fields work.
  const ok = assertStatus(await step(p.id, 'vote', '2025-05-10', { introducer1: ZHANG, introducer2: WANG }), 201);
  assert.equal(ok.person.stage, 'probationary');
});

test('the admin at the root reaches both districts: the outside member of east is inside for admin', async () => {
  const p = await candidate();
  // 胡德明 is a full member in good standing: a valid introducer for whoever may see him.
  const res = await admin.post(`/api/v1/applicants/${p.id}/steps`, { kind: 'vote', on: '2025-05-10', introducer1: OUTSIDE, introducer2: LI });
  assertStatus(res, 201);
});

test('meetings: host, recorder and attendees (on create and in PUT attendance) answer alike from outside', async () => {
  const before = (await admin.audit()).total;
  const base = { kind: 'lecture', title: '专题党课', held_on: '2026-06-01' };
  const post = (extra) => east.post('/api/v1/orgs/QJ0101/meetings', { ...base, ...extra });
  await refused((id) => post({ host_id: id }), 'host_id');
  await refused((id) => post({ recorder_id: id }), 'recorder_id');
  await refused((id) => post({ attendance: [{ member_id: ZHANG, state: 'present' }, { member_id: id, state: 'absent' }] }), 'member_id');
  assert.equal((await admin.audit()).total, before, 'nothing written');
  const m = assertStatus(await post({ host_id: ZHANG, recorder_id: LI }), 201);
  assert.equal(m.host_id, ZHANG);
  await refused((id) => east.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [{ member_id: id, state: 'present' }] } }), 'member_id');
  assertStatus(await east.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [{ member_id: WANG, state: 'present' }] } }), 200);
  await refused((id) => east.patch(`/api/v1/meetings/${m.id}`, { host_id: id }), 'host_id');
});

test('meetings: a party group and a campaign of another district are not found; a campaign launched above reaches down', async () => {
  const westGroup = assertStatus(await admin.post('/api/v1/orgs/QJ0201/groups', { name: '西山第一党小组' }), 201);
  const eastGroup = assertStatus(await east.post('/api/v1/orgs/QJ0101/groups', { name: '东湖第一党小组' }), 201);
  const group = (gid) => east.post('/api/v1/orgs/QJ0101/meetings', { kind: 'group', title: '党小组会', held_on: '2026-06-02', group_id: gid });
  const a = await group(westGroup.id), b = await group(987654321);
  assertError(a, 404, 'not_found', 'group_id');
  assertError(b, 404, 'not_found', 'group_id');
  assert.ok(!a.text.includes('西山'), a.text);
  assertStatus(await group(eastGroup.id), 201);
  const westCamp = assertStatus(await admin.post('/api/v1/campaigns', { code: 'XS2026', name: '西山镇专项', org_code: 'QJ02', started_on: '2026-04-01' }), 201);
  const rootCamp = assertStatus(await admin.post('/api/v1/campaigns', { code: 'QX2026', name: '全县专项', org_code: 'QJ', started_on: '2026-04-01' }), 201);
  const lecture = (cid) => east.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '专项党课', held_on: '2026-06-03', campaign_id: cid });
  const c = await lecture(westCamp.id), d = await lecture(987654321);
  assertError(c, 404, 'not_found', 'campaign_id');
  assertError(d, 404, 'not_found', 'campaign_id');
  assert.ok(!c.text.includes('西山'), c.text);
  assert.equal(assertStatus(await lecture(rootCamp.id), 201).campaign_id, rootCamp.id);
});

test('party groups, committees and courses: every member field answers alike from outside', async () => {
  const before = (await admin.audit()).total;
  await refused((id) => east.post('/api/v1/orgs/QJ0101/groups', { name: '第三党小组', leader_id: id }), 'leader_id');
  await refused((id) => east.post('/api/v1/orgs/QJ0101/groups', { name: '第三党小组', member_ids: [ZHANG, id] }), 'member_ids');
  await refused((id) => east.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [
    { member_id: ZHANG, post: '书记' }, { member_id: id, post: '委员' }] } }), 'member_id');
  await refused((id) => east.post('/api/v1/orgs/QJ01/courses', { title: '培训班', category: '专题培训', started_on: '2026-06-02',
    hours: 2, attendees: [{ member_id: id }] }), 'member_id');
  assert.equal((await admin.audit()).total, before, 'nothing written');
});
