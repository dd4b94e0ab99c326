// (b) a disk that fills. The database lives on a small file system of its
// own; a filler file takes the rest of it, and then:
//   - every write answers 2xx (it still fitted: the WAL reuses its pages) or
//     507 {"error":{"code":"storage_full"}} with a Chinese message, never 500;
//   - nothing is half-written: the rows and the audit entries grow by exactly
//     the writes acknowledged, and the chain and integrity hold;
//   - reads keep working;
//   - once the filler is deleted the next write succeeds, without a restart;
//   - `qiangji import members` and the import API on the full disk say the
//     storage is full (exit 1 / 507) and import nothing; with space back the
//     same file imports.
// The small file system: a tmpfs mounted for the test (needs root, as here and
// on CI); if mounting is refused, a loop-mounted ext4 file (root too); else
// FAULT_FULL_DIR, an empty directory on a small file system the operator made.
// With none of these the test cannot run, and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  tmpDir, rmDir, buildDb, launch, stopClean, as, integrity, chain, counts, cli, personId, personName, record,
} from './lib.mjs';

const TABLES = ['member', 'meeting', 'attendance', 'dues_payment', 'audit'];
const SIZE_MB = 24;

/** Mounts a small file system at dir: {kind, release()} or {reason}. */
function smallFs(dir) {
  const why = [];
  let r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) return { kind: `tmpfs ${SIZE_MB} MiB`, release: () => spawnSync('umount', ['-l', dir]) };
  why.push(`mount -t tmpfs: ${(r.stderr || r.error?.message || '').trim()}`);
  const img = `${dir}.img`;
  fs.writeFileSync(img, '');
  fs.truncateSync(img, SIZE_MB << 20);
  r = spawnSync('mkfs.ext4', ['-q', '-F', img], { encoding: 'utf8' });
  if (r.status === 0) r = spawnSync('mount', ['-o', 'loop', img, dir], { encoding: 'utf8' });
  if (r.status === 0) return { kind: `loop ext4 ${SIZE_MB} MiB`, release: () => { spawnSync('umount', ['-l', dir]); fs.rmSync(img, { force: true }); } };
  fs.rmSync(img, { force: true });
  why.push(`loop ext4: ${(r.stderr || r.error?.message || '').trim()}`);
  if (process.env.FAULT_FULL_DIR) return { kind: `FAULT_FULL_DIR ${process.env.FAULT_FULL_DIR}`, dir: process.env.FAULT_FULL_DIR, release: () => {} };
  why.push('FAULT_FULL_DIR not set');
  return { reason: why.join('; ') };
}

/** Fills the file system holding dir with one file; returns its path. */
function fill(dir) {
  const f = path.join(dir, 'filler');
  const fd = fs.openSync(f, 'a');
  for (const n of [1 << 20, 1 << 12, 512]) {
    const b = Buffer.alloc(n, 0x5a);
    try { for (;;) fs.writeSync(fd, b); } catch (e) { if (e.code !== 'ENOSPC' && e.code !== 'EDQUOT') throw e; }
  }
  fs.closeSync(fd);
  return f;
}

/** A members CSV of n new people from person number i0 on. */
function membersCsv(i0, n) {
  const rows = ['姓名,公民身份号码,性别,出生日期,人员类别,入党日期,转正日期,所在党组织编码,联系电话'];
  for (let i = i0; i < i0 + n; i++) {
    const p = personId(i);
    rows.push([personName(i), p.id_number, p.gender, p.birth_date, '正式党员', '2010-07-01', '2011-07-01', 'QJ0102',
      `137${String(i).padStart(8, '0')}`].join(','));
  }
  return Buffer.from(rows.join('\r\n') + '\r\n');
}

const isFull = (res) => res.status === 507 && res.json?.error?.code === 'storage_full' &&
  /存储空间已满/.test(res.json.error.message) && 'field' in res.json.error;

test('a full disk: 507 storage_full, nothing half-written, reads work, recovery without restart', { timeout: 300_000 }, async (t) => {
  const base = tmpDir('full');
  const mnt = path.join(base, 'small');
  fs.mkdirSync(mnt);
  const sfs = smallFs(mnt);
  if (sfs.reason) {
    record('diskfull', { ran: false, reason: sfs.reason });
    rmDir(base);
    t.skip(`cannot make a small file system: ${sfs.reason}`);
    return;
  }
  const dir = sfs.dir || mnt;
  const db = path.join(dir, 'qj.db');
  const fig = { ran: true, fs: sfs.kind, writes_full: 0, answers_507: 0, answers_2xx: 0, answers_other: 0,
    reads_ok: 0, recovered: false, cli_import_full: '', api_import_full: 0 };
  let srv;
  try {
    buildDb(path.join(base, 'seed.db'));
    fs.copyFileSync(path.join(base, 'seed.db'), db);
    srv = await launch(dir, db);
    const admin = await as(srv, 'admin');
    const viewer = await as(srv, 'viewer');
    let n = 0;
    const write = (k) => (k % 2
      ? admin.post('/api/v1/orgs/QJ0101/meetings', { kind: 'lecture', title: `满盘党课${k}`, held_on: '2026-06-01',
        minutes: `会议记录第${k}份。`.repeat(900) })
      : admin.post('/api/v1/members', { name: personName(k), ...personId(k), category: '正式党员', joined_on: '2015-07-01',
        full_on: '2016-07-01', org_code: 'QJ0101', occupation: '农民'.repeat(20) }));
    for (; n < 20; n++) assert.ok([200, 201].includes((await write(n)).status), 'writes before the disk fills');

    const filler = fill(dir);
    const before = counts(db, TABLES);
    let acked = 0, run507 = 0, firstOther = null;
    for (let k = 0; k < 4000 && run507 < 5; k++, n++) {
      const res = await write(n);
      fig.writes_full++;
      if (res.status === 201) { acked++; fig.answers_2xx++; run507 = 0; } else if (isFull(res)) { fig.answers_507++; run507++; } else {
        fig.answers_other++;
        firstOther ??= `${res.status} ${res.text.slice(0, 300)}`;
      }
    }
    assert.equal(firstOther, null, `a write on the full disk answered neither 2xx nor 507 storage_full: ${firstOther}\n${srv.stderr.slice(-2000)}`);
    assert.ok(fig.answers_507 >= 5, `the disk never filled for the server (${fig.answers_2xx} writes fitted)`);

    // Reads keep working on the full disk.
    for (const url of ['/api/v1/orgs/QJ/members?limit=5', '/api/v1/orgs/QJ/stats', '/api/v1/audit?limit=5', '/api/v1/orgs/QJ0101/meetings']) {
      const r = await viewer.get(url);
      assert.equal(r.status, 200, `GET ${url} on a full disk: ${r.status} ${r.text.slice(0, 200)}`);
      fig.reads_ok++;
    }
    // A sign-in writes a session: it may not fit, but then it says so.
    const li = await srv.request('POST', '/api/v1/session', { json: { login: 'east', password: 'Pw-east-2026!secret' } });
    assert.ok(li.status === 200 || isFull(li), `sign-in on a full disk: ${li.status} ${li.text}`);

    // Nothing half-written: the acknowledged writes and nothing else, each with its audit entry.
    const after = counts(db, TABLES);
    const grew = Object.fromEntries(TABLES.map((x) => [x, after[x] - before[x]]));
    assert.equal(grew.member + grew.meeting, acked, `rows added ${JSON.stringify(grew)} for ${acked} acknowledged writes`);
    assert.equal(grew.audit, acked, `audit entries added ${grew.audit} for ${acked} acknowledged writes`);
    assert.equal(integrity(db), 'ok');
    const ch = chain(db);
    assert.ok(ch.ok, ch.out);

    // The import on the full disk: the CLI, then the API.
    const csv = path.join(base, 'more.csv');
    fs.writeFileSync(csv, membersCsv(500_000, 6000));
    const c0 = counts(db, TABLES);
    const imp = cli(['import', 'members', '--db', db, csv]);
    assert.equal(imp.status, 1, `import on a full disk exited ${imp.status}\n${imp.stdout}\n${imp.stderr}`);
    assert.match(imp.stderr, /存储空间已满.*未导入任何数据/, imp.stderr);
    fig.cli_import_full = imp.stderr.trim().split('\n').slice(-1)[0];
    const up = await admin.upload('/api/v1/import/members', fs.readFileSync(csv));
    assert.ok(isFull(up), `import upload on a full disk: ${up.status} ${up.text.slice(0, 300)}`);
    fig.api_import_full = up.status;
    assert.deepEqual(counts(db, TABLES), c0, 'nothing imported on the full disk');

    // Space comes back: the very next write succeeds, no restart.
    fs.unlinkSync(filler);
    n += n % 2;   // an even number: a member
    const ok = await write(n++);
    assert.equal(ok.status, 201, `first write after space returned: ${ok.status} ${ok.text.slice(0, 300)}`);
    fig.recovered = true;
    const imp2 = cli(['import', 'members', '--db', db, csv]);
    assert.equal(imp2.status, 0, imp2.stderr);
    assert.equal(counts(db, TABLES).member, c0.member + 1 + 6000);
    assert.equal(integrity(db), 'ok');
    assert.ok(chain(db).ok);
    await stopClean(srv);
    srv = null;
  } finally {
    if (srv) { srv.stopped = true; srv.proc.kill('SIGKILL'); await new Promise((r) => srv.proc.once('exit', r)); }
    record('diskfull', fig);
    sfs.release();
    rmDir(base);
  }
});
