#!/usr/bin/env node
// build-ui.mjs: builds the browser UI into build/ui (or the directory given as
// the first argument). No bundler: the sources under ui/ are plain ES modules
// and are copied as they are, with the vendor files from node_modules beside
// them (echarts' ESM build). Everything but index.html goes under
// assets-HASH/, HASH being a digest of all of it, so the server may let
// browsers cache those files for a year; index.html names the directory
// through the placeholder %ASSETS%. The new tree is written beside the old one
// and swapped in with two renames, so a running server never sees half a build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'ui');
const OUT = path.resolve(process.argv[2] || path.join(ROOT, 'build/ui'));
const VENDOR = {   // node_modules file -> name under assets-HASH/vendor/
  'echarts/dist/echarts.esm.min.mjs': 'echarts.esm.min.mjs',
  'echarts/LICENSE': 'echarts.LICENSE.txt',
};

/** Every file under dir, as paths relative to it, sorted. */
function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

const files = new Map();   // name under assets-HASH/ -> Buffer
for (const f of walk(SRC)) if (f !== 'index.html') files.set(f, fs.readFileSync(path.join(SRC, f)));
for (const [from, to] of Object.entries(VENDOR)) {
  const p = path.join(ROOT, 'node_modules', from);
  if (!fs.existsSync(p)) {
    console.error(`build-ui: ${p} is missing: run npm ci in ${ROOT}`);
    process.exit(1);
  }
  files.set(path.posix.join('vendor', to), fs.readFileSync(p));
}
const h = crypto.createHash('sha256');
for (const [name, buf] of files) h.update(name).update('\0').update(buf).update('\0');
const assets = `assets-${h.digest('hex').slice(0, 12)}`;

const tmp = `${OUT}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });
for (const [name, buf] of files) {
  const p = path.join(tmp, assets, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, buf);
}
const html = fs.readFileSync(path.join(SRC, 'index.html'), 'utf8').replaceAll('%ASSETS%', `/${assets}`);
fs.writeFileSync(path.join(tmp, 'index.html'), html);

const old = `${OUT}.old-${process.pid}`;
if (fs.existsSync(OUT)) fs.renameSync(OUT, old);
fs.renameSync(tmp, OUT);
fs.rmSync(old, { recursive: true, force: true });
console.log(`  UI      ${path.relative(process.cwd(), OUT) || OUT} (${files.size + 1} files, ${assets})`);
