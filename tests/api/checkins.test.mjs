// checkins.test.mjs: GET /api/v1/members/{id}/meetings, the list a member's
// own screen shows of the meetings they may check in to: only their branch's
// meetings with a window not yet closed, open or not yet, with their own state
// after they check in; never another member's list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const zsf = await srv.as('zsf');
const id = {};
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;

async function meeting(org, body) {
  return assertStatus(await admin.post(`/api/v1/orgs/${org}/meetings`, body), 201);
}

test('a member lists the meetings of their branch open for check-in, and sees their state after checking in', async () => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const open = await meeting('QJ0101', { kind: 'theme_day', title: '线上主题党日', held_on: '2026-06-30', mode: 'online',
    checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) });
  const later = await meeting('QJ0101', { kind: 'lecture', title: '党课（未开始）', held_on: '2026-06-29',
    checkin_opens_at: iso(now + 3600e3), checkin_closes_at: iso(now + 7200e3) });
  await meeting('QJ0101', { kind: 'theme_day', title: '已截止', held_on: '2026-06-29',
    checkin_opens_at: iso(now - 7200e3), checkin_closes_at: iso(now - 3600e3) });
  await meeting('QJ0101', { kind: 'lecture', title: '不签到', held_on: '2026-06-28' });
  await meeting('QJ0102', { kind: 'theme_day', title: '南岗主题党日', held_on: '2026-06-30',
    checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) });
  const me = id['张三丰'];
  let list = assertStatus(await zsf.get(`/api/v1/members/${me}/meetings`), 200).items;
  assert.deepEqual(list.map((m) => [m.id, m.checkin_open, m.my_state]), [[open.id, true, null], [later.id, false, null]]);
  assertStatus(await zsf.post(`/api/v1/meetings/${open.id}/checkin`), 200);
  list = assertStatus(await zsf.get(`/api/v1/members/${me}/meetings`), 200).items;
  assert.equal(list[0].my_state, 'online');
  assert.match(list[0].checked_in_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // another member's list is not theirs to read
  const other = Object.entries(id).find(([n, v]) => n !== '张三丰' && v !== me)[1];
  const r = await zsf.get(`/api/v1/members/${other}/meetings`);
  assert.ok(r.status === 403 || r.status === 404, `status ${r.status}`);
  // staff of the subtree may read it
  assert.equal(assertStatus(await admin.get(`/api/v1/members/${me}/meetings`), 200).items.length, 2);
});
