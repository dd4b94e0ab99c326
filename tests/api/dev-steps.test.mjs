// The development pipeline's 25 steps (中国共产党发展党员工作细则, 2014) and the
// dated rule dev.order_full: a person who enters a stage from 2027-01-01 goes
// through every step of the procedure in order; one who entered it before
// finishes it with the 14 kinds of the first version, the new steps being
// optional records. Boundaries on both sides of the date, for each stage;
// the whole path of one person; refusals with nothing written; the
// introducers named before the vote; the publicity's days; the party group;
// next_steps; the alert of conversions waiting for the superior's approval.
// Today is 2029-06-30 here (the server's QIANGJI_TODAY), so that a path
// started after the date can reach the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, makeId } from './lib.mjs';

const srv = await startServer({ env: { QIANGJI_TODAY: '2029-06-30' } });
const admin = await srv.as('admin');
const M = await admin.fixtureIds();
const ZHANG = M(0), LI = M(1), WANG = M(2), ZHAO = M(3);   // 张三丰, 李秀英, 王建国: full; 赵丽华: probationary

let n = 0;
async function apply(applied_on, org = 'QJ0101') {
  n++;
  return assertStatus(await admin.post(`/api/v1/orgs/${org}/applicants`, {
    name: '申请人' + n, id_number: makeId('340104', '1995-03-03', '男', 500 + n), applied_on }), 201);
}
const step = (id, kind, on, extra = {}) => admin.post(`/api/v1/applicants/${id}/steps`, { kind, on, ...extra });
const ok = async (res) => assertStatus(await res, 201);
const person = async (id) => assertStatus(await admin.get(`/api/v1/applicants/${id}`), 200);
function rule(res, name, field) {
  const e = assertError(res, 422, 'rule_violation', field);
  assert.ok(e.message.includes(`【${name}】`), `rule ${name} named in: ${e.message}`);
  return e;
}
async function written() {
  return `${(await admin.audit()).total}/${(await admin.get('/api/v1/orgs/QJ/applicants?limit=200')).json.items
    .reduce((t, p) => t + p.steps.length, 0)}`;
}
/** Refused under dev.order on the kind, the missing step named, nothing written. */
async function needs(id, kind, on, missing, extra) {
  const before = await written();
  const e = rule(await step(id, kind, on, extra), 'dev.order', 'kind');
  assert.match(e.message, new RegExp(`自 2027-01-01 起.*须先完成“${missing}”`), e.message);
  assert.equal(await written(), before, 'nothing written');
  return e;
}

/** An old-style record: the 14 kinds of the first version only, up to pre-approval. */
async function oldCandidate({ applied = '2024-01-10', designation = '2024-03-01', cand = '2025-03-01', review = '2025-04-01' } = {}) {
  const p = await apply(applied);
  await ok(step(p.id, 'talk', applied));
  await ok(step(p.id, 'designation', designation));
  await ok(step(p.id, 'contacts', designation, { contacts: '王建国、李秀英' }));
  await ok(step(p.id, 'training', designation, { hours: 12 }));
  await ok(step(p.id, 'candidate', cand));
  await ok(step(p.id, 'political_review', review));
  await ok(step(p.id, 'short_training', review, { days: 3 }));
  await ok(step(p.id, 'committee_review', review));
  await ok(step(p.id, 'pre_approval', review));
  return p;
}
const vote = (id, on) => step(id, 'vote', on, { introducer1: ZHANG, introducer2: LI });

test('the whole procedure for one person who applied after 2027-01-01: 25 steps in order, each missing one refused with nothing written', async () => {
  const p = await apply('2027-01-04');
  rule(await step(p.id, 'application', '2027-01-04'), 'dev.order', 'kind');          // 1: written by the application itself
  await ok(step(p.id, 'talk', '2027-01-15'));                                           // 2
  assert.deepEqual((await person(p.id)).next_steps, ['recommendation'], 'only the step allowed now is offered');
  await needs(p.id, 'designation', '2027-02-10', '推荐入党积极分子');
  await ok(step(p.id, 'recommendation', '2027-02-01', { by: '村团支部推优' }));         // 3
  rule(await step(p.id, 'recommendation', '2027-02-02'), 'dev.order', 'kind');        // once
  assert.ok((await person(p.id)).next_steps.includes('designation'));
  await ok(step(p.id, 'designation', '2027-02-10'));                                    // 3
  await ok(step(p.id, 'contacts', '2027-02-10', { contacts: '王建国、李秀英' }));       // 5
  await ok(step(p.id, 'training', '2027-03-01', { hours: 16 }));                        // 6
  await needs(p.id, 'candidate', '2028-02-10', '入党积极分子报上级党委备案');
  rule(await step(p.id, 'activist_filing', '2027-02-09'), 'dev.order', 'on');         // before the designation
  await ok(step(p.id, 'activist_filing', '2027-02-20'));                                // 4
  rule(await step(p.id, 'candidate', '2028-02-09'), 'dev.activist_1y', 'on');         // the order passes; a year as activist is still due
  await ok(step(p.id, 'candidate', '2028-02-10'));                                      // 7
  await ok(step(p.id, 'political_review', '2028-03-10', { note: '函调两份，外调一份' })); // 10
  await ok(step(p.id, 'short_training', '2028-03-15', { days: 3 }));                    // 11
  await needs(p.id, 'committee_review', '2028-03-20', '发展对象报上级党委备案');
  await ok(step(p.id, 'candidate_filing', '2028-02-20'));                               // 8
  await needs(p.id, 'committee_review', '2028-03-20', '确定入党介绍人');
  rule(await step(p.id, 'introducers', '2028-03-01', { introducer1: ZHANG, introducer2: ZHAO }), 'dev.introducers', 'introducer2');
  await ok(step(p.id, 'introducers', '2028-03-01', { introducer1: ZHANG, introducer2: LI })); // 9
  await ok(step(p.id, 'committee_review', '2028-03-20'));                               // 12
  await needs(p.id, 'pre_approval', '2028-04-01', '发展对象公示');
  await ok(step(p.id, 'publicity', '2028-03-21', { days: 5 }));                         // 13
  await ok(step(p.id, 'pre_approval', '2028-04-01'));                                   // 13
  await needs(p.id, 'vote', '2028-04-10', '填写入党志愿书');
  await ok(step(p.id, 'pledge_form', '2028-04-05'));                                    // 14
  // The vote takes the introducers named at step 9 and judges them again on its own day.
  const v = await ok(step(p.id, 'vote', '2028-04-10'));                                 // 15
  assert.equal(v.person.stage, 'probationary');
  const sv = v.person.steps.find((s) => s.kind === 'vote');
  assert.deepEqual([sv.introducer1, sv.introducer2], [ZHANG, LI]);
  await needs(p.id, 'approval', '2028-06-01', '上级党委派人谈话');
  await ok(step(p.id, 'superior_talk', '2028-05-01'));                                  // 16
  assert.deepEqual((await ok(step(p.id, 'approval', '2028-06-01'))).warnings, []);      // 17
  await ok(step(p.id, 'approval_filing', '2028-06-10'));                                // 18
  await ok(step(p.id, 'assignment', '2028-06-15'));                                     // 19
  await ok(step(p.id, 'oath', '2028-07-01'));                                           // 20
  rule(await step(p.id, 'oath', '2028-07-02'), 'dev.order', 'kind');
  await ok(step(p.id, 'probation', '2028-10-01', { note: '季度考察' }));                 // 21
  await ok(step(p.id, 'probation', '2029-01-01', { note: '季度考察' }));
  await needs(p.id, 'conversion', '2029-04-10', '提出转正申请');
  await ok(step(p.id, 'conversion_application', '2029-03-20'));                         // 22
  await ok(step(p.id, 'conversion_publicity', '2029-03-25', { days: 5 }));              // 转正公示 (local practice)
  rule(await step(p.id, 'conversion', '2029-04-09'), 'dev.probation_1y', 'on');
  const c = await ok(step(p.id, 'conversion', '2029-04-10'));                           // 23
  assert.equal(c.person.stage, 'full');
  const m = assertStatus(await admin.get(`/api/v1/members/${c.person.member_id}`), 200);
  assert.deepEqual([m.category, m.joined_on, m.full_on], ['正式党员', '2028-04-10', '2029-04-10']);
  rule(await step(p.id, 'probation', '2029-04-11'), 'dev.order', 'kind');             // the probationary steps are over
  await needs(p.id, 'archiving', '2029-05-20', '上级党委审批转正');
  assert.deepEqual((await ok(step(p.id, 'conversion_approval', '2029-05-10'))).warnings, []); // 24
  await ok(step(p.id, 'archiving', '2029-05-20', { documents: '档案盒 2029-017' }));      // 25
  const done = await person(p.id);
  assert.deepEqual(done.next_steps, []);
  const NOS = (await admin.get('/api/v1/meta')).json.dev_steps;
  const nos = new Set(done.steps.map((s) => NOS.find((k) => k.kind === s.kind).no).filter(Boolean));
  assert.equal(nos.size, 25, 'every step of the procedure recorded');
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  assert.ok(!al.conversion_approval_waiting.some((x) => x.id === p.id), 'approved: not waiting');
});

test('dev.order_full, applicant stage: applied 2026-12-31 may skip 推优, applied 2027-01-01 may not', async () => {
  const a = await apply('2026-12-31');
  await ok(step(a.id, 'talk', '2027-01-05'));
  assert.ok((await person(a.id)).next_steps.includes('designation'));
  await ok(step(a.id, 'designation', '2027-01-10'));
  const b = await apply('2027-01-01');
  await ok(step(b.id, 'talk', '2027-01-05'));
  await needs(b.id, 'designation', '2027-01-10', '推荐入党积极分子');
  // Recorded anyway before the date, an optional step still comes first.
  const c = await apply('2026-12-01');
  await ok(step(c.id, 'talk', '2026-12-05'));
  await ok(step(c.id, 'recommendation', '2026-12-20'));
  rule(await step(c.id, 'designation', '2026-12-19'), 'dev.order', 'on');
  await ok(step(c.id, 'designation', '2026-12-20'));
});

test('dev.order_full, activist stage: designated 2026-12-31 becomes a candidate without the filing, designated 2027-01-01 not', async () => {
  const a = await apply('2026-11-01');
  await ok(step(a.id, 'talk', '2026-11-05'));
  await ok(step(a.id, 'designation', '2026-12-31'));
  await ok(step(a.id, 'contacts', '2026-12-31', { contacts: '李秀英' }));
  assert.equal((await ok(step(a.id, 'candidate', '2027-12-31'))).person.stage, 'candidate');
  const b = await apply('2026-11-01');
  await ok(step(b.id, 'talk', '2026-11-05'));
  await ok(step(b.id, 'designation', '2027-01-01'));
  await ok(step(b.id, 'contacts', '2027-01-01', { contacts: '李秀英' }));
  await needs(b.id, 'candidate', '2028-01-01', '入党积极分子报上级党委备案');
  await ok(step(b.id, 'activist_filing', '2027-01-05'));
  await ok(step(b.id, 'candidate', '2028-01-01'));
});

test('dev.order_full, candidate stage: a candidate of 2026-12-31 goes to the vote with the old steps, one of 2027-01-01 needs filing, introducers, publicity and the form', async () => {
  const a = await oldCandidate({ cand: '2026-12-31', review: '2027-02-01' });
  assert.equal((await ok(vote(a.id, '2027-03-01'))).person.stage, 'probationary');
  const b = await apply('2025-10-01');
  await ok(step(b.id, 'talk', '2025-10-05'));
  await ok(step(b.id, 'designation', '2025-12-01'));
  await ok(step(b.id, 'contacts', '2025-12-01', { contacts: '李秀英' }));
  await ok(step(b.id, 'candidate', '2027-01-01'));
  await ok(step(b.id, 'political_review', '2027-02-01'));
  await ok(step(b.id, 'short_training', '2027-02-01', { hours: 24 }));
  await needs(b.id, 'committee_review', '2027-02-10', '发展对象报上级党委备案');
  await ok(step(b.id, 'candidate_filing', '2027-01-10'));
  await needs(b.id, 'committee_review', '2027-02-10', '确定入党介绍人');
  await ok(step(b.id, 'introducers', '2027-01-20', { introducer1: WANG, introducer2: LI }));
  await ok(step(b.id, 'committee_review', '2027-02-10'));
  await needs(b.id, 'pre_approval', '2027-03-01', '发展对象公示');
  // The publicity: its days are required; fewer than 5 working days warn (customary).
  assertError(await step(b.id, 'publicity', '2027-02-11'), 400, 'required', 'days');
  const w = await ok(step(b.id, 'publicity', '2027-02-11', { days: 4 }));
  assert.equal(w.warnings[0].rule, 'dev.publicity_5d');
  rule(await step(b.id, 'pre_approval', '2027-02-10'), 'dev.order', 'on');           // before the publicity
  await ok(step(b.id, 'pre_approval', '2027-03-01'));
  await needs(b.id, 'vote', '2027-04-01', '填写入党志愿书');
  await ok(step(b.id, 'pledge_form', '2027-03-10'));
  // Introducers in the body of the vote win over those named before.
  const v = await ok(step(b.id, 'vote', '2027-04-01', { introducer1: ZHANG, introducer2: LI }));
  const sv = v.person.steps.find((s) => s.kind === 'vote');
  assert.deepEqual([sv.introducer1, sv.introducer2], [ZHANG, LI]);
});

test('dev.order_full, probationary stage: an old-style record voted 2026-12-31 still converts in 2027 with the 14 kinds; voted 2027-01-01 needs the new steps', async () => {
  const a = await oldCandidate();
  await ok(vote(a.id, '2026-12-31'));
  await ok(step(a.id, 'approval', '2027-02-01'));
  const ca = await ok(step(a.id, 'conversion', '2027-12-31'));
  assert.equal(ca.person.stage, 'full');
  const kinds = new Set(ca.person.steps.map((s) => s.kind));
  for (const k of kinds) assert.ok(['application', 'talk', 'designation', 'contacts', 'training', 'candidate', 'political_review',
    'short_training', 'committee_review', 'pre_approval', 'vote', 'approval', 'conversion'].includes(k), `${k}: an old kind`);
  assert.equal((await admin.get(`/api/v1/members/${ca.person.member_id}`)).json.full_on, '2027-12-31');
  // Converted from 2027-01-01: the archive waits for the superior's approval of the conversion, which the alerts list.
  await needs(a.id, 'archiving', '2028-01-10', '上级党委审批转正');
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  const row = al.conversion_approval_waiting.find((x) => x.id === a.id);
  assert.ok(row, 'waiting since 2027-12-31');
  assert.deepEqual([row.since, row.due_on, row.rule], ['2027-12-31', '2028-03-31', 'dev.approval_3m']);
  assert.equal(al.counts.conversion_approval_waiting, al.conversion_approval_waiting.length);
  const w = await ok(step(a.id, 'conversion_approval', '2028-04-01'));
  assert.equal(w.warnings[0].rule, 'dev.approval_3m', 'three months and a day after the conversion warns');
  await ok(step(a.id, 'archiving', '2028-04-10'));

  const b = await oldCandidate();
  await ok(vote(b.id, '2027-01-01'));
  await needs(b.id, 'approval', '2027-02-01', '上级党委派人谈话');
  await ok(step(b.id, 'superior_talk', '2027-01-20'));
  await ok(step(b.id, 'approval', '2027-02-01'));
  for (const [kind, name, on] of [['approval_filing', '报再上一级党委组织部门备案', '2027-02-10'], ['assignment', '编入党支部和党小组', '2027-02-15'],
    ['oath', '入党宣誓', '2027-03-01'], ['conversion_application', '提出转正申请', '2027-12-01']]) {
    await needs(b.id, 'conversion', '2028-01-01', name);
    await ok(step(b.id, kind, on));
  }
  assert.equal((await ok(step(b.id, 'conversion', '2028-01-01'))).person.stage, 'full');
});

test('dev.order_full, full stage: converted 2026-12-31, the archive needs no approval of the conversion and the alerts do not wait for one', async () => {
  const a = await oldCandidate();
  await ok(vote(a.id, '2025-12-31'));
  await ok(step(a.id, 'approval', '2026-02-01'));
  await ok(step(a.id, 'conversion', '2026-12-31'));
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ/development/alerts'), 200);
  assert.ok(!al.conversion_approval_waiting.some((x) => x.id === a.id));
  assert.ok((await person(a.id)).next_steps.includes('archiving'));
  await ok(step(a.id, 'archiving', '2027-01-05'));
  // The optional steps of the probation may still be recorded after it, in their place.
  rule(await step(a.id, 'oath', '2027-01-06'), 'dev.order', 'kind');
  await ok(step(a.id, 'approval_filing', '2026-03-01'));
});

test('assignment names a party group of the member\'s branch; another branch\'s is refused, one outside the subtree is not found', async () => {
  const east = await srv.as('east');
  const g = assertStatus(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '第一党小组' }), 201);
  const other = assertStatus(await admin.post('/api/v1/orgs/QJ0102/groups', { name: '第二党小组' }), 201);
  const west = assertStatus(await admin.post('/api/v1/orgs/QJ0201/groups', { name: '西片党小组' }), 201);
  const a = await oldCandidate();
  await ok(vote(a.id, '2026-06-01'));
  await ok(step(a.id, 'approval', '2026-07-01'));
  const before = await written();
  assertError(await step(a.id, 'assignment', '2026-07-05', { group_id: other.id }), 400, 'invalid', 'group_id');
  assertError(await east.post(`/api/v1/applicants/${a.id}/steps`, { kind: 'assignment', on: '2026-07-05', group_id: west.id }), 404, 'not_found', 'group_id');
  assert.equal(await written(), before);
  const r = await ok(step(a.id, 'assignment', '2026-07-05', { group_id: g.id }));
  const s = r.person.steps.find((x) => x.kind === 'assignment');
  assert.deepEqual([s.group_id, s.group_name], [g.id, '第一党小组']);
});

test('dev.approval_3m for the conversion: approved three months after it is quiet, a day later warns; waiting listed from three months and a day', async () => {
  /** Voted on `on` (from 2027: the new steps of the probation), converted a year later. */
  async function converted(on) {
    const p = await oldCandidate();
    await ok(vote(p.id, on));
    await ok(step(p.id, 'superior_talk', on));
    await ok(step(p.id, 'approval', on));
    for (const k of ['approval_filing', 'assignment', 'oath', 'conversion_application']) await ok(step(p.id, k, on));
    const y = `${Number(on.slice(0, 4)) + 1}${on.slice(4)}`;
    await ok(step(p.id, 'conversion', y));
    return p;
  }
  const due = await converted('2028-03-30');       // converted 2029-03-30: due 2029-06-30, today
  const late = await converted('2028-03-29');      // converted 2029-03-29: due 2029-06-29
  const al = assertStatus(await admin.get('/api/v1/orgs/QJ01/development/alerts'), 200);
  const waiting = al.conversion_approval_waiting.map((x) => x.id);
  assert.ok(waiting.includes(late.id), 'three months and a day: waiting');
  assert.ok(!waiting.includes(due.id), 'exactly three months: not yet');
  assert.deepEqual((await ok(step(due.id, 'conversion_approval', '2029-06-30'))).warnings, []);
  assert.equal((await ok(step(late.id, 'conversion_approval', '2029-06-30'))).warnings[0].rule, 'dev.approval_3m');
  rule(await step(late.id, 'conversion_approval', '2029-06-30'), 'dev.order', 'kind');   // once
  const after = assertStatus(await admin.get('/api/v1/orgs/QJ01/development/alerts'), 200);
  assert.ok(!after.conversion_approval_waiting.some((x) => x.id === late.id || x.id === due.id));
});
