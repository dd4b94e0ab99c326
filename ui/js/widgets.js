// widgets.js: the pieces several screens share: forms built from field lists,
// the one way a form shows the server's error (under the field it names, else
// in the form's message box) and is sent, tables that turn into cards on a
// phone, a pager, key-value lists.
import { h, fill, debounce } from './dom.js';
import { show, when } from './fields.js';

let uid = 0;
/** Field types whose value is a JSON number: the UI's 'number' and the server's numeric types. */
const NUMERIC = new Set(['money', 'number', 'int', 'tenths', 'year', 'id']);

/**
 * A form over fields (fields.js). values: the current record (edit) or {}.
 * An enum's options are values, [value, label] or [value, label, disabled],
 * or groups {group: label, options: [...]} of them; type 'month' is a
 * YYYY-MM input, 'number' a plain number (hours, days, months).
 * opts.only: names to include; opts.readonly: names shown but not editable;
 * opts.suggest: {fieldName: async (typed) -> [{value, label}]}: suggestions,
 * asked for when the field gets focus and as the user types (so a province's
 * hundred thousand branches never fill one list).
 * Returns {el, inputs, places, values(), changed()}.
 */
export function fieldForm(fields, values = {}, opts = {}) {
  const inputs = {};
  const boxes = {};
  const list = fields.filter((f) => !opts.only || opts.only.includes(f.name));
  const el = h('div', { class: 'form' }, list.map((f) => {
    const id = `f${++uid}-${f.name}`;
    const v = values[f.name];
    const ro = opts.readonly && opts.readonly.includes(f.name);
    let input;
    if (f.type === 'enum') {
      const option = (o) => {
        const [val, text, off] = Array.isArray(o) ? o : [o, o];
        return h('option', { value: val, selected: v === val, disabled: !!off }, text);
      };
      input = h('select', { id, name: f.name, disabled: ro },
        h('option', { value: '' }, f.required ? '请选择' : '（不填）'),
        f.options.map((o) => (o && o.group ? h('optgroup', { label: o.group }, o.options.map(option)) : option(o))));
    } else if (f.type === 'bool') {
      input = h('input', { id, name: f.name, type: 'checkbox', checked: !!v, disabled: ro });
    } else {
      const suggest = opts.suggest && opts.suggest[f.name];
      const listId = suggest ? `${id}-list` : null;
      input = h('input', {
        id, name: f.name, disabled: ro,
        type: f.type === 'date' ? 'date' : f.type === 'month' ? 'month' : NUMERIC.has(f.type) && f.type !== 'id' ? 'number' : f.type === 'phone' ? 'tel' : 'text',
        inputmode: f.type === 'idnum' ? 'text' : null, step: f.type === 'money' ? '0.01' : f.type === 'tenths' ? '0.1' : f.type === 'int' || f.type === 'year' ? '1' : f.type === 'number' ? 'any' : null,
        min: f.type === 'money' || f.type === 'number' ? '0' : null,
        maxlength: f.max || null, autocomplete: 'off', list: listId,
        value: v === null || v === undefined ? '' : String(v),
      });
      if (suggest) {
        const dl = h('datalist', { id: listId });
        const box = input;
        // On focus: the first choices whatever the field holds; while typing: those that match.
        const ask = async (typed) => {
          try {
            const list = await suggest(typed);
            if (!typed || box.value.trim() === typed) fill(dl, list.map((o) => h('option', { value: o.value }, o.label)));
          } catch { /* suggestions are a convenience; the server still judges the value */ }
        };
        box.addEventListener('focus', () => ask(''), { once: true });
        box.addEventListener('input', debounce(() => ask(box.value.trim()), 200));
        input = [box, dl];
      }
    }
    const main = Array.isArray(input) ? input[0] : input;
    inputs[f.name] = main;
    const err = h('div', { class: 'err', id: `${id}-err`, role: 'alert', hidden: true });
    main.setAttribute('aria-describedby', `${id}-err`);
    const label = h('label', { for: id }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null);
    const box = f.type === 'bool'
      ? h('div', { class: 'field check', 'data-field': f.name }, input, label, err)
      : h('div', { class: `field${f.wide ? ' wide' : ''}`, 'data-field': f.name }, label, input,
        f.hint ? h('div', { class: 'hint' }, f.hint) : null, err);
    boxes[f.name] = { box, err, input: main };
    return box;
  }));

  const read = (f) => {
    const i = inputs[f.name];
    if (f.type === 'bool') return i.checked;
    const s = i.value.trim();
    if (NUMERIC.has(f.type)) {
      if (s === '') return null;
      // The server takes numbers as JSON numbers only; what is not one goes as typed, for its message.
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    }
    return s === '' ? null : s;
  };
  const norm = (f, v) => (v === undefined || v === '' ? null : f.type === 'bool' ? !!v : NUMERIC.has(f.type) && v !== null ? Number(v) : v);
  return {
    el, inputs,
    /** Every editable field's value (null when empty). */
    values() {
      const o = {};
      for (const f of list) if (!inputs[f.name].disabled) o[f.name] = read(f);
      return o;
    },
    /** Only the fields that differ from the record the form started with. */
    changed() {
      const o = {};
      for (const f of list) {
        if (inputs[f.name].disabled) continue;
        const v = read(f);
        if (v !== norm(f, values[f.name])) o[f.name] = v;
      }
      return o;
    },
    /** Where each field shows its error: {name: {box, err, input}}, for showFieldError and onSubmit. */
    places: boxes,
  };
}

/**
 * Shows a server error {code, message, field} on a form: under the field it
 * names when the form has it (places: {name: {box, err, input}}: the box is
 * marked invalid, err holds the message, the input is aria-invalid and gets
 * the focus), else in alert, the form's own message box (when there is one).
 * A field the form hides at the moment (a step that does not take it) counts
 * as absent: its message would not be seen. Returns true when the error went
 * to a field.
 */
export function showFieldError(places, alert, err) {
  const b = err.field && places[err.field];
  if (b && !b.box.closest('[hidden]')) {
    b.box.classList.add('invalid');
    b.input.setAttribute('aria-invalid', 'true');
    fill(b.err, err.message);
    b.err.hidden = false;
    b.input.focus();
    return true;
  }
  if (alert) { fill(alert, err.message); alert.hidden = false; }
  return false;
}

/** Takes away what showFieldError showed. */
export function clearFieldErrors(places, alert = null) {
  for (const b of Object.values(places)) { b.box.classList.remove('invalid'); b.err.hidden = true; b.input.removeAttribute('aria-invalid'); }
  if (alert) alert.hidden = true;
}

/** A form's message box, for an error that names none of its fields. */
export function formAlert(testid) {
  return h('div', { class: 'alert', role: 'alert', hidden: true, 'data-testid': testid || null });
}

/**
 * Sends form on submit: clears the errors shown, disables button (when
 * given) while send() runs, and shows what send() throws (the server's error,
 * or a check of the screen's own) by showFieldError(places, alert).
 */
export function onSubmit(form, send, { places = {}, alert = null, button = null } = {}) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(places, alert);
    if (button) button.disabled = true;
    try {
      await send();
    } catch (err) {
      showFieldError(places, alert, err);
    } finally {
      if (button) button.disabled = false;
    }
  });
  return form;
}

/**
 * A table that a phone shows as cards. cols: [{label, cell(row) -> Node|string, head (the card's title)}].
 */
export function table(cols, rows, { empty = '没有记录', testid } = {}) {
  if (!rows.length) return h('p', { class: 'muted', 'data-testid': testid || null }, empty);
  return h('div', { class: 'table-wrap cards-wrap' }, h('table', { class: 'table cards', 'data-testid': testid || null },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', null, rows.map((r) => h('tr', null, cols.map((c) => h('td', { 'data-label': c.label, class: c.head ? 'head' : null }, c.cell(r))))))));
}

/** A pager: page (0-based), size, total; go(page) is called on a click. */
export function pager(page, size, total, go) {
  const pages = Math.max(1, Math.ceil(total / size));
  return h('nav', { class: 'pager', 'aria-label': '翻页' },
    h('button', { class: 'btn small', type: 'button', disabled: page <= 0, onclick: () => go(page - 1) }, '上一页'),
    h('span', { class: 'muted small' }, `第 ${page + 1} / ${pages} 页，共 ${total} 条`),
    h('button', { class: 'btn small', type: 'button', disabled: page >= pages - 1, onclick: () => go(page + 1) }, '下一页'));
}

/**
 * The summary by organization one level down, a line each (a phone too):
 * its name, a link to the same screen there (href(row)), and its figures
 * (figures(row) -> Node|string) on a small line below; light(row) -> 'red',
 * 'amber' or 'green' puts a light before it. rows: [{org_code, org_name}].
 */
export function orgSummary(rows, { href, figures, light, testid, empty = '下级组织都没有记录' } = {}) {
  if (!rows.length) return h('p', { class: 'muted small', 'data-testid': testid || null }, empty);
  return h('ul', { class: 'list card org-summary', 'data-testid': testid || null }, rows.map((r) => {
    const l = light ? light(r) : null;
    return h('li', { 'data-code': r.org_code, 'data-light': l },
      l ? h('span', { class: `light ${l}`, 'aria-hidden': 'true' }) : null,
      h('div', { class: 'grow' }, h('a', { href: href(r) }, r.org_name), h('div', { class: 'muted small' }, figures(r))));
  }));
}

/**
 * A list that pages on the server: first (an answer with total), fetch(page)
 * -> the answer of another page, draw(answer) -> the rows' Node; the pager
 * shows when there is more than one page of size.
 */
export function pagedBox(first, fetch, draw, size) {
  const box = h('div', { class: 'paged' });
  const show = (r, p) => fill(box, draw(r), r.total > size ? pager(p, size, r.total, go) : null);
  const go = async (p) => {
    box.setAttribute('aria-busy', 'true');
    try { show(await fetch(p), p); } finally { box.removeAttribute('aria-busy'); }
  };
  show(first, 0);
  return box;
}

/**
 * A definition list of a record's fields, then more [label, Node|string]
 * pairs; cells: {fieldName: Node} shown instead of a field's value (a name
 * for a code).
 */
export function kv(fields, rec, more = [], cells = {}) {
  return h('dl', { class: 'kv' }, fields.map((f) => [h('dt', null, f.label),
    h('dd', { 'data-field': f.name }, cells[f.name] ?? show(f, rec[f.name]))]),
    more.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** A statistic card. */
export function stat(label, value, note, { text = false, testid } = {}) {
  return h('div', { class: 'stat', 'data-testid': testid || null }, h('div', { class: 'label' }, label),
    h('div', { class: text ? 'value text' : 'value' }, value ?? '—'), note ? h('div', { class: 'note' }, note) : null);
}

/**
 * The note of a kept answer (a province's summary, src/memo.h) whose data
 * changed since it was computed: when it was, and that the current one is on
 * its way. Nothing for a current answer.
 */
export function staleNote(...answers) {
  const o = answers.find((a) => a && a.stale);
  return o ? h('p', { class: 'muted small', 'data-testid': 'stale-note' }, `统计于 ${when(o.computed_at)}，数据已有变动，正在更新，稍后刷新可见`) : null;
}

/** An error box for a failed request. */
export function errorBox(e) {
  return h('p', { class: 'alert', role: 'alert' }, e.message || String(e));
}
