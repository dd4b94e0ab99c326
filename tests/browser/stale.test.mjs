// stale.test.mjs: a kept summary whose data changed says so (src/memo.h).
// The server keeps every summary here (QIANGJI_MEMO_SLOW_MS=0), as it keeps a
// province's: after a dues payment the next 党费 screen still shows the kept
// answer, with the note 统计于 HH:MM（北京时间）…正在更新, and once the current
// answer is in, the note is gone and the figures have moved. At 360 px, with a
// screenshot.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password } from '../api/lib.mjs';
import { launch, settled, shot, PHONE, withPage as withPageIn } from './lib.mjs';

const srv = await startServer({ env: { QIANGJI_MEMO_SLOW_MS: '0' } });
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');
const M = {};
for (const m of await admin.allMembers('QJ')) M[m.name] = m.id;
const ok = (r, status = 201) => { assert.equal(r.status, status, r.text); return r.json; };

test('党费: a stale kept answer shows when it was computed, then the current one replaces it', async () => {
  const wang = M['王建国'];
  ok(await admin.post(`/api/v1/members/${wang}/dues/base`, { year: 2026, category: 'retiree', income: 3000 }), 200);
  // The answer warmed at the start is stale after the base: wait for the current one.
  let before;
  for (let i = 0; i < 100 && !(before && !before.stale); i++) {
    if (before) await new Promise((r) => setTimeout(r, 100));
    before = ok(await admin.get('/api/v1/orgs/QJ/dues/arrears?limit=1000'), 200);
  }
  assert.equal(before.stale, false);
  while ((await admin.get('/api/v1/orgs/QJ/dues/lapsed')).json.stale) await new Promise((r) => setTimeout(r, 100));
  const owed = before.items.find((x) => x.member_id === wang).unpaid_months;
  await withPageIn(chrome, srv, async ({ page }) => {
    await page.goto(`${srv.base}/dues?org=QJ`);
    await page.getByTestId('dues-page').waitFor();
    await settled(page);
    assert.equal(await page.getByTestId('stale-note').count(), 0, 'a current answer has no note');
    ok(await admin.post(`/api/v1/members/${wang}/dues/payments`,
      { paid_on: '2026-06-30', channel: 'cash', amount: 35, period_from: '2026-01', period_to: '2026-01' }));
    await page.reload();
    await page.getByTestId('dues-page').waitFor();
    await settled(page);
    const note = page.getByTestId('stale-note');
    assert.match(await note.textContent(), /^统计于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d，数据已有变动，正在更新/);
    await shot(page, 'dues-stale');
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.reload();
      await page.getByTestId('dues-page').waitFor();
      await settled(page);
      gone = (await page.getByTestId('stale-note').count()) === 0;
    }
    assert.ok(gone, 'the current answer replaced the stale one');
    const now = ok(await admin.get('/api/v1/orgs/QJ/dues/arrears?limit=1000'), 200);
    assert.equal(now.items.find((x) => x.member_id === wang).unpaid_months, owed - 1);
  }, { login: 'admin', password: password('admin'), viewport: PHONE, what: 'dues stale' });
});
