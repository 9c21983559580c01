// How the page reaches a scimlet: one HTTP-shaped API for both modes.
//
//  local   the engine in this browser. Normally the Service Worker (sw.js) hosts it and the
//          page sends it requests (fetch when the page is controlled, postMessage when not);
//          if Service Workers are unavailable the page hosts the engine itself.
//  remote  a deployed scimlet (or `make dev`) at a URL, over fetch, with tokens.
//
// Both expose the same admin API and SCIM under a per-server base URL, so the UI has one
// code path. Tokens the page learns (create, attach) are kept in localStorage.

const TOKENS_KEY = 'scimlet.tokens.v1';

function loadTokens() {
  try {
    return JSON.parse(localStorage.getItem(TOKENS_KEY) || '{}') || {};
  } catch {
    return {};
  }
}

/** A failed API call: the SCIM error's fields, so a screen can put `detail` where it belongs. */
export class ApiError extends Error {
  constructor(res) {
    super(errorText(res));
    const body = parseJson(res.text);
    this.status = res.status;
    this.scimType = (body && body.scimType) || null;
    this.detail = (body && typeof body.detail === 'string') ? body.detail : null;
  }
}

export function headerPairs(headers) {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers;
  if (typeof headers.entries === 'function') return [...headers.entries()];
  return Object.entries(headers);
}

/** Common parts: tokens, request logging, JSON helpers. */
class Backend {
  constructor(key) {
    this.key = key; // which scimlet the tokens belong to
    this.listeners = [];
  }

  onRequest(listener) {
    this.listeners.push(listener);
  }

  tokenFor(id) {
    return loadTokens()[`${this.key}|${id}`];
  }

  rememberToken(id, token) {
    const tokens = loadTokens();
    if (token) tokens[`${this.key}|${id}`] = token;
    else delete tokens[`${this.key}|${id}`];
    localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  }

  rememberedIds() {
    const prefix = `${this.key}|`;
    return Object.keys(loadTokens()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** One request: {method, url, headers: [[k, v]], body} -> {status, headers, text, ms}; logged unless `log` is false. */
  async request(method, url, { headers = [], body = null, token, label, log = true } = {}) {
    const pairs = headerPairs(headers).slice();
    if (token && !pairs.some(([k]) => k.toLowerCase() === 'authorization')) pairs.push(['Authorization', `Bearer ${token}`]);
    const bytes = body === null || body === undefined ? null : typeof body === 'string' ? new TextEncoder().encode(body) : body;
    if (bytes && !pairs.some(([k]) => k.toLowerCase() === 'content-type')) pairs.push(['Content-Type', 'application/scim+json']);
    const t0 = performance.now();
    let result;
    try {
      result = await this.send({ method, url, headers: pairs, body: bytes });
    } catch (error) {
      result = { status: 0, headers: [], text: `network error: ${error.message || error}` };
    }
    result.ms = performance.now() - t0;
    result.url = url;
    const entry = { at: new Date(), method, url, status: result.status, ms: result.ms, label, requestHeaders: pairs, requestBody: bytes ? new TextDecoder().decode(bytes) : '' };
    if (log) for (const listener of this.listeners) listener(entry, result);
    return result;
  }

  /** A JSON API call; throws an ApiError on a non-2xx answer. */
  async api(method, path, { token, body, label, log } = {}) {
    const res = await this.request(method, `${this.apiBase()}${path}`, { token, body: body === undefined ? null : JSON.stringify(body), label, log, headers: body === undefined ? [] : [['Content-Type', 'application/json']] });
    if (res.status < 200 || res.status > 299) throw new ApiError(res);
    return res.text ? parseJson(res.text) : null;
  }

  /** The token for `/api/servers/{id}/...`: the server's own, else (remote) the admin token. */
  apiToken(id) {
    return this.tokenFor(id);
  }

  /** Where an `oci` server's identity-domain API lives (/storage/v1, /job/v1): the root. */
  domainBase() {
    return this.base;
  }

  scim(id, method, path, options = {}) {
    return this.request(method, `${this.scimBase(id)}${path}`, { token: this.tokenFor(id), ...options });
  }

  async createServer({ id, seed, settings }) {
    const body = {};
    if (id) body.id = id;
    if (seed) body.seed = seed;
    if (settings) body.settings = settings;
    const created = await this.api('POST', '', { body, label: 'create server' });
    this.rememberToken(created.id, created.token);
    return created;
  }

  async serverInfo(id, { label = 'server info', log = true } = {}) {
    return this.api('GET', `/${encodeURIComponent(id)}`, { token: this.apiToken(id), label, log });
  }

  /**
   * Whether `token` opens server `id` (`GET /api/servers/{id}` with it): the server's info,
   * or an ApiError (401 wrong token, 404 no such server). Stores nothing.
   */
  async checkToken(id, token) {
    return this.api('GET', `/${encodeURIComponent(id)}`, { token, label: 'check token' });
  }

  /** Drops what this browser keeps about server `id` (its token); the server itself stays. */
  forgetServer(id) {
    this.rememberToken(id, null);
  }

  async deleteServer(id) {
    await this.api('DELETE', `/${encodeURIComponent(id)}`, { token: this.apiToken(id), label: 'delete server' });
    this.rememberToken(id, null);
  }

  async resetServer(id) {
    return this.api('POST', `/${encodeURIComponent(id)}/reset`, { token: this.apiToken(id), label: 'reset server' });
  }

  async config(id) {
    return this.api('GET', `/${encodeURIComponent(id)}/config`, { token: this.apiToken(id), label: 'settings' });
  }

  /**
   * Saves settings: `PATCH .../config` with the merge patch (RFC 7396, only the keys that
   * changed); a scimlet without PATCH (405) gets `PUT` of the whole `full` config instead.
   * Resolves to {method, res}: the answer as it came, for the screen to show.
   */
  async saveConfig(id, patch, full) {
    const url = `${this.apiBase()}/${encodeURIComponent(id)}/config`;
    const token = this.apiToken(id);
    let res = await this.request('PATCH', url, { token, body: JSON.stringify(patch), headers: [['Content-Type', 'application/merge-patch+json']], label: 'settings patch' });
    if (res.status === 415) {
      res = await this.request('PATCH', url, { token, body: JSON.stringify(patch), headers: [['Content-Type', 'application/json']], label: 'settings patch' });
    }
    if (res.status !== 405) return { method: 'PATCH', res };
    res = await this.request('PUT', url, { token, body: JSON.stringify(full), headers: [['Content-Type', 'application/json']], label: 'settings' });
    return { method: 'PUT', res };
  }

  async exportServer(id) {
    const res = await this.request('GET', `${this.apiBase()}/${encodeURIComponent(id)}/export`, { token: this.apiToken(id), label: 'export' });
    if (res.status !== 200) throw new ApiError(res);
    return res.text;
  }

  async importServer(id, text) {
    const res = await this.request('PUT', `${this.apiBase()}/${encodeURIComponent(id)}/import`, { token: this.apiToken(id), body: text, headers: [['Content-Type', 'application/json']], label: 'import' });
    if (res.status < 200 || res.status > 299) throw new ApiError(res);
    return parseJson(res.text);
  }
}

export class LocalBackend extends Backend {
  /** @param {{registration?: ServiceWorkerRegistration, host?: import('./local-host.js').LocalHost}} via */
  constructor(via) {
    super('local');
    this.registration = via.registration || null;
    this.host = via.host || null;
    this.base = new URL('./sandbox', location.href).href;
    this.adminToken = '';
  }

  /** The page holds the sandbox's admin token: it lists every local server. */
  get admin() {
    return !!this.adminToken;
  }

  get label() {
    return this.host ? 'Local · engine in this page (IndexedDB)' : 'Local · engine in this browser’s Service Worker (IndexedDB)';
  }

  apiBase() {
    return `${this.base}/api/servers`;
  }

  scimBase(id) {
    return `${this.base}/${encodeURIComponent(id)}/scim/v2`;
  }

  /** The server's own token, else the sandbox's admin token (which shows and deletes). */
  apiToken(id) {
    return this.tokenFor(id) || this.adminToken || undefined;
  }

  async listServers() {
    const res = await this.api('GET', '', { token: this.adminToken, label: 'list servers' });
    return res.servers;
  }

  /** Fetches the sandbox's admin token from its host (only pages of this origin can ask). */
  async check() {
    if (this.adminToken) return;
    if (this.host) {
      this.adminToken = await this.host.adminToken();
      return;
    }
    const worker = this.registration && (this.registration.active || navigator.serviceWorker.controller);
    if (!worker) throw new Error('the Service Worker is not active yet');
    const reply = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage({ type: 'scimlet-admin-token' }, [channel.port2]);
    });
    if (!reply.ok) throw new Error(reply.error);
    this.adminToken = reply.token;
  }

  /** A server's token is shown once, when it is created; a lost one cannot be issued again. */
  async ensureToken() {}

  async send(req) {
    if (this.host) return toText(await this.host.handle(req));
    if (navigator.serviceWorker.controller) {
      const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
      return { status: res.status, headers: [...res.headers], text: await res.text() };
    }
    // Not controlled (first visit before claim, or a hard reload): ask the worker directly.
    const worker = this.registration.active;
    if (!worker) throw new Error('the Service Worker is not active yet');
    const reply = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage({ type: 'scimlet-request', request: req }, [channel.port2]);
    });
    if (!reply.ok) throw new Error(reply.error);
    return toText(reply.response);
  }
}

export class RemoteBackend extends Backend {
  constructor(url, adminToken) {
    const base = url.replace(/\/+$/, '');
    super(base);
    this.base = base;
    this.adminToken = adminToken || '';
  }

  get label() {
    return `Remote · ${this.base}`;
  }

  /** True when the page holds the admin token (it lists every server). */
  get admin() {
    return !!this.adminToken;
  }

  apiToken(id) {
    return this.tokenFor(id) || this.adminToken || undefined;
  }

  apiBase() {
    return `${this.base}/api/servers`;
  }

  scimBase(id) {
    return `${this.base}/scim-identifier/${encodeURIComponent(id)}/scim/v2`;
  }

  /** With the admin token: every server; without: those this browser created or attached. */
  async listServers() {
    if (this.adminToken) {
      const res = await this.api('GET', '', { token: this.adminToken, label: 'list servers' });
      const list = Array.isArray(res) ? res : res.servers || res.Resources || [];
      return list.map((s) => (typeof s === 'string' ? { id: s } : s));
    }
    return this.rememberedIds().map((id) => ({ id }));
  }

  async ensureToken() {}

  /** Throws a readable error unless the scimlet answers `GET /healthz`. */
  async check() {
    const res = await this.request('GET', `${this.base}/healthz`, { label: 'health' });
    if (res.status !== 200) throw new Error(`Could not reach ${this.base}: ${res.status ? errorText(res) : res.text}`);
  }

  async send(req) {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, mode: 'cors' });
    return { status: res.status, headers: [...res.headers], text: await res.text() };
  }
}

function toText(out) {
  return { status: out.status, headers: out.headers, text: new TextDecoder().decode(out.body) };
}

export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The most useful sentence in an error answer: a SCIM Error's detail, else the body. */
export function errorText(res) {
  const body = parseJson(res.text);
  if (body && body.detail) return `${res.status}${body.scimType ? ` ${body.scimType}` : ''}: ${body.detail}`;
  if (res.status === 0) return res.text;
  return `${res.status}: ${(res.text || '').slice(0, 300) || 'no body'}`;
}

/** Registers the Service Worker and waits for it; null when this browser cannot. */
export async function startServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  try {
    const registration = await navigator.serviceWorker.register(new URL('./sw.js', location.href), { type: 'module', scope: './' });
    const ready = navigator.serviceWorker.ready;
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 5000));
    const active = await Promise.race([ready, timeout]);
    return active ? registration : null;
  } catch (error) {
    console.warn('Service Worker unavailable, hosting the engine in the page:', error);
    return null;
  }
}
