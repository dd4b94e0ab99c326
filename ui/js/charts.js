// charts.js: ECharts, loaded from this server only when a screen shows a
// chart. A chart is drawn once its box has a size (ResizeObserver), follows
// the box when it changes, follows the 大字 switch, and is disposed when the
// screen is left. Tooltips are drawn on the canvas (renderMode 'richText') so
// that the page needs no inline styles under its Content-Security-Policy.
import { h } from './dom.js';

let lib = null;
const load = () => (lib ??= import('../vendor/echarts.esm.min.mjs'));
/** Starts loading ECharts now, for a screen that will draw charts once its data is in. */
export function preloadCharts() { load().catch(() => { lib = null; }); }

export const PALETTE = ['#c8161d', '#f0b400', '#1456b8', '#1a7f37', '#8e44ad', '#e67e22', '#16a085', '#7f8c8d', '#d35400', '#2c3e50'];

const NARROW = 480;   // below this a chart box drops outer labels for a legend with the figures
const rem = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

/**
 * A chart card: title and a box drawn from make(fontPx, boxWidthPx) -> ECharts option.
 * ctx: the screen's context (for onLeave). Returns the card element; its
 * .ready promise resolves with the ECharts instance once drawn.
 */
export function chartCard(title, make, ctx, { testid } = {}) {
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': title });
  const card = h('section', { class: 'chart-card', 'data-testid': testid || null }, h('h3', null, title), box);
  let inst = null, resolve, wasNarrow = false;
  card.ready = new Promise((r) => { resolve = r; });
  const draw = () => { if (!inst) return; delete box.dataset.drawn; inst.setOption(base(make(rem(), box.clientWidth)), { notMerge: true }); };
  const ro = new ResizeObserver(async () => {
    if (!box.clientWidth) return;
    if (!inst) {
      const echarts = await load();
      if (inst || !box.isConnected) return;
      inst = echarts.init(box, null, { renderer: 'canvas' });
      // 'finished': drawn (tests wait for it).
      inst.on('finished', () => { box.dataset.drawn = '1'; });
      draw();
      resolve(inst);
    } else {
      inst.resize();
      if ((box.clientWidth < NARROW) !== wasNarrow) draw();   // the layout depends on the width
    }
    wasNarrow = box.clientWidth < NARROW;
  });
  ro.observe(box);
  const onFont = () => { draw(); inst && inst.resize(); };
  window.addEventListener('qj-fontsize', onFont);
  ctx.onLeave(() => {
    ro.disconnect();
    window.removeEventListener('qj-fontsize', onFont);
    if (inst) inst.dispose();
  });
  return card;
}

function base(opt) {
  return {
    color: PALETTE,
    // No entry animation: a county's page draws seventeen charts at once,
    // and animating them all together kept a phone busy for a second
    // after the last answer came in (the page settles when all are drawn).
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.documentElement).fontFamily },
    ...opt,
    tooltip: { renderMode: 'richText', confine: true, ...(opt.tooltip || {}) },
  };
}

/** A ring chart of [{name, value}]: outer labels when there is room, else figures in the legend. */
export function pie(data) {
  return (px, w) => {
    const narrow = w < NARROW;
    const value = Object.fromEntries(data.map((d) => [d.name, d.value]));
    return {
      tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
      legend: narrow
        ? { bottom: 0, type: 'plain', itemGap: 12, textStyle: { fontSize: px * 0.8 }, formatter: (n) => `${n} ${value[n]}` }
        : { bottom: 0, type: 'scroll', textStyle: { fontSize: px * 0.8 } },
      series: [{
        type: 'pie', radius: narrow ? ['30%', '55%'] : ['35%', '65%'], center: ['50%', narrow ? '38%' : '45%'],
        avoidLabelOverlap: true,
        label: narrow ? { show: false } : { formatter: '{b}\n{c}', fontSize: px * 0.8 },
        labelLine: { show: !narrow },
        data,
      }],
    };
  };
}

/**
 * Labels without the prefix they all share: the sub-organizations of 定远县富桥镇党委
 * all begin "定远县富桥镇", which a chart's axis would show and cut, so that
 * no bar could be told from the next. Each label keeps at least `keep`
 * characters; one label, or labels sharing nothing, come back as they are.
 */
export function stripCommonPrefix(labels, keep = 3) {
  const list = labels.map((l) => [...String(l ?? '')]);   // by characters, not UTF-16 units
  if (list.length < 2) return labels.map((l) => String(l ?? ''));
  let n = Math.min(...list.map((l) => l.length));
  for (const l of list) {
    let i = 0;
    while (i < n && l[i] === list[0][i]) i++;
    n = i;
  }
  n = Math.max(0, Math.min(n, Math.min(...list.map((l) => l.length)) - keep));
  return list.map((l) => l.slice(n).join(''));
}

/**
 * A bar chart: names and values; horizontal bars when asked, or when the box
 * is narrow and the names many. orgs: the names are organizations' (their
 * shared prefix is dropped on the axis; the tooltip keeps the whole name).
 */
export function bar(names, values, { horizontal = false, unit = '', orgs = false } = {}) {
  const full = names;
  if (orgs) names = stripCommonPrefix(names);
  return (px, w) => {
    const flat = horizontal || (w < NARROW && names.length > 3);
    const cat = { type: 'category', data: names, axisLabel: { fontSize: px * 0.75, interval: 0, width: px * 7, overflow: 'truncate' } };
    const val = { type: 'value', minInterval: 1, axisLabel: { fontSize: px * 0.75 } };
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
        ...(orgs ? { formatter: (ps) => `${full[ps[0].dataIndex]}：${ps[0].value}${unit}` } : {}) },
      grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
      xAxis: flat ? val : { ...cat, axisLabel: { ...cat.axisLabel, rotate: names.length > 4 ? 30 : 0 } },
      yAxis: flat ? { ...cat, inverse: true } : val,
      series: [{ type: 'bar', data: values, barMaxWidth: 28, label: { show: true, position: flat ? 'right' : 'top', fontSize: px * 0.75, formatter: `{c}${unit}` } }],
    };
  };
}

/** Counts of items by key(item): [{name, value}] in first-seen order or by `order`. */
export function countBy(items, key, order) {
  const m = new Map();
  for (const o of items) { const k = key(o) || '未填写'; m.set(k, (m.get(k) || 0) + 1); }
  const out = [...m].map(([name, value]) => ({ name, value }));
  if (order) out.sort((a, b) => (order.indexOf(a.name) + 1 || 99) - (order.indexOf(b.name) + 1 || 99));
  return out;
}

/** Several series over the same categories (months): lines, or bars when asked. series: [{name, values}]. */
export function lines(names, series, { type = 'line', unit = '' } = {}) {
  return (px, w) => {
    const narrow = w < NARROW;
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0, type: narrow ? 'scroll' : 'plain', textStyle: { fontSize: px * 0.75 } },
      grid: { left: 8, right: 16, top: 16, bottom: px * 2.6, containLabel: true },
      xAxis: { type: 'category', data: names, axisLabel: { fontSize: px * 0.7, rotate: narrow ? 45 : 0 } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: px * 0.75 } },
      series: series.map((s) => ({ name: s.name, type, data: s.values, smooth: false, symbolSize: 6, barMaxWidth: 14,
        label: { show: false, formatter: `{c}${unit}` } })),
    };
  };
}
