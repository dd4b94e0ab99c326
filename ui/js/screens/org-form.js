// org-form.js: create an organization under a parent (/orgs/new?parent=CODE)
// or change one (/orgs/:code/edit); changing the parent moves it with its
// whole subtree. The server's messages appear under the field they name.
import { h, toast } from '../dom.js';
import { post, patch } from '../api.js';
import { getOrg, orgIndex, forgetOrgs } from '../orgs.js';
import { orgTrail } from '../orgframe.js';
import { ORG_FIELDS, PARENT_KINDS } from '../fields.js';
import { fieldForm, formAlert, onSubmit } from '../widgets.js';

export default {
  title: (ctx) => (ctx.params.code ? '修改组织' : '新建组织'),
  async render(ctx) {
    const code = ctx.params.code;
    const o = code ? await getOrg(code) : { parent_code: ctx.query.get('parent') || '' };
    const at = code || o.parent_code;
    const trail = await orgTrail(at, code ? '修改' : '新建下级组织');
    const form = fieldForm(ORG_FIELDS, o, {
      readonly: code ? ['code'] : [],
      suggest: { parent_code: async (t) => (await orgIndex()).filter((p) => PARENT_KINDS.includes(p.kind) && p.code !== code &&
        (!t || p.code.includes(t) || p.name.includes(t))).slice(0, 200).map((p) => ({ value: p.code, label: p.name })) },
    });
    const msg = formAlert('form-error');
    const save = h('button', { class: 'btn primary', type: 'submit' }, '保存');
    const el = h('form', { class: 'card', novalidate: true, 'data-testid': 'org-form' }, form.el, msg,
      h('div', { class: 'row end' }, h('a', { class: 'btn', href: at ? `/orgs/${encodeURIComponent(at)}` : '/tree' }, '取消'), save));
    onSubmit(el, async () => {
      const body = code ? form.changed() : Object.fromEntries(Object.entries(form.values()).filter(([, v]) => v !== null));
      if (code && !Object.keys(body).length) { toast('没有修改'); return; }
      const r = code ? await patch(`/api/v1/orgs/${encodeURIComponent(code)}`, body) : await post('/api/v1/orgs', body);
      forgetOrgs();
      toast('已保存');
      ctx.navigate(`/orgs/${encodeURIComponent(r.code)}`, { replace: true });
    }, { places: form.places, alert: msg, button: save });
    return h('div', null, trail,
      h('h1', null, code ? `修改组织 · ${o.name}` : '新建组织'), el);
  },
};
