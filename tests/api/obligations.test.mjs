// Obligations at their boundaries (docs/rules.md, M1-M11): the secretary's
// yearly lecture (M6); a secretary-only branch owes no committee meeting and a
// committee of three does (M1); exactly half of the committee is not a quorum,
// more than half is (M2); party-group meetings monthly (M3); a quarter without
// a lecture, exactly one lecture (M5, M7); a make-up on day 10 of the next
// month is late, on day 11 missing (M8b); a year without a life meeting or an
// appraisal, a year with exactly one talk (M9-M11). The year judged is 2025
// (today is 2026-06-30), in the fixture's branches, each set up here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, sqlite } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');

const id = {};
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;
const count = (table) => Number(sqlite(srv.db, `SELECT count(*) FROM ${table}`).trim());
const snapshot = () => Object.fromEntries(['meeting', 'attendance', 'committee_member', 'party_group',
  'party_group_member', 'life_org_year', 'obligation_rule', 'audit'].map((t) => [t, count(t)]));

async function meeting(org, body, status = 201) {
  return assertStatus(await admin.post(`/api/v1/orgs/${org}/meetings`, body), status);
}
async function committee(org, members) {
  return assertStatus(await admin.req('PUT', `/api/v1/orgs/${org}/committee`, { json: { members } }), 200);
}
/** The findings of one rule for a branch, as "type period held". */
async function findings(org, rule, query = 'year=2025') {
  const o = assertStatus(await admin.get(`/api/v1/orgs/${org}/obligations?${query}&limit=10000`), 200);
  return o.findings.filter((f) => f.rule === rule && f.org_code === org);
}
const keys = (fs) => fs.map((f) => `${f.type} ${f.period} ${f.held}`).sort();
const mm = (m) => String(m).padStart(2, '0');

test('M6 secretary_lecture_yearly: one lecture by the secretary in the year is enough, none is a finding', async () => {
  const rules = assertStatus(await admin.get('/api/v1/obligations/rules?year=2025'), 200);
  const r = rules.items.find((x) => x.code === 'secretary_lecture_yearly');
  assert.deepEqual([r.target, r.kind, r.period, r.min_count], ['org', 'lecture', 'year', 1]);
  // QJ0101: 张三丰 is the secretary; his only lecture of 2025 is on 31 December. One by
  // 李秀英 and one by him on 2024-12-31 and on 2026-01-02 do not count for 2025.
  await committee('QJ0101', [{ member_id: id['张三丰'], post: '书记' }, { member_id: id['李秀英'], post: '组织委员' },
    { member_id: id['王建国'], post: '宣传委员' }, { member_id: id['陈静'], post: '纪检委员' }]);
  await meeting('QJ0101', { kind: 'lecture', title: '党课', held_on: '2025-03-10', host_id: id['李秀英'] });
  await meeting('QJ0101', { kind: 'lecture', title: '党课', held_on: '2024-12-31', host_id: id['张三丰'] });
  await meeting('QJ0101', { kind: 'lecture', title: '党课', held_on: '2026-01-02', host_id: id['张三丰'] });
  await meeting('QJ0101', { kind: 'assembly', title: '书记主持的党员大会', held_on: '2025-06-10', host_id: id['张三丰'] });
  assert.deepEqual(keys(await findings('QJ0101', 'secretary_lecture_yearly')),
    ['missing 2025 0'], 'an assembly he hosts and lectures in other years are not his 2025 lecture');
  await meeting('QJ0101', { kind: 'lecture', title: '书记讲党课', held_on: '2025-12-31', host_id: id['张三丰'] });
  assert.deepEqual(await findings('QJ0101', 'secretary_lecture_yearly'), []);
  // QJ0102: 杨志强 is the secretary, and the only lecture was given by 黄美玲
  await committee('QJ0102', [{ member_id: id['杨志强'], post: '书记' }]);
  await meeting('QJ0102', { kind: 'lecture', title: '党课', held_on: '2025-05-10', host_id: id['黄美玲'],
    attendance: [{ member_id: id['吴芳'], state: 'present' }] });
  const f = await findings('QJ0102', 'secretary_lecture_yearly');
  assert.deepEqual(keys(f), ['missing 2025 0']);
  assert.equal(f[0].due, 1);
  assert.equal(f[0].member_id, null);
  assert.match(f[0].rule_description, /书记每年至少讲一次党课/);
  assert.equal(f[0].evidence, `2025 年支部书记杨志强（党员 ${id['杨志强']}）讲党课 0 次（应至少 1 次）`);
  // A branch with no secretary recorded (QJ0201): decided to be a finding, since nobody
  // can be shown to have given the lecture; the evidence says why.
  const n = await findings('QJ0201', 'secretary_lecture_yearly');
  assert.deepEqual(keys(n), ['missing 2025 0']);
  assert.equal(n[0].evidence, '支委会未登记书记，2025 年无书记讲党课的记录（应至少 1 次）');
  // only a whole year is judged: not January to November, not 2026 (not yet ended)
  assert.deepEqual(await findings('QJ0102', 'secretary_lecture_yearly', 'from=2025-01-01&to=2025-11-30'), []);
  assert.deepEqual(await findings('QJ0201', 'secretary_lecture_yearly', 'year=2026'), []);
  // a rule like the others: min_count 0 switches it off from its year on, audited
  const before = count('audit');
  assertStatus(await admin.post('/api/v1/obligations/rules', { year: 2027, code: 'secretary_lecture_yearly', min_count: 0 }), 200);
  assert.equal(count('audit'), before + 1);
  assert.equal((await admin.get('/api/v1/obligations/rules?year=2027')).json.items
    .find((x) => x.code === 'secretary_lecture_yearly').min_count, 0);
  assert.deepEqual(keys(await findings('QJ0201', 'secretary_lecture_yearly')), ['missing 2025 0'], '2025 keeps its rule');
});

test('M1 committee_monthly: a committee of 2 owes no 支委会, a committee of 3 owes one a month', async () => {
  await committee('QJ0201', [{ member_id: id['胡德明'], post: '书记' }, { member_id: id['郭秀兰'], post: '委员' }]);
  assert.deepEqual(await findings('QJ0201', 'committee_monthly'), []);
  // the secretary recorded, his lecture is now found (the M6 finding named the missing secretary)
  assert.match((await findings('QJ0201', 'secretary_lecture_yearly'))[0].evidence, /支部书记胡德明/);
  await committee('QJ0201', [{ member_id: id['胡德明'], post: '书记' }, { member_id: id['郭秀兰'], post: '委员' },
    { member_id: id['何俊'], post: '委员' }]);
  for (let m = 1; m <= 12; m++) {
    if (m !== 7) await meeting('QJ0201', { kind: 'committee', title: '支委会', held_on: `2025-${mm(m)}-18` });
  }
  assert.deepEqual(keys(await findings('QJ0201', 'committee_monthly', 'year=2025&type=missing')), ['missing 2025-07 0']);
});

test('M2 quorum: exactly half of the committee is not quorate, more than half is', async () => {
  // QJ0101's committee has 4 members
  const c = (states) => [['张三丰', states[0]], ['李秀英', states[1]], ['王建国', states[2]], ['陈静', states[3]]]
    .map(([n, s]) => (s === 'leave' ? { member_id: id[n], state: s, reason: '出差' } : { member_id: id[n], state: s }));
  const half = await meeting('QJ0101', { kind: 'committee', title: '支委会', held_on: '2025-04-08',
    attendance: c(['present', 'online', 'leave', 'absent']) });
  assert.deepEqual([half.expected_count, half.expected_present, half.quorate], [4, 2, false]);
  const more = await meeting('QJ0101', { kind: 'committee', title: '支委会', held_on: '2025-05-08',
    attendance: c(['present', 'online', 'present', 'absent']) });
  assert.deepEqual([more.expected_count, more.expected_present, more.quorate], [4, 3, true]);
  const q = (await findings('QJ0101', 'committee_monthly', 'from=2025-04-01&to=2025-05-31&type=quorum'));
  assert.deepEqual(q.map((f) => [f.type, f.period, f.due, f.held]), [['quorum', '2025-04-08', 3, 2]]);
  assert.equal(q[0].evidence, `会议 ${half.id}（2025-04-08）应到委员 4 人，实到 2 人，未过半数`);
  // a quorum failure is a finding of its own: April still counts as held
  assert.deepEqual(keys(await findings('QJ0101', 'committee_monthly', 'from=2025-04-01&to=2025-05-31&type=missing')), []);
});

test('M3 group_monthly: each party group monthly; a month without its meeting is found, with the group named', async () => {
  const g = assertStatus(await admin.post('/api/v1/orgs/QJ0102/groups', { name: '南岗第一党小组', leader_id: id['黄美玲'],
    member_ids: [id['黄美玲'], id['周建华']] }), 201);
  for (let m = 1; m <= 12; m++) {
    if (m !== 3) await meeting('QJ0102', { kind: 'group', group_id: g.id, title: '党小组会', held_on: `2025-${mm(m)}-20` });
  }
  // a branch meeting in March does not stand in for the group's
  await meeting('QJ0102', { kind: 'theme_day', title: '主题党日', held_on: '2025-03-20' });
  const f = await findings('QJ0102', 'group_monthly');
  assert.deepEqual(keys(f), ['missing 2025-03 0']);
  assert.equal(f[0].evidence, '2025-03 党小组“南岗第一党小组”党小组会召开 0 次（应至少 1 次）');
  // a second group with no meetings owes twelve
  assertStatus(await admin.post('/api/v1/orgs/QJ0102/groups', { name: '南岗第二党小组', member_ids: [id['吴芳']] }), 201);
  const f2 = await findings('QJ0102', 'group_monthly');
  assert.equal(f2.length, 13);
  assert.equal(f2.filter((x) => /南岗第二党小组/.test(x.evidence)).length, 12);
});

test('M5 and M7: a quarter without a lecture is found; exactly one lecture a quarter, or a year for a member, is enough', async () => {
  // QJ0102 so far: one lecture in 2025 (05-10, 吴芳 present). Add one in Q3 and one in Q4.
  await meeting('QJ0102', { kind: 'lecture', title: '党课', held_on: '2025-08-10', host_id: id['杨志强'],
    attendance: [{ member_id: id['杨志强'], state: 'present' }, { member_id: id['周建华'], state: 'absent' }] });
  await meeting('QJ0102', { kind: 'lecture', title: '党课', held_on: '2025-12-31',
    attendance: [{ member_id: id['黄美玲'], state: 'online' }, { member_id: id['吴芳'], state: 'absent' }] });
  assert.deepEqual(keys(await findings('QJ0102', 'lecture_quarterly')), ['missing 2025-Q1 0']);
  // 吴芳, 杨志强 and 黄美玲 came to exactly one; 周建华 to none
  const m = await findings('QJ0102', 'member_lecture_yearly');
  assert.deepEqual(m.map((f) => [f.type, f.member_name, f.held, f.due]), [['no_lecture', '周建华', 0, 1]]);
  assert.equal(m[0].evidence, '2025 年参加党课 0 个月次（应至少 1）');
});

test('M8b grace: a make-up on day 10 of the next month is late, on day 11 missing', async () => {
  // QJ010301: theme days on the 15th, but April made up on 05-10 and July on 08-11
  for (const m of [1, 2, 3, 6, 9, 10, 11, 12]) {
    await meeting('QJ010301', { kind: 'theme_day', title: '主题党日', held_on: `2025-${mm(m)}-15` });
  }
  await meeting('QJ010301', { kind: 'theme_day', title: '补开4月主题党日', held_on: '2025-05-10' });
  await meeting('QJ010301', { kind: 'theme_day', title: '补开7月主题党日', held_on: '2025-08-11' });
  const f = await findings('QJ010301', 'theme_day_monthly');
  assert.deepEqual(keys(f), ['late 2025-04 0', 'missing 2025-07 0']);
  assert.equal(f.find((x) => x.type === 'late').evidence, '2025-04 主题党日召开 0 次（应至少 1 次），2025-05 前 10 天内补开');
  // the same for a yearly rule across the year end: the life meeting on 2026-01-10 is late,
  // the appraisal on 2026-01-11 missing (M9, M10)
  await meeting('QJ010301', { kind: 'life_meeting', title: '组织生活会', held_on: '2026-01-10' });
  await meeting('QJ010301', { kind: 'appraisal', title: '民主评议党员', held_on: '2026-01-11' });
  assert.deepEqual(keys(await findings('QJ010301', 'life_meeting_yearly')), ['late 2025 0']);
  assert.deepEqual(keys(await findings('QJ010301', 'appraisal_yearly')), ['missing 2025 0']);
});

test('M9, M10, M11: a year without a life meeting or an appraisal is found; exactly one talk is enough', async () => {
  // QJ0202: one talk, nothing else yearly
  await meeting('QJ0202', { kind: 'talk', title: '谈心谈话', held_on: '2025-09-09', host_id: id['高峰'],
    attendance: [{ member_id: id['林晓燕'], state: 'present' }] });
  assert.deepEqual(await findings('QJ0202', 'talk_yearly'), []);
  const life = await findings('QJ0202', 'life_meeting_yearly');
  assert.deepEqual(keys(life), ['missing 2025 0']);
  assert.equal(life[0].evidence, '2025 组织生活会召开 0 次（应至少 1 次）');
  assert.deepEqual(keys(await findings('QJ0202', 'appraisal_yearly')), ['missing 2025 0']);
  // QJ0201 held none of the three
  assert.deepEqual(keys(await findings('QJ0201', 'talk_yearly')), ['missing 2025 0']);
  // with one each, none is found
  await meeting('QJ0202', { kind: 'life_meeting', title: '组织生活会', held_on: '2025-12-30' });
  await meeting('QJ0202', { kind: 'appraisal', title: '民主评议党员', held_on: '2025-01-02' });
  for (const rule of ['life_meeting_yearly', 'appraisal_yearly', 'talk_yearly']) {
    assert.deepEqual(await findings('QJ0202', rule), [], rule);
  }
});

test('bad rule changes are refused with nothing written', async () => {
  const before = snapshot();
  assertError(await admin.post('/api/v1/obligations/rules', { year: 2025, code: 'secretary_lecture_yearly', min_count: 32 }), 400, 'invalid', 'min_count');
  assertError(await admin.post('/api/v1/obligations/rules', { year: 1999, code: 'secretary_lecture_yearly', min_count: 1 }), 400, 'invalid', 'year');
  assert.deepEqual(snapshot(), before);
});

test('S4 six months for a mobile member: not exempt; a remote record is not life, online attendance is', async () => {
  // 刘洋 (QJ0101) is mobile; nobody in QJ0101 attended anything in 2026 so far
  const six = async () => (await admin.get('/api/v1/orgs/QJ0101/obligations?year=2026&type=six_months&limit=100')).json
    .findings.filter((f) => f.member_id === id['刘洋']).map((f) => [f.period, f.held]);
  assert.deepEqual(await six(), [['2026-01..2026-06', 6]]);
  assertStatus(await admin.post(`/api/v1/members/${id['刘洋']}/mobility`, { kind: 'remote', on: '2026-03-15', note: '线上学习' }), 201);
  assert.deepEqual(await six(), [['2026-01..2026-06', 6]], 'a remote mobility record is not organizational life');
  await meeting('QJ0101', { kind: 'theme_day', title: '线上主题党日', held_on: '2026-03-20', mode: 'online',
    attendance: [{ member_id: id['刘洋'], state: 'online' }] });
  assert.deepEqual(await six(), [], 'online attendance in March breaks the run (2 and 3 months)');
});

test('by_org: each organization one level down with its own summary and light, reds first, in one answer; findings page with limit and offset', async () => {
  const all = assertStatus(await admin.get('/api/v1/orgs/QJ/obligations?year=2025&limit=10000'), 200);
  const kids = (await admin.get('/api/v1/orgs/QJ/children')).json.items.filter((k) => !k.ended_on);
  assert.deepEqual(all.by_org.map((b) => b.org_code).sort(), kids.map((k) => k.code).sort());
  const FIG = ['branches', 'members', 'due', 'held', 'missing', 'late', 'quorum_failures', 'members_no_lecture', 'members_six_months'];
  for (const b of all.by_org) {
    const own = assertStatus(await admin.get(`/api/v1/orgs/${b.org_code}/obligations?year=2025&limit=1`), 200);
    for (const f of FIG) assert.equal(b[f], own.summary[f], `${b.org_code} ${f}`);
    const s = own.summary;
    const light = s.missing > 0 ? 'red' : s.late + s.quorum_failures + s.members_no_lecture + s.members_six_months > 0 ? 'amber' : 'green';
    assert.equal(b.light, light, b.org_code);
    assert.equal(b.org_name, kids.find((k) => k.code === b.org_code).name);
  }
  const order = { red: 0, amber: 1, green: 2 };
  assert.deepEqual(all.by_org.map((b) => order[b.light]), all.by_org.map((b) => order[b.light]).sort(), 'reds, then ambers, then greens');
  assert.ok(all.total > 2, 'the tests above leave findings');
  const ids = [];
  for (let off = 0; off < all.total; off += 2) {
    const p = assertStatus(await admin.get(`/api/v1/orgs/QJ/obligations?year=2025&limit=2&offset=${off}`), 200);
    assert.equal(p.total, all.total);
    assert.equal(p.limit, 2);
    assert.equal(p.offset, off);
    ids.push(...p.findings.map((f) => JSON.stringify(f)));
  }
  assert.deepEqual(ids, all.findings.map((f) => JSON.stringify(f)));
});
