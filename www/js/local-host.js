// The local host: scimlet's engine (wasm) plus IndexedDB, answering HTTP-shaped requests.
//
// It runs in the Service Worker (the normal case: the single writer for every sandbox server
// of this origin; pages and `fetch('/sandbox/...')` calls all reach it) or, only when Service
// Workers are unavailable, inside the page. It serves the same API as a deployed scimlet:
//
//   POST   {prefix}/api/servers                  create ({id?, seed?, settings?}) -> {id, token, scim}
//   GET    {prefix}/api/servers                  list (local only: no admin token in a browser)
//   GET    {prefix}/api/servers/{id}             info: counts, created, last load time
//   DELETE {prefix}/api/servers/{id}
//   POST   {prefix}/api/servers/{id}/reset       remove every resource (settings and tokens stay)
//   GET    {prefix}/api/servers/{id}/export      the whole server as JSON
//   PUT    {prefix}/api/servers/{id}/import      replace it with an export
//   GET|PUT {prefix}/api/servers/{id}/config     settings
//   POST   {prefix}/api/servers/{id}/token       (local only) issue one more token
//   *      {prefix}/{id}/scim/v2/...             SCIM, with Bearer (or Basic) token as at the edge
//
// Every change set is written to IndexedDB in one transaction before the answer goes out; if
// that write fails the in-memory server is dropped and reloaded from storage next time, so
// memory never runs ahead of what is stored.

import init, { Server, scimErrorBody, checkServerId, newToken, authorized, unauthorized } from '../pkg/scimlet.js';
import * as idb from './idb.js';

/** Largest import or request body the host accepts (the engine applies its own, smaller limits to SCIM bodies). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const JSON_TYPE = 'application/json';
const SCIM_TYPE = 'application/scim+json';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

function newServerId() {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
}

function respond(status, body, headers = []) {
  const bytes = body === undefined || body === null ? new Uint8Array() : typeof body === 'string' ? encoder.encode(body) : body;
  return { status, headers, body: bytes };
}

function json(status, value, headers = []) {
  return respond(status, JSON.stringify(value), [['Content-Type', JSON_TYPE], ...headers]);
}

function scimError(status, detail, headers = []) {
  return respond(status, scimErrorBody(status, detail), [['Content-Type', SCIM_TYPE], ...headers]);
}

/** A SCIM error object thrown by the wasm side (`{status: "400", detail, ...}`) as a response. */
function thrown(error) {
  if (error && typeof error === 'object' && 'detail' in error && 'status' in error) {
    return respond(Number(error.status), JSON.stringify(error), [['Content-Type', SCIM_TYPE]]);
  }
  return scimError(500, `internal error: ${error && error.message ? error.message : String(error)}`);
}

function header(headers, name) {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return null;
}

export class LocalHost {
  /**
   * @param {object} options
   * @param {string} options.origin  e.g. "http://127.0.0.1:8080"
   * @param {string} options.prefix  path of the sandbox, e.g. "/sandbox"
   * @param {URL|string} [options.wasm] URL of scimlet_bg.wasm (defaults next to scimlet.js)
   */
  constructor({ origin, prefix = '/sandbox', wasm } = {}) {
    this.origin = origin;
    this.prefix = prefix.replace(/\/$/, '');
    this.wasm = wasm;
    this.loaded = new Map(); // id -> Promise<{server, record} | null>
    this.queues = new Map(); // id -> tail of that server's operation chain
    this.lastLoad = new Map(); // id -> {resources, readMs, engineMs, totalMs}
    this.readyPromise = null;
  }

  ready() {
    if (!this.readyPromise) {
      this.readyPromise = (async () => {
        await init(this.wasm ? { module_or_path: this.wasm } : undefined);
        this.db = await idb.openDb();
      })();
      this.readyPromise.catch(() => { this.readyPromise = null; });
    }
    return this.readyPromise;
  }

  scimBase(id) {
    return `${this.origin}${this.prefix}/${id}/scim/v2`;
  }

  /** Runs `task` after every earlier operation on the same server: one writer per server. */
  serialized(id, task) {
    const previous = this.queues.get(id) || Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => {});
    this.queues.set(id, tail);
    tail.then(() => { if (this.queues.get(id) === tail) this.queues.delete(id); });
    return next;
  }

  /** The in-memory server, loaded from IndexedDB on first use. */
  async open(id) {
    if (!this.loaded.has(id)) {
      const loading = this.loadFromStorage(id);
      this.loaded.set(id, loading);
      loading.catch(() => this.loaded.delete(id));
    }
    return this.loaded.get(id);
  }

  /** Reads one server from IndexedDB into a fresh engine; records how long it took. */
  async loadFromStorage(id) {
    const record = await idb.getServer(this.db, id);
    if (!record) return null;
    const t0 = performance.now();
    const stored = await idb.serverResources(this.db, id);
    const t1 = performance.now();
    const server = new Server(JSON.stringify(record.settings || {}), randomBytes(16));
    server.load(stored);
    const t2 = performance.now();
    this.lastLoad.set(id, { resources: stored.length, readMs: t1 - t0, engineMs: t2 - t1, totalMs: t2 - t0 });
    return { server, record };
  }

  forget(id) {
    const entry = this.loaded.get(id);
    this.loaded.delete(id);
    if (entry) entry.then((loaded) => loaded && loaded.server.free(), () => {});
  }

  /** Persists a change set with the refreshed record; on failure memory is dropped, not kept ahead of storage. */
  async persist(id, loaded, changes, options) {
    loaded.record.counts = JSON.parse(loaded.server.counts());
    loaded.record.updated = Date.now();
    try {
      await idb.writeChanges(this.db, loaded.record, changes, options);
    } catch (error) {
      this.forget(id);
      throw Object.assign(new Error(`could not save to IndexedDB: ${error.message || error}`), { storage: true });
    }
  }

  /**
   * Answers one request: {method, url, headers: [[name, value]], body: Uint8Array | null}
   * -> {status, headers: [[name, value]], body: Uint8Array}.
   */
  async handle(req) {
    try {
      await this.ready();
      const url = new URL(req.url, this.origin);
      const headers = req.headers || [];
      const body = req.body ? new Uint8Array(req.body) : new Uint8Array();
      if (body.length > MAX_IMPORT_BYTES) {
        return scimError(413, `the body is ${body.length} bytes; the sandbox accepts at most ${MAX_IMPORT_BYTES}`);
      }
      const method = (req.method || 'GET').toUpperCase();
      const rest = url.pathname.startsWith(`${this.prefix}/`) ? url.pathname.slice(this.prefix.length) : null;
      if (rest === null) return scimError(404, `not a sandbox path: ${url.pathname}`);
      const api = rest.match(/^\/api\/servers(?:\/([^/]*)(?:\/([^/]*))?)?\/?$/);
      if (api) return await this.admin(method, api[1] === undefined ? null : decodeURIComponent(api[1]), api[2] || null, headers, body);
      const scim = rest.match(/^\/([^/]+)\/scim\/v2(\/.*)?$/);
      if (scim) return await this.scim(method, decodeURIComponent(scim[1]), scim[2] || '/', url.search.slice(1), headers, body);
      return scimError(404, `unknown sandbox path ${url.pathname}: SCIM lives under ${this.prefix}/{server_id}/scim/v2/, the admin API under ${this.prefix}/api/servers`);
    } catch (error) {
      if (error && error.storage) return scimError(507, error.message);
      if (error instanceof WebAssembly.RuntimeError) {
        // The core never panics by design; a trap here means memory ran out. Drop every
        // in-memory server so the next request starts again from IndexedDB.
        for (const id of [...this.loaded.keys()]) this.loaded.delete(id);
        return scimError(500, `the engine stopped (${error.message}); nothing unsaved was kept, retry the request`);
      }
      return thrown(error);
    }
  }

  async scim(method, id, path, query, headers, body) {
    checkServerId(id);
    return this.serialized(id, async () => {
      const loaded = await this.open(id);
      if (!loaded) return scimError(404, `no sandbox server ${id}`);
      if (!authorized(header(headers, 'Authorization'), loaded.record.tokenDigests)) {
        return unauthorized(`a valid token for server ${id} is required (Authorization: Bearer <token>)`);
      }
      const t0 = performance.now();
      const out = loaded.server.handle(
        method, path, query,
        header(headers, 'If-Match') ?? undefined,
        header(headers, 'If-None-Match') ?? undefined,
        header(headers, 'Content-Type') ?? undefined,
        body, Date.now(), this.scimBase(id),
      );
      const engineMs = performance.now() - t0;
      if (out.upserted.length || out.deleted.length) await this.persist(id, loaded, out);
      return respond(out.status, out.body, [...out.headers, ['Server-Timing', `engine;dur=${engineMs.toFixed(3)}`]]);
    });
  }

  async admin(method, id, action, headers, body) {
    if (id === null) {
      if (method === 'GET') return this.listServers();
      if (method === 'POST') return this.createServer(body);
      return scimError(405, `${method} is not allowed on ${this.prefix}/api/servers`, [['Allow', 'GET, POST']]);
    }
    checkServerId(id);
    return this.serialized(id, async () => {
      const loaded = await this.open(id);
      if (!loaded) return scimError(404, `no sandbox server ${id}`);
      const route = `${method} ${action || ''}`;
      if (route === 'POST token') return this.issueToken(id, loaded);
      if (!authorized(header(headers, 'Authorization'), loaded.record.tokenDigests)) {
        return unauthorized(`a valid token for server ${id} is required (Authorization: Bearer <token>)`);
      }
      switch (route) {
        case 'GET ': return json(200, this.info(id, loaded));
        case 'DELETE ':
          await idb.deleteServer(this.db, id);
          this.forget(id);
          return respond(204);
        case 'POST reset': return this.reset(id, loaded);
        case 'GET export':
          return respond(200, loaded.server.export(), [['Content-Type', JSON_TYPE], ['Content-Disposition', `attachment; filename="scimlet-${id}.json"`]]);
        case 'PUT import': return this.importInto(id, loaded, body);
        case 'GET config': return respond(200, loaded.server.settings(), [['Content-Type', JSON_TYPE]]);
        case 'PUT config': {
          loaded.server.configure(decoder.decode(body));
          loaded.record.settings = JSON.parse(loaded.server.settings());
          await this.persist(id, loaded, {});
          return respond(200, loaded.server.settings(), [['Content-Type', JSON_TYPE]]);
        }
        default:
          return scimError(405, `${method} is not allowed on ${this.prefix}/api/servers/${id}${action ? `/${action}` : ''}`);
      }
    });
  }

  info(id, loaded) {
    const { record } = loaded;
    return {
      id,
      scim: this.scimBase(id),
      created: new Date(record.created).toISOString(),
      updated: record.updated ? new Date(record.updated).toISOString() : null,
      expires: null,
      counts: JSON.parse(loaded.server.counts()),
      seed: record.seed || null,
      load: this.lastLoad.get(id) || null,
    };
  }

  async listServers() {
    const records = await idb.allServers(this.db);
    records.sort((a, b) => a.created - b.created);
    return json(200, {
      servers: records.map((r) => ({ id: r.id, scim: this.scimBase(r.id), created: new Date(r.created).toISOString(), counts: r.counts || {} })),
    });
  }

  async createServer(body) {
    let spec = {};
    if (body.length) {
      try {
        spec = JSON.parse(decoder.decode(body));
      } catch (error) {
        return scimError(400, `the body is not valid JSON: ${error.message}`);
      }
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return scimError(400, 'the body must be a JSON object: {"id"?, "seed"?, "settings"?}');
    }
    const id = spec.id ?? newServerId();
    if (typeof id !== 'string') return scimError(400, 'id must be a string');
    checkServerId(id);
    return this.serialized(id, async () => {
      if (await idb.getServer(this.db, id)) return scimError(409, `server ${id} already exists`);
      const [token, digest] = newToken(randomBytes(32));
      const record = {
        id,
        settings: spec.settings || {},
        seed: spec.seed || null,
        tokenDigests: [digest],
        created: Date.now(),
      };
      const server = new Server(JSON.stringify(record.settings), randomBytes(16));
      record.settings = JSON.parse(server.settings());
      const loaded = { server, record };
      const changes = record.seed ? server.populate(JSON.stringify(record.seed), Date.now(), this.scimBase(id)) : {};
      this.loaded.set(id, Promise.resolve(loaded));
      await this.persist(id, loaded, changes);
      return json(201, { id, token, scim: this.scimBase(id) }, [['Location', `${this.origin}${this.prefix}/api/servers/${id}`]]);
    });
  }

  async issueToken(id, loaded) {
    const [token, digest] = newToken(randomBytes(32));
    loaded.record.tokenDigests = [...loaded.record.tokenDigests, digest];
    await this.persist(id, loaded, {});
    return json(201, { id, token, scim: this.scimBase(id) });
  }

  /** As at the edge: every resource goes, settings and tokens stay. */
  async reset(id, loaded) {
    const server = new Server(JSON.stringify(loaded.record.settings || {}), randomBytes(16));
    return this.replace(id, loaded, server, []);
  }

  async importInto(id, loaded, body) {
    // Server.import parses and validates everything before anything is replaced.
    const server = Server.import(decoder.decode(body), randomBytes(16));
    return this.replace(id, loaded, server, server.stored());
  }

  /** Swaps in a whole new engine state: storage first (one transaction), then memory. */
  async replace(id, loaded, server, upserted) {
    const record = { ...loaded.record, settings: JSON.parse(server.settings()), counts: JSON.parse(server.counts()), updated: Date.now() };
    try {
      await idb.writeChanges(this.db, record, { upserted }, { replace: true });
    } catch (error) {
      server.free();
      return scimError(507, `could not save to IndexedDB: ${error.message || error}; nothing was changed`);
    }
    const old = loaded.server;
    loaded.server = server;
    loaded.record = record;
    old.free();
    return json(200, this.info(id, loaded));
  }
}
