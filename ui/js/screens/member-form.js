// member-form.js: add a member to a branch (/members/new?org=CODE) or change
// one (/members/:id/edit). The server judges every value (ID number check
// digit, sex and birth date against it, dates, full membership a year after
// joining...) and its message is shown under the field it names. An edit
// sends only the fields that changed, so masked ID numbers and phones stay
// as they are unless retyped in full.
import { h, toast } from '../dom.js';
import { get, post, patch } from '../api.js';
import { branches, forgetOrgs } from '../orgs.js';
import { orgTrail } from '../orgframe.js';
import { MEMBER_FIELDS } from '../fields.js';
import { fieldForm, formAlert, onSubmit } from '../widgets.js';

export default {
  title: (ctx) => (ctx.params.id ? '修改党员信息' : '新增党员'),
  async render(ctx) {
    const id = ctx.params.id;
    const m = id ? await get(`/api/v1/members/${encodeURIComponent(id)}`) : { org_code: ctx.query.get('org') || '', category: '正式党员', ethnicity: '汉族', mobile: false };
    const orgCode = m.org_code;
    const trail = await orgTrail(orgCode, id ? `${m.name} · 修改` : '新增党员');
    const fields = MEMBER_FIELDS.map((f) => (id && (f.name === 'id_number' || f.name === 'phone')
      ? { ...f, hint: '显示为遮盖后的号码；如需更正，请输入完整号码' } : f));
    const form = fieldForm(fields, m, {
      suggest: { org_code: async (t) => (await branches()).filter((b) => !t || b.code.includes(t) || b.name.includes(t))
        .slice(0, 200).map((b) => ({ value: b.code, label: `${b.name}（${b.path.slice(-1)[0] || ''}）` })) },
    });
    const msg = formAlert('form-error');
    const save = h('button', { class: 'btn primary', type: 'submit' }, id ? '保存修改' : '保存');
    const el = h('form', { class: 'card', novalidate: true, 'data-testid': 'member-form' }, form.el, msg,
      h('div', { class: 'row end' },
        h('a', { class: 'btn', href: id ? `/members/${id}` : orgCode ? `/orgs/${encodeURIComponent(orgCode)}` : '/members' }, '取消'), save));
    onSubmit(el, async () => {
      let body;
      if (id) {
        body = form.changed();
        if (!Object.keys(body).length) { toast('没有修改'); return; }
      } else {
        body = Object.fromEntries(Object.entries(form.values()).filter(([, v]) => v !== null));
      }
      const r = id ? await patch(`/api/v1/members/${encodeURIComponent(id)}`, body) : await post('/api/v1/members', body);
      forgetOrgs();
      toast(id ? '已保存修改' : '已新增党员');
      ctx.navigate(`/members/${r.id}`, { replace: true });
    }, { places: form.places, alert: msg, button: save });
    return h('div', null,
      trail,
      h('h1', null, id ? `修改党员信息 · ${m.name}` : '新增党员'), el);
  },
};
