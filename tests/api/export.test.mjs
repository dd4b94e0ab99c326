// Export: CSV (UTF-8 with BOM, CRLF, Chinese headers) and xlsx, masked
// unless revealed; an export with reveal re-imports unchanged, through the
// API and the CLI, for organizations and members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, assertError, assertStatus, cli, cliOk, MEMBERS, ORGS, HEADERS, ORG_HEADERS, maskId, maskPhone,
  parseCsv, csvObjects, toCsv, makeId,
} from './lib.mjs';

const srv = await startServer();
const admin = await srv.as('admin');
const east = await srv.as('east');
const BOM = [0xEF, 0xBB, 0xBF];

/** GET an export and check the file-ness of the answer. */
async function exportFile(who, kind, query = '') {
  const r = await who.get(`/api/v1/export/${kind}${query}`);
  assertStatus(r, 200);
  const cd = r.headers.get('content-disposition') || '';
  assert.match(cd, /^attachment/i, `Content-Disposition: ${cd}`);
  return r;
}
function checkCsv(r) {
  assert.match(r.headers.get('content-type') || '', /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /filename[^;]*\.csv/i);
  assert.deepEqual([...r.buf.subarray(0, 3)], BOM, 'CSV starts with the UTF-8 BOM');
  const text = r.buf.toString('utf8');
  assert.ok(text.includes('\r\n'), 'CRLF line ends');
  assert.ok(!/[^\r]\n/.test(text.replace(/"[^"]*"/g, '')), 'no bare LF between rows');
  return text;
}
const upload = (who, kind, buf, q = '') => who.upload(`/api/v1/import/${kind}${q}`, buf);

test('members CSV: BOM, CRLF, Chinese headers, masked by default', async () => {
  const r = await exportFile(admin, 'members');
  const text = checkCsv(r);
  const rows = parseCsv(text);
  for (const h of HEADERS) assert.ok(rows[0].includes(h), `header ${h} in ${rows[0]}`);
  const objs = csvObjects(text);
  assert.equal(objs.length, 20);
  for (const m of MEMBERS) {
    assert.ok(!text.includes(m.id_number), `${m.name}'s ID number must be masked`);
    const row = objs.find((o) => o['公民身份号码'] === maskId(m.id_number));
    assert.ok(row, `${m.name} masked row`);
    if (m.phone) assert.equal(row['联系电话'], maskPhone(m.phone));
  }
  // The same with format=csv spelled out.
  const r2 = await exportFile(admin, 'members', '?format=csv');
  assert.deepEqual(csvObjects(checkCsv(r2)), objs);
});

test('members CSV with reveal=1 holds the values as imported, and re-imports all unchanged', async () => {
  const r = await exportFile(admin, 'members', '?reveal=1');
  const text = checkCsv(r);
  const objs = csvObjects(text);
  assert.equal(objs.length, 20);
  const z = objs.find((o) => o['姓名'] === '张三丰');
  assert.equal(z['公民身份号码'], MEMBERS[0].id_number);
  assert.equal(z['联系电话'], '13812345678');
  assert.equal(z['性别'], '男');
  assert.equal(z['出生日期'], '1960-04-09');
  assert.equal(z['入党日期'], '1985-07-01');
  assert.equal(z['转正日期'], '1986-07-01');
  assert.equal(z['所在党组织编码'], 'QJ0101');
  assert.equal(z['是否流动党员'], '否');
  assert.equal(Number(z['月收入']), 3500);
  const liu = objs.find((o) => o['姓名'] === '刘洋');
  assert.equal(liu['是否流动党员'], '是');
  assert.equal(liu['流入地'], '江苏省南京市');
  const zhao = objs.find((o) => o['姓名'] === '赵丽华');
  assert.equal(zhao['人员类别'], '预备党员');
  assert.equal(zhao['转正日期'], '');
  const res = assertStatus(await upload(admin, 'members', r.buf), 200);
  assert.equal(res.inserted, 0, JSON.stringify(res));
  assert.equal(res.updated, 0, JSON.stringify(res));
  assert.equal(res.unchanged, 20);
  assert.equal(res.rejected, 0);
  assert.match(res.encoding, /^UTF-8/);
});

test('awkward values survive the round trip: commas, quotes, line breaks, leading =', async () => {
  const made = [];
  const odd = ['工程师,兼职讲师', '他说"好"', '引号,"逗号"', '=1+2', '-负号开头', '@提及', '+86'];
  for (let i = 0; i < odd.length; i++) {
    const b = { name: '特殊' + i, id_number: makeId('340104', '1991-01-0' + (i + 1), '女', 60 + i), category: '正式党员',
      joined_on: '2016-01-01', full_on: '2017-01-01', org_code: 'QJ0201', occupation: odd[i] };
    made.push(assertStatus(await admin.post('/api/v1/members', b), 201));
  }
  const r = await exportFile(admin, 'members', '?reveal=1&org=QJ0201');
  const text = checkCsv(r);
  const objs = csvObjects(text);
  assert.equal(objs.length, 3 + odd.length);
  // No cell starts a formula when Excel opens the file.
  for (const row of parseCsv(text)) for (const c of row) assert.ok(!/^[=+\-@]/.test(c), `cell ${JSON.stringify(c)} starts a formula`);
  const res = assertStatus(await upload(admin, 'members', r.buf), 200);
  assert.equal(res.unchanged, 3 + odd.length, JSON.stringify(res));
  assert.equal(res.updated, 0, JSON.stringify(res));
  for (let i = 0; i < odd.length; i++) {
    const g = assertStatus(await admin.get(`/api/v1/members/${made[i].id}`), 200);
    assert.equal(g.occupation, odd[i], 'unchanged after the round trip');
  }
  for (const m of made) assertStatus(await admin.del(`/api/v1/members/${m.id}`), 200);
});

test('an edited export updates what changed', async () => {
  const r = await exportFile(admin, 'members', '?reveal=1&org=QJ0202');
  const rows = parseCsv(r.buf.toString('utf8'));
  const head = rows[0];
  const gao = rows.find((x) => x[head.indexOf('姓名')] === '高峰');
  gao[head.indexOf('联系电话')] = '13155550000';
  const res = assertStatus(await upload(admin, 'members', Buffer.from('\uFEFF' + toCsv(rows))), 200);
  assert.equal(res.updated, 1, JSON.stringify(res));
  assert.equal(res.unchanged, 2);
  const list = assertStatus(await admin.get(`/api/v1/orgs/QJ0202/members?q=${encodeURIComponent('高峰')}&reveal=1`), 200);
  assert.equal(list.items[0].phone, '13155550000');
});

test('a masked export does not import: the masked numbers are refused, nothing written', async () => {
  const before = await admin.total();
  const r = await exportFile(admin, 'members', '?org=QJ0101');
  const e = assertError(await upload(admin, 'members', r.buf), 422, 'invalid_rows', null);
  assert.ok(e.rows.some((x) => x.column === '公民身份号码'), JSON.stringify(e.rows.slice(0, 3)));
  assert.equal(await admin.total(), before);
});

test('?org= limits the export to a subtree; org_admin exports its own', async () => {
  const r = await exportFile(admin, 'members', '?org=QJ0103');
  assert.equal(csvObjects(checkCsv(r)).length, 4);
  const e = await exportFile(east, 'members', '?reveal=1');
  const objs = csvObjects(checkCsv(e));
  assert.equal(objs.length, 14);
  assert.ok(objs.every((o) => o['所在党组织编码'].startsWith('QJ01')));
  // Revealed for an org_admin, and it re-imports unchanged under its own scope.
  assert.ok(objs.some((o) => o['公民身份号码'] === MEMBERS[0].id_number));
  const res = assertStatus(await upload(east, 'members', e.buf), 200);
  assert.equal(res.unchanged, 14, JSON.stringify(res));
  assertError(await admin.get('/api/v1/export/members?org=NOSUCH'), 404, 'not_found');
});

test('organizations CSV: headers, every org, and it re-imports unchanged', async () => {
  const r = await exportFile(admin, 'orgs');
  const text = checkCsv(r);
  const rows = parseCsv(text);
  for (const h of ORG_HEADERS) assert.ok(rows[0].includes(h), `header ${h}`);
  const objs = csvObjects(text);
  assert.equal(objs.length, ORGS.length);
  for (const o of ORGS) {
    const x = objs.find((y) => y['组织编码'] === o.code);
    assert.ok(x, o.code);
    assert.equal(x['组织名称'], o.name);
    assert.equal(x['上级组织编码'], o.parent_code);
    assert.equal(x['组织类别'], o.kind);
    assert.equal(x['所属领域'], o.domain);
    assert.equal(x['成立日期'], o.established_on);
  }
  // Parents come before children, so a fresh database could take the file too.
  const order = objs.map((o) => o['组织编码']);
  for (const o of objs) if (o['上级组织编码']) assert.ok(order.indexOf(o['上级组织编码']) < order.indexOf(o['组织编码']));
  const res = assertStatus(await upload(admin, 'orgs', r.buf), 200);
  assert.equal(res.unchanged, ORGS.length, JSON.stringify(res));
  assert.equal(res.inserted + res.updated, 0);
});

test("an org_admin's organizations export is its subtree and re-imports unchanged", async () => {
  const e = await exportFile(east, 'orgs');
  const objs = csvObjects(checkCsv(e));
  assert.deepEqual(objs.map((o) => o['组织编码']).sort(), ['QJ01', 'QJ0101', 'QJ0102', 'QJ0103', 'QJ010301']);
  assert.equal(objs.find((o) => o['组织编码'] === 'QJ01')['上级组织编码'], 'QJ');
  const res = await upload(east, 'orgs', e.buf);
  assertStatus(res, 200);
  assert.equal(res.json.unchanged, 5, res.text);
});

test('an export with reveal=1 is written to the audit log; one without is not', async () => {
  const last = (await admin.audit()).items[0].id;
  await exportFile(admin, 'members', '?org=QJ0202');
  assert.equal((await admin.audit()).items[0].id, last, 'a masked export is no reveal');
  await exportFile(east, 'members', '?reveal=1&org=QJ0101');
  const e = (await admin.audit()).items[0];
  assert.ok(e.id > last, 'the reveal is logged');
  assert.equal(e.actor, 'east');
});

test('xlsx exports are zip files (PK) with the spreadsheet content type', async () => {
  for (const kind of ['members', 'orgs']) {
    const r = await exportFile(admin, kind, '?format=xlsx');
    assert.deepEqual([...r.buf.subarray(0, 4)], [0x50, 0x4B, 0x03, 0x04], `${kind}.xlsx starts with PK`);
    assert.match(r.headers.get('content-type') || '', /application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/);
    assert.match(r.headers.get('content-disposition'), /filename[^;]*\.xlsx/i);
    assert.ok(r.buf.length > 1000);
    assert.ok(r.buf.includes(Buffer.from('xl/worksheets/')), 'a workbook inside');
  }
});

test('CLI export: CSV with BOM and xlsx; the revealed CSV re-imports unchanged (CLI and API)', async () => {
  const csvPath = path.join(srv.dir, 'm.csv');
  cliOk(['export', 'members', '--db', srv.db, '--reveal', '--out', csvPath]);
  const buf = fs.readFileSync(csvPath);
  assert.deepEqual([...buf.subarray(0, 3)], BOM);
  const objs = csvObjects(buf.toString('utf8'));
  assert.equal(objs.length, 20);
  assert.ok(objs.some((o) => o['公民身份号码'] === MEMBERS[0].id_number));
  const lastId = (await admin.audit()).items[0].id;
  cliOk(['import', 'members', '--db', srv.db, csvPath]);
  const res = assertStatus(await upload(admin, 'members', buf), 200);
  assert.equal(res.unchanged, 20, JSON.stringify(res));
  assert.equal(await admin.total(), 20);
  const isRow = (e) => !/reveal/i.test(e.action) &&
    ((e.before && typeof e.before === 'object' && 'id_number' in e.before) || (e.after && typeof e.after === 'object' && 'id_number' in e.after));
  const added = (await admin.audit()).items.filter((e) => e.id > lastId && isRow(e));
  assert.deepEqual(added, [], 're-imports of unchanged rows add no member entries');

  // Masked by default, limited by --org.
  const maskedPath = path.join(srv.dir, 'masked.csv');
  cliOk(['export', 'members', '--db', srv.db, '--org', 'QJ0202', '--out', maskedPath]);
  const masked = fs.readFileSync(maskedPath, 'utf8');
  assert.equal(csvObjects(masked).length, 3);
  assert.ok(!masked.includes(MEMBERS[17].id_number));
  assert.ok(masked.includes(maskId(MEMBERS[17].id_number)));

  const orgPath = path.join(srv.dir, 'o.csv');
  cliOk(['export', 'orgs', '--db', srv.db, '--out', orgPath]);
  const r2 = cli(['import', 'orgs', '--db', srv.db, orgPath]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(csvObjects(fs.readFileSync(orgPath, 'utf8')).length, ORGS.length);

  const xPath = path.join(srv.dir, 'm.xlsx');
  cliOk(['export', 'members', '--db', srv.db, '--format', 'xlsx', '--out', xPath]);
  assert.deepEqual([...fs.readFileSync(xPath).subarray(0, 4)], [0x50, 0x4B, 0x03, 0x04]);
});
