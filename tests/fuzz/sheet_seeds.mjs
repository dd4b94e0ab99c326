// sheet_seeds.mjs: writes the seed corpus of fuzz_sheet (tests/fuzz/corpus/
// fuzz_sheet, or the folder given) as small as workbooks get, each under the
// 4096 bytes of -max_len: .xlsx packages of only the parts sheet.c reads,
// zipped here, and .xls files of a BIFF8 workbook stream in the mini stream
// of an OLE2 compound file, both written byte by byte so that no office
// program's padding makes them larger. Run: node tests/fuzz/sheet_seeds.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2] ?? new URL('./corpus/fuzz_sheet/', import.meta.url).pathname;
fs.mkdirSync(dir, { recursive: true });

// ---- zip ----------------------------------------------------------------------

/** A zip of the parts { name: text }, deflated, in the order given. */
function zip(parts) {
  const local = [], central = [];
  let off = 0;
  for (const [name, text] of Object.entries(parts)) {
    const raw = Buffer.from(text), data = zlib.deflateRawSync(raw, { level: 9 });
    const crc = zlib.crc32(raw), zName = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6);  // UTF-8 names
    h.writeUInt16LE(8, 8);       // deflate
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(raw.length, 22);
    h.writeUInt16LE(zName.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(raw.length, 24);
    c.writeUInt16LE(zName.length, 28);
    c.writeUInt32LE(off, 42);
    local.push(h, zName, data);
    central.push(c, zName);
    off += h.length + zName.length + data.length;
  }
  const cd = Buffer.concat(central), e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(central.length / 2, 8);
  e.writeUInt16LE(central.length / 2, 10);
  e.writeUInt32LE(cd.length, 12);
  e.writeUInt32LE(off, 16);
  return Buffer.concat([...local, cd, e]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rels = (list) => `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${
  list.map(([id, type, target]) => `<Relationship Id="${id}" Type="${R}/${type}" Target="${target}"/>`).join('')}</Relationships>`;
const book = (sheets, pr = '') => `<workbook xmlns="${NS}" xmlns:r="${R}">${pr}<sheets>${
  sheets.map(([name, id, state]) => `<sheet name="${name}" sheetId="${id}"${state ? ` state="${state}"` : ''} r:id="rId${id}"/>`).join('')}</sheets></workbook>`;
const sheet = (rows) => `<worksheet xmlns="${NS}"><sheetData>${rows}</sheetData></worksheet>`;

// The smallest that reads: no package relationships (xl/workbook.xml is
// assumed), no styles, no shared strings; inline strings and numbers.
fs.writeFileSync(path.join(dir, 'min.xlsx'), zip({
  'xl/workbook.xml': book([['Sheet1', 1]]),
  'xl/_rels/workbook.xml.rels': rels([['rId1', 'worksheet', 'worksheets/sheet1.xml']]),
  'xl/worksheets/sheet1.xml': sheet(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>年龄</t></is></c></row>' +
    '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2"><v>33</v></c></row>'),
}));

// What Excel writes, in little: package relationships, a hidden first sheet,
// the roster named 名单, styles with built-in and custom date formats, shared
// strings with a phonetic run, a title row above the header, cells of every
// type, a gap in a row, an 18-digit ID stored as a number.
const styles = `<styleSheet xmlns="${NS}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>` +
  `<numFmt numFmtId="165" formatCode="&quot;d&quot;0.00"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/>` +
  `<xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs></styleSheet>`;
const strings = `<sst xmlns="${NS}" count="5" uniqueCount="5"><si><t>党员名册</t></si><si><t>姓名</t></si>` +
  `<si><t>公民身份号码</t></si><si><r><t>入党</t></r><r><t>日期</t></r></si><si><t>张三</t><rPh sb="0" eb="2"><t>zhang</t></rPh></si></sst>`;
const full = {
  '_rels/.rels': rels([['rId1', 'officeDocument', 'xl/workbook.xml']]),
  'xl/workbook.xml': book([['说明', 1, 'hidden'], ['名单', 2], ['Sheet1', 3]], '<workbookPr date1904="false"/>'),
  'xl/_rels/workbook.xml.rels': rels([['rId1', 'worksheet', 'worksheets/sheet1.xml'], ['rId2', 'worksheet', '/xl/worksheets/sheet2.xml'],
    ['rId3', 'worksheet', './worksheets/../worksheets/sheet2.xml'], ['rId4', 'styles', 'styles.xml'], ['rId5', 'sharedStrings', 'sharedStrings.xml']]),
  'xl/styles.xml': styles,
  'xl/sharedStrings.xml': strings,
  'xl/worksheets/sheet1.xml': sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>不读这张</t></is></c></row>'),
  'xl/worksheets/sheet2.xml': sheet(
    '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' +
    '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v>3</v></c><c r="D3" t="inlineStr"><is><t>其他</t></is></c></row>' +
    '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="str"><v>11010119900307451X</v></c><c r="C4" s="1"><v>43835</v></c>' +
    '<c r="D4" t="b"><v>1</v></c><c r="F4" t="e"><v>#N/A</v></c></row>' +
    '<row r="5"><c r="A5" t="inlineStr"><is><t>李</t><rPh><t>li</t></rPh></is></c><c r="B5"><v>3.4110219900101203E+17</v></c>' +
    '<c r="C5" s="2"><v>60</v></c><c r="D5" s="3"><v>0.30000000000000004</v></c><c r="E5" s="4"><v>45000.5</v></c></row>' +
    '<row><c t="d"><v>2020-01-05T08:30:00</v></c><c><v>-1.5E-7</v></c><c s="1"><v>-3</v></c><c r="XFD6"/></row>'),
};
fs.writeFileSync(path.join(dir, 'full.xlsx'), zip(full));

// The 1904 system, a workbook in another folder, prefixed element names.
fs.writeFileSync(path.join(dir, 'date1904.xlsx'), zip({
  '_rels/.rels': rels([['rId1', 'officeDocument', 'book/wb.xml']]),
  'book/wb.xml': `<x:workbook xmlns:x="${NS}" xmlns:r="${R}"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Sheet1" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
  'book/_rels/wb.xml.rels': rels([['rId1', 'worksheet', 'data/s.xml'], ['rId2', 'styles', '../book/st.xml']]),
  'book/st.xml': `<x:styleSheet xmlns:x="${NS}"><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="14"/><x:xf numFmtId="20"/></x:cellXfs></x:styleSheet>`,
  'book/data/s.xml': `<x:worksheet xmlns:x="${NS}"><x:sheetData><x:row r="1"><x:c r="A1" s="1"><x:v>0</x:v></x:c>` +
    `<x:c r="B1" s="1"><x:v>42369</x:v></x:c><x:c r="C1" s="2"><x:v>0.75</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
}));

// ---- xls: BIFF8 in an OLE2 compound file --------------------------------------

const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const f64 = (v) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b; };
const rec = (type, ...data) => { const d = Buffer.concat(data); return Buffer.concat([u16(type), u16(d.length), d]); };
/** XLUnicodeString (cch 16 bits) or, with bShort, ShortXLUnicodeString. */
function ustr(s, bShort) {
  const wide = /[^\x00-\xff]/.test(s);
  const chars = wide ? Buffer.from(s, 'utf16le') : Buffer.from(s, 'latin1');
  return Buffer.concat([bShort ? Buffer.from([s.length]) : u16(s.length), Buffer.from([wide ? 1 : 0]), chars]);
}
const bof = (dt) => rec(0x0809, u16(0x0600), u16(dt), u16(0x0dbb), u16(0x07cc), u32(0), u32(6));
const xf = (ifmt) => rec(0x00e0, u16(0), u16(ifmt), u16(0xfff5), Buffer.alloc(14));
const cell = (type, r, c, ixfe, ...data) => rec(type, u16(r), u16(c), u16(ixfe), ...data);

/** A workbook stream: sheets [name, cells (Buffer)], shared strings ss. */
function biff(sheets, ss, b1904) {
  const head = [bof(0x0005), rec(0x0042, u16(1200)), rec(0x0022, u16(b1904 ? 1 : 0)),
    rec(0x041e, u16(164), ustr('yyyy"年"m"月"d"日"')), xf(0), xf(14), xf(164), xf(22), xf(2)];
  const sst = rec(0x00fc, u32(ss.length), u32(ss.length), ...ss.map((s) => ustr(s)));
  const subs = sheets.map(([, cells, nRow, nCol]) =>
    Buffer.concat([bof(0x0010), rec(0x0200, u32(0), u32(nRow), u16(0), u16(nCol), u16(0)), cells, rec(0x000a)]));
  const bounds = (offs) => sheets.map(([name], i) => rec(0x0085, u32(offs[i]), Buffer.from([0, 0]), ustr(name, true)));
  let size = Buffer.concat([...head, ...bounds(sheets.map(() => 0)), sst, rec(0x000a)]).length;
  const offs = subs.map((s) => { const o = size; size += s.length; return o; });
  return Buffer.concat([...head, ...bounds(offs), sst, rec(0x000a), ...subs]);
}

/** A compound file holding the stream "Workbook" (< 4096 bytes, so in the
 * mini stream): header, FAT, directory, mini FAT, then the mini stream. */
function cfb(stream) {
  const FREE = 0xffffffff, END = 0xfffffffe, FATSECT = 0xfffffffd;
  const nMini = Math.ceil(stream.length / 64), nBig = Math.ceil(nMini * 64 / 512);
  const sector = (words) => { const b = Buffer.alloc(512, 0xff); words.forEach((w, i) => b.writeUInt32LE(w >>> 0, 4 * i)); return b; };
  const fat = sector([FATSECT, END, END, ...Array.from({ length: nBig }, (_, i) => (i + 1 < nBig ? 4 + i : END))]);
  const minifat = sector(Array.from({ length: nMini }, (_, i) => (i + 1 < nMini ? i + 1 : END)));
  const entry = (name, type, child, start, size) => {
    const e = Buffer.alloc(128);
    const n = Buffer.from(name + '\0', 'utf16le');
    n.copy(e, 0);
    e.writeUInt16LE(n.length, 64);
    e[66] = type;
    e[67] = 1;
    e.writeUInt32LE(FREE, 68);
    e.writeUInt32LE(FREE, 72);
    e.writeUInt32LE(child >>> 0, 76);
    e.writeUInt32LE(start >>> 0, 116);
    e.writeUInt32LE(size, 120);
    return e;
  };
  const empty = () => { const e = Buffer.alloc(128); e.writeUInt32LE(FREE, 68); e.writeUInt32LE(FREE, 72); e.writeUInt32LE(FREE, 76); return e; };
  const dirs = Buffer.concat([entry('Root Entry', 5, 1, 3, nMini * 64), entry('Workbook', 2, FREE, 0, stream.length), empty(), empty()]);
  const h = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(h, 0);
  h.writeUInt16LE(0x3e, 24);
  h.writeUInt16LE(3, 26);
  h.writeUInt16LE(0xfffe, 28);
  h.writeUInt16LE(9, 30);
  h.writeUInt16LE(6, 32);
  h.writeUInt32LE(1, 44);      // FAT sectors
  h.writeUInt32LE(1, 48);      // first directory sector
  h.writeUInt32LE(4096, 56);   // mini stream cutoff
  h.writeUInt32LE(2, 60);      // first mini FAT sector
  h.writeUInt32LE(1, 64);      // mini FAT sectors
  h.writeUInt32LE(END, 68);    // no DIFAT sectors
  h.fill(0xff, 76);
  h.writeUInt32LE(0, 76);      // the FAT is sector 0
  const mini = Buffer.alloc(nBig * 512);
  stream.copy(mini);
  return Buffer.concat([h, fat, dirs, minifat, mini]);
}

const roster = Buffer.concat([
  cell(0x00fd, 0, 0, 0, u32(0)),
  cell(0x00fd, 2, 0, 0, u32(1)), cell(0x00fd, 2, 1, 0, u32(2)), cell(0x00fd, 2, 2, 0, u32(3)), cell(0x00fd, 2, 3, 0, u32(4)),
  cell(0x00fd, 3, 0, 0, u32(5)), cell(0x00fd, 3, 1, 0, u32(6)), cell(0x0203, 3, 2, 1, f64(43835)), cell(0x027e, 3, 3, 0, u32((33 << 2) | 2)),
  cell(0x00fd, 4, 0, 0, u32(7)), cell(0x0203, 4, 1, 0, f64(341102199001012030)), cell(0x0203, 4, 2, 2, f64(45000)),
  cell(0x0203, 4, 3, 4, f64(0.30000000000000004)), cell(0x0203, 4, 4, 3, f64(45000.5)), cell(0x0205, 4, 5, 0, Buffer.from([1, 0])),
  cell(0x027e, 4, 6, 0, u32(0x405ec000 | 0)),
]);
const ss = ['党员名册', '姓名', '公民身份号码', '入党日期', '年龄', '张三', '11010119900307451X', '李四'];
fs.writeFileSync(path.join(dir, 'roster.xls'), cfb(biff([['名单', roster, 5, 7], ['Sheet1', cell(0x00fd, 0, 0, 0, u32(1)), 1, 1]], ss, false)));
fs.writeFileSync(path.join(dir, 'date1904.xls'), cfb(biff([['Sheet1', Buffer.concat([cell(0x0203, 0, 0, 1, f64(0)),
  cell(0x0203, 0, 1, 3, f64(42369.75))]), 1, 2]], ['x'], true)));

// ---- CSV ----------------------------------------------------------------------

fs.writeFileSync(path.join(dir, 'roster.csv'), '\ufeff姓名,公民身份号码,入党日期\r\n张三,11010119900307451X,2020-01-05\r\n"李,四",\'341102199001012030,2020/1/5\r\n');

for (const f of fs.readdirSync(dir)) {
  const n = fs.statSync(path.join(dir, f)).size;
  console.log(`${f}: ${n} bytes${n > 4096 ? ' (over -max_len=4096)' : ''}`);
}
