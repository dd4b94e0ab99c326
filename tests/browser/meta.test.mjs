// meta.test.mjs: what the UI takes from the server rather than from copies of
// its own, and the one way a form shows the server's error. A form's select
// options and the names of roster states, meeting kinds and development
// stages are those of GET /api/v1/meta (a value added to the answer appears,
// a label changed in it is shown), asked once per page load however many
// screens follow; an error naming a field goes under that field, one naming
// no field of the form (or a field the form hides just then) goes to the
// form's message box, and the next attempt clears both.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, password } from '../api/lib.mjs';
import { launch, openPage, signIn, assertClean, DESKTOP, withPage as withPageIn } from './lib.mjs';

const srv = await startServer();
const chrome = await launch();
after(() => chrome.close());

const withPage = (fn, opts) => withPageIn(chrome, srv, fn, opts);

/** Answers the next POST to path (once) with a 400 error {code, message, field}. */
async function refuseOnce(page, path, error) {
  let done = false;
  await page.route(`${srv.base}${path}`, (route) => {
    if (done || route.request().method() !== 'POST') return route.fallback();
    done = true;
    return route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error }) });
  });
}

test('selects and state names come from GET /api/v1/meta, asked once per page load', () => withPage(async ({ page }) => {
  let asked = 0;
  await page.route(`${srv.base}/api/v1/meta`, async (route) => {
    asked++;
    const res = await route.fetch();
    const meta = await res.json();
    meta.forms.org.find((f) => f.name === 'domain').options.push('测试领域');
    meta.enums.member_status.find((s) => s.value === 'suspended').label = '停止党籍（服务器）';
    return route.fulfill({ response: res, json: meta });
  });
  await signIn(page, srv, 'admin', password('admin'));
  await page.goto(`${srv.base}/orgs/new?parent=QJ`);
  const domain = page.getByTestId('org-form').getByLabel('所属领域');
  await domain.waitFor();
  const offered = await domain.locator('option').allTextContents();
  assert.equal(offered.at(-1), '测试领域', 'the option added to /meta is offered, last as the server lists it');
  assert.ok(offered.includes('农村'));
  // Through the router (no page load) to the members list: the roster filter uses the server's names.
  await page.getByRole('link', { name: '取消' }).click();
  await page.waitForURL(/\/orgs\/QJ$/);
  await page.getByRole('link', { name: '党员名单' }).click();
  await page.waitForURL(/\/orgs\/QJ\/members/);
  await page.getByLabel('党籍状态').waitFor();
  const states = await page.getByLabel('党籍状态').locator('option').allTextContents();
  assert.deepEqual(states, ['在册', '停止党籍（服务器）', '已出党', '已去世', '开除党籍', '全部']);
  assert.equal(asked, 2, 'one /meta per page load (the sign-in page, then /orgs/new)');
}));

test('meeting kinds and development stages are the server\'s too', () => withPage(async ({ page }) => {
  await page.route(`${srv.base}/api/v1/meta`, async (route) => {
    const res = await route.fetch();
    const meta = await res.json();
    meta.enums.meeting_kind.find((k) => k.value === 'lecture').label = '党课（服务器）';
    meta.enums.dev_stage.find((k) => k.value === 'activist').label = '入党积极分子（服务器）';
    return route.fulfill({ response: res, json: meta });
  });
  await signIn(page, srv, 'east', password('east'));
  await page.goto(`${srv.base}/orgs/QJ0101/meetings`);
  const kind = page.getByTestId('meeting-form').getByLabel('会议类别');
  await kind.waitFor();
  assert.ok((await kind.locator('option').allTextContents()).includes('党课（服务器）'));
  await page.goto(`${srv.base}/development?org=QJ01`);
  await page.locator('[data-stage=activist] h3').filter({ hasText: '入党积极分子（服务器）' }).waitFor();
  assert.equal(await page.locator('[data-testid=pools] [data-stage]').count(), 4, 'four pools: not the full members');
}));

test('a server error goes under the field it names, else to the form\'s message box; sending again clears it', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'admin', password('admin'));
  await page.goto(`${srv.base}/orgs/new?parent=QJ`);
  const form = page.getByTestId('org-form');
  const alert = form.getByTestId('form-error');
  await form.getByLabel('组织编码').fill('QJ01');   // taken: the real server refuses it on its field
  await form.getByLabel('组织名称').fill('测试党支部');
  await form.getByLabel('组织类别').selectOption('党支部');
  await form.getByLabel('所属领域').selectOption('农村');
  await form.getByRole('button', { name: '保存' }).click();
  const codeErr = form.locator('[data-field=code] .err');
  await codeErr.waitFor();
  assert.equal(await form.getByLabel('组织编码').getAttribute('aria-invalid'), 'true');
  assert.equal(await alert.isHidden(), true);

  // A field this form does not have: the message box, and the code's message is gone.
  await refuseOnce(page, '/api/v1/orgs', { code: 'invalid', message: '测试：表单上没有这一项', field: 'no_such_field' });
  await form.getByRole('button', { name: '保存' }).click();
  await alert.filter({ hasText: '测试：表单上没有这一项' }).waitFor();
  assert.equal(await codeErr.isHidden(), true);
  assert.equal(await form.getByLabel('组织编码').getAttribute('aria-invalid'), null);

  // No field at all: the message box too.
  await refuseOnce(page, '/api/v1/orgs', { code: 'invalid', message: '测试：整张表' });
  await form.getByRole('button', { name: '保存' }).click();
  await alert.filter({ hasText: '测试：整张表' }).waitFor();
  assert.equal(await form.locator('.field.invalid').count(), 0);
}));

test('an error naming a field the form hides just then (the check-in window, closed) goes to the message box', () => withPage(async ({ page }) => {
  await signIn(page, srv, 'east', password('east'));
  await page.goto(`${srv.base}/orgs/QJ0101/meetings`);
  const form = page.getByTestId('meeting-form');
  await refuseOnce(page, '/api/v1/orgs/QJ0101/meetings', { code: 'invalid', message: '测试：签到开始时间不对', field: 'checkin_opens_at' });
  await form.getByRole('button', { name: '保存并登记出席' }).click();
  await form.locator('.alert').filter({ hasText: '测试：签到开始时间不对' }).waitFor();
  assert.equal(await form.locator('[data-field=checkin_opens_at] .err').isHidden(), true);
  // Opened, the same error goes under the field.
  await form.getByLabel('开放远程签到').check();
  await refuseOnce(page, '/api/v1/orgs/QJ0101/meetings', { code: 'invalid', message: '测试：签到开始时间不对', field: 'checkin_opens_at' });
  await form.getByRole('button', { name: '保存并登记出席' }).click();
  await form.locator('[data-field=checkin_opens_at] .err').filter({ hasText: '测试：签到开始时间不对' }).waitFor();
  assert.equal(await form.locator('.alert').isHidden(), true);
}));
