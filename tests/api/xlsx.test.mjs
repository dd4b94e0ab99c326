// Excel and WPS workbooks in (issue 12, item 1): an .xlsx and an .xls saved
// by LibreOffice Calc (run headless here, from the CSV fixture) and an .xlsx
// written by a second, independent writer (exceljs) import with the same
// result as the CSV of the same rows; ID numbers stored as numbers are
// refused with a message that says why and how to fix it, nothing written; a
// title row in merged cells above the header; date cells; the 1904 date
// system; the rejects file of a workbook is a workbook; the CSV export in GBK
// reads back; the limits against zip bombs; the API and the import screen
// take .xlsx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { startServer, assertStatus, cli, cliOk, fixture, sqlite, parseCsv, HEADERS, USERS } from './lib.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qiangji-xlsx-'));
const srv = await startServer({ members: false, users: { admin: USERS.admin } });
const admin = await srv.as('admin');

/** Converts the CSV files to fmt (xlsx or xls) with LibreOffice Calc, in a
 * throwaway profile and HOME so that it runs as any user and beside other
 * runs. aTextCols: the 1-based columns Calc is told are text (as a clerk
 * who formats the ID-number column as 文本); others are guessed, as Calc
 * and Excel guess them (18 digits become a number, 2020-01-05 a date). */
function soffice(files, fmt, outDir, aTextCols = []) {
  const prof = fs.mkdtempSync(path.join(tmp, 'lo-'));
  const cols = aTextCols.map((c) => `${c}/2`).join('/');
  execFileSync('soffice', [`-env:UserInstallation=file://${prof}`, '--headless', '--norestore',
    `--infilter=CSV:44,34,76,1${cols ? `,${cols}` : ''}`, '--convert-to', fmt, '--outdir', outDir, ...files],
  { env: { ...process.env, HOME: prof }, stdio: 'pipe', timeout: 120000 });
  fs.rmSync(prof, { recursive: true, force: true });
  return files.map((f) => path.join(outDir, `${path.basename(f, '.csv')}.${fmt}`));
}

/** A new database with the fixture organizations. */
let nDb = 0;
function newDb() {
  const db = path.join(tmp, `t${++nDb}.db`);
  cliOk(['init', '--db', db]);
  cliOk(['import', 'orgs', '--db', db, fixture('orgs.csv')]);
  return db;
}
/** The members of db as its CSV export (unmasked), the rows sorted. */
function exported(db) {
  const out = path.join(tmp, `e${++nDb}.csv`);
  cliOk(['export', 'members', '--db', db, '--reveal', '--out', out]);
  const [head, ...rows] = parseCsv(fs.readFileSync(out, 'utf8'));
  return { head, rows: rows.map((r) => r.join(',')).sort() };
}
const nMembers = (db) => Number(sqlite(db, 'SELECT count(*) FROM member').trim());

// The reference: the CSV fixture imported as CSV.
const csvDb = newDb();
cliOk(['import', 'members', '--db', csvDb, fixture('members.csv')]);
const REF = exported(csvDb);
const ROWS = parseCsv(fs.readFileSync(fixture('members.csv'), 'utf8'));
const DATE_COLS = ['出生日期', '入党日期', '转正日期'];

/** An .xlsx of the fixture rows written by exceljs: ID numbers, phones and
 * codes as text, dates as date cells, 月收入 as a number; opts.title puts a
 * merged title row above the header; opts.date1904 the 1904 system. */
async function exceljsFile(file, opts = {}) {
  const wb = new ExcelJS.Workbook();
  if (opts.date1904) wb.properties.date1904 = true;
  if (opts.otherSheetFirst) wb.addWorksheet('说明').addRow(['本工作簿的第二个工作表是党员名册']);
  const ws = wb.addWorksheet('党员名册');
  const [head, ...rows] = ROWS;
  if (opts.title) {
    ws.addRow(['某某乡党委党员信息采集表']);
    ws.mergeCells(1, 1, 1, head.length);
  }
  ws.addRow(head);
  for (const r of rows) {
    ws.addRow(r.map((v, i) => {
      if (v === '') return null;
      if (DATE_COLS.includes(head[i])) return new Date(`${v}T00:00:00Z`);
      if (head[i] === '月收入') return Number(v);
      return v;
    }));
  }
  head.forEach((h, i) => { if (DATE_COLS.includes(h)) ws.getColumn(i + 1).numFmt = 'yyyy"年"m"月"d"日"'; });
  await wb.xlsx.writeFile(file);
  return file;
}

const loDir = fs.mkdtempSync(path.join(tmp, 'lo-out-'));
const idCol = HEADERS.indexOf('公民身份号码') + 1, phoneCol = HEADERS.indexOf('联系电话') + 1;
const [loXlsx] = soffice([fixture('members.csv')], 'xlsx', loDir, [idCol, phoneCol]);
const [loXls] = soffice([fixture('members.csv')], 'xls', loDir, [idCol, phoneCol]);
const numDir = fs.mkdtempSync(path.join(tmp, 'lo-num-'));
const [numXlsx] = soffice([fixture('members.csv')], 'xlsx', numDir);
const [numXls] = soffice([fixture('members.csv')], 'xls', numDir);

test('the workbooks are what they say, told apart by content, not by name', () => {
  assert.equal(fs.readFileSync(loXlsx).subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.deepEqual([...fs.readFileSync(loXls).subarray(0, 4)], [0xD0, 0xCF, 0x11, 0xE0]);
  // Calc stored the dates as date cells (a style with a date format), not as text.
  const sheet = execFileSync('unzip', ['-p', loXlsx, 'xl/worksheets/sheet1.xml']).toString();
  assert.match(sheet, /<c r="H2" s="\d+" t="n"><v>\d+<\/v>|<c r="H2" s="\d+"><v>\d+<\/v>/, 'H2 (入党日期) is a number cell with a style');
  const renamed = path.join(tmp, 'members-really-xlsx.csv');
  fs.copyFileSync(loXlsx, renamed);
  const db = newDb();
  const r = cli(['import', 'members', '--db', db, renamed]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /共 20 行（xlsx，工作表“members”）：新增 20/);
});

for (const [what, file] of [['LibreOffice .xlsx', () => loXlsx], ['LibreOffice .xls', () => loXls],
  ['exceljs .xlsx (dates as date cells, 月收入 a number)', () => exceljsFile(path.join(tmp, 'exceljs.xlsx'))],
  ['exceljs .xlsx in the 1904 date system', () => exceljsFile(path.join(tmp, 'exceljs-1904.xlsx'), { date1904: true })]]) {
  test(`${what} imports exactly as the CSV of the same rows`, async () => {
    const f = await file();
    const db = newDb();
    const r = cli(['import', 'members', '--db', db, f]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /新增 20，更新 0，未变 0，拒绝 0/);
    assert.deepEqual(exported(db), REF);
    // Again: nothing changes.
    const again = cli(['import', 'members', '--db', db, f]);
    assert.match(again.stdout, /新增 0，更新 0，未变 20/);
  });
}

test('the 1904 workbook really is one: its serial numbers are 1462 days smaller', async () => {
  const f = await exceljsFile(path.join(tmp, 'check-1904.xlsx'), { date1904: true });
  const g = await exceljsFile(path.join(tmp, 'check-1900.xlsx'));
  const wbXml = execFileSync('unzip', ['-p', f, 'xl/workbook.xml']).toString();
  assert.match(wbXml, /date1904="1"/);
  const v = (file) => Number(/<c r="H2"[^>]*><v>([\d.]+)<\/v>/.exec(execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString())[1]);
  assert.equal(v(g) - v(f), 1462);
});

test('a title row in merged cells above the header is skipped, with a warning; a date cell is the date', async () => {
  const f = await exceljsFile(path.join(tmp, 'title.xlsx'), { title: true });
  const db = newDb();
  const r = cli(['import', 'members', '--db', db, f]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /第1行不是表头（是标题），已跳过/);
  assert.deepEqual(exported(db), REF);
  const first = ROWS[1];
  const got = sqlite(db, `SELECT joined_on FROM member WHERE id_number='${first[1]}'`).trim();
  assert.equal(got, first[HEADERS.indexOf('入党日期')]);
  // A bad row's number is the sheet's: data start on row 3 here.
  const bad = path.join(tmp, 'title-bad.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(f);
  wb.getWorksheet('党员名册').getCell('H5').value = '不是日期';
  await wb.xlsx.writeFile(bad);
  const rb = cli(['import', 'members', '--db', newDb(), bad]);
  assert.equal(rb.status, 1);
  assert.match(rb.stderr, /title-bad\.xlsx:5: 入党日期: '不是日期'/);
});

test('--sheet picks the worksheet; an unknown name lists those there are', async () => {
  const f = await exceljsFile(path.join(tmp, 'two-sheets.xlsx'), { otherSheetFirst: true });
  const r1 = cli(['import', 'members', '--db', newDb(), f]);
  assert.equal(r1.status, 1, 'the first sheet is not a roster');
  assert.match(r1.stderr, /缺少必需的列/);
  const db = newDb();
  const r2 = cli(['import', 'members', '--db', db, '--sheet', '党员名册', f]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual(exported(db), REF);
  const r3 = cli(['import', 'members', '--db', db, '--sheet', 'Sheet9', f]);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /没有名为“Sheet9”的工作表（有：“说明”、“党员名册”）/);
});

for (const [what, file] of [['.xlsx', () => numXlsx], ['.xls', () => numXls]]) {
  test(`${what}: ID numbers stored as numbers are refused, saying what happened and how to fix it; nothing written`, () => {
    const db = newDb();
    const r = cli(['import', 'members', '--db', db, file()]);
    assert.equal(r.status, 1);
    const base = path.basename(file());
    // Every row whose number Calc took for a number is named, with the column and the number as the
    // sheet holds it; the three ending in X stayed text and are not.
    for (let row = 2; row <= 21; row++) {
      const msg = new RegExp(`${base.replace('.', '\\.')}:${row}: 公民身份号码: '3\\.\\d+E\\+17': 公民身份号码在表格中存成了数字`);
      if (/X$/.test(ROWS[row - 1][idCol - 1])) assert.doesNotMatch(r.stderr, new RegExp(`${base.replace('.', '\\.')}:${row}:`));
      else assert.match(r.stderr, msg);
    }
    assert.match(r.stderr, /共 20 行，其中 17 行有错误/);
    assert.match(r.stderr, /最后几位已经丢失/);
    assert.match(r.stderr, /设为“文本”后重新输入号码，或在号码前加英文单引号/);
    assert.match(r.stderr, /未导入任何数据/);
    assert.equal(nMembers(db), 0);
  });
}

test('the API takes .xlsx: counts, its sheet; number IDs answer 422 naming row and column; nothing written', async () => {
  const dry = assertStatus(await admin.upload('/api/v1/import/members?dry_run=1', fs.readFileSync(loXlsx)), 200);
  assert.equal(dry.inserted, 20);
  assert.equal(dry.encoding, 'xlsx');
  assert.equal(dry.sheet, 'members');
  assert.equal(await admin.total(), 0);
  const bad = await admin.upload('/api/v1/import/members', fs.readFileSync(numXlsx));
  assert.equal(bad.status, 422, bad.text);
  const e = bad.json.error;
  assert.equal(e.code, 'invalid_rows');
  assert.equal(e.rows[0].row, 2);
  assert.equal(e.rows[0].column, '公民身份号码');
  assert.match(e.rows[0].reason, /存成了数字.*设为“文本”/);
  assert.equal(await admin.total(), 0);
  const unknown = await admin.upload('/api/v1/import/members?sheet=nope', fs.readFileSync(loXlsx));
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error.message, /没有名为“nope”的工作表/);
  const ok = assertStatus(await admin.upload('/api/v1/import/members', fs.readFileSync(loXls)), 200);
  assert.equal(ok.inserted, 20);
  assert.equal(ok.encoding, 'xls');
  assert.equal(await admin.total(), 20);
});

test('each imported member has its own audit entry, the file named, its ID number masked in the history', async () => {
  const db = newDb();
  cliOk(['import', 'members', '--db', db, loXlsx]);
  const n = Number(sqlite(db, "SELECT count(*) FROM audit WHERE action='import' AND entity='member' AND entity_key GLOB '[0-9]*'").trim());
  assert.equal(n, 20);
  const after = JSON.parse(sqlite(db, "SELECT after FROM audit WHERE action='import' AND entity_key=(SELECT CAST(min(id) AS TEXT) FROM member)").trim());
  assert.equal(after.file, 'members.xlsx');
  assert.equal(after.name, ROWS[1][0]);
  assert.equal(after.org_code, ROWS[1][HEADERS.indexOf('所在党组织编码')]);
  assert.match(cliOk(['audit', 'verify', '--db', db]).stdout, /chain intact/);
  // Through the server: the member's history starts with the import, masked.
  const m = (await admin.allMembers()).find((x) => x.name === ROWS[1][0]);
  const hist = assertStatus(await admin.get(`/api/v1/members/${m.id}/history`), 200);
  const first = hist.audit[0];
  assert.equal(first.action, 'import');
  assert.equal(first.after.file, 'members (upload)');
  assert.match(first.after.id_number, /\*{4,}/);
});

test('keep-good with a workbook: the rejects come back as .xlsx, with 错误原因, and import once fixed', async () => {
  const db = newDb();
  const out = path.join(tmp, 'rejects.out');
  const r = cli(['import', 'members', '--db', db, numXlsx, '--keep-good', '--rejects', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /新增 3，更新 0，未变 0，拒绝 17/, 'the three IDs ending in X stayed text');
  assert.equal(fs.readFileSync(out).subarray(0, 2).toString(), 'PK', 'an xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  const ws = wb.worksheets[0];
  const head = ws.getRow(1).values.slice(1);
  assert.deepEqual(head, [...HEADERS, '错误原因']);
  assert.equal(ws.rowCount, 18);
  assert.match(String(ws.getRow(2).getCell(head.length).value), /存成了数字/);
  // The clerk retypes the numbers as text (the fixture's, found by name), and imports the rejects file.
  const nameCol = HEADERS.indexOf('姓名') + 1;
  for (let i = 2; i <= 18; i++) {
    const name = ws.getRow(i).getCell(nameCol).value;
    ws.getRow(i).getCell(idCol).value = ROWS.find((r) => r[nameCol - 1] === name)[idCol - 1];
  }
  const fixed = path.join(tmp, 'fixed.xlsx');
  await wb.xlsx.writeFile(fixed);
  const r2 = cli(['import', 'members', '--db', db, fixed]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.deepEqual(exported(db), REF);
  // A name ending in .csv chooses CSV.
  const outCsv = path.join(tmp, 'rejects.csv');
  cliOk(['import', 'members', '--db', newDb(), numXlsx, '--keep-good', '--rejects', outCsv]);
  assert.equal(parseCsv(fs.readFileSync(outCsv, 'utf8'))[0].at(-1), '错误原因');
});

test('every export re-imports: CSV in GBK and .xlsx come back as the same members', () => {
  const gbk = path.join(tmp, 'members-gbk-export.csv');
  cliOk(['export', 'members', '--db', csvDb, '--reveal', '--encoding', 'gbk', '--out', gbk]);
  const b = fs.readFileSync(gbk);
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(b), 'not UTF-8');
  assert.equal(new TextDecoder('gbk').decode(b).split('\r\n')[0], HEADERS.join(','));
  const db1 = newDb();
  assert.match(cliOk(['import', 'members', '--db', db1, gbk]).stdout, /（GB18030）：新增 20/);
  assert.deepEqual(exported(db1), REF);
  const x = path.join(tmp, 'members-export.xlsx');
  cliOk(['export', 'members', '--db', csvDb, '--reveal', '--out', x]);
  const db2 = newDb();
  assert.match(cliOk(['import', 'members', '--db', db2, x]).stdout, /新增 20/);
  assert.deepEqual(exported(db2), REF);
  assert.equal(cli(['export', 'members', '--db', csvDb, '--encoding', 'big5', '--out', gbk]).status, 2);
});

test('limits: rows, inflated bytes; a broken zip; each a clear error, nothing written', () => {
  const db = newDb();
  const r1 = cli(['import', 'members', '--db', db, loXlsx], { env: { QIANGJI_IMPORT_MAX_ROWS: '5' } });
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /第6行：超过了 5 行的上限（设置 import_max_rows）/);
  const r2 = cli(['import', 'members', '--db', db, loXlsx], { env: { QIANGJI_IMPORT_MAX_MB: '0' } });
  assert.equal(r2.status, 0, 'a setting of 0 is no setting');
  assert.equal(nMembers(db), 20);
  // A zip bomb: one sheet that inflates to 3 MiB of one repeated cell, against a 1 MiB limit.
  const bomb = path.join(tmp, 'bomb');
  fs.mkdirSync(path.join(bomb, 'xl', 'worksheets'), { recursive: true });
  fs.mkdirSync(path.join(bomb, '_rels'), { recursive: true });
  fs.mkdirSync(path.join(bomb, 'xl', '_rels'), { recursive: true });
  fs.writeFileSync(path.join(bomb, '_rels', '.rels'), '<Relationships><Relationship Id="r" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  fs.writeFileSync(path.join(bomb, 'xl', 'workbook.xml'), '<workbook><sheets><sheet name="S" sheetId="1" r:id="r1"/></sheets></workbook>');
  fs.writeFileSync(path.join(bomb, 'xl', '_rels', 'workbook.xml.rels'), '<Relationships><Relationship Id="r1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  fs.writeFileSync(path.join(bomb, 'xl', 'worksheets', 'sheet1.xml'),
    `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>姓名</t></is></c></row>${'<row><c><v>1</v></c></row>'.repeat(120000)}</sheetData></worksheet>`);
  const bombFile = path.join(tmp, 'bomb.xlsx');
  execFileSync('zip', ['-q', '-r', '-9', bombFile, '.'], { cwd: bomb });
  assert.ok(fs.statSync(bombFile).size < 100000);
  const r3 = cli(['import', 'members', '--db', db, bombFile], { env: { QIANGJI_IMPORT_MAX_MB: '1' } });
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /解压后的内容超过 1 MiB 的上限（设置 import_max_mb），文件可能是压缩炸弹/);
  const broken = path.join(tmp, 'broken.xlsx');
  fs.writeFileSync(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
  const r4 = cli(['import', 'members', '--db', db, broken]);
  assert.equal(r4.status, 1);
  assert.match(r4.stderr, /不是有效的 \.xlsx 文件/);
  assert.equal(nMembers(db), 20);
});

test('the import screen offers .xlsx and .xls, and says the upload limit and the 文本 advice', () => {
  const js = fs.readFileSync(new URL('../../ui/js/screens/import.js', import.meta.url), 'utf8');
  const accept = /const ACCEPT = '([^']+)'/.exec(js)[1].split(',');
  for (const a of ['.xlsx', '.xls', '.csv']) assert.ok(accept.includes(a), `accept has ${a}`);
  assert.match(js, /accept: ACCEPT/);
  assert.match(js, /MAX_UPLOAD = 64 \* 1024 \* 1024/);
  assert.match(js, /最大 64 MB/);
  assert.match(js, /设为“文本”格式/);
});
