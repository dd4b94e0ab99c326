// ui-settle.mjs: how long each screen takes to settle in the browser and how
// tall it is, at 360 and 1366 px, on a running server (issue 11: every screen
// under 1 s at county level). Not part of make check.
//
//   build/qiangji demo --db /tmp/demo.db --scale county --seed 1
//   build/qiangji serve --db /tmp/demo.db --listen 127.0.0.1:8099 &
//   node bench/ui-settle.mjs http://127.0.0.1:8099 341125 [login password]
//
// Settled: no screen loading (aria-busy) and every chart drawn, as the
// browser tests wait for it; the time runs from the navigation's start.
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:8099', org = '341125', login = 'admin', password = 'qiangji-admin'] = process.argv.slice(2);
const enc = encodeURIComponent;
const SCREENS = [
  ['本级组织', `/orgs/${enc(org)}`], ['党员', `/members?org=${enc(org)}`], ['组织生活', `/meetings?org=${enc(org)}`],
  ['三会一课', `/obligations?org=${enc(org)}`], ['发展党员', `/development?org=${enc(org)}`],
  ['组织关系转接', `/transfers?org=${enc(org)}`], ['党费', `/dues?org=${enc(org)}`], ['审计日志', `/audit?org=${enc(org)}`],
];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
console.log(`| screen | width | settle (s) | height (px) |\n| --- | --- | --- | --- |`);
for (const width of [360, 1366]) {
  const context = await browser.newContext({ viewport: { width, height: width < 400 ? 740 : 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(base + '/login');
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  for (const [name, path] of SCREENS) {
    const t0 = Date.now();
    await page.goto(base + path);
    await page.waitForFunction(() => document.querySelector('#view') && !document.querySelector('#view[aria-busy], [aria-busy="true"]')
      && [...document.querySelectorAll('.chart')].every((c) => c.dataset.drawn === '1'));
    const s = (Date.now() - t0) / 1000;
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`| ${name} | ${width} | ${s.toFixed(2)} | ${h} |`);
  }
  await context.close();
}
await browser.close();
