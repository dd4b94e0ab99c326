// What a user meets first at import (issue 11, item 8): a template of each
// import to download (CSV and xlsx, the header row of docs/formats.md, that
// imports as an empty file), errors that show the value as the file has it
// to the person who brought the file (to find and fix the cell), and the
// CLI's summary in Chinese like the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { startServer, assertStatus, assertError, cli, fixture, parseCsv, makeId } from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const viewer = await srv.as('viewer');

const MEMBER_HEADERS = ['姓名', '公民身份号码', '性别', '出生日期', '民族', '学历', '人员类别', '入党日期', '转正日期',
  '所在党组织编码', '工作岗位', '联系电话', '是否流动党员', '流入地', '月收入'];

test('templates: the header row of each import, as CSV and xlsx, that imports as an empty file', async () => {
  const m = await viewer.get('/api/v1/import/members/template?format=csv');
  assertStatus(m, 200);
  assert.match(m.headers.get('content-type'), /text\/csv/);
  assert.match(decodeURIComponent(m.headers.get('content-disposition')), /党员信息-模板\.csv/);
  assert.equal(m.buf[0], 0xef, 'UTF-8 with a byte-order mark');
  const rows = parseCsv(m.text.replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0], MEMBER_HEADERS);
  assert.equal(rows.filter((r) => r.some((c) => c)).length, 1, 'the header row alone');
  const o = parseCsv((await admin.get('/api/v1/import/orgs/template')).text.replace(/^\uFEFF/, ''));
  assert.deepEqual(o[0].slice(0, 4), ['组织编码', '组织名称', '上级组织编码', '组织类别']);
  const x = await admin.get('/api/v1/import/members/template?format=xlsx');
  assertStatus(x, 200);
  assert.equal(x.buf.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
  const imp = assertStatus(await admin.req('POST', '/api/v1/import/members', { body: m.buf,
    headers: { 'content-type': 'text/csv' } }), 200);
  assert.equal(imp.inserted, 0);
  assertError(await viewer.get('/api/v1/import/members/template?format=pdf'), 400, 'invalid', 'format');
});

test('an import error shows the ID number as typed to the one who imports; the CLI speaks Chinese', async () => {
  const good = makeId('340104', '1990-01-01', '男', 77);
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  const csv = '\uFEFF' + MEMBER_HEADERS.join(',') + '\r\n' +
    ['错号者', bad, '男', '1990-01-01', '汉族', '大学本科', '正式党员', '2015-01-01', '2016-01-01', 'QJ0101', '', '', '否', '', ''].join(',') + '\r\n';
  const r = await admin.req('POST', '/api/v1/import/members', { body: Buffer.from(csv), headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 422, r.text);
  const e = r.json.error.rows.find((x) => x.column === '公民身份号码');
  assert.equal(e.value, bad, 'the value as the file has it');
  assert.ok(!srv.stderr.includes(bad), 'never in the server log');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qj-tpl-'));
  const f = path.join(dir, 'bad.csv');
  fs.writeFileSync(f, csv);
  const c = cli(['import', 'members', '--db', srv.db, f]);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /共 1 行，其中 1 行有错误；未导入任何数据/);
  assert.ok(!/rows have errors|nothing was imported/.test(c.stderr), c.stderr);
  const ok = cli(['import', 'orgs', '--db', srv.db, fixture('orgs.csv'), '--dry-run']);
  assert.match(ok.stdout, /共 \d+ 行（[^）]+）：新增 \d+，更新 \d+，未变 \d+，拒绝 0（试运行：未写入）/);
  fs.rmSync(dir, { recursive: true, force: true });
});
