// meeting-form.test.mjs: the meeting form and the meeting figures in the
// browser (QIANGJI_TODAY=2026-06-30, the fixture county): the form of a branch
// takes the host and the recorder (active members of the branch, by name) and
// the minutes, says whether the meeting is recorded as held or as planned (its
// date against the server's today) and sends that; a meeting recorded with them
// shows them back, and the edit form on its page (the same fields) changes
// them; a server error shows under its field; the meetings screen
// of a town (not a branch) offers its branches first; the organization page's
// 应开 / 已开 tile and the 三会一课 screen show the same numbers, which add up
// (应开 = 已开 + 缺开 + 补开). At 360 and 1366 px.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password } from '../api/lib.mjs';
import { launch, settled, shot, assertFits, PHONE, DESKTOP, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');
const ok = (r, status) => { assert.equal(r.status, status, JSON.stringify(r.json)); return r.json; };
const withPage = (fn, opts) => withPageIn(chrome, srv, fn, opts);
const members = {};
for (const code of ['QJ0101', 'QJ0102']) members[code] = (await admin.allMembers(code)).map((m) => ({ id: m.id, name: m.name }));

before(async () => {
  // Some meetings held, one made up late: May's 主题党日 of 东湖村 on 5 June (补开).
  for (const [kind, held_on] of [['theme_day', '2026-06-05'], ['theme_day', '2026-04-10'], ['committee', '2026-04-12'], ['assembly', '2026-03-20']])
    ok(await admin.post('/api/v1/orgs/QJ0101/meetings', { kind, title: `${held_on} ${kind}`, held_on }), 201);
});

for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`the meeting form at ${size} size: host, recorder, minutes, held or planned; recorded, they show back`, () => withPage(async ({ page }) => {
    await page.goto(srv.base + '/orgs/QJ0101/meetings?year=2026');
    const form = page.getByTestId('meeting-form');
    await form.waitFor();
    // The host and recorder pickers list the branch's active members by name.
    const host = form.getByLabel('主持人'), recorder = form.getByLabel('记录人');
    await form.locator('[data-field=host_id] select:not([disabled])').waitFor();
    const names = members.QJ0101.map((m) => m.name);
    assert.deepEqual((await host.locator('option').allTextContents()).slice(1), names);
    assert.deepEqual((await recorder.locator('option').allTextContents()).slice(1), names);
    await form.getByLabel('会议记录').waitFor();
    // The server's today, not the browser's, is the default date; held on it.
    const status = form.getByTestId('meeting-status');
    await status.filter({ hasText: '已召开' }).waitFor();
    assert.equal(await form.getByLabel('召开日期').inputValue(), '2026-06-30');
    assert.equal(await status.getAttribute('data-status'), 'held');
    await form.getByLabel('召开日期').fill('2026-07-10');
    await status.filter({ hasText: '计划' }).waitFor();
    assert.equal(await status.getAttribute('data-status'), 'planned');
    await form.getByRole('button', { name: '保存会议计划' }).waitFor();
    await form.getByLabel('召开日期').fill('2026-06-18');
    await status.filter({ hasText: '已召开' }).waitFor();

    const [h, r] = [members.QJ0101[0], members.QJ0101[1]];
    const title = `${size}：六月党课`;
    await form.getByLabel('会议类别').selectOption({ label: '党课' });
    await form.getByLabel('会议名称').fill(title);
    await host.selectOption({ label: h.name });
    await recorder.selectOption({ label: r.name });
    await form.getByLabel('会议记录').fill('一、学习党章。\n二、讨论发展对象。');
    await assertFits(page, 'meeting form');
    await shot(page, 'meeting-form');
    // A server error goes under its field: minutes longer than the server takes; nothing written.
    const minutes = await form.getByLabel('会议记录').inputValue();
    await form.getByLabel('会议记录').evaluate((el) => { el.removeAttribute('maxlength'); el.value = '记'.repeat(20001); });
    await form.getByRole('button', { name: '保存并登记出席' }).click();
    await form.locator('[data-field=minutes] .err').waitFor({ state: 'visible' });
    assert.equal(await form.getByLabel('会议记录').getAttribute('aria-invalid'), 'true');
    assert.ok(!ok(await admin.get('/api/v1/orgs/QJ0101/meetings?year=2026&limit=200'), 200).items.some((x) => x.title === title));
    await form.getByLabel('会议记录').fill(minutes);
    await form.getByRole('button', { name: '保存并登记出席' }).click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const id = Number(/\/meetings\/(\d+)$/.exec(page.url())[1]);
    const m = ok(await admin.get(`/api/v1/meetings/${id}`), 200);
    assert.deepEqual([m.title, m.held_on, m.status, m.host_id, m.recorder_id, m.minutes],
      [title, '2026-06-18', 'held', h.id, r.id, '一、学习党章。\n二、讨论发展对象。']);
    await page.getByTestId('m-host').filter({ hasText: h.name }).waitFor();
    assert.equal(await page.getByTestId('m-recorder').textContent(), r.name);
    assert.equal(await page.getByTestId('m-minutes').textContent(), m.minutes);
    // Changed on its page in the edit form (the create form's fields): host, recorder and minutes go out and show back.
    await page.getByTestId('meeting-edit').locator('summary').click();
    const ef = page.getByTestId('meeting-edit-form');
    await ef.locator('[data-field=host_id] select:not([disabled])').waitFor();
    assert.equal(await ef.getByLabel('主持人').inputValue(), String(h.id));
    assert.equal(await ef.getByLabel('记录人').inputValue(), String(r.id));
    assert.equal(await ef.getByLabel('会议记录').inputValue(), m.minutes);
    assert.ok(await ef.getByLabel('会议类别').isDisabled(), 'the kind stays');
    const [h2, r2] = [members.QJ0101[2], members.QJ0101[3]];
    const minutes2 = `${m.minutes}\n三、补记：通报党费收缴情况。`;
    await ef.getByLabel('主持人').selectOption({ label: h2.name });
    await ef.getByLabel('记录人').selectOption({ label: r2.name });
    await ef.getByLabel('会议记录').fill(minutes2);
    await assertFits(page, 'meeting edit form');
    await ef.getByRole('button', { name: '保存修改' }).click();
    await page.getByTestId('m-host').filter({ hasText: h2.name }).waitFor();
    const m2 = ok(await admin.get(`/api/v1/meetings/${id}`), 200);
    assert.deepEqual([m2.title, m2.held_on, m2.status, m2.host_id, m2.recorder_id, m2.minutes], [title, '2026-06-18', 'held', h2.id, r2.id, minutes2]);
    assert.equal(await page.getByTestId('m-recorder').textContent(), r2.name);
    assert.equal(await page.getByTestId('m-minutes').textContent(), minutes2);

    // A planned one: sent as planned.
    await page.goto(srv.base + '/orgs/QJ0101/meetings?year=2026');
    await form.getByTestId('meeting-status').filter({ hasText: '已召开' }).waitFor();
    await form.getByLabel('会议类别').selectOption({ label: '主题党日' });
    await form.getByLabel('会议名称').fill(`${size}：七月主题党日`);
    await form.getByLabel('召开日期').fill('2026-07-10');
    await form.getByRole('button', { name: '保存会议计划' }).click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const p = ok(await admin.get(`/api/v1/meetings/${/\/meetings\/(\d+)$/.exec(page.url())[1]}`), 200);
    assert.deepEqual([p.held_on, p.status], ['2026-07-10', 'planned']);
  }, { viewport, what: `meeting form ${size}`, login: 'east', password: password('east') }));

  test(`a town's meetings screen at ${size} size offers its branches, then the chosen branch's form`, () => withPage(async ({ page }) => {
    await page.goto(srv.base + '/orgs/QJ01/meetings?year=2026');
    const picker = page.getByTestId('branch-picker');
    await picker.waitFor();
    assert.equal(await page.getByTestId('meeting-form').count(), 0, 'no form before a branch is chosen');
    const sel = picker.getByLabel('召开会议的党支部');
    await sel.locator('option[value=QJ0102]').waitFor({ state: 'attached' });
    const codes = await sel.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    for (const c of ['QJ0101', 'QJ0102', 'QJ010301']) assert.ok(codes.includes(c), c);
    assert.ok(!codes.some((c) => c.startsWith('QJ02')), 'only branches below this town');
    await sel.selectOption('QJ0102');
    const form = page.getByTestId('meeting-form');
    await form.waitFor();
    assert.equal(await form.getAttribute('data-org'), 'QJ0102');
    await form.locator('[data-field=host_id] select:not([disabled])').waitFor();
    assert.deepEqual((await form.getByLabel('主持人').locator('option').allTextContents()).slice(1), members.QJ0102.map((m) => m.name));
    assert.match(page.url(), /branch=QJ0102/);
    await settled(page);
    await assertFits(page, 'town meetings');
    await shot(page, 'meetings-town');
    await form.getByLabel('会议名称').fill(`${size}：南岗村支委会`);
    await form.getByLabel('会议类别').selectOption({ label: '支委会' });
    await form.getByLabel('召开日期').fill('2026-06-22');
    await form.getByRole('button', { name: '保存并登记出席' }).click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const m = ok(await admin.get(`/api/v1/meetings/${/\/meetings\/(\d+)$/.exec(page.url())[1]}`), 200);
    assert.deepEqual([m.org_code, m.kind, m.status], ['QJ0102', 'committee', 'held']);
  }, { viewport, what: `town meetings ${size}`, login: 'east', password: password('east') }));

  test(`at ${size} size the organization page and 三会一课 show the same 应开, 已开, 缺开, 补开, and they add up`, () => withPage(async ({ page }) => {
    for (const code of ['QJ01', 'QJ']) {
      const s = ok(await admin.get(`/api/v1/orgs/${code}/obligations?year=2026&limit=1`), 200).summary;
      assert.ok(s.held > 0 && s.late > 0 && s.missing > 0, JSON.stringify(s));
      assert.equal(s.due, s.held + s.missing + s.late, 'one meeting a period by the default rules');
      await page.goto(`${srv.base}/orgs/${code}`);
      const tile = page.getByTestId('card-meetings');
      await tile.waitFor();
      await settled(page);
      assert.equal(await tile.locator('.label').textContent(), '应开 / 已开');
      const [due, held] = (await tile.locator('.value').textContent()).split(' / ').map(Number);
      const note = await tile.locator('.note').textContent();
      const [missing, late] = [/缺开 (\d+)/, /补开 (\d+)/].map((re) => Number(re.exec(note)[1]));

      await page.goto(`${srv.base}/obligations?org=${code}&year=2026`);
      await page.getByTestId('o-due').waitFor();
      await settled(page);
      const val = async (t) => Number(await page.getByTestId(t).locator('.value').textContent());
      const screen = { due: await val('o-due'), held: await val('o-held'), missing: await val('o-missing'), late: await val('o-late') };
      assert.deepEqual({ due, held, missing, late }, screen, `${code}: the tile and the 三会一课 screen`);
      assert.deepEqual(screen, { due: s.due, held: s.held, missing: s.missing, late: s.late }, `${code}: the screen and the API`);
      assert.equal(await page.getByTestId('o-balance').textContent(),
        `应开 ${due} 次 = 已开 ${held} 次 + 缺开 ${missing} 次 + 补开 ${late} 次`);
    }
  }, { viewport, what: `figures ${size}`, login: 'admin', password: password('admin') }));
}
