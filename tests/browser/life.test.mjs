// life.test.mjs: organizational life in the browser (QIANGJI_TODAY=2026-06-30,
// the fixture county, no meetings at the start): a branch's secretary records
// a meeting through the form and marks every expected member present, present
// online, on leave (a reason required) or absent; a member checks in remotely
// from their own screen on a phone, and sees their points and dues; the
// 三会一课 dashboard shows a branch red for June with the finding (rule and
// evidence), and green once the missing meeting is recorded through the UI.
// Screenshots of each new screen at 360x740 and 1366x900.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password } from '../api/lib.mjs';
import { launch, openPage, signIn, settled, shot, assertFits, assertClean, PHONE, DESKTOP, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');
const id = {};
for (const m of await admin.allMembers('QJ')) id[m.name] = m.id;
const inBranch = (await admin.allMembers('QJ0101')).map((m) => m.name);

const withPage = (fn, opts) => withPageIn(chrome, srv, fn, opts);

async function recordMeeting(page, { kind, title, date }) {
  const form = page.getByTestId('meeting-form');
  await form.getByLabel('会议类别').selectOption({ label: kind });
  await form.getByLabel('会议名称').fill(title);
  await form.getByLabel('召开日期').fill(date);
  await form.getByRole('button', { name: '保存并登记出席' }).click();
  await page.waitForURL(/\/meetings\/\d+$/);
  await page.getByTestId('attendance-form').waitFor();
  return Number(/\/meetings\/(\d+)$/.exec(page.url())[1]);
}

test('a secretary records a meeting and marks each expected member present, online, on leave with a reason, or absent', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'east', password('east'));
  await page.goto(srv.base + '/orgs/QJ0101/meetings?year=2026');
  await settled(page);
  assert.match(await page.getByTestId('meetings').textContent(), /2026 年还没有会议记录/);
  // A title too long for the server: its message beside the field, nothing written.
  const form = page.getByTestId('meeting-form');
  await form.getByLabel('会议名称').evaluate((el) => { el.removeAttribute('maxlength'); el.value = '长'.repeat(300); });
  await form.getByRole('button', { name: '保存并登记出席' }).click();
  await form.locator('[data-field=title] .err').waitFor({ state: 'visible' });
  assert.equal((await admin.get('/api/v1/orgs/QJ0101/meetings?year=2026')).json.total, 0);

  const mid = await recordMeeting(page, { kind: '支部党员大会', title: '六月支部党员大会', date: '2026-06-12' });
  const rows = page.getByTestId('attendance').locator('tbody tr');
  assert.equal(await rows.count(), inBranch.length);
  const [a, b, c, d] = inBranch;
  await page.getByLabel(`${a}的出席情况`).selectOption('present');
  await page.getByLabel(`${b}的出席情况`).selectOption('online');
  await page.getByLabel(`${c}的出席情况`).selectOption('leave');
  await page.getByLabel(`${d}的出席情况`).selectOption('absent');
  // Leave without a reason: asked for, nothing saved.
  await page.getByRole('button', { name: '保存出席情况' }).click();
  await page.getByTestId('attendance-form').getByRole('alert').filter({ hasText: '请假事由' }).waitFor();
  assert.equal((await admin.get(`/api/v1/meetings/${mid}`)).json.counts.present, 0);
  await page.getByLabel(`${c}的请假事由`).fill('外出务工');
  await page.getByRole('button', { name: '未登记的全部记为出席' }).click();
  await page.getByRole('button', { name: '保存出席情况' }).click();
  await page.locator('.toast').filter({ hasText: '出席情况已保存' }).waitFor();
  await settled(page);
  const m = (await admin.get(`/api/v1/meetings/${mid}`)).json;
  assert.deepEqual([m.counts.present, m.counts.online, m.counts.leave, m.counts.absent], [inBranch.length - 3, 1, 1, 1]);
  assert.equal(m.attendance.find((x) => x.name === c).reason, '外出务工');
  assert.equal(await page.getByTestId('m-present').locator('.value').textContent(), String(inBranch.length - 2));
  assert.equal(await page.getByLabel(`${c}的出席情况`).inputValue(), 'leave');
  // The list shows it.
  await page.getByRole('link', { name: '东湖村党支部 · 组织生活' }).click();
  await page.getByTestId('meeting-table').getByRole('link', { name: '六月支部党员大会' }).waitFor();
}));

test('a member checks in remotely on a phone; sees it recorded, with points and dues', () => withPage(async ({ page }) => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const open = (await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'theme_day', title: '线上主题党日', held_on: '2026-06-30',
    mode: 'online', checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) })).json;
  const later = (await admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '晚间党课', held_on: '2026-06-30',
    checkin_opens_at: iso(now + 3600e3), checkin_closes_at: iso(now + 7200e3) })).json;
  await admin.post('/api/v1/orgs/QJ0201/meetings', { kind: 'theme_day', title: '西山主题党日', held_on: '2026-06-30',
    checkin_opens_at: iso(now - 3600e3), checkin_closes_at: iso(now + 3600e3) });
  await signIn(page, srv, 'zsf', password('zsf'));
  assert.equal(new URL(page.url()).pathname, '/me');
  const list = page.getByTestId('checkins');
  await settled(page);
  assert.deepEqual(await list.locator('li strong').allTextContents(), ['线上主题党日', '晚间党课']);
  assert.ok(await list.locator(`li[data-id="${later.id}"] button`).isDisabled());
  await assertFits(page, 'me with check-ins');
  await shot(page, 'me-checkin');
  await list.locator(`li[data-id="${open.id}"]`).getByRole('button', { name: '签到' }).click();
  await page.locator('.toast').filter({ hasText: '签到成功' }).waitFor();
  await list.locator(`li[data-id="${open.id}"] [data-testid=my-state]`).filter({ hasText: '已线上签到' }).waitFor();
  assert.ok(await list.locator(`li[data-id="${open.id}"] button`).isDisabled());
  const a = (await admin.get(`/api/v1/meetings/${open.id}`)).json.attendance.find((x) => x.member_id === id['张三丰']);
  assert.equal(a.state, 'online');
  assert.ok(a.checked_in_at);
  // Points and dues from the server.
  const pts = (await srv.as('zsf').then((z) => z.get(`/api/v1/members/${id['张三丰']}/points`))).json;
  assert.equal(await page.getByTestId('me-points').locator('.value').textContent(), String(pts.total));
  await page.getByTestId('me-dues').waitFor();
  await page.getByTestId('me-arrears').waitFor();
  // The secretary's meeting page shows the check-in time.
  const east = await openPage(chrome.browser, srv, { viewport: DESKTOP });
  try {
    await signIn(east.page, srv, 'east', password('east'));
    await east.page.goto(`${srv.base}/meetings/${open.id}`);
    await settled(east.page);
    assert.equal(await east.page.getByLabel('张三丰的出席情况').inputValue(), 'online');
    assert.match(await east.page.getByTestId('attendance').locator('tbody tr').filter({ hasText: '张三丰' }).textContent(), /2026|\d{4}-\d\d-\d\d \d\d:\d\d/);
    assertClean(east, 'meeting page');
  } finally { await east.context.close(); }
}, { viewport: PHONE, what: 'check-in' }));

test('三会一课: without ?year the year is the server\'s (2026-06-30), not the browser clock\'s (set to 2027)', () => withPage(async ({ page, context }) => {
  await context.clock.setFixedTime(new Date('2027-01-05T10:00:00+08:00'));
  await signIn(page, srv, 'east', password('east'));
  assert.equal(await page.evaluate(() => new Date().getFullYear()), 2027, 'the browser believes it is 2027');
  await page.goto(srv.base + '/obligations?org=QJ01');
  await page.getByTestId('obligations-page').waitFor();
  await settled(page);
  const year = page.getByLabel('年度');
  assert.equal(await year.inputValue(), '2026');
  assert.deepEqual(await year.locator('option').allTextContents(), ['2026 年', '2025 年', '2024 年', '2023 年'], 'the choices count back from the server\'s year');
  await page.getByText('2026-01-01 至 2026-12-31').waitFor();
  // A period chosen without a year keeps the server's year too.
  await page.goto(srv.base + '/obligations?org=QJ01&period=q1');
  await page.getByText('2026-01-01 至 2026-03-31').waitFor();
  assert.equal(await page.getByLabel('年度').inputValue(), '2026');
}));

test('三会一课: a branch missing its June 主题党日 is red with the finding; recording it turns the branch green', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'east', password('east'));
  await page.goto(srv.base + '/obligations?org=QJ01&year=2026&period=m6');
  const board = page.getByTestId('board');
  await board.locator('li[data-code=QJ0102]').waitFor();
  await settled(page);
  assert.equal(await board.locator('li[data-code=QJ0102]').getAttribute('data-light'), 'red');
  await shot(page, 'obligations');
  await board.locator('li[data-code=QJ0102]').getByRole('link', { name: '南岗村党支部' }).click();
  await page.waitForURL(/org=QJ0102/);
  await page.getByTestId('findings').waitFor();
  await settled(page);
  const api = (await admin.get('/api/v1/orgs/QJ0102/obligations?from=2026-06-01&to=2026-06-30')).json;
  assert.ok(api.findings.length > 0);
  const text = await page.getByTestId('findings').textContent();
  for (const f of api.findings) {
    assert.ok(text.includes(f.rule_description), f.rule_description);
    assert.ok(text.includes(f.evidence), f.evidence);
  }
  assert.equal(await page.getByTestId('obligations-page').getAttribute('data-light'), 'red');
  await shot(page, 'obligations-branch');
  // Record what is missing, through the UI.
  await page.getByRole('link', { name: '记录会议' }).click();
  await page.waitForURL(/\/orgs\/QJ0102\/meetings/);
  const kinds = { theme_day_monthly: '主题党日', assembly_quarterly: '支部党员大会', lecture_quarterly: '党课', committee_monthly: '支委会' };
  for (const f of api.findings.filter((x) => x.type === 'missing')) {
    assert.ok(kinds[f.rule], `a kind for ${f.rule}`);
    await page.goto(srv.base + '/orgs/QJ0102/meetings?year=2026');
    await page.getByTestId('meeting-form').waitFor();
    await recordMeeting(page, { kind: kinds[f.rule], title: `六月${kinds[f.rule]}`, date: '2026-06-15' });
    await page.getByRole('button', { name: '未登记的全部记为出席' }).click();
    await page.getByRole('button', { name: '保存出席情况' }).click();
    await page.locator('.toast').filter({ hasText: '出席情况已保存' }).waitFor();
  }
  await page.goto(srv.base + '/obligations?org=QJ0102&year=2026&period=m6');
  await page.getByTestId('findings').waitFor();
  assert.equal(await page.getByTestId('obligations-page').getAttribute('data-light'), 'green');
  assert.match(await page.getByTestId('findings').textContent(), /本期没有发现问题/);
  await page.goto(srv.base + '/obligations?org=QJ01&year=2026&period=m6');
  await board.locator('li[data-code=QJ0102]').waitFor();
  assert.equal(await board.locator('li[data-code=QJ0102]').getAttribute('data-light'), 'green');
  assert.equal(await board.locator('li[data-code=QJ0103], li[data-code=QJ0101]').first().getAttribute('data-light') !== null, true);
}));

for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`organizational-life screens at ${size} size fit and are drawn cleanly`, () => withPage(async ({ page }) => {
    await signIn(page, srv, 'admin', password('admin'));
    const mid = (await admin.get('/api/v1/orgs/QJ0101/meetings?year=2026')).json.items.at(-1).id;
    for (const [name, url] of [['meetings', '/orgs/QJ0101/meetings?year=2026'], ['meeting', `/meetings/${mid}`],
      ['obligations-county', '/obligations?org=QJ&year=2026'], ['org-stats', '/orgs/QJ']]) {
      await page.goto(srv.base + url);
      await page.locator('#view > *').first().waitFor();
      await settled(page);
      await assertFits(page, name);
      await shot(page, name);
    }
  }, { viewport, what: size }));
}
