// import.js: bring in a members or organizations file (an Excel or WPS
// workbook, .xlsx or .xls, or CSV in UTF-8, GBK or UTF-16, up to 64 MiB, as
// docs/formats.md describes; the screen shows the columns, from
// the server's declared fields, and offers a template of each file). First the file is only checked
// (dry_run=1) and every bad row is listed with its row number, column, value
// and reason; then it is imported, all or nothing, or with only the good rows
// when the user chooses so.
import { h, fill } from '../dom.js';
import { request } from '../api.js';
import { forgetOrgs } from '../orgs.js';
import { table } from '../widgets.js';
import { formFields } from '../meta.js';

const KINDS = { members: '党员信息', orgs: '组织信息' };
/** What the file input offers: workbooks and CSV (the server tells them apart by content). */
const ACCEPT = '.xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv';
const MAX_UPLOAD = 64 * 1024 * 1024;   /* the import routes' body limit */

/** The columns of an import, as the server declares them (its labels are the files' headers), and the templates. */
function formatCard(kind) {
  const cols = formFields(kind === 'members' ? 'member' : 'org').filter((f) => !f.readonly);
  return h('details', { class: 'card', 'data-testid': 'import-format' },
    h('summary', null, `${KINDS[kind]}文件的格式：${cols.length} 列，第一行为列名`),
    h('p', { class: 'row' },
      h('a', { class: 'btn', href: `/api/v1/import/${kind}/template?format=xlsx`, download: '', 'data-testid': 'template-xlsx' }, '下载模板（Excel）'),
      h('a', { class: 'btn', href: `/api/v1/import/${kind}/template?format=csv`, download: '', 'data-testid': 'template-csv' }, '下载模板（CSV）')),
    table([
      { label: '列名', head: true, cell: (f) => f.label },
      { label: '必填', cell: (f) => (f.required ? '是' : '') },
      { label: '可填的值', cell: (f) => (f.options && f.options.length ? f.options.join('、') : f.max ? `最多 ${f.max} 字` : '') },
    ], cols, { testid: 'import-columns' }));
}

function rowsTable(rows, testid) {
  return table([
    { label: '行号', head: true, cell: (r) => `第 ${r.row} 行` },
    { label: '列', cell: (r) => r.column || '—' },
    { label: '值', cell: (r) => (r.value === '' || r.value === undefined || r.value === null ? '（空）' : r.value) },
    { label: '原因', cell: (r) => r.reason },
  ], rows, { testid });
}

export default {
  title: '导入',
  render() {
    const kind = h('select', { id: 'imp-kind', name: 'kind' }, Object.entries(KINDS).map(([v, t]) => h('option', { value: v }, t)));
    const file = h('input', { id: 'imp-file', name: 'file', type: 'file', accept: ACCEPT });
    const check = h('button', { class: 'btn primary', type: 'submit' }, '检查文件');
    const out = h('div', { 'data-testid': 'import-result', 'aria-live': 'polite' });
    let busy = false;

    const send = async (query) => {
      const f = file.files[0];
      return request('POST', `/api/v1/import/${kind.value}`, { body: f, query });
    };
    const doImport = async (keepGood) => {
      if (busy) return;
      busy = true;
      fill(out, h('p', { class: 'muted' }, '正在导入…'));
      try {
        const r = await send({ keep_good: keepGood ? 1 : '' });
        forgetOrgs();
        fill(out, h('div', { class: 'alert ok', 'data-testid': 'import-done' },
          `导入完成：新增 ${r.inserted}，更新 ${r.updated}，未变 ${r.unchanged}${r.rejected ? `，未导入的错误行 ${r.rejected}` : ''}。`),
        r.errors && r.errors.length ? [h('h3', null, '未导入的行'), rowsTable(r.errors, 'import-errors')] : null);
      } catch (e) {
        fill(out, h('p', { class: 'alert' }, e.message), e.rows ? rowsTable(e.rows, 'import-errors') : null);
      } finally { busy = false; }
    };

    const form = h('form', { class: 'card', novalidate: true },
      h('div', { class: 'form' },
        h('div', { class: 'field' }, h('label', { for: 'imp-kind' }, '文件类型'), kind),
        h('div', { class: 'field' }, h('label', { for: 'imp-file' }, '选择文件（Excel 或 WPS 表格 .xlsx、.xls，或 CSV，最大 64 MB）'), file)),
      h('div', { class: 'row', }, check, h('span', { class: 'muted small' }, '先检查、后导入：检查不会写入任何数据。')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!file.files.length) { fill(out, h('p', { class: 'alert' }, '请先选择文件')); return; }
      if (file.files[0].size > MAX_UPLOAD) { fill(out, h('p', { class: 'alert' }, '文件超过 64 MB，请分成几个文件导入')); return; }
      if (busy) return;
      busy = true;
      check.disabled = true;
      fill(out, h('p', { class: 'muted' }, '正在检查…'));
      try {
        const r = await send({ dry_run: 1 });
        const bad = r.errors || [];
        fill(out,
          h('div', { class: bad.length ? 'alert' : 'alert ok', 'data-testid': 'import-check' },
            `检查完成（${r.sheet ? `${r.encoding}，工作表“${r.sheet}”` : `${r.encoding} 编码`}）：可新增 ${r.inserted}，可更新 ${r.updated}，未变 ${r.unchanged}${bad.length ? `，错误 ${bad.length} 处` : '，没有错误'}。`),
          bad.length ? rowsTable(bad, 'import-errors') : null,
          r.warnings && r.warnings.length ? [h('h3', null, '提示'), h('ul', { 'data-testid': 'import-warnings' }, r.warnings.map((w) => h('li', null, w)))] : null,
          h('div', { class: 'row' }, h('button', { class: 'btn primary', type: 'button', onclick: () => doImport(false) }, '确认导入')));
      } catch (err) {
        if (err.code === 'invalid_rows') {
          const rows = err.rows || [];
          fill(out,
            h('div', { class: 'alert', 'data-testid': 'import-check' }, `${err.message}${err.total > rows.length ? `（显示前 ${rows.length} 处）` : ''}。请修改文件后重新检查，或只导入正确的行。`),
            rowsTable(rows, 'import-errors'),
            h('div', { class: 'row' },
              h('button', { class: 'btn', type: 'button', onclick: () => {
                if (window.confirm('有错误的行将不导入，其余的行会导入。确定吗？')) doImport(true);
              } }, '只导入正确的行')));
        } else {
          fill(out, h('p', { class: 'alert' }, err.message));
        }
      } finally {
        busy = false;
        check.disabled = false;
      }
    });
    const format = h('div', null, formatCard(kind.value));
    file.addEventListener('change', () => fill(out));
    kind.addEventListener('change', () => { fill(out); fill(format, formatCard(kind.value)); });
    return h('div', null, h('h1', null, '导入'),
      h('p', { class: 'muted' }, '文件的列与导出文件相同。Excel 或 WPS 表格读第一个工作表；表头上方的标题行（合并的单元格）会跳过。'
        + '行号按表格计算，与 Excel 左侧的行号相同。身份证号码一列请设为“文本”格式：存成数字的号码已丢失末几位，无法导入。'),
      form, format, out);
  },
};
