// Organizational life: each meeting kind, every attendance state, expected
// attendees against actual, committee quorum, remote check-in inside and
// outside its window and across branches, attachments stored once by hash,
// bad input refused with nothing written; obligations on a hand-built
// calendar with known answers (missing, late, quorum, no lecture, six
// months), rule versions per year and per domain; points with caps, manual
// awards and rankings; training and campaign roll-ups. Today is 2026-06-30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, assertError, assertStatus, cli, cliOk, sqlite, csvObjects } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');
const viewer = await srv.as('viewer');
const zsf = await srv.as('zsf');

const id = {};   // member ids by name
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;

const count = (table) => Number(sqlite(srv.db, `SELECT count(*) FROM ${table}`).trim());
/** Counts of every table this module writes, to prove nothing was written. */
const snapshot = () => Object.fromEntries(['meeting', 'attendance', 'life_blob', 'meeting_attachment', 'party_group',
  'party_group_member', 'committee_member', 'life_member_year', 'life_org_year', 'course', 'course_attendee',
  'points_award', 'audit'].map((t) => [t, count(t)]));

async function meeting(org, body, status = 201) {
  const r = await admin.post(`/api/v1/orgs/${org}/meetings`, body);
  return assertStatus(r, status);
}

test('committees and party groups: set, listed, checked', async () => {
  const c = assertStatus(await admin.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [
    { member_id: id['张三丰'], post: '书记' }, { member_id: id['李秀英'], post: '组织委员' },
    { member_id: id['王建国'], post: '宣传委员' }] } }), 200);
  assert.equal(c.size, 3);
  assert.equal(c.members[0].post, '书记');
  const before = snapshot();
  // a probationary member cannot sit on it; a member of another branch neither; two secretaries neither
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [{ member_id: id['赵丽华'], post: '委员' }] } }), 400, 'invalid', 'members');
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [{ member_id: id['杨志强'], post: '委员' }] } }), 400, 'invalid', 'members');
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [
    { member_id: id['张三丰'], post: '书记' }, { member_id: id['李秀英'], post: '书记' }] } }), 400, 'invalid', 'members');
  assertError(await admin.req('PUT', '/api/v1/orgs/QJ01/committee', { json: { members: [] } }), 400, 'invalid', 'code');
  assertError(await viewer.req('PUT', '/api/v1/orgs/QJ0101/committee', { json: { members: [] } }), 403, 'forbidden');
  assert.deepEqual(snapshot(), before);
  const g = assertStatus(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '第一党小组', leader_id: id['陈静'],
    member_ids: [id['陈静'], id['刘洋'], id['张三丰']] }), 201);
  assert.equal(g.members.length, 3);
  assertError(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '第二党小组', member_ids: [id['陈静']] }), 409, 'conflict', 'member_ids');
  assertError(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '第二党小组', member_ids: [id['罗强']] }), 400, 'invalid', 'member_ids');
  assertError(await admin.post('/api/v1/orgs/QJ0101/groups', { name: '第二党小组', member_ids: [987654] }), 404, 'not_found', 'member_ids');
  const list = assertStatus(await admin.get('/api/v1/orgs/QJ0101/groups'), 200);
  assert.equal(list.total, 1);
  const p = assertStatus(await admin.patch(`/api/v1/groups/${g.id}`, { member_ids: [id['陈静'], id['刘洋']] }), 200);
  assert.deepEqual(p.members.map((m) => m.name).sort(), ['刘洋', '陈静'].sort());
  assertError(await west.patch(`/api/v1/groups/${g.id}`, { name: 'x' }), 404, 'not_found');
});

test('every meeting kind is recorded, with its Chinese name, and read back', async () => {
  const g = (await admin.get('/api/v1/orgs/QJ0101/groups')).json.items[0];
  const kinds = { assembly: '支部党员大会', committee: '支委会', group: '党小组会', lecture: '党课', theme_day: '主题党日',
    life_meeting: '组织生活会', appraisal: '民主评议党员', talk: '谈心谈话', study_group: '理论学习中心组学习' };
  for (const [kind, name] of Object.entries(kinds)) {
    const org = kind === 'study_group' ? 'QJ01' : 'QJ0101';
    const body = { kind, title: `${name}测试`, held_on: '2026-05-12', start_time: '09:00', end_time: '10:30', place: '村部',
      mode: 'mixed', host_id: id['张三丰'], recorder_id: id['李秀英'], topics: '学习', minutes: '记录' };
    if (kind === 'group') body.group_id = g.id;
    const m = await meeting(org, body);
    assert.equal(m.kind, kind);
    assert.equal(m.kind_name, name);
    assert.equal(m.status, 'held');
    assert.equal(m.mode, 'mixed');
    const back = assertStatus(await admin.get(`/api/v1/meetings/${m.id}`), 200);
    assert.equal(back.title, `${name}测试`);
    assert.equal(back.host_id, id['张三丰']);
    assert.equal(back.org_code, org);
  }
  // a study session is for committees; 三会一课 only in branches
  assertError(await admin.post('/api/v1/orgs/QJ01/meetings', { kind: 'assembly', title: 'x', held_on: '2026-05-01' }), 400, 'invalid', 'kind');
  // a group meeting needs its group, of this branch
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'group', title: 'x', held_on: '2026-05-01' }), 400, 'required', 'group_id');
  assertError(await admin.post('/api/v1/orgs/QJ0102/meetings', { kind: 'group', title: 'x', held_on: '2026-05-01', group_id: g.id }), 404, 'not_found', 'group_id');
  // listing by kind over the subtree
  const l = assertStatus(await admin.get('/api/v1/orgs/QJ01/meetings?kind=lecture&year=2026'), 200);
  assert.equal(l.total, 1);
  assertError(await viewer.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: 'x', held_on: '2026-05-01' }), 403, 'forbidden');
  assertError(await west.get(`/api/v1/meetings/${l.items[0].id}`), 404, 'not_found');
});

test('attendance: every state, expected against actual, leave needs a reason', async () => {
  const m = await meeting('QJ0101', { kind: 'assembly', title: '第二季度党员大会', held_on: '2026-06-10', attendance: [
    { member_id: id['张三丰'], state: 'present' }, { member_id: id['刘洋'], state: 'online' },
    { member_id: id['李秀英'], state: 'leave', reason: '生病住院' }, { member_id: id['王建国'], state: 'absent' }] });
  assert.equal(m.expected_count, 6);      // every active member of the branch
  assert.equal(m.expected_present, 2);
  assert.deepEqual(m.counts, { present: 1, online: 1, leave: 1, absent: 1, not_recorded: 2 });
  assert.equal(m.quorate, null);          // only committee meetings have a quorum
  const leave = m.attendance.find((a) => a.member_id === id['李秀英']);
  assert.equal(leave.state, 'leave');
  assert.equal(leave.reason, '生病住院');
  assert.equal(m.attendance.find((a) => a.member_id === id['陈静']).state, null);
  // a change of state through PUT attendance
  const p = assertStatus(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: id['王建国'], state: 'present' }, { member_id: id['陈静'], state: 'present' }] } }), 200);
  assert.equal(p.expected_present, 4);
  assert.deepEqual(p.counts, { present: 3, online: 1, leave: 1, absent: 0, not_recorded: 1 });
  const before = snapshot();
  assertError(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: id['陈静'], state: 'absent' }, { member_id: id['赵丽华'], state: 'leave' }] } }), 400, 'required', 'reason');
  assertError(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: id['陈静'], state: 'late' }] } }), 400, 'invalid', 'state');
  assertError(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: id['陈静'], state: 'present' }, { member_id: id['陈静'], state: 'absent' }] } }), 400, 'invalid', 'member_id');
  assertError(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: 9999999, state: 'present' }] } }), 404, 'not_found', 'member_id');
  assertError(await admin.req('PUT', `/api/v1/meetings/${m.id}/attendance`, { json: { items: [
    { member_id: id['杨志强'], state: 'present' }] } }), 400, 'invalid', 'member_id');
  assert.deepEqual(snapshot(), before);
  const back = assertStatus(await admin.get(`/api/v1/meetings/${m.id}`), 200);
  assert.equal(back.attendance.find((a) => a.member_id === id['陈静']).state, 'present');
});

test('committee quorum: more than half of the committee present, or not quorate', async () => {
  const ok = await meeting('QJ0101', { kind: 'committee', title: '支委会', held_on: '2026-06-02', attendance: [
    { member_id: id['张三丰'], state: 'present' }, { member_id: id['李秀英'], state: 'online' },
    { member_id: id['王建国'], state: 'absent' }, { member_id: id['陈静'], state: 'present' }] });   // 陈静 sits in, not counted
  assert.equal(ok.expected_count, 3);
  assert.equal(ok.expected_present, 2);
  assert.equal(ok.quorate, true);
  const bad = await meeting('QJ0101', { kind: 'committee', title: '支委会', held_on: '2026-06-20', attendance: [
    { member_id: id['张三丰'], state: 'present' }, { member_id: id['李秀英'], state: 'leave', reason: '出差' },
    { member_id: id['陈静'], state: 'present' }] });
  assert.equal(bad.expected_present, 1);
  assert.equal(bad.quorate, false);
  const o = assertStatus(await admin.get('/api/v1/orgs/QJ0101/obligations?from=2026-06-01&to=2026-06-30&type=quorum'), 200);
  assert.equal(o.total, 1);
  assert.equal(o.findings[0].rule, 'committee_monthly');
  assert.match(o.findings[0].evidence, new RegExp(`会议 ${bad.id}（2026-06-20）应到委员 3 人，实到 1 人`));
});

test('held meetings cannot be dated in the future; bad values refused with nothing written', async () => {
  const before = snapshot();
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-07-01', status: 'held' }), 400, 'invalid', 'held_on');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-07-01', attendance: [] }), 400, 'invalid', 'attendance');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', status: 'planned' }), 400, 'invalid', 'held_on');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', host_id: 9999999 }), 404, 'not_found', 'host_id');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', host_id: id['罗强'] }), 400, 'invalid', 'host_id');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', attendance: [
    { member_id: id['张三丰'], state: 'present' }, { member_id: id['罗强'], state: 'present' }] }), 400, 'invalid', 'member_id');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-13-01' }), 400, 'invalid', 'held_on');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', start_time: '25:00' }), 400, 'invalid', 'start_time');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', color: 'red' }), 400, 'unknown_field', 'color');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', topics: '一\n二' }), 400, 'invalid', 'topics');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01', minutes: '一\t二' }), 400, 'invalid', 'minutes');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'seminar', title: '党课', held_on: '2026-05-01' }), 400, 'invalid', 'kind');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { title: '党课', held_on: '2026-05-01' }), 400, 'required', 'kind');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01',
    checkin_opens_at: '2026-05-01T08:00:00Z' }), 400, 'invalid', 'checkin_closes_at');
  assertError(await west.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-05-01' }), 404, 'not_found', 'code');
  assert.deepEqual(snapshot(), before);
  // a planned meeting may lie ahead, but takes no attendance
  // minutes keep their lines (\r\n as \n); other text stays on one line
  const written = await meeting('QJ0101', { kind: 'lecture', title: '五月党课', held_on: '2026-05-02', minutes: '一、学习党章。\r\n二、讨论。\n' });
  assert.equal(written.minutes, '一、学习党章。\n二、讨论。');
  assert.equal((await admin.patch(`/api/v1/meetings/${written.id}`, { minutes: '一\n\n二' })).json.minutes, '一\n\n二');
  const planned = await meeting('QJ0101', { kind: 'lecture', title: '七一党课', held_on: '2026-07-01' });
  assert.equal(planned.status, 'planned');
  assertError(await admin.req('PUT', `/api/v1/meetings/${planned.id}/attendance`, { json: { items: [] } }), 400, 'invalid', 'items');
});

test('remote check-in: inside the window present online; outside, without one, or another branch refused', async () => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const open = await meeting('QJ0101', { kind: 'theme_day', title: '主题党日', held_on: '2026-06-30', mode: 'online',
    checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) });
  const closed = await meeting('QJ0101', { kind: 'theme_day', title: '主题党日（已截止）', held_on: '2026-06-29',
    checkin_opens_at: iso(now - 7200e3), checkin_closes_at: iso(now - 3600e3) });
  const later = await meeting('QJ0101', { kind: 'lecture', title: '党课（未开始）', held_on: '2026-06-29',
    checkin_opens_at: iso(now + 3600e3), checkin_closes_at: iso(now + 7200e3) });
  const none = await meeting('QJ0101', { kind: 'lecture', title: '党课（不签到）', held_on: '2026-06-28' });
  const other = await meeting('QJ0102', { kind: 'theme_day', title: '南岗主题党日', held_on: '2026-06-30',
    checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) });
  // what the member's phone shows: the open meetings of their own branch only
  const open1 = assertStatus(await zsf.get(`/api/v1/members/${id['张三丰']}/meetings`), 200);
  assert.deepEqual(open1.items.filter((x) => x.checkin_open).map((x) => x.id), [open.id]);
  assert.equal(open1.items.find((x) => x.id === open.id).my_state, null);
  assertError(await zsf.get(`/api/v1/members/${id['杨志强']}/meetings`), 404, 'not_found');
  const before = snapshot();
  assertError(await zsf.post(`/api/v1/meetings/${closed.id}/checkin`), 403, 'checkin_closed');
  assertError(await zsf.post(`/api/v1/meetings/${later.id}/checkin`), 403, 'checkin_closed');
  assertError(await zsf.post(`/api/v1/meetings/${none.id}/checkin`), 403, 'checkin_closed');
  assertError(await zsf.post(`/api/v1/meetings/${other.id}/checkin`), 404, 'not_found');
  assertError(await zsf.post(`/api/v1/meetings/${open.id}/checkin`, undefined, { csrf: false }), 403, 'csrf');
  assertError(await admin.post(`/api/v1/meetings/${open.id}/checkin`), 403, 'forbidden');   // no member record
  assertError(await zsf.get(`/api/v1/meetings/${open.id}`), 403, 'forbidden');            // members do not read meetings
  assert.deepEqual(snapshot(), before);
  const c = assertStatus(await zsf.post(`/api/v1/meetings/${open.id}/checkin`), 200);
  assert.equal(c.state, 'online');
  assert.equal(c.member_id, id['张三丰']);
  const m = assertStatus(await admin.get(`/api/v1/meetings/${open.id}`), 200);
  const a = m.attendance.find((x) => x.member_id === id['张三丰']);
  assert.equal(a.state, 'online');
  assert.match(a.checked_in_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(m.counts.online, 1);
  assert.equal((await zsf.get(`/api/v1/members/${id['张三丰']}/meetings`)).json.items.find((x) => x.id === open.id).my_state, 'online');
  // twice is harmless
  assertStatus(await zsf.post(`/api/v1/meetings/${open.id}/checkin`), 200);
  assert.equal(assertStatus(await admin.get(`/api/v1/meetings/${open.id}`), 200).counts.online, 1);
  const log = await admin.audit('&org=QJ0101');
  assert.ok(log.items.some((e) => e.action === 'checkin' && e.actor === 'zsf' && e.key === String(open.id)));
});

test('attachments: PDF and images by their bytes, 10 MiB at most, stored once by SHA-256', async () => {
  const m = (await admin.get('/api/v1/orgs/QJ0101/meetings?kind=assembly&year=2026')).json.items[0];
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x41), Buffer.from('\n%%EOF\n')]);
  const up = (mid, buf, name) => admin.req('POST', `/api/v1/meetings/${mid}/attachments?name=${encodeURIComponent(name)}`,
    { body: buf, headers: { 'content-type': 'application/octet-stream' } });
  const a = assertStatus(await up(m.id, pdf, '会议记录.pdf'), 201);
  assert.equal(a.mime, 'application/pdf');
  assert.equal(a.size, pdf.length);
  const again = assertStatus(await up(m.id, pdf, '会议记录.pdf'), 200);
  assert.equal(again.id, a.id);
  const other = (await admin.get('/api/v1/orgs/QJ0101/meetings?kind=committee&year=2026')).json.items[0];
  assertStatus(await up(other.id, pdf, '同一文件.pdf'), 201);
  assert.equal(count('life_blob'), 1);                 // the bytes once
  assert.equal(count('meeting_attachment'), 2);
  const files = fs.readdirSync(srv.db + '.files', { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(f));
  assert.deepEqual(files.map((f) => path.basename(f)), [a.sha256]);
  const dl = await admin.get(`/api/v1/meetings/${m.id}/attachments/${a.id}`);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'application/pdf');
  assert.ok(dl.buf.equals(pdf));
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
  assert.equal(assertStatus(await up(m.id, png, 'photo.png'), 201).mime, 'image/png');
  const before = snapshot();
  assertError(await up(m.id, Buffer.from('MZ\x90\x00 not a pdf'), 'virus.exe'), 415, 'unsupported_type');
  assertError(await up(m.id, Buffer.alloc(0), 'empty.pdf'), 415, 'unsupported_type');
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc((10 << 20) - 8, 0x20)]);
  assert.equal(big.length, (10 << 20) + 1);
  assertError(await up(m.id, big, 'big.pdf'), 413, 'too_large');
  assertError(await up(m.id, pdf, ''), 400, 'required', 'name');
  assertError(await up(m.id, pdf, '../x.pdf'), 400, 'invalid', 'name');
  assertError(await viewer.req('POST', `/api/v1/meetings/${m.id}/attachments?name=a.pdf`, { body: pdf }), 403, 'forbidden');
  assert.deepEqual(snapshot(), before);
  const back = assertStatus(await admin.get(`/api/v1/meetings/${m.id}`), 200);
  assert.equal(back.attachments.length, 2);
  assertError(await west.get(`/api/v1/meetings/${m.id}/attachments/${a.id}`), 404, 'not_found');
});

// ---- obligations on a hand-built calendar -------------------------------------
// 南岗村党支部 (QJ0102): 杨志强, 黄美玲, 周建华 on the committee; 吴芳 not.
// 2025: theme days on the 15th of every month but May (missing) and August,
// made up on 2025-09-05 (late); committee meetings on the 20th of every month
// but December (missing), all three present except March (1 of 3: quorum);
// assemblies in Q1-Q3 (Q4 missing); a lecture every quarter that 吴芳 misses;
// the life meeting and the appraisal in December; no talk (missing); the
// secretary 杨志强 gives the November lecture (his yearly lecture, met). 吴芳
// comes only to the June theme day: five empty months before it (not
// flagged), six after (flagged).
test('obligations: a hand-built year with known answers', async () => {
  assertStatus(await admin.req('PUT', '/api/v1/orgs/QJ0102/committee', { json: { members: [
    { member_id: id['杨志强'], post: '书记' }, { member_id: id['黄美玲'], post: '组织委员' }, { member_id: id['周建华'], post: '纪检委员' }] } }), 200);
  const c3 = ['杨志强', '黄美玲', '周建华'];
  const mm = (m) => String(m).padStart(2, '0');
  for (let m = 1; m <= 12; m++) {
    if (m !== 5 && m !== 8) {
      await meeting('QJ0102', { kind: 'theme_day', title: `${m}月主题党日`, held_on: `2025-${mm(m)}-15`,
        attendance: m === 6 ? [{ member_id: id['吴芳'], state: 'present' }] : [] });
    }
    if (m !== 12) {
      const att = c3.map((n) => ({ member_id: id[n], state: 'present' }));
      if (m === 3) { att[1].state = 'absent'; att[2] = { member_id: id['周建华'], state: 'leave', reason: '出差' }; }
      await meeting('QJ0102', { kind: 'committee', title: `${m}月支委会`, held_on: `2025-${mm(m)}-20`, attendance: att });
    }
  }
  await meeting('QJ0102', { kind: 'theme_day', title: '补开8月主题党日', held_on: '2025-09-05' });
  for (const d of ['2025-03-10', '2025-06-10', '2025-09-22']) await meeting('QJ0102', { kind: 'assembly', title: '党员大会', held_on: d });
  for (const d of ['2025-02-10', '2025-05-10', '2025-08-10', '2025-11-10']) {
    await meeting('QJ0102', { kind: 'lecture', title: '党课', held_on: d, ...(d === '2025-11-10' ? { host_id: id['杨志强'] } : {}), attendance: [
      ...c3.map((n) => ({ member_id: id[n], state: 'present' })), { member_id: id['吴芳'], state: 'absent' }] });
  }
  await meeting('QJ0102', { kind: 'life_meeting', title: '组织生活会', held_on: '2025-12-20' });
  await meeting('QJ0102', { kind: 'appraisal', title: '民主评议党员', held_on: '2025-12-21' });

  const o = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?year=2025'), 200);
  assert.deepEqual(o.rule_versions, [2019]);
  // due: committee 12, theme day 12, assembly 4, lecture 4, life meeting, appraisal, talk and
  // the secretary's lecture 1 each; held: those periods met (five were not)
  assert.equal(o.summary.due, 36);
  assert.equal(o.summary.held, 31);
  assert.equal(o.summary.missing, 4);
  assert.equal(o.summary.late, 1);
  assert.equal(o.summary.quorum_failures, 1);
  assert.equal(o.summary.members_no_lecture, 1);
  assert.equal(o.summary.members_six_months, 1);
  assert.equal(o.summary.members, 4);
  const key = (f) => `${f.type} ${f.rule} ${f.period}${f.member_name ? ' ' + f.member_name : ''}`;
  assert.deepEqual(o.findings.map(key).sort(), [
    'late theme_day_monthly 2025-08',
    'missing talk_yearly 2025',
    'missing assembly_quarterly 2025-Q4',
    'missing committee_monthly 2025-12',
    'missing theme_day_monthly 2025-05',
    'no_lecture member_lecture_yearly 2025 吴芳',
    'quorum committee_monthly 2025-03-20',
    'six_months member_six_months 2025-07..2025-12 吴芳',
  ].sort());
  for (const f of o.findings) {
    assert.equal(f.org_code, 'QJ0102');
    assert.ok(f.rule_description.length > 5, 'each finding names its rule');
    assert.ok(f.evidence.length > 5, 'and its evidence');
  }
  assert.match(o.findings.find((f) => f.type === 'late').evidence, /2025-09 前 10 天内补开/);
  assert.match(o.findings.find((f) => f.type === 'six_months').evidence, /2025-07 至 2025-12 连续 6 个月/);
  // a period from May to July judges only those months
  const part = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?from=2025-05-01&to=2025-07-31'), 200);
  assert.deepEqual(part.findings.filter((f) => !f.member_id).map(key).sort(), ['missing theme_day_monthly 2025-05']);
  // the same numbers from the CLI, in each format
  const json = JSON.parse(cliOk(['report', 'obligations', '--db', srv.db, '--org', 'QJ0102', '--year', '2025', '--format', 'json']).stdout);
  assert.deepEqual(json.summary, o.summary);
  const rows = csvObjects(cliOk(['report', 'obligations', '--db', srv.db, '--org', 'QJ0102', '--year', '2025']).stdout);
  assert.equal(rows.length, 8);
  assert.equal(rows.find((r) => r['类型'] === '连续六个月未参加组织生活')['党员姓名'], '吴芳');
  const xlsx = path.join(srv.dir, 'o.xlsx');
  cliOk(['report', 'obligations', '--db', srv.db, '--org', 'QJ0102', '--year', '2025', '--format', 'xlsx', '--out', xlsx]);
  assert.equal(fs.readFileSync(xlsx).subarray(0, 2).toString(), 'PK');
  assert.equal(cli(['report', 'obligations', '--db', srv.db, '--org', 'NOSUCH', '--year', '2025']).status, 1);
  // the summaries agree with the records they were kept from
  const before = JSON.stringify(o);
  cliOk(['life', 'rebuild', '--db', srv.db]);
  assert.equal(JSON.stringify(assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?year=2025'), 200)), before);
});

test('six months: absence is not an excuse, leave with a reason is; months after today are not judged', async () => {
  await meeting('QJ0102', { kind: 'theme_day', title: '三月主题党日', held_on: '2026-03-15', attendance: [
    { member_id: id['杨志强'], state: 'present' }, { member_id: id['黄美玲'], state: 'leave', reason: '外出务工' },
    { member_id: id['周建华'], state: 'absent' }] });
  const o = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?year=2026&type=six_months'), 200);
  assert.deepEqual(o.findings.map((f) => [f.member_name, f.period, f.held]).sort(),
    [['吴芳', '2026-01..2026-06', 6], ['周建华', '2026-01..2026-06', 6]].sort());
  // to the end of May: only five months, nobody
  const may = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?from=2026-01-01&to=2026-05-31&type=six_months'), 200);
  assert.equal(may.total, 0);
  // across the year boundary: 吴芳 from July 2025 to June 2026
  const span = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?from=2025-01-01&to=2026-06-30&type=six_months'), 200);
  assert.equal(span.findings.find((f) => f.member_name === '吴芳').period, '2025-07..2026-06');
  assertError(await admin.get('/api/v1/orgs/QJ0102/obligations?from=2020-01-01&to=2026-06-30'), 400, 'invalid', 'to');
  assertError(await admin.get('/api/v1/orgs/QJ0102/obligations?from=junk'), 400, 'invalid', 'from');
  assertError(await zsf.get('/api/v1/orgs/QJ0101/obligations'), 403, 'forbidden');
  assertError(await west.get('/api/v1/orgs/QJ0102/obligations'), 404, 'not_found', 'code');
});

test('rule versions: a year\'s own rules, per domain, audited; older years keep theirs', async () => {
  assertError(await east.post('/api/v1/obligations/rules', { year: 2025, code: 'talk_yearly', min_count: 0 }), 403, 'forbidden');
  assertError(await admin.post('/api/v1/obligations/rules', { year: 2025, code: 'nosuch', min_count: 0 }), 404, 'not_found', 'code');
  assertError(await admin.post('/api/v1/obligations/rules', { year: 2025, code: 'talk_yearly', min_count: 40 }), 400, 'invalid', 'min_count');
  const r = assertStatus(await admin.post('/api/v1/obligations/rules', { year: 2025, code: 'talk_yearly', min_count: 0, domain: '农村',
    description: '农村支部谈心谈话另行安排' }), 200);
  assert.equal(r.version, 2025);
  assert.ok(r.items.some((x) => x.code === 'talk_yearly' && x.domain === '农村' && x.min_count === 0));
  const o = assertStatus(await admin.get('/api/v1/orgs/QJ0102/obligations?year=2025'), 200);
  assert.deepEqual(o.rule_versions, [2025]);
  assert.equal(o.summary.missing, 3);             // the talk is no longer owed by a rural branch
  assert.equal(o.summary.due, 35);
  assert.equal((await admin.get('/api/v1/obligations/rules?year=2024')).json.version, 2019);
  assert.equal((await admin.get('/api/v1/obligations/rules?year=2030')).json.version, 2025);
  const log = await admin.audit();
  assert.ok(log.items.some((e) => e.entity === 'obligation_rule' && e.key === 'talk_yearly'));
});

test('points: from records with caps, documented manual awards, rankings', async () => {
  // 2026-01: 张三丰 at 5 theme days and 3 lectures in Q1; 12 class hours of training twice, then 30
  for (let d = 1; d <= 5; d++) {
    await meeting('QJ0101', { kind: 'theme_day', title: '主题党日', held_on: `2026-01-0${d}`, attendance: [{ member_id: id['张三丰'], state: 'present' }] });
  }
  for (const d of ['2026-01-10', '2026-02-10', '2026-03-10']) {
    await meeting('QJ0101', { kind: 'lecture', title: '党课', held_on: d, attendance: [
      { member_id: id['张三丰'], state: 'online' }, { member_id: id['陈静'], state: 'present' }] });
  }
  const course = assertStatus(await admin.post('/api/v1/orgs/QJ01/courses', { title: '冬训', category: '冬训春训',
    started_on: '2026-01-05', ended_on: '2026-01-09', hours: 50, attendees: [{ member_id: id['张三丰'] },
      { member_id: id['陈静'], hours: 12.5 }, { member_id: id['杨志强'], hours: 8 }] }), 201);
  assert.equal(course.person_times, 3);
  const p = assertStatus(await zsf.get(`/api/v1/members/${id['张三丰']}/points?year=2026`), 200);
  const src = Object.fromEntries(p.sources.map((s) => [s.rule, s]));
  // January: 5 theme days + others of this file (committee 2026-06 etc. counted in their months)
  assert.equal(src.lecture_attendance.units, 3);
  assert.equal(src.lecture_attendance.raw, 15);
  assert.equal(src.lecture_attendance.points, 10);        // capped at 10 a quarter
  assert.equal(src.training_hours.units, 50);
  assert.equal(src.training_hours.points, 40);            // capped at 40 a year
  // meetings: 5 theme days in January (10 points, capped at 8); in June the
  // assembly, two committee meetings and the checked-in theme day (8, at the cap)
  assert.equal(src.meeting_attendance.units, 9);
  assert.equal(src.meeting_attendance.raw, 18);
  assert.equal(src.meeting_attendance.points, 16);
  assert.equal(p.total, p.sources.reduce((s, x) => s + x.points, 0));
  // manual awards: only with reason and basis, audited, never by a member or viewer
  const before = snapshot();
  assertError(await admin.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 5, reason: '抗洪抢险' , awarded_on: '2026-06-01' }), 400, 'required', 'basis');
  assertError(await admin.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 500, reason: 'x', basis: 'y', awarded_on: '2026-06-01' }), 400, 'invalid', 'points');
  assertError(await admin.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 5, reason: 'x', basis: 'y', awarded_on: '2026-07-01' }), 400, 'invalid', 'awarded_on');
  assertError(await zsf.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 5, reason: 'x', basis: 'y', awarded_on: '2026-06-01' }), 403, 'forbidden');
  assertError(await west.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 5, reason: 'x', basis: 'y', awarded_on: '2026-06-01' }), 404, 'not_found');
  assert.deepEqual(snapshot(), before);
  const aw = assertStatus(await east.post(`/api/v1/members/${id['张三丰']}/points/awards`, { points: 5, reason: '抗洪抢险突击队',
    basis: '东湖镇党委〔2026〕12号', awarded_on: '2026-06-01' }), 201);
  assert.equal(aw.awarded_by, 'east');
  const p2 = assertStatus(await admin.get(`/api/v1/members/${id['张三丰']}/points?year=2026`), 200);
  assert.equal(p2.total, p.total + 5);
  assert.equal(p2.awards[0].basis, '东湖镇党委〔2026〕12号');
  assert.ok((await admin.audit()).items.some((e) => e.action === 'award' && e.actor === 'east'));
  // rankings: within the branch, and across the whole county
  const rb = assertStatus(await admin.get('/api/v1/orgs/QJ0101/points?year=2026'), 200);
  assert.equal(rb.total, 6);
  assert.equal(rb.items[0].name, '张三丰');
  assert.equal(rb.items[0].rank, 1);
  assert.equal(rb.items[0].total, p2.total);
  for (let i = 1; i < rb.items.length; i++) assert.ok(rb.items[i].total <= rb.items[i - 1].total);
  const rc = assertStatus(await admin.get('/api/v1/orgs/QJ/points?year=2026&limit=200'), 200);
  assert.equal(rc.total, 20);
  assert.ok(rc.items.some((x) => x.org_code === 'QJ0102'));
  // a changed rule changes the points from its year on, recomputed, never stored
  assertStatus(await admin.post('/api/v1/points/rules', { year: 2026, code: 'lecture_attendance', cap: 20 }), 200);
  const p3 = assertStatus(await admin.get(`/api/v1/members/${id['张三丰']}/points?year=2026`), 200);
  assert.equal(p3.sources.find((s) => s.rule === 'lecture_attendance').points, 15);
  assert.equal(p3.rule_version, 2026);
  assertError(await zsf.get(`/api/v1/members/${id['李秀英']}/points`), 404, 'not_found');
});

test('training and campaigns roll up for any subtree', async () => {
  const t = assertStatus(await admin.get('/api/v1/orgs/QJ/training?year=2026'), 200);
  assert.equal(t.courses, 1);
  assert.equal(t.person_times, 3);
  assert.equal(t.hours, 70.5);
  assert.equal(t.members_trained, 3);
  assert.equal(t.members, 20);
  assert.ok(Math.abs(t.hours_per_member - 70.5 / 20) < 1e-9);
  const mt = assertStatus(await admin.get(`/api/v1/members/${id['陈静']}/training?year=2026`), 200);
  assert.equal(mt.hours, 12.5);
  const before = snapshot();
  assertError(await admin.post('/api/v1/orgs/QJ01/courses', { title: 'x', category: '党课', started_on: '2026-07-02', hours: 2 }), 400, 'invalid', 'ended_on');
  assertError(await admin.post('/api/v1/orgs/QJ01/courses', { title: 'x', category: '党课', started_on: '2026-06-02', hours: 2,
    attendees: [{ member_id: id['罗强'] }] }), 400, 'invalid', 'member_id');
  assertError(await admin.post('/api/v1/orgs/QJ01/courses', { title: 'x', category: '党课', started_on: '2026-06-02', hours: 2,
    attendees: [{ member_id: id['陈静'], hours: 3 }] }), 400, 'invalid', 'hours');
  assert.deepEqual(snapshot(), before);
  const c = assertStatus(await admin.post('/api/v1/campaigns', { code: 'DJ2026', name: '党纪学习教育', org_code: 'QJ', started_on: '2026-04-01' }), 201);
  assertError(await admin.post('/api/v1/campaigns', { code: 'DJ2026', name: '重复', org_code: 'QJ', started_on: '2026-04-01' }), 409, 'conflict', 'code');
  assertStatus(await admin.post(`/api/v1/campaigns/${c.id}/orgs`, { org_codes: ['QJ01', 'QJ0201'] }), 200);
  await meeting('QJ0101', { kind: 'lecture', title: '党纪专题党课', held_on: '2026-05-20', campaign_id: c.id, attendance: [
    { member_id: id['张三丰'], state: 'present' }, { member_id: id['李秀英'], state: 'present' }, { member_id: id['王建国'], state: 'absent' }] });
  assertStatus(await admin.post('/api/v1/orgs/QJ02/courses', { title: '党纪培训', category: '专题培训', started_on: '2026-05-08',
    hours: 4, campaign_id: c.id, attendees: [{ member_id: id['胡德明'] }, { member_id: id['郭秀兰'] }] }), 201);
  const all = assertStatus(await admin.get(`/api/v1/orgs/QJ/campaigns/${c.id}`), 200).rollup;
  // QJ01 and its 5 organizations below + QJ0201; members of QJ0101, QJ0102, QJ010301 and QJ0201
  assert.equal(all.organizations, 6);
  assert.equal(all.branches, 4);
  assert.equal(all.members, 6 + 4 + 4 + 3);
  assert.equal(all.activities, 2);
  assert.equal(all.person_times, 4);
  assert.equal(all.members_attended, 4);
  const westRoll = assertStatus(await west.get(`/api/v1/orgs/QJ02/campaigns/${c.id}`), 200).rollup;
  assert.equal(westRoll.organizations, 1);
  assert.equal(westRoll.members, 3);
  assert.equal(westRoll.activities, 1);
  assertError(await west.get(`/api/v1/orgs/QJ02/campaigns/99999`), 404, 'not_found');
  assert.equal((await west.get('/api/v1/campaigns')).json.total, 1);
});
