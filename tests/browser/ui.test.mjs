// ui.test.mjs: the browser UI in a real browser (Debian's chromium, headless,
// through playwright-core) against the real server on the fixture county:
// every role signs in through the form; the tree is walked and searched; a
// member is found by pinyin initials; a field is edited (first with a value
// the server refuses, whose message must appear beside the field) and the
// change shows in the member's history and the audit log; a file with bad
// rows is checked and every bad row listed, then its good rows imported; the
// member's own view edits phone and 流入地; the 大字 switch; the statistics
// section of a later module drops in. Each test fails on console errors,
// script errors or any request leaving the server. Screenshots of every main
// screen at 360x740 and 1366x900 go to build/screenshots/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, password, fixture, makeId, MEMBERS, BAD_ROWS } from '../api/lib.mjs';
import { launch, openPage, signIn, settled, shot, assertFits, assertClean, PHONE, DESKTOP, SHOTS, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');

// Six more members in 高新区企业联合党支部 (QJ0202): 26 in the county, so the list has two pages.
for (let i = 0; i < 6; i++) {
  const r = await admin.post('/api/v1/members', {
    name: `测试党员${'甲乙丙丁戊己'[i]}`, id_number: makeId('341122', `1990-0${i + 1}-15`, i % 2 ? '女' : '男', 200 + i),
    category: '正式党员', joined_on: '2015-07-01', full_on: '2016-07-01', org_code: 'QJ0202', education: '大学本科',
  });
  assert.equal(r.status, 201, r.text);
}
const ZSF = (await admin.get('/api/v1/orgs/QJ/members?q=zsf')).json.items[0];
assert.equal(ZSF.name, '张三丰');

/** Opens a page, runs fn(p), then checks it stayed clean and closes it. */
const withPage = (fn, opts) => withPageIn(chrome, srv, fn, opts);

const view = (page) => page.locator('#view');
const menuLabels = (page) => page.locator('#menu a').allTextContents();

test('a wrong password is refused on the form, in Chinese', () => withPage(async ({ page }) => {
  await page.goto(srv.base + '/');
  await page.waitForURL(/\/login$/);
  await page.getByLabel('账号').fill('admin');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('alert').filter({ hasText: '账号或密码错误' }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/login/);
}));

test('admin: the county page has its cards, sub-organizations and charts; breadcrumbs lead back up', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  assert.equal(new URL(page.url()).pathname, '/orgs/QJ');
  assert.deepEqual(await menuLabels(page), ['组织架构', '本级组织', '党员', '组织生活', '三会一课', '发展党员', '组织关系转接', '党费', '导入', '导出', '审计日志']);
  const county = (await admin.get('/api/v1/orgs/QJ')).json;
  await settled(page);
  assert.equal(await page.locator('[data-testid=card-members] .value').textContent(), String(county.member_count));
  assert.equal(await page.locator('[data-testid=card-children] .value').textContent(), String(county.children_count));
  for (const c of ['chart-children', 'chart-kinds', 'chart-domains']) {
    assert.equal(await page.locator(`[data-testid=${c}] canvas`).count(), 1, c);
  }
  // The statistics module answers: its section is shown.
  assert.equal((await admin.get('/api/v1/orgs/QJ/stats')).status, 200);
  assert.equal(await page.locator('[data-testid=stats]').count(), 1);

  await page.locator('[data-testid=children]').getByRole('link', { name: '东湖镇党委' }).click();
  await page.waitForURL(/\/orgs\/QJ01$/);
  await page.locator('[data-testid=children]').getByRole('link', { name: '东湖村党支部' }).click();
  await page.waitForURL(/\/orgs\/QJ0101$/);
  await settled(page);
  const crumbs = await page.locator('.crumbs li').allTextContents();
  assert.deepEqual(crumbs, ['强基县委', '东湖镇党委', '东湖村党支部']);
  // A branch: charts of its own members.
  for (const c of ['chart-gender', 'chart-age', 'chart-education', 'chart-category']) {
    assert.equal(await page.locator(`[data-testid=${c}] canvas`).count(), 1, c);
  }
  await page.locator('.crumbs').getByRole('link', { name: '东湖镇党委' }).click();
  await page.waitForURL(/\/orgs\/QJ01$/);
  await page.goBack();
  await page.waitForURL(/\/orgs\/QJ0101$/);
  await page.locator('h1').filter({ hasText: '东湖村党支部' }).waitFor();
}));

test('the tree opens level by level and its search finds an organization anywhere below', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.getByRole('link', { name: '组织架构' }).click();
  const tree = page.locator('[data-testid=org-tree]');
  await tree.getByRole('link', { name: '东湖镇党委' }).waitFor();
  assert.equal(await tree.getByRole('link', { name: '东湖村党支部' }).count(), 0);
  await tree.getByRole('button', { name: '展开 东湖镇党委' }).click();
  await tree.getByRole('link', { name: '东湖村党支部' }).waitFor();
  await tree.getByRole('button', { name: '展开 东湖镇党委' }).click();   // and closes again
  await tree.getByRole('link', { name: '东湖村党支部' }).waitFor({ state: 'hidden' });

  await page.getByLabel('搜索组织').fill('南岗');
  const hit = page.locator('[data-testid=org-search-results] li');
  await hit.first().waitFor();
  assert.equal(await hit.count(), 1);
  assert.match(await hit.textContent(), /南岗村党支部.*强基县委 › 东湖镇党委/);
  await hit.getByRole('link', { name: '南岗村党支部' }).click();
  await page.waitForURL(/\/orgs\/QJ0102$/);
  await page.getByLabel('搜索组织').waitFor({ state: 'detached' });
}));

test('members: found by pinyin initials, full pinyin, a piece of the name; filtered; paged', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.getByRole('link', { name: '党员', exact: true }).click();
  await page.waitForURL(/\/members$/);
  const names = () => page.locator('[data-testid=member-table] td.head').allTextContents();
  const search = async (q) => {
    await page.getByLabel('搜索党员').fill(q);
    await page.waitForURL((u) => (u.searchParams.get('q') || '') === q);
    await page.waitForFunction(() => !document.querySelector('[data-testid=member-results][aria-busy]'));
  };
  await search('zsf');
  assert.deepEqual(await names(), ['张三丰']);
  await search('zhangsanfeng');
  assert.deepEqual(await names(), ['张三丰']);
  await search('秀');
  const xiu = await names();
  assert.ok(xiu.includes('李秀英') && xiu.includes('郭秀兰'), xiu.join(','));
  await search('qqqqq');
  await page.getByText('没有找到匹配的党员').waitFor();

  await search('');
  await page.locator('.pager').getByText('第 1 / 2 页，共 26 条').waitFor();
  assert.equal((await names()).length, 20);
  await page.getByRole('button', { name: '下一页' }).click();
  await page.locator('.pager').getByText('第 2 / 2 页，共 26 条').waitFor();
  assert.equal((await names()).length, 6);
  assert.equal(new URL(page.url()).searchParams.get('page'), '2');
  await page.getByLabel('党籍状态').selectOption('left');
  await page.getByText('没有党员').waitFor();

  await search('zsf');
  await page.getByLabel('党籍状态').selectOption('active');
  await page.locator('[data-testid=member-table]').getByRole('link', { name: '张三丰' }).click();
  await page.waitForURL(new RegExp(`/members/${ZSF.id}$`));
  await page.locator('h1').filter({ hasText: '张三丰' }).waitFor();
}));

test('edit a member: the server\'s message beside the field, then the change and its audit entry', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.goto(`${srv.base}/members/${ZSF.id}`);
  await page.getByRole('link', { name: '编辑' }).click();
  await page.waitForURL(new RegExp(`/members/${ZSF.id}/edit$`));
  const form = page.locator('[data-testid=member-form]');

  // 入党日期 in the future: refused; the message is the API's own, under that field.
  const api = await admin.patch(`/api/v1/members/${ZSF.id}`, { joined_on: '2027-01-01' });
  assert.equal(api.status, 400);
  assert.equal(api.json.error.field, 'joined_on');
  await form.getByLabel('入党日期').fill('2027-01-01');
  await form.getByRole('button', { name: '保存修改' }).click();
  const err = form.locator('[data-field=joined_on] .err');
  await err.waitFor();
  assert.equal(await err.textContent(), api.json.error.message);
  assert.equal(await form.getByLabel('入党日期').getAttribute('aria-invalid'), 'true');
  await shot(page, 'member-form-error');

  // A wrong check digit in the ID number: the message appears under that field.
  const good = MEMBERS[0].id_number;
  const badId = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const apiId = await admin.patch(`/api/v1/members/${ZSF.id}`, { id_number: badId });
  assert.equal(apiId.json.error.field, 'id_number');
  await form.getByLabel('入党日期').fill('1985-07-01');
  await form.getByLabel('公民身份号码').fill(badId);
  await form.getByRole('button', { name: '保存修改' }).click();
  await form.locator('[data-field=id_number] .err').filter({ hasText: apiId.json.error.message }).waitFor();
  assert.equal(await err.isHidden(), true, 'the old message is cleared');

  // Put the number back as it was (masked, so not sent) and change 工作岗位.
  await form.getByLabel('公民身份号码').fill(ZSF.id_number);
  await form.getByLabel('工作岗位').fill('护林员');
  await form.getByRole('button', { name: '保存修改' }).click();
  await page.waitForURL(new RegExp(`/members/${ZSF.id}$`));
  assert.equal(await page.locator('dd[data-field=occupation]').textContent(), '护林员');
  const after = (await admin.get(`/api/v1/members/${ZSF.id}?reveal=1`)).json;
  assert.equal(after.occupation, '护林员');
  assert.equal(after.joined_on, '1985-07-01');
  assert.equal(after.id_number, MEMBERS[0].id_number, 'the ID number is unchanged');

  // Its history, on the member page and in the audit log.
  const hist = page.locator('[data-testid=member-history] tbody tr').first();
  await hist.waitFor();
  assert.match(await hist.textContent(), /admin.*修改.*工作岗位：农民 → 护林员/);
  await page.getByRole('link', { name: '审计日志' }).click();
  const row = page.locator('[data-testid=audit-table] tbody tr').filter({ hasText: '修改党员' }).first();
  await row.waitFor();
  assert.match(await row.textContent(), /admin.*修改党员.*张三丰.*QJ0101.*工作岗位：农民 → 护林员/);
  const last = (await admin.audit()).items.find((e) => e.action === 'update' && e.entity === 'member');
  assert.equal(last.key, String(ZSF.id));
  assert.equal(last.actor, 'admin');
  assert.equal(last.before.occupation, '农民');
  assert.equal(last.after.occupation, '护林员');
}));

test('add a member through the form: a duplicate ID number is refused on its field, then a new one saved', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'east', password('east'));
  await page.goto(`${srv.base}/orgs/QJ0102`);
  await page.locator('.actions').getByRole('link', { name: '新增党员' }).click();
  await page.waitForURL(/\/members\/new\?org=QJ0102$/);
  const form = page.getByTestId('member-form');
  assert.equal(await form.getByLabel('所在党支部').inputValue(), 'QJ0102');
  // The branch field suggests the branches of the subtree.
  await form.getByLabel('所在党支部').focus();
  await page.waitForFunction(() => document.querySelectorAll('datalist option').length > 0);
  const offered = await page.locator('datalist option').evaluateAll((l) => l.map((o) => o.value));
  assert.deepEqual(offered.sort(), ['QJ0101', 'QJ0102', 'QJ010301']);
  await form.getByLabel('姓名').fill('钱学文');
  await form.getByLabel('公民身份号码').fill(MEMBERS[1].id_number);   // 李秀英's
  await form.getByLabel('人员类别').selectOption('正式党员');
  await form.getByLabel('入党日期').fill('2010-07-01');
  await form.getByLabel('转正日期').fill('2011-07-01');
  await form.getByRole('button', { name: '保存' }).click();
  const err = form.locator('[data-field=id_number] .err');
  await err.waitFor();
  assert.match(await err.textContent(), /另一名党员|已登记|重复/);
  const id = makeId('341122', '1991-03-15', '男', 77);
  await form.getByLabel('公民身份号码').fill(id);
  await form.getByRole('button', { name: '保存' }).click();
  await page.waitForURL(/\/members\/\d+$/);
  await page.locator('h1').filter({ hasText: '钱学文' }).waitFor();
  // Sex and birth date were filled in from the number.
  assert.equal(await page.locator('dd[data-field=gender]').textContent(), '男');
  assert.equal(await page.locator('dd[data-field=birth_date]').textContent(), '1991-03-15');
  const found = (await admin.get('/api/v1/orgs/QJ0102/members?q=qxw')).json.items;
  assert.deepEqual(found.map((m) => m.name), ['钱学文']);
  await admin.del(`/api/v1/members/${found[0].id}`);   // the tests after this count the county as before
}));

test('import: the check lists every bad row with row, column, value and reason; then the good rows go in', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.getByRole('link', { name: '导入' }).click();
  await page.getByLabel('文件类型').selectOption('members');
  await page.getByLabel(/选择文件/).setInputFiles(fixture('members-bad.csv'));
  const before = await admin.total('QJ');
  await page.getByRole('button', { name: '检查文件' }).click();
  const rows = page.locator('[data-testid=import-errors] tbody tr');
  await rows.first().waitFor();
  const api = await admin.upload('/api/v1/import/members?dry_run=1', fs.readFileSync(fixture('members-bad.csv')));
  assert.equal(api.status, 422);
  const want = api.json.error.rows;
  assert.equal(await rows.count(), want.length);
  for (let i = 0; i < want.length; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    assert.deepEqual(cells, [`第 ${want[i].row} 行`, want[i].column || '—', want[i].value === '' ? '（空）' : want[i].value, want[i].reason]);
  }
  // Every broken row of the fixture is there, with the column it breaks.
  for (const b of BAD_ROWS) assert.ok(want.some((e) => e.row === b.row && e.column === b.column), `row ${b.row} ${b.column}`);
  assert.equal(await admin.total('QJ'), before, 'the check wrote nothing');
  await shot(page, 'import-errors');

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '只导入正确的行' }).click();
  const done = page.locator('[data-testid=import-done]');
  await done.waitFor();
  assert.match(await done.textContent(), /新增 2/);
  assert.equal(await admin.total('QJ'), before + 2);
}));

test('import: the screen shows the columns of each file, from the server, and offers a template that downloads', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.getByRole('link', { name: '导入' }).click();
  await page.getByLabel('文件类型').selectOption('members');
  const card = page.getByTestId('import-format');
  await card.locator('summary').click();
  const heads = await card.locator('[data-testid=import-columns] tbody tr th, [data-testid=import-columns] tbody tr td:first-child').allTextContents();
  for (const col of ['姓名', '公民身份号码', '所在党组织编码', '流入地']) assert.ok(heads.some((t) => t.trim() === col), `${col} in ${heads}`);
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('template-csv').click()]);
  const text = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  assert.match(text.split(/\r?\n/)[0], /^姓名,公民身份号码,/);
  await page.getByLabel('文件类型').selectOption('orgs');
  await page.getByTestId('import-format').locator('summary').click();
  assert.match(await page.getByTestId('import-format').textContent(), /组织编码/);
  await shot(page, 'import-format');
}));

test('export: the links download the subtree as CSV and xlsx', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.goto(`${srv.base}/orgs/QJ01`);
  await page.locator('.actions').getByRole('link', { name: '导出' }).click();
  await page.waitForURL(/\/export\?org=QJ01$/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-members-csv').click()]);
  assert.match(csv.suggestedFilename(), /\.csv$/);
  const text = fs.readFileSync(await csv.path(), 'utf8');
  assert.match(text, /^\uFEFF姓名,公民身份号码/);
  assert.equal(text.trim().split('\r\n').length - 1, await admin.total('QJ01'));
  assert.ok(!text.includes(MEMBERS[0].id_number), 'masked unless asked');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-orgs-xlsx').click()]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  assert.equal(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK');
}));

test('org_admin: starts at their organization, sees nothing outside it', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'east', password('east'));
  assert.equal(new URL(page.url()).pathname, '/orgs/QJ01');
  assert.ok((await menuLabels(page)).includes('导入'));
  await page.getByRole('link', { name: '组织架构' }).click();
  const tree = page.locator('[data-testid=org-tree] > ul > li > .node');
  await tree.waitFor();
  assert.match(await tree.textContent(), /东湖镇党委/);
  await page.goto(`${srv.base}/orgs/QJ02`);
  await view(page).getByText('没有找到，或不在您的管理范围内。').waitFor();
  await page.goto(`${srv.base}/members?q=hdm`);   // 胡德明 is in 西山镇
  await page.getByText('没有找到匹配的党员').waitFor();
}));

test('viewer: reads, but no edit, import or delete', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'viewer', password('viewer'));
  assert.deepEqual(await menuLabels(page), ['组织架构', '本级组织', '党员', '组织生活', '三会一课', '发展党员', '组织关系转接', '党费', '导出', '审计日志']);
  await page.goto(`${srv.base}/members/${ZSF.id}`);
  await page.locator('h1').filter({ hasText: '张三丰' }).waitFor();
  assert.equal(await page.getByRole('link', { name: '编辑' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '删除' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: '新建下级组织' }).count(), 0);
  await page.goto(`${srv.base}/import`);
  await page.waitForURL(/\/orgs\/QJ$/);
  await page.goto(`${srv.base}/members/${ZSF.id}/edit`);
  await page.waitForURL(/\/orgs\/QJ$/);
}));

test('a member sees their own record and changes only phone and 流入地', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'zsf', password('zsf'));
  assert.equal(new URL(page.url()).pathname, '/me');
  assert.deepEqual(await menuLabels(page), ['我的信息']);
  await page.locator('h1').filter({ hasText: '您好，张三丰' }).waitFor();
  assert.equal(await page.locator('dd[data-field=id_number]').textContent(), MEMBERS[0].id_number, 'own number unmasked');
  const form = page.getByTestId('me-form');
  assert.deepEqual(await form.locator('input').evaluateAll((l) => l.map((i) => i.name)), ['phone', 'mobile_location']);

  const zsf = await srv.as('zsf');
  const api = await zsf.patch(`/api/v1/members/${ZSF.id}`, { phone: '12' });
  assert.equal(api.status, 400);
  await form.getByLabel('联系电话').fill('12');
  await form.getByRole('button', { name: '保存' }).click();
  await form.locator('[data-field=phone] .err').filter({ hasText: api.json.error.message }).waitFor();

  await form.getByLabel('联系电话').fill('13900001111');
  await form.getByLabel('流入地').fill('江苏省苏州市');
  await form.getByRole('button', { name: '保存' }).click();
  await page.locator('#toast').filter({ hasText: '已保存' }).waitFor();
  await page.reload();
  await page.locator('dd[data-field=phone]').filter({ hasText: '13900001111' }).waitFor();
  assert.equal(await page.locator('dd[data-field=mobile_location]').textContent(), '江苏省苏州市');
  const rec = (await admin.get(`/api/v1/members/${ZSF.id}?reveal=1`)).json;
  assert.equal(rec.phone, '13900001111');
  assert.equal(rec.mobile_location, '江苏省苏州市');
  const last = (await admin.audit('&org=QJ0101')).items.find((e) => e.action === 'update' && e.key === String(ZSF.id));
  assert.equal(last.actor, 'zsf');

  await page.goto(`${srv.base}/orgs/QJ`);   // staff screens send a member home
  await page.waitForURL(/\/me$/);
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login$/);
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/session')).status), 401, 'signed out');
}));

test('大字: larger type everywhere, kept after a reload', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'zsf', password('zsf'));
  const size = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  assert.equal(await size(), '16px');
  await page.getByRole('button', { name: '大字' }).click();
  assert.equal(await size(), '20px');
  await page.reload();
  await page.locator('h1').waitFor();
  assert.equal(await size(), '20px');
  assert.equal(await page.getByRole('button', { name: '大字' }).getAttribute('aria-pressed'), 'true');
  await page.setViewportSize(PHONE);
  await assertFits(page, 'me in large type');
  await shot(page, 'me-large');
}, { viewport: DESKTOP }));

test('the statistics section shows the real answer of GET /orgs/{code}/stats: totals, age bands, education, sex', () => withPage(async ({ page }) => {
  const st = (await admin.get('/api/v1/orgs/QJ/stats')).json;
  await signIn(page, srv, 'admin', password('admin'));
  const stats = page.getByTestId('stats');
  await stats.waitFor();
  await settled(page);
  const titles = await stats.locator('.chart-card h3').allTextContents();
  for (const t of ['党员年龄段', '党员学历', '党员性别', '人员类别', '党龄', '组织类别']) assert.ok(titles.includes(t), `${t} in ${titles}`);
  for (const id of ['stats-age', 'stats-education', 'stats-sex']) assert.equal(await stats.getByTestId(id).locator('canvas').count(), 1, id);
  const cards = await stats.locator('.stats').textContent();
  assert.match(cards, new RegExp(`党员总数${st.members.total}`));
  assert.match(cards, new RegExp(`女党员${st.members.by_sex['女']}`));
  assert.match(cards, new RegExp(`组织总数${st.orgs.total}`));
  // The age chart carries every band of the answer in its order, with the answer's figures.
  const chart = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=stats-age] .chart');
    const mod = await import(document.querySelector('script[type=module]').src.replace(/js\/main\.js$/, 'vendor/echarts.esm.min.mjs'));
    const o = mod.getInstanceByDom(el).getOption();
    return { names: (o.xAxis[0].data || o.yAxis[0].data), values: o.series[0].data };
  });
  assert.deepEqual(chart.names, Object.keys(st.members.by_age));
  assert.deepEqual(chart.values, Object.values(st.members.by_age));
  assert.equal(await stats.getByTestId('stats-note').count(), st.secretaries.available ? 0 : 1);
  await shot(page, 'org-with-stats');
}));

// The audit log in words (issue 11): attendance recorded twice through the
// API shows per member what changed (张三丰：缺席 → 出席); actions and objects
// are Chinese (no attendancemeeting, no [object Object]); the organization by
// name with its code under it; a filter by action narrows the rows.
let auditMeeting = null;
async function auditAttendance() {
  if (auditMeeting) return;
  const east = await srv.as('east');
  const m = await east.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: '审计日志党课', held_on: '2026-06-01' });
  assert.equal(m.status, 201, m.text);
  for (const state of ['absent', 'present']) {
    const r = await east.req('PUT', `/api/v1/meetings/${m.json.id}/attendance`, { json: { items: [{ member_id: ZSF.id, state }] } });
    assert.equal(r.status, 200, r.text);
  }
  auditMeeting = m.json;
}
for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`the audit log reads in words at ${size} size: attendance per member, Chinese actions, filter by action`, () => withPage(async ({ page }) => {
    await auditAttendance();
    await signIn(page, srv, 'admin', password('admin'));
    await page.goto(srv.base + '/audit');
    const rows = page.locator('[data-testid=audit-table] tbody tr');
    await rows.first().waitFor();
    await settled(page);
    const all = await page.locator('[data-testid=audit-table]').textContent();
    assert.ok(!all.includes('[object Object]'), 'no [object Object]');
    assert.doesNotMatch(all, /attendancemeeting|demolifecycle|updatemember|createmember/);
    for (const t of await page.locator('[data-testid=audit-table] td[data-label=操作]').allTextContents()) {
      assert.match(t, /^[\u4e00-\u9fff]+$/, `the action in Chinese: ${t}`);
    }
    const att = rows.filter({ hasText: '张三丰：缺席 → 出席' }).first();
    await att.waitFor();
    assert.match(await att.textContent(), /east.*登记出席会议.*审计日志党课.*东湖村党支部QJ0101.*张三丰：缺席 → 出席/);
    // The first recording: from nothing to 缺席.
    await rows.filter({ hasText: '张三丰：未登记 → 缺席' }).first().waitFor();
    await assertFits(page, 'audit');
    await shot(page, 'audit');

    const before = await rows.count();
    await page.getByLabel('操作', { exact: true }).selectOption({ label: '登记出席' });
    await page.waitForURL(/[?&]action=attendance/);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=audit-table] tbody tr').length < n, before);
    const acts = await page.locator('[data-testid=audit-table] td[data-label=操作]').allTextContents();
    assert.ok(acts.length >= 2 && acts.every((t) => t === '登记出席会议'), JSON.stringify(acts));
    assert.match(await page.getByTestId('audit-total').textContent(), /共 \d+ 条/);
    await assertFits(page, 'audit filtered');
  }, { viewport, what: `audit ${size}` }));
}

// Every main screen, at phone and desktop size: drawn without errors, no
// sideways scrolling, and a screenshot to look at.
for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`screenshots at ${size} size (${viewport.width}x${viewport.height})`, () => withPage(async ({ page }) => {
    await page.goto(srv.base + '/login');
    await shot(page, 'login');
    await signIn(page, srv, 'admin', password('admin'));
    const screens = [
      ['org', '/orgs/QJ'], ['branch', '/orgs/QJ0101'], ['tree', '/tree'], ['members', '/members'],
      ['member', `/members/${ZSF.id}`], ['member-form', `/members/${ZSF.id}/edit`], ['member-new', '/members/new?org=QJ0101'],
      ['org-form', '/orgs/QJ01/edit'], ['import', '/import'], ['export', '/export'], ['audit', '/audit'],
    ];
    for (const [name, url] of screens) {
      await page.goto(srv.base + url);
      await settled(page);
      await assertFits(page, name);
      await shot(page, name);
    }
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login$/);
    await signIn(page, srv, 'zsf', password('zsf'));
    await assertFits(page, 'me');
    await shot(page, 'me');
    assert.ok(fs.existsSync(`${SHOTS}/org-${size}.png`));
  }, { viewport, what: size }));
}
