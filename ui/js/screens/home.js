// home.js: '/' only redirects (main.js's guard sends each role to its start page).
import { h } from '../dom.js';

export default { title: '首页', render: () => h('p', { class: 'muted' }, '正在跳转…') };
