// login.js: sign in with login name and password; then back to where the
// user was going (?next=), or to their start page.
import { h } from '../dom.js';
import { onSubmit } from '../widgets.js';
import { signIn, bigFont, setBigFont } from '../session.js';

export default {
  title: '登录',
  render(ctx) {
    const login = h('input', { id: 'login', name: 'login', autocomplete: 'username', required: true, maxlength: 64, autocapitalize: 'none' });
    const pw = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 200 });
    const msg = h('p', { class: 'alert', role: 'alert', hidden: true });
    const btn = h('button', { class: 'btn primary', type: 'submit' }, '登录');
    const big = h('button', { class: 'btn small', type: 'button', 'aria-pressed': String(bigFont()) }, '大字模式');
    big.addEventListener('click', () => { setBigFont(!bigFont()); big.setAttribute('aria-pressed', String(bigFont())); });
    const form = h('form', { class: 'card', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'login' }, '账号'), login),
      h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), pw),
      msg,
      h('div', { class: 'row' }, btn, h('span', { class: 'spacer' }), big));
    onSubmit(form, async () => {
      if (!login.value.trim() || !pw.value) throw new Error('请输入账号和密码');
      try {
        await signIn(login.value.trim(), pw.value);
      } catch (err) {
        pw.value = '';
        pw.focus();
        throw err.code === 'bad_credentials' ? new Error('账号或密码错误') : err;
      }
      const next = ctx.query.get('next');
      ctx.navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }, { alert: msg, button: btn });
    setTimeout(() => login.focus(), 0);
    return h('div', { class: 'login-box' },
      h('div', { class: 'brandline' }, '强基'),
      h('div', { class: 'sub' }, '基层党建工作平台'),
      form);
  },
};
