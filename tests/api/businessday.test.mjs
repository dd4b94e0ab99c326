// Whose "today" (issue 11, item 4): the business day is the configured time
// zone's (QIANGJI_TZ, default Asia/Shanghai), not UTC's. The clock is stood
// at 2026-06-30T17:30:00Z (QIANGJI_NOW), which is 01:30 on 1 July in Beijing:
// a meeting entered for 1 July is held today, takes attendance and counts in
// July; a server told its zone is UTC still sees 30 June. The CLI's today is
// the same day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, assertStatus, cli } from './lib.mjs';

const NOW = '2026-06-30T17:30:00Z';
const beijing = await startServer({ env: { QIANGJI_TODAY: null, QIANGJI_NOW: NOW } });
const utc = await startServer({ env: { QIANGJI_TODAY: null, QIANGJI_NOW: NOW, QIANGJI_TZ: 'UTC' } });

test('01:30 in Beijing: a meeting of today is held and takes attendance', async () => {
  const admin = await beijing.as('admin');
  const [m0] = await admin.allMembers('QJ0101');
  const m = assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '七一党课', held_on: '2026-07-01',
    status: 'held', attendance: [{ member_id: m0.id, state: 'present' }] }), 201);
  assert.equal(m.status, 'held');
  assert.equal(m.attendance.find((a) => a.member_id === m0.id).state, 'present');
  // The server's today, as the screens read it, is 1 July.
  const monthly = assertStatus(await admin.get('/api/v1/orgs/QJ01/lifecycle/monthly?months=1'), 200);
  assert.equal(monthly.today, '2026-07-01');
  // Tomorrow is still the future.
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '党课', held_on: '2026-07-02', status: 'held' }),
    400, 'invalid', 'held_on');
});

test('the same moment on a server whose zone is UTC is still 30 June', async () => {
  const admin = await utc.as('admin');
  const [m0] = await admin.allMembers('QJ0101');
  assertError(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '七一党课', held_on: '2026-07-01',
    attendance: [{ member_id: m0.id, state: 'present' }] }), 400, 'invalid', 'attendance');
  const p = assertStatus(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '七一党课', held_on: '2026-07-01' }), 201);
  assert.equal(p.status, 'planned');
  assert.equal(assertStatus(await admin.get('/api/v1/orgs/QJ01/lifecycle/monthly?months=1'), 200).today, '2026-06-30');
});

test('an unknown zone is refused at start, in Chinese, naming the variable', () => {
  const r = cli(['routes'], { env: { QIANGJI_TZ: 'Mars/Olympus' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /时区 Mars\/Olympus.*QIANGJI_TZ/);
});
