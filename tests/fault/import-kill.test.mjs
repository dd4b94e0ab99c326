// (c) kill -9 during a large import. `qiangji import members` of the county
// demo's 30,000 members is killed with SIGKILL at a random moment of its run,
// into an empty roster (where the import drops the member indexes and builds
// them at the end) and into one that already holds the first 2,000 rows (where
// it updates and inserts). The import is all or nothing: the row counts of
// every table, the indexes and the audit log are as before, or (a kill that
// lands after the commit, while the process closes the database) exactly as
// after a whole import; never anything between. integrity_check is ok and the
// audit chain holds; and a second import of the same file then works.
//
// FAULT_IMPORT_KILLS (default 4; `make torture`: 20).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { tmpDir, rmDir, cliOk, sqlite, integrity, chain, record, envInt, sleep } from './lib.mjs';
import { BIN, ENV } from '../api/lib.mjs';

const KILLS = envInt('FAULT_IMPORT_KILLS', 4);

/** Every table's row count and the list of indexes: what "unchanged" means. */
function state(db) {
  const tables = sqlite(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .trim().split('\n');
  const n = sqlite(db, tables.map((t) => `SELECT '${t}', count(*) FROM "${t}";`).join('')).trim();
  const idx = sqlite(db, "SELECT name FROM sqlite_master WHERE type='index' ORDER BY name").trim();
  const head = sqlite(db, 'SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').trim();
  return { counts: n, indexes: idx, audit_head: head };
}

/** Runs the import and kills it after ms; resolves with how it ended. */
function importKilled(db, csv, ms) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['import', 'members', '--db', db, csv], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('exit', (code, sig) => { clearTimeout(t); resolve({ code, sig, out }); });
  });
}

test(`kill -9 during a 30,000-row import, ${KILLS} times`, { timeout: 120_000 + KILLS * 30_000 }, async () => {
  const dir = tmpDir('import');
  const fig = { kills: 0, finished_first: 0, committed_before_kill: 0, imported_by_killed: 0, integrity_ok: 0, chain_ok: 0, reimport_ok: false, rows: 0 };
  try {
    const csvDir = path.join(dir, 'csv');
    cliOk(['demo', '--csv-dir', csvDir, '--scale', 'county', '--seed', '1']);
    const csv = path.join(csvDir, 'members.csv');
    const lines = fs.readFileSync(csv, 'utf8').split(/\r?\n/).filter(Boolean);
    fig.rows = lines.length - 1;
    assert.ok(fig.rows >= 30000, `the demo file has ${fig.rows} rows`);
    const head2000 = path.join(dir, 'first2000.csv');
    fs.writeFileSync(head2000, lines.slice(0, 2001).join('\r\n') + '\r\n');
    // Two starting points: an empty roster, and one with the first 2,000 rows.
    const base = [path.join(dir, 'empty.db'), path.join(dir, 'some.db')];
    for (const b of base) {
      cliOk(['init', '--db', b]);
      cliOk(['import', 'orgs', '--db', b, path.join(csvDir, 'orgs.csv')]);
    }
    cliOk(['import', 'members', '--db', base[1], head2000]);
    // How long a whole import takes here, to kill inside it.
    const timing = path.join(dir, 'timing.db');
    fs.copyFileSync(base[0], timing);
    const t0 = Date.now();
    cliOk(['import', 'members', '--db', timing, csv]);
    const full = Date.now() - t0;
    // What a whole import leaves on each starting point (the audit head's hash has the time in it: not compared).
    const some = path.join(dir, 'some-full.db');
    fs.copyFileSync(base[1], some);
    cliOk(['import', 'members', '--db', some, csv]);
    const complete = [timing, some].map((f) => { const { counts, indexes } = state(f); return { counts, indexes }; });

    for (let k = 0; k < KILLS; k++) {
      const db = path.join(dir, `k${k}.db`);
      fs.copyFileSync(base[k % 2], db);
      const before = state(db);
      // Inside the first 60 % of a whole run: the commit and the close of the database come at its end.
      const ms = Math.max(30, Math.floor(full * (0.1 + 0.5 * Math.random())));
      const r = await importKilled(db, csv, ms);
      if (r.sig !== 'SIGKILL') {   // it finished first: no kill to judge; the next one will be earlier
        fig.finished_first++;
        assert.equal(r.code, 0, r.out);
        fs.rmSync(db, { force: true });
        continue;
      }
      fig.kills++;
      const after = state(db);
      const whole = JSON.stringify({ counts: after.counts, indexes: after.indexes }) === JSON.stringify(complete[k % 2]);
      if (whole && JSON.stringify(after) !== JSON.stringify(before)) fig.committed_before_kill++;
      else {
        if (JSON.stringify(after) !== JSON.stringify(before)) fig.imported_by_killed++;
        assert.deepEqual(after, before, `kill ${k} after ${ms} ms (of ${full}): the database changed, and not into the whole import`);
      }
      const ic = integrity(db), ch = chain(db);
      fig.integrity_ok += ic === 'ok' ? 1 : 0;
      fig.chain_ok += ch.ok ? 1 : 0;
      assert.equal(ic, 'ok');
      assert.ok(ch.ok, ch.out);
      if (k < 2) {   // the second import works, on each starting point
        const again = cliOk(['import', 'members', '--db', db, csv]);
        assert.match(again.stdout, /共 30000 行/);
        assert.equal(Number(sqlite(db, "SELECT count(*) FROM member").trim()), 30000);
        assert.equal(integrity(db), 'ok');
        assert.ok(chain(db).ok);
        fig.reimport_ok = true;
      }
      for (const f of [db, db + '-wal', db + '-shm']) fs.rmSync(f, { force: true });
    }
    assert.ok(fig.kills - fig.committed_before_kill >= Math.ceil(KILLS / 2) || KILLS < 2,
      `only ${fig.kills - fig.committed_before_kill} of ${KILLS} kills landed before the commit`);
    assert.ok(fig.reimport_ok, 'a second import after a kill was tried');
  } finally {
    record('import-kill', fig);
    rmDir(dir);
  }
});
