// ui-settle.mjs: how long each screen takes to settle in the browser and how
// tall it is, at 360 and 1366 px, on a running server (issue 11: every screen
// under 1 s at county level). Not part of make check; the browser test
// tests/browser/scale.test.mjs measures the same way (tests/browser/settle.mjs)
// on a county demo of its own and asserts the limits.
//
//   build/qiangji demo --db /tmp/demo.db --scale county --seed 1
//   build/qiangji serve --db /tmp/demo.db --listen 127.0.0.1:8099 &
//   node bench/ui-settle.mjs http://127.0.0.1:8099 341125 [login password]
//
// Environment: RUNS=3 measures each screen three times and shows the median;
// TRACE=1 prints each screen's requests in the order they started, with their
// start and duration after the navigation began (where the time goes).
import { chromium } from 'playwright-core';
import { screens, WIDTHS, login, measure, table, waterfall } from '../tests/browser/settle.mjs';

const [base = 'http://127.0.0.1:8099', org = '341125', user = 'admin', password = 'qiangji-admin'] = process.argv.slice(2);
const runs = Number(process.env.RUNS) || 1;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const rows = [];
for (const viewport of WIDTHS) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await login(page, base, user, password);
  for (const [name, path] of screens(org)) {
    const m = await measure(page, base, path, { runs });
    rows.push({ name, width: viewport.width, ...m });
    if (process.env.TRACE) console.log(`${name} ${viewport.width} px, ${m.seconds.toFixed(2)} s:\n${waterfall(m.requests)}`);
  }
  await context.close();
}
await browser.close();
console.log(table(rows));
