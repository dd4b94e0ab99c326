// api.js: the one way the UI talks to the server. Same origin only; the
// session cookie travels by itself, the CSRF token is added to every write.
// A failure throws ApiError with the server's {code, message, field} (and
// rows, for an import's invalid_rows), so a form can put the message beside
// the field it names.

let csrf = '';
const listeners = { unauthorized: [] };

export class ApiError extends Error {
  constructor(status, err = {}) {
    super(err.message || `服务器返回 ${status}`);
    this.status = status;
    this.code = err.code || 'http_' + status;
    this.field = err.field ?? null;
    this.rows = err.rows || null;
    this.total = err.total ?? null;
  }
  /** The route itself does not exist on this server (a module not built in). */
  get noRoute() { return this.status === 404 && this.field === null && this.code === 'not_found'; }
}

export function setCsrf(token) { csrf = token || ''; }
export function onUnauthorized(fn) { listeners.unauthorized.push(fn); }

/** A URL with the query parameters that have a value. */
export function url(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * request('PATCH', '/api/v1/members/3', {json: {...}}) -> parsed JSON.
 * Options: json (object body), body (raw: a File or Blob), query.
 */
export async function request(method, path, { json, body, query } = {}) {
  const headers = { Accept: 'application/json' };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (body !== undefined) {
    headers['Content-Type'] = body.type || 'application/octet-stream';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(url(path, query), { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { code: 'network', message: '无法连接服务器，请检查网络后重试' });
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, (data && data.error) || {});
    if (res.status === 401 && path !== '/api/v1/session') listeners.unauthorized.forEach((f) => f(err));
    throw err;
  }
  return data;
}

export const get = (path, query) => request('GET', path, { query });
export const post = (path, json, query) => request('POST', path, { json, query });
export const patch = (path, json, query) => request('PATCH', path, { json, query });
export const del = (path) => request('DELETE', path);
