// posts.test.mjs: a member who leaves a branch leaves its committee (支委会)
// and its party groups (党小组), as member and as group leader, whichever way
// the member leaves: a transfer accepted, a PATCH of org_code, an import that
// changes the organization, a transfer out of the system (issue 12, item 7b:
// 王卫东 moved C01→C02 and stayed 宣传委员 of C01). Each is audited (the
// committee, the group, and a `leave_posts` entry of the member) and the
// member's history lists it. A move without posts writes no such entry.
// Today is 2026-06-30.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, assertStatus, fixture } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const west = await srv.as('west');
const M = await admin.fixtureIds();
const [ZSF, LXY, WJG, LY, CJ] = [M(0), M(1), M(2), M(4), M(5)];   // 张三丰 李秀英 王建国 刘洋 陈静, all of QJ0101

const committee = async (code) => assertStatus(await admin.get(`/api/v1/orgs/${code}/committee`), 200).members;
const groups = async (code) => assertStatus(await admin.get(`/api/v1/orgs/${code}/groups`), 200).items;
const leaveEntries = async (id) => (await admin.audit('&action=leave_posts')).items.filter((e) => e.entity === 'member' && e.key === String(id));
const history = async (id) => assertStatus(await admin.get(`/api/v1/members/${id}/history`), 200);

// The committee and a group of QJ0101.
assertStatus(await east.req('PUT', '/api/v1/orgs/QJ0101/committee', {
  json: { members: [{ member_id: ZSF, post: '书记' }, { member_id: LXY, post: '组织委员' }, { member_id: WJG, post: '宣传委员' }] },
}), 200);
const group = assertStatus(await east.post('/api/v1/orgs/QJ0101/groups', { name: '第一党小组', leader_id: WJG, member_ids: [WJG, CJ, LY] }), 201);

test('a transfer accepted: the member leaves the old committee and group (also as leader), audited, in the history', async () => {
  const t = assertStatus(await east.post(`/api/v1/members/${WJG}/transfers`, { to_org_code: 'QJ0201', issued_on: '2026-06-20', reason: '工作调动' }), 201);
  assert.deepEqual((await committee('QJ0101')).map((x) => x.member_id).sort(), [ZSF, LXY, WJG].sort(), 'issuing moves nothing');
  assertStatus(await west.post(`/api/v1/transfers/${t.id}/accept`, { on: '2026-06-25' }), 200);
  assert.equal((await admin.get(`/api/v1/members/${WJG}`)).json.org_code, 'QJ0201');
  const c = await committee('QJ0101');
  assert.deepEqual(c.map((x) => [x.member_id, x.post]), [[ZSF, '书记'], [LXY, '组织委员']]);
  const g = (await groups('QJ0101')).find((x) => x.id === group.id);
  assert.equal(g.leader_id, null, 'no longer the group leader');
  assert.deepEqual(g.members.map((x) => x.id).sort(), [CJ, LY].sort());
  // Audited: the committee, the group, and the member's own entry.
  const log = (await admin.audit()).items;
  const cEntry = log.find((e) => e.entity === 'committee' && e.key === 'QJ0101' && e.action === 'update');
  assert.ok(cEntry && cEntry.before.members.some((x) => x.member_id === WJG) && !cEntry.after.members.some((x) => x.member_id === WJG));
  const gEntry = log.find((e) => e.entity === 'party_group' && e.key === String(group.id) && e.action === 'update');
  assert.ok(gEntry && gEntry.before.leader_id === WJG && gEntry.after.leader_id === null);
  const [mine] = await leaveEntries(WJG);
  assert.ok(mine, 'a leave_posts entry of the member');
  assert.deepEqual(mine.before, { org_code: 'QJ0101', post: '宣传委员', party_groups: ['第一党小组'] });
  // The member's history lists it, with the posts.
  const h = await history(WJG);
  const ev = h.events.find((e) => e.kind === 'left_posts');
  assert.ok(ev, JSON.stringify(h.events));
  assert.equal(ev.what, 'QJ0101');
  assert.match(ev.detail, /宣传委员/);
  assert.match(ev.detail, /第一党小组/);
  assert.ok(h.audit.some((e) => e.action === 'leave_posts'));
  // The verb has a Chinese name for the audit screen.
  const meta = assertStatus(await admin.get('/api/v1/meta'), 200);
  assert.ok(JSON.stringify(meta).includes('离开原支部的支委会和党小组'));
});

test('a PATCH of org_code: the member leaves the old group; one without posts gets no entry', async () => {
  assertStatus(await admin.patch(`/api/v1/members/${CJ}`, { org_code: 'QJ0102' }), 200);
  const g = (await groups('QJ0101')).find((x) => x.id === group.id);
  assert.deepEqual(g.members.map((x) => x.id), [LY]);
  const [e] = await leaveEntries(CJ);
  assert.deepEqual(e.before, { org_code: 'QJ0101', post: null, party_groups: ['第一党小组'] });
  // Back again: nothing held in QJ0102, so nothing is written for it.
  const n = (await admin.audit('&action=leave_posts')).total;
  assertStatus(await admin.patch(`/api/v1/members/${CJ}`, { org_code: 'QJ0101' }), 200);
  assert.equal((await admin.audit('&action=leave_posts')).total, n);
  // A PATCH that keeps the branch leaves the posts alone.
  assertStatus(await admin.patch(`/api/v1/members/${ZSF}`, { occupation: '村干部' }), 200);
  assert.ok((await committee('QJ0101')).some((x) => x.member_id === ZSF && x.post === '书记'));
});

test('an import that changes the organization: the member leaves the committee', async () => {
  const lines = fs.readFileSync(fixture('members.csv'), 'utf8').split(/\r?\n/);
  const row = lines.find((l) => l.includes('341102197211230121'));   // 李秀英
  assert.ok(row && row.includes(',QJ0101,'));
  const csv = `${lines[0]}\r\n${row.replace(',QJ0101,', ',QJ0102,')}\r\n`;
  const r = assertStatus(await admin.upload('/api/v1/import/members', Buffer.from(csv)), 200);
  assert.equal(r.updated, 1, JSON.stringify(r));
  assert.equal((await admin.get(`/api/v1/members/${LXY}`)).json.org_code, 'QJ0102');
  assert.deepEqual((await committee('QJ0101')).map((x) => x.member_id), [ZSF]);
  const [e] = await leaveEntries(LXY);
  assert.equal(e.before.post, '组织委员');
  assert.ok((await history(LXY)).events.some((x) => x.kind === 'left_posts' && x.what === 'QJ0101'));
});

test('a transfer out of the system: the member leaves the roster and the committee', async () => {
  const t = assertStatus(await east.post(`/api/v1/members/${ZSF}/transfers`, { to_outside: '江苏省南京市某街道党工委', letter_no: '东组〔2026〕9号', issued_on: '2026-06-21', reason: '迁居' }), 201);
  assertStatus(await east.post(`/api/v1/transfers/${t.id}/accept`, { on: '2026-06-28' }), 200);
  assert.deepEqual(await committee('QJ0101'), []);
  const [e] = await leaveEntries(ZSF);
  assert.equal(e.before.post, '书记');
  assert.equal(e.after.on, '2026-06-28');
});
