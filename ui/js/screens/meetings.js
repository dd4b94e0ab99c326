// meetings.js: an organization's organizational life (组织生活): its meetings
// of a year, newest first, and (for those who may write) a form to record a
// meeting of a kind: who hosted it and who kept the record (active members of
// the branch, by name), its minutes, an optional remote check-in window, and
// whether it is recorded as held or as planned (its date against the server's
// today). Meetings are held in branches: on the screen of an organization above
// them (a town's 党委) the form comes after a choice of one of its branches.
// A new meeting opens on its own page, where attendance is marked.
import { h, fill, toast } from '../dom.js';
import { get, post, request } from '../api.js';
import { canWrite } from '../session.js';
import { orgFrame } from '../orgframe.js';
import { orgIndex } from '../orgs.js';
import { BRANCH_KINDS } from '../fields.js';
import { serverToday } from '../lifecycle.js';
import { table, pager, errorBox, formAlert, onSubmit } from '../widgets.js';
import { MEETING_KINDS, MODES, today, localInput, utcOf } from '../life.js';

const enc = encodeURIComponent;
const PAGE = 20;

function field(label, input, { wide = false, name, hint } = {}) {
  const id = `mt-${name}`;
  input.id = id;
  input.name = name;
  const err = h('div', { class: 'err', id: `${id}-err`, role: 'alert', hidden: true });
  input.setAttribute('aria-describedby', `${id}-err`);
  return { box: h('div', { class: `field${wide ? ' wide' : ''}`, 'data-field': name }, h('label', { for: id }, label), input,
    hint ? h('div', { class: 'hint' }, hint) : null, err), input, err };
}

/** The active members of a branch ({id, name}), page by page (the list gives at most 200 at a time). */
async function activeMembers(code) {
  const out = [];
  for (let offset = 0; offset < 5000; offset += 200) {
    const r = await get(`/api/v1/orgs/${enc(code)}/members`, { limit: 200, offset });
    out.push(...r.items.map((m) => ({ id: m.id, name: m.name })));
    if (!r.items.length || out.length >= r.total) break;
  }
  return out;
}

/**
 * A select of the branch's active members for host_id / recorder_id, filled
 * once they are read; selected: the member chosen so far (kept even when no
 * longer active in the branch, by the name given).
 */
function memberPicker(members, selected = null, selectedName = null) {
  const sel = h('select', null, h('option', { value: '' }, '正在读取党员……'));
  sel.disabled = true;
  members.then((list) => {
    const known = selected === null || list.some((m) => m.id === selected);
    fill(sel, h('option', { value: '' }, '（不填）'), list.map((m) => h('option', { value: m.id, selected: m.id === selected }, m.name)),
      known ? null : h('option', { value: selected, selected: true }, selectedName || `党员 ${selected}`));
    sel.disabled = false;
  }, () => { fill(sel, h('option', { value: '' }, '（无法读取本支部党员）')); });
  return sel;
}

/**
 * The form recording a meeting of branch (an organization: {code, name}), or
 * with opts.meeting (GET /meetings/{id}) changing it (PATCH: the fields that
 * differ; its kind stays): the same fields either way, 主持人, 记录人 and 会议记录
 * among them. opts.names: member id -> name, for a host no longer in the branch.
 */
export function meetingForm(branch, ctx, { meeting: m = null, names = new Map() } = {}) {
  const code = branch.code;
  const now = new Date();
  const members = activeMembers(code);
  const val = (k, dflt = '') => (m ? (m[k] ?? '') : dflt);
  const f = {
    kind: field('会议类别', h('select', { disabled: !!m }, MEETING_KINDS.filter(([k]) => k !== 'study_group' || (m && m.kind === k))
      .map(([k, n]) => h('option', { value: k, selected: m ? m.kind === k : false }, n))), { name: 'kind' }),
    title: field('会议名称', h('input', { type: 'text', maxlength: 100, autocomplete: 'off', value: val('title') }), { name: 'title', wide: true }),
    held_on: field('召开日期', h('input', { type: 'date', value: val('held_on', today()) }), { name: 'held_on' }),
    start_time: field('开始时间', h('input', { type: 'time', value: val('start_time', '09:00') }), { name: 'start_time' }),
    place: field('地点', h('input', { type: 'text', maxlength: 100, value: val('place', '党员活动室') }), { name: 'place' }),
    mode: field('形式', h('select', null, m && !m.mode ? h('option', { value: '' }, '（未填）') : null,
      MODES.map(([k, n]) => h('option', { value: k, selected: m ? m.mode === k : false }, n))), { name: 'mode' }),
    host_id: field('主持人', memberPicker(members, m ? m.host_id ?? null : null, m && names.get(m.host_id)), { name: 'host_id' }),
    recorder_id: field('记录人', memberPicker(members, m ? m.recorder_id ?? null : null, m && names.get(m.recorder_id)), { name: 'recorder_id' }),
    topics: field('议题', h('input', { type: 'text', maxlength: 2000, value: val('topics') }), { name: 'topics', wide: true }),
    minutes: field('会议记录', h('textarea', { rows: 5, maxlength: 20000 }, val('minutes')), { name: 'minutes', wide: true, hint: '会议的主要内容、决定事项等；计划召开的会议可在召开后补记。' }),
    checkin_opens_at: field('签到开始', h('input', { type: 'datetime-local', value: localInput(now) }), { name: 'checkin_opens_at' }),
    checkin_closes_at: field('签到截止', h('input', { type: 'datetime-local', value: localInput(new Date(now.getTime() + 3 * 3600e3)) }), { name: 'checkin_closes_at' }),
  };
  const remote = h('input', { type: 'checkbox', id: 'mt-remote' });
  const windowBox = h('div', { class: 'form', hidden: true }, f.checkin_opens_at.box, f.checkin_closes_at.box);
  remote.addEventListener('change', () => { windowBox.hidden = !remote.checked; });
  const msg = formAlert();
  const save = h('button', { class: 'btn primary', type: 'submit' }, m ? '保存修改' : '保存并登记出席');
  // Held or planned: the date against the server's today (the browser's may differ).
  let day = null;
  const status = h('p', { class: 'meeting-status', 'data-testid': 'meeting-status', 'aria-live': 'polite' });
  const planned = () => !!(day && f.held_on.input.value && f.held_on.input.value > day);
  const showStatus = () => {
    const d = f.held_on.input.value;
    const p = planned();
    status.dataset.status = day ? (p ? 'planned' : 'held') : '';
    fill(status, !day ? '正在读取今天的日期……' : [h('span', { class: p ? 'tag grey' : 'tag' }, p ? '计划' : '已召开'),
      p ? `${d} 在今天（${day}）之后：保存为计划召开的会议，召开后再登记出席情况。`
        : `${d ? `${d} 不晚于今天（${day}）` : '日期未填'}：保存为已召开的会议，随后登记出席情况。`]);
    fill(save, m ? '保存修改' : p ? '保存会议计划' : '保存并登记出席');
  };
  f.held_on.input.addEventListener('input', showStatus);
  f.held_on.input.addEventListener('change', showStatus);
  serverToday(code).catch(() => today()).then((t) => {
    const untouched = !m && f.held_on.input.value === today();
    day = t;
    if (untouched) f.held_on.input.value = t;
    showStatus();
  });
  showStatus();
  const form = h('form', { class: 'card', novalidate: true, 'data-testid': m ? 'meeting-edit-form' : 'meeting-form', 'data-org': code },
    m ? null : h('h2', null, `记录一次会议 · ${branch.name}`),
    h('div', { class: 'form' }, f.kind.box, f.title.box, f.held_on.box, f.start_time.box, f.place.box, f.mode.box,
      f.host_id.box, f.recorder_id.box, f.topics.box, f.minutes.box),
    status,
    m ? null : h('div', { class: 'field check' }, remote, h('label', { for: 'mt-remote' }, '开放远程签到（党员在手机上签到记为线上出席）')),
    m ? null : windowBox, msg, h('div', { class: 'row end' }, save));
  const v = (k) => f[k].input.value.trim() || null;
  if (m) {
    return onSubmit(form, async () => {
      const vals = { title: v('title'), held_on: v('held_on'), start_time: v('start_time'), place: v('place'), mode: v('mode'),
        host_id: v('host_id') && Number(v('host_id')), recorder_id: v('recorder_id') && Number(v('recorder_id')), topics: v('topics'), minutes: v('minutes') };
      const body = {};
      for (const [k, x] of Object.entries(vals)) if (x !== (m[k] ?? null)) body[k] = x;
      if (body.title === null) delete body.title;   // a meeting keeps a name
      if (day && body.held_on) body.status = planned() ? 'planned' : 'held';
      if (!Object.keys(body).length) throw new Error('没有修改任何内容');
      await request('PATCH', `/api/v1/meetings/${m.id}`, { json: body });
      toast('会议信息已修改');
      ctx.navigate(`/meetings/${m.id}`, { replace: true });
    }, { places: f, alert: msg, button: save });
  }
  return onSubmit(form, async () => {
    const body = { kind: v('kind'), title: v('title'), held_on: v('held_on'), start_time: v('start_time'), place: v('place'), mode: v('mode'),
      host_id: v('host_id') && Number(v('host_id')), recorder_id: v('recorder_id') && Number(v('recorder_id')), topics: v('topics'), minutes: v('minutes') };
    if (!body.title) body.title = `${body.held_on || ''}${f.kind.input.selectedOptions[0].textContent}`;
    if (day && body.held_on) body.status = planned() ? 'planned' : 'held';
    if (remote.checked) { body.checkin_opens_at = utcOf(v('checkin_opens_at')); body.checkin_closes_at = utcOf(v('checkin_closes_at')); }
    for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    const m = await post(`/api/v1/orgs/${enc(code)}/meetings`, body);
    toast(m.status === 'planned' ? '会议计划已保存' : '会议已保存，请登记出席情况');
    ctx.navigate(`/meetings/${m.id}`);
  }, { places: f, alert: msg, button: save });
}

/** The branches below organization code (in the user's subtree), by name. */
async function branchesUnder(code) {
  const list = await orgIndex();
  const byCode = new Map(list.map((o) => [o.code, o]));
  const under = (o) => {
    for (let p = byCode.get(o.parent_code), n = 0; p && n < 40; p = byCode.get(p.parent_code), n++) if (p.code === code) return true;
    return false;
  };
  return list.filter((o) => BRANCH_KINDS.includes(o.kind) && under(o));
}

/** For an organization above the branches: choose one of its branches, then its form. */
function branchPicker(o, ctx) {
  const slot = h('div', { 'data-testid': 'branch-form' });
  const sel = h('select', { id: 'mt-branch', disabled: true }, h('option', { value: '' }, '正在读取党支部……'));
  const filter = h('input', { type: 'search', id: 'mt-branch-q', placeholder: '按名称或编码筛选', autocomplete: 'off', hidden: true });
  const card = h('div', { class: 'card', 'data-testid': 'branch-picker' },
    h('h2', null, '记录一次会议'),
    h('p', { class: 'muted' }, `会议在党支部召开。${o.name}不是党支部：请先选择召开会议的党支部，再填写会议。`),
    h('div', { class: 'form' }, h('div', { class: 'field wide' }, h('label', { for: 'mt-branch' }, '召开会议的党支部'), sel,
      h('label', { for: 'mt-branch-q', class: 'sr-only' }, '筛选党支部'), filter)));
  let list = [];
  const show = (code) => {
    ctx.setQuery({ branch: code || null });
    const b = list.find((x) => x.code === code);
    fill(slot, b ? meetingForm(b, ctx) : null);
  };
  const options = (q) => {
    const s = q.trim().toLowerCase();
    const cur = sel.value;
    const hits = list.filter((b) => !s || b.name.toLowerCase().includes(s) || b.code.toLowerCase().includes(s)).slice(0, 500);
    fill(sel, h('option', { value: '' }, hits.length ? `请选择（${list.length} 个党支部）` : '没有符合的党支部'),
      hits.map((b) => h('option', { value: b.code, selected: b.code === cur }, b.path.length > 1 ? `${b.name}（${b.path.at(-1)}）` : b.name)));
  };
  sel.addEventListener('change', () => show(sel.value));
  filter.addEventListener('input', () => options(filter.value));
  branchesUnder(o.code).then((bs) => {
    if (ctx.stale()) return;
    list = bs.sort((a, b) => a.code.localeCompare(b.code));
    if (!list.length) { fill(sel, h('option', { value: '' }, '下面没有党支部')); return; }
    filter.hidden = list.length <= 20;
    options('');
    sel.disabled = false;
    const want = ctx.query.get('branch');
    if (want && list.some((b) => b.code === want)) { sel.value = want; show(want); }
  }, (e) => fill(slot, errorBox(e)));
  return h('div', null, card, slot);
}

export default {
  title: '组织生活',
  async render(ctx) {
    const code = ctx.params.code;
    const { org: o, head } = await orgFrame(code);
    const year = Number(ctx.query.get('year')) || new Date().getFullYear();
    const page = Number(ctx.query.get('page')) || 0;
    const list = h('div', { 'data-testid': 'meetings' });
    const load = async (p) => {
      ctx.setQuery({ page: p || null });
      try {
        const r = await get(`/api/v1/orgs/${enc(code)}/meetings`, { year, limit: PAGE, offset: p * PAGE });
        if (ctx.stale()) return;
        fill(list, h('div', { class: 'card' }, table([
          { label: '日期', cell: (m) => h('a', { href: `/meetings/${m.id}` }, m.held_on), head: true },
          { label: '类别', cell: (m) => m.kind_name },
          { label: '会议名称', cell: (m) => h('a', { href: `/meetings/${m.id}` }, m.title) },
          { label: '所属组织', cell: (m) => m.org_name },
          { label: '应到/实到', cell: (m) => m.status === 'planned' ? '计划中' : `${m.expected_count} / ${m.expected_present}` },
          { label: '签到', cell: (m) => (m.checkin_opens_at ? '远程签到' : '—') },
        ], r.items, { empty: `${year} 年还没有会议记录`, testid: 'meeting-table' }), r.total > PAGE ? pager(p, PAGE, r.total, load) : null));
      } catch (e) { fill(list, errorBox(e)); }
    };
    load(page);
    const years = [];
    for (let y = new Date().getFullYear(); y >= new Date().getFullYear() - 4; y--) years.push(y);
    const yearSel = h('select', { 'aria-label': '年度', onchange: (e) => ctx.navigate(`/orgs/${enc(code)}/meetings?year=${e.target.value}`) },
      years.concat(years.includes(year) ? [] : [year]).map((y) => h('option', { value: y, selected: y === year }, `${y} 年`)));
    const isBranch = BRANCH_KINDS.includes(o.kind);
    return h('div', { 'data-testid': 'meetings-page' },
      head({ title: `${o.name} · 组织生活` }),
      h('div', { class: 'row actions' }, yearSel,
        h('a', { class: 'btn', href: `/obligations?org=${enc(code)}&year=${year}` }, '三会一课落实情况')),
      canWrite() ? (isBranch ? meetingForm(o, ctx) : branchPicker(o, ctx)) : null,
      h('section', null, h('h2', null, `${year} 年的会议`), list));
  },
};
