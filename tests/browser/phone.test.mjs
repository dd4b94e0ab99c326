// phone.test.mjs: the frame on a phone (360x740) and a desktop (1366x900),
// and names instead of codes (issue 11, items 7 and 2). A town committee with
// codes as the province issues them (341125-XZ01, 341125-XZ01-C14, ...) and
// branches whose names all begin 定远县富桥镇 is added to the fixture county.
// On a phone the menu is a bar at the bottom (at most 64 px high) with 更多
// opening the rest; the organization page's heading and first figure are on
// the first screen; the header's who line is never cut. On every screen
// visited exactly one menu entry is active. The dues tables and 上级组织 show
// names (the code only in a small second line); the chart of the
// sub-organizations drops the prefix they share. Screenshots: menu-phone,
// menu-more-phone, dues-desktop, dues-phone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password } from '../api/lib.mjs';
import { launch, settled, shot, assertFits, PHONE, DESKTOP, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());
const admin = await srv.as('admin');
const M = await admin.fixtureIds();
const ok = (r, status = 201) => { assert.equal(r.status, status, r.text); return r.json; };

const TOWN = { code: '341125-XZ01', name: '定远县富桥镇党委' };
const BRANCHES = [
  { code: '341125-XZ01-C14', name: '定远县富桥镇桥东村党支部' },
  { code: '341125-XZ01-C15', name: '定远县富桥镇桥西村党支部' },
  { code: '341125-XZ01-C16', name: '定远县富桥镇大桥社区党支部' },
];
ok(await admin.post('/api/v1/orgs', { ...TOWN, parent_code: 'QJ', kind: '党委', domain: '农村' }));
for (const b of BRANCHES) ok(await admin.post('/api/v1/orgs', { ...b, parent_code: TOWN.code, kind: '党支部', domain: '农村' }));
// Two members move into the new branches and owe dues there.
for (const [i, b] of [[2, BRANCHES[0]], [3, BRANCHES[1]]]) {
  ok(await admin.patch(`/api/v1/members/${M(i)}`, { org_code: b.code }), 200);
  for (const year of [2025, 2026]) ok(await admin.post(`/api/v1/members/${M(i)}/dues/base`, { year, category: 'salaried', income: 4000 }), 200);
}
ok(await admin.patch(`/api/v1/members/${M(4)}`, { org_code: BRANCHES[0].code }), 200);

const RAW_CODE = /\b\d{6}(-[A-Z0-9]+)+\b/;
const withPage = (fn, { login = 'admin', ...opts } = {}) => withPageIn(chrome, srv, fn, { login, password: password(login), ...opts });

/** The text of el as a reader sees it first: without its small or muted second lines. */
const mainText = (loc) => loc.evaluateAll((els) => els.map((el) => {
  const c = el.cloneNode(true);
  for (const x of c.querySelectorAll('.small, .muted')) x.remove();
  return c.textContent.trim();
}));

/** The menu entries marked active (by class and by aria-current): their labels. */
const active = (page) => page.evaluate(() => ({
  cls: [...document.querySelectorAll('#menu a.active')].map((a) => a.textContent),
  cur: [...document.querySelectorAll('#menu [aria-current=page]')].map((a) => a.textContent),
}));

/** Waits until the screen is drawn (its title set after the frame). */
const drawn = (page) => page.waitForFunction(() => document.title.endsWith(' · 强基') && !document.querySelector('#view[aria-busy]'));

// Each screen and the one entry that must be active on it.
const SCREENS = [
  ['/orgs/QJ', '本级组织'], ['/orgs/QJ0101', '本级组织'], ['/orgs/QJ0101/meetings', '组织生活'], ['/orgs/QJ/meetings', '组织生活'],
  ['/orgs/QJ0101/members', '本级组织'], ['/members', '党员'], [`/members/${M(0)}`, '党员'], ['/tree', '组织架构'],
  ['/obligations', '三会一课'], ['/development', '发展党员'], ['/transfers', '组织关系转接'], ['/dues', '党费'],
  ['/import', '导入'], ['/export', '导出'], ['/audit', '审计日志'], ['/orgs/QJ01/edit', '本级组织'],
];

test('stripCommonPrefix drops the prefix all labels share, keeping a few characters of each', async () => {
  const { stripCommonPrefix } = await import('../../ui/js/charts.js');   // the UI's own module, in node
  assert.deepEqual(stripCommonPrefix(BRANCHES.map((b) => b.name)), ['桥东村党支部', '桥西村党支部', '大桥社区党支部']);
  assert.deepEqual(stripCommonPrefix(['东湖镇党委', '西山镇党委']), ['东湖镇党委', '西山镇党委'], 'nothing shared');
  assert.deepEqual(stripCommonPrefix(['富桥镇一支部', '富桥镇一支部二']), ['一支部', '一支部二'], 'keeps 3 characters of the shortest');
  assert.deepEqual(stripCommonPrefix(['富桥镇党委']), ['富桥镇党委'], 'one label stays whole');
  assert.deepEqual(stripCommonPrefix(['𠀀𠀁甲甲甲', '𠀀𠀁乙乙乙乙']), ['甲甲甲', '乙乙乙乙'], 'by characters, not UTF-16 units');
});

for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`${size}: exactly one active menu entry on every screen`, () => withPage(async ({ page }) => {
    for (const [url, want] of SCREENS) {
      await page.goto(srv.base + url);
      await drawn(page);
      assert.deepEqual(await active(page), { cls: [want], cur: [want] }, url);
    }
  }, { viewport, what: `active ${size}` }));

  test(`${size}: the header's who line names the organization and the role, and is not cut`, () => withPage(async ({ page }) => {
    for (const login of ['admin', 'east', 'viewer']) {
      if (login !== 'admin') {
        await page.getByRole('button', { name: '退出' }).click();
        await page.waitForURL(/\/login/);
        await page.getByLabel('账号').fill(login);
        await page.getByLabel('密码').fill(password(login));
        await page.getByRole('button', { name: '登录' }).click();
        await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      }
      const who = page.locator('#who');
      const org = { admin: '强基县委', east: '东湖镇党委', viewer: '强基县委' }[login];
      // The line of the user just signed in (the previous one's stays until the frame is drawn again).
      await page.waitForFunction(([o, l]) => document.getElementById('who').textContent.includes(o)
        && document.getElementById('who').title.endsWith(` · ${l}`), [org, login]);
      const m = await who.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight,
        parts: [...el.children].filter((c) => c.offsetParent !== null && c.getClientRects().length).map((c) => c.textContent) }));
      assert.ok(m.sw <= m.cw && m.sh <= m.ch + 1, `${login}: who line cut: ${JSON.stringify(m)}`);
      assert.equal(m.parts[0], org, login);
      if (size === 'phone') assert.deepEqual(m.parts.length, 2, `${login}: name and role, no login`);
      else assert.equal(m.parts[2], login);
      await assertFits(page, `header ${login}`);
    }
  }, { viewport, what: `who ${size}` }));
}

test('phone: the menu is a bar at the bottom, 更多 opens the rest; the organization page starts with its content', () => withPage(async ({ page }) => {
  await page.goto(srv.base + '/orgs/QJ');
  await settled(page);
  const menu = page.locator('#menu');
  const box = await menu.boundingBox();
  assert.ok(box.height <= 64, `the menu is ${box.height} px high`);
  assert.equal(Math.round(box.y + box.height), PHONE.height, 'at the bottom of the screen');
  const bar = await menu.getByRole('link').evaluateAll((l) => l.map((a) => a.textContent));
  assert.deepEqual(bar, ['本级组织', '党员', '组织生活', '发展党员']);
  // The heading and the first figures are on the first screen, above the bar.
  for (const sel of ['#view h1', '[data-testid=card-members]']) {
    const b = await page.locator(sel).boundingBox();
    assert.ok(b.y + b.height <= box.y, `${sel} ends at ${b.y + b.height}, the menu starts at ${box.y}`);
  }
  const actions = await page.getByTestId('org-actions').boundingBox();
  assert.ok(actions.height <= 48, `the actions take ${actions.height} px`);
  await assertFits(page, 'org phone');
  await shot(page, 'menu', { fullPage: false });

  const more = menu.getByRole('button', { name: '更多' });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await more.click();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await menu.getByRole('link').evaluateAll((l) => l.map((a) => a.textContent)),
    ['组织架构', '本级组织', '党员', '组织生活', '三会一课', '发展党员', '组织关系转接', '党费', '导入', '导出', '审计日志']);
  await assertFits(page, 'sheet');
  await shot(page, 'menu-more', { fullPage: false });
  await menu.getByRole('link', { name: '党费' }).click();
  await page.getByTestId('dues-page').waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'false', 'the sheet closes on the way');
  assert.ok(await more.evaluate((b) => b.classList.contains('holds-active')), '更多 shows that the active entry is under it');
  await more.click();
  await page.keyboard.press('Escape');
  assert.equal(await more.getAttribute('aria-expanded'), 'false', 'Escape closes it');
}, { viewport: PHONE, what: 'menu phone' }));

test('phone: a member\'s bar holds their one entry and no 更多', () => withPage(async ({ page }) => {
  await page.locator('h1').waitFor();
  const menu = page.locator('#menu');
  assert.deepEqual(await menu.getByRole('link').allTextContents(), ['我的信息']);
  assert.equal(await menu.getByRole('button').count(), 0);
  assert.ok((await menu.boundingBox()).height <= 64);
}, { viewport: PHONE, login: 'zsf', what: 'member bar' }));

test('desktop: the menu is one row at the top, with no 更多', () => withPage(async ({ page }) => {
  await page.goto(srv.base + '/orgs/QJ');
  await settled(page);
  const box = await page.locator('#menu').boundingBox();
  const top = await page.locator('#top').boundingBox();
  assert.ok(Math.abs(box.y - (top.y + top.height)) < 1 && box.height <= 50, JSON.stringify(box));
  assert.equal(await page.locator('#menu').getByRole('button', { name: '更多' }).count(), 0);
  assert.equal(await page.locator('#menu').getByRole('link').count(), 11);
}, { viewport: DESKTOP, what: 'menu desktop' }));

for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`${size}: the dues tables and 上级组织 show names; the code is a small second line`, () => withPage(async ({ page }) => {
    await page.goto(`${srv.base}/dues?org=${TOWN.code}`);
    await page.getByTestId('arrears').waitFor();
    await settled(page);
    const cells = page.locator('[data-testid=arrears] td[data-label="组织"]');
    const texts = await mainText(cells);
    assert.deepEqual(texts.sort(), [BRANCHES[0].name, BRANCHES[1].name]);
    for (const t of texts) assert.doesNotMatch(t, RAW_CODE);
    assert.match(await cells.first().locator('.small').textContent(), RAW_CODE, 'the code stays as a second line');
    await assertFits(page, `dues ${size}`);
    await shot(page, 'dues');

    await page.goto(`${srv.base}/orgs/${BRANCHES[0].code}`);
    const parent = page.locator('dd[data-field=parent_code]');
    await parent.waitFor();
    assert.deepEqual(await mainText(parent), [TOWN.name]);
    assert.equal(await parent.locator('.small').textContent(), TOWN.code);
  }, { viewport, what: `names ${size}` }));
}

test('上级组织 beyond the user\'s own organization says so instead of a bare code', () => withPage(async ({ page }) => {
  await page.goto(`${srv.base}/orgs/QJ01`);
  const parent = page.locator('dd[data-field=parent_code]');
  await parent.waitFor();
  assert.deepEqual(await mainText(parent), ['管理范围以外的组织']);
}, { login: 'east', what: 'parent out of reach' }));

test('the chart of sub-organizations drops the prefix their names share', () => withPage(async ({ page }) => {
  await page.goto(`${srv.base}/orgs/${TOWN.code}`);
  await page.getByTestId('chart-children').waitFor();
  await settled(page);
  const names = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid=chart-children] .chart');
    const mod = await import(document.querySelector('script[type=module]').src.replace(/js\/main\.js$/, 'vendor/echarts.esm.min.mjs'));
    const o = mod.getInstanceByDom(el).getOption();
    return o.xAxis[0].data || o.yAxis[0].data;
  });
  assert.equal(names.length, 3);
  assert.equal(new Set(names).size, 3);
  for (const n of names) assert.ok(!n.startsWith('定远县富桥镇'), n);
  assert.deepEqual([...names].sort(), ['大桥社区党支部', '桥东村党支部', '桥西村党支部'].sort());
}, { viewport: PHONE, what: 'chart labels' }));
