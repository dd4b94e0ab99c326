// GET /api/v1/meta (issue 10): the enumerations and tables the browser needs
// come from the C tables the server checks against, so a value the UI offers
// is one the server takes and the other way round. Public (the sign-in
// screen needs nothing of it, but the UI loads it before anything else).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');

const meta = assertStatus(await srv.request('GET', '/api/v1/meta'), 200);
const values = (name) => meta.enums[name].map((e) => e.value ?? e);

test('the enumerations are there, each value with its Chinese label', () => {
  for (const name of ['org_kind', 'org_domain', 'gender', 'education', 'category', 'member_status', 'meeting_kind',
    'meeting_mode', 'attendance_state', 'dev_stage', 'dues_category', 'dues_channel']) {
    assert.ok(Array.isArray(meta.enums[name]) && meta.enums[name].length > 1, `enum ${name}`);
  }
  for (const name of ['meeting_kind', 'meeting_mode', 'attendance_state', 'dev_stage', 'dues_category', 'dues_channel'])
    for (const e of meta.enums[name]) assert.ok(e.value && /[\u4e00-\u9fff]/.test(e.label), `${name}: ${JSON.stringify(e)}`);
  assert.equal(meta.enums.meeting_kind.find((e) => e.value === 'lecture').label, '党课');
  assert.equal(meta.enums.dues_channel.find((e) => e.value === 'wechat').label, '微信');
});

test('every meeting kind, mode and attendance state offered is one the server takes; others are refused', async () => {
  for (const kind of values('meeting_kind')) assertStatus(await east.get(`/api/v1/orgs/QJ01/meetings?kind=${kind}`), 200);
  assertError(await east.get('/api/v1/orgs/QJ01/meetings?kind=seminar'), 400, 'invalid', 'kind');
  const m = assertStatus(await east.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-06-01',
    mode: values('meeting_mode').at(-1) }), 201);
  const me = await admin.allMembers('QJ0101');
  const items = values('attendance_state').map((state, i) => ({ member_id: me[i].id, state, reason: state === 'leave' ? '出差' : undefined }));
  const after = assertStatus(await east.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items } }), 200);
  for (const state of values('attendance_state')) assert.ok(after.attendance.some((a) => a.state === state), state);
});

test('every dues category and channel offered is one the server takes', async () => {
  for (const category of values('dues_category')) {
    const r = await east.get(`/api/v1/dues/amount?category=${category}&income=3000&amount=1`);
    assert.ok(r.status === 200 || r.status === 422, `${category}: ${r.status} ${r.text}`);
  }
  assertError(await east.get('/api/v1/dues/amount?category=nosuch'), 400, 'invalid', 'category');
});

test('dev_steps: the pipeline table in order, each kind one the server takes, each stage a dev_stage', async () => {
  const steps = meta.dev_steps;
  // The national procedure's order (发展党员工作细则, 25 steps), with the 14 kinds of the first version kept.
  assert.deepEqual(steps.map((s) => s.kind), ['application', 'talk', 'recommendation', 'designation', 'activist_filing',
    'contacts', 'training', 'candidate', 'candidate_filing', 'introducers', 'political_review', 'short_training',
    'committee_review', 'publicity', 'pre_approval', 'pledge_form', 'vote', 'superior_talk', 'approval', 'approval_filing',
    'assignment', 'oath', 'probation', 'extension', 'conversion_application', 'conversion_publicity', 'conversion',
    'conversion_approval', 'archiving']);
  // Every one of the 25 steps has its kind; numbers never go back.
  const nos = steps.map((s) => s.no).filter((x) => x !== null);
  assert.deepEqual([...new Set(nos)], Array.from({ length: 25 }, (_, i) => i + 1));
  const stages = values('dev_stage');
  for (const s of steps) {
    assert.ok(stages.includes(s.stage), s.kind);
    assert.ok(!s.next_stage || stages.includes(s.next_stage), s.kind);
    for (const a of [...s.after, ...s.after_new]) {
      const i = steps.findIndex((t) => t.kind === a);
      assert.ok(i >= 0 && i < steps.indexOf(s), `${s.kind} after ${a}, an earlier row`);
    }
    assert.ok(!(s.repeatable && s.once), s.kind);
  }
  assert.deepEqual(steps.filter((s) => s.auto).map((s) => s.kind), ['application']);
  assert.deepEqual(steps.find((s) => s.kind === 'vote').fields, ['introducer1', 'introducer2']);
  assert.deepEqual(steps.find((s) => s.kind === 'introducers').fields, ['introducer1', 'introducer2']);
  assert.deepEqual(steps.find((s) => s.kind === 'short_training').fields, ['days', 'hours']);
  assert.deepEqual(steps.find((s) => s.kind === 'publicity').fields, ['days']);
  assert.deepEqual(steps.find((s) => s.kind === 'assignment').fields, ['group_id']);
  // The first step the table offers to record is taken, the automatic one is refused; a kind it does not offer is refused.
  const p = assertStatus(await east.post('/api/v1/orgs/QJ0101/applicants', {
    name: '申请人丙', id_number: makeId('340104', '1995-05-05', '男', 401), applied_on: '2026-01-10' }), 201);
  assertError(await east.post(`/api/v1/applicants/${p.id}/steps`, { kind: 'application', on: '2026-01-10' }), 422, 'rule_violation', 'kind');
  assertStatus(await east.post(`/api/v1/applicants/${p.id}/steps`, { kind: steps.find((s) => !s.auto).kind, on: '2026-01-20' }), 201);
  assertError(await east.post(`/api/v1/applicants/${p.id}/steps`, { kind: 'interview', on: '2026-01-21' }), 400, 'invalid', 'kind');
});

test('roles, org kinds that hold members or organizations, transfer states, findings and alerts come from the server too', async () => {
  assert.deepEqual(values('role'), ['admin', 'org_admin', 'viewer', 'member']);
  assert.equal(meta.enums.role.find((e) => e.value === 'viewer').label, '查看员');
  assert.deepEqual(values('org_branch_kind'), ['党支部', '联合党支部', '临时党支部', '项目党支部']);
  for (const k of [...values('org_branch_kind'), ...values('org_parent_kind')]) assert.ok(values('org_kind').includes(k), k);
  for (const state of values('transfer_state')) assertStatus(await east.get(`/api/v1/orgs/QJ01/transfers?state=${state}`), 200);
  for (const type of values('finding_type')) assertStatus(await east.get(`/api/v1/orgs/QJ0101/obligations?type=${type}`), 200);
  const alerts = assertStatus(await east.get('/api/v1/orgs/QJ01/development/alerts'), 200);
  for (const a of values('dev_alert')) assert.ok(Array.isArray(alerts[a]), a);
  assert.ok(values('mobility_kind').includes('inflow') && values('membership_via').includes('vote'));
});
