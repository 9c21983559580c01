// The local host: scimlet's engine (wasm) plus IndexedDB, answering HTTP-shaped requests.
//
// It runs in the Service Worker (the normal case: the single writer for every sandbox server
// of this origin; pages and `fetch('/sandbox/...')` calls all reach it) or, only when Service
// Workers are unavailable, inside the page. Routing, authentication, administration and SCIM
// are the engine's (`src/admin`, through `src/host/web.rs`), exactly as at the edge, under
// `/sandbox`:
//
//   POST   /sandbox/api/servers                  create {id?, token?, seed?, settings?} -> 201 {id, token, scim, expires, counts}
//   GET    /sandbox/api/servers                  list (the sandbox's admin token)
//   GET    /sandbox/api/servers/{id}             counts, created, expires, limits, seeding
//   DELETE /sandbox/api/servers/{id}
//   POST   /sandbox/api/servers/{id}/reset       remove every resource (settings and tokens stay)
//   GET    /sandbox/api/servers/{id}/export      the whole server as JSON
//   PUT    /sandbox/api/servers/{id}/import      replace it with an export
//   GET|PUT|PATCH /sandbox/api/servers/{id}/config   settings
//   *      /sandbox/{id}/scim/v2/...             SCIM
//   POST   /sandbox/oauth2/v1/token              an `oci` server's token endpoint (client credentials)
//   *      /sandbox/admin/v1/...                 an `oci` server's identity-domain API
//   *      /sandbox/storage/v1/..., /sandbox/job/v1/...   its CSV jobs (files, JobSchedules,
//                                                JobHistories, reports), as at the edge
//   *      /sandbox/interop/rest/...             EPM's Add Users (HTTP Basic as <domain>.<user>)
//
// The last four name no server: the credential does (an access token or client id carries the
// server id, a signature names its tenancy; a server token is found by its digest among the
// stored records; EPM's user names its domain).
//
// A CSV job runs here in the background, JOB_STEP_ROWS rows a step, each step written in one
// IndexedDB transaction (the resources, the job, its report rows, an export's bytes), with a
// macrotask between steps so requests are answered meanwhile; a job left running when the
// worker stopped goes on when its server is next loaded.
//
// A request is authenticated from its Authorization header before its body is read. The
// sandbox's admin token is made on first start and kept in IndexedDB: pages of this origin
// get it by asking the worker (`{type: 'scimlet-admin-token'}`); other sites cannot.
//
// Every change set is written to IndexedDB in one transaction before the answer goes out; if
// that write fails the in-memory server is dropped and reloaded from storage next time, so
// memory never runs ahead of what is stored.

import init, { Sandbox, Server, RootRequest, newToken, errorResponse } from '../pkg/scimlet.js';
import { openStore } from './idb.js';
import { JobsLedger, hasJobs } from './jobs-store.js';

/** Largest import body the sandbox accepts. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** Resources one sandbox server may hold (browser memory: about 4 KB each). */
export const MAX_RESOURCES = 250_000;
/** Resources made per step of a big seed: others' requests are answered in between. */
const SEED_CHUNK = 5_000;
/** Rows of a CSV job per step (one IndexedDB transaction each). */
const JOB_STEP_ROWS = 1_000;
/** Stored resources read from IndexedDB and handed to the engine at a time, loading a server. */
const LOAD_CHUNK = 1_000;

const encoder = new TextEncoder();

function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

function newServerId() {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
}

/** A thrown engine response (`{status, headers, body}`), or a host failure as one. */
function asResponse(error) {
  if (error && typeof error === 'object' && 'status' in error && 'body' in error) return error;
  return errorResponse(500, `internal error: ${error && error.message ? error.message : String(error)}`);
}

/** A request at the sandbox root for the engine: the path below the route, the path and
 * query as sent (what signatures sign), the headers and body. */
function rootRequest(method, route, path, url, headers, bytes) {
  return new RootRequest(method, route.rest, `${path}${url.search}`, headers.map(([k, v]) => [k, v]), bytes);
}

function header(headers, name) {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return null;
}

/** A record from an older version of the page, in today's shape. */
function currentRecord(record) {
  if (!record || record.createdMs !== undefined) return record;
  return { id: record.id, tokenDigests: record.tokenDigests || [], createdMs: record.created || 0, expiresMs: null, settings: record.settings || {} };
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Reads a request body up to `limit` bytes. `body` is bytes, null, or a function giving a
 * ReadableStream (the Service Worker passes its request's, unread until the token is checked).
 * Returns the bytes, or null when the body passes the limit.
 */
async function readBody(body, declared, limit) {
  if (declared !== null && Number(declared) > limit) return null;
  if (!body) return new Uint8Array();
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    const bytes = new Uint8Array(body);
    return bytes.length > limit ? null : bytes;
  }
  const stream = body();
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) { out.set(chunk, at); at += chunk.length; }
  return out;
}

export class LocalHost {
  /**
   * @param {object} options
   * @param {string} options.origin  the page's origin, e.g. "http://127.0.0.1:8080"
   * @param {string} options.prefix  path of the sandbox, e.g. "/sandbox" (or "/sub/sandbox"
   *                                 when the page is served below a path)
   * @param {URL|string|BufferSource} [options.wasm] scimlet_bg.wasm (defaults next to scimlet.js)
   * @param {() => Promise<object>} [options.store] opens the storage (IndexedDB by default;
   *                                 `memory-store.js` has the same interface)
   * @param {'sandbox'|'edge'} [options.layout] the URL layout ('edge': the Worker's, for tests)
   * @param {string} [options.adminToken] the admin token (default: made once, kept in storage)
   */
  constructor({ origin, prefix = '/sandbox', wasm, store = openStore, layout = 'sandbox', adminToken } = {}) {
    const prefixPath = layout === 'edge' ? '/sandbox' : prefix.replace(/\/$/, '');
    // The engine's layout starts at `/sandbox`; whatever path precedes it is part of the origin.
    this.scopePath = prefixPath.slice(0, prefixPath.length - '/sandbox'.length);
    this.origin = `${origin}${this.scopePath}`;
    this.prefix = prefixPath;
    this.wasm = wasm;
    this.openStore = store;
    this.layout = layout;
    this.fixedAdminToken = adminToken;
    this.loaded = new Map(); // id -> Promise<Server | null>
    this.queues = new Map(); // id -> tail of that server's operation chain
    this.lastLoad = new Map(); // id -> {resources, readMs, engineMs, totalMs}
    this.background = new Set(); // seeds still being made, jobs still running
    this.ledgers = new Map(); // id -> JobsLedger: how storage holds that server's job files
    this.jobLoops = new Set(); // servers (engine objects) whose jobs are being stepped
    this.seedChunk = SEED_CHUNK;
    this.jobStepRows = JOB_STEP_ROWS;
    this.seedDelayMs = 0; // tests make seeds slow to watch their progress
    this.readyPromise = null;
  }

  ready() {
    if (!this.readyPromise) {
      this.readyPromise = (async () => {
        await init(this.wasm ? { module_or_path: this.wasm } : undefined);
        this.store = await this.openStore();
        this.admin = this.fixedAdminToken || await this.loadAdminToken();
        this.sandbox = new Sandbox(this.origin, MAX_RESOURCES, MAX_IMPORT_BYTES, await sha256Hex(this.admin), this.layout);
      })();
      this.readyPromise.catch(() => { this.readyPromise = null; });
    }
    return this.readyPromise;
  }

  /** The sandbox's admin token: made once, kept in IndexedDB (this origin only). */
  async loadAdminToken() {
    const kept = await this.store.getMeta('adminToken');
    if (kept) return kept;
    const [token] = newToken(randomBytes(32));
    await this.store.putMeta('adminToken', token);
    return token;
  }

  async adminToken() {
    await this.ready();
    return this.admin;
  }

  scimBase(id) {
    return this.layout === 'edge' ? `${this.origin}/scim-identifier/${id}/scim/v2` : `${this.origin}/sandbox/${id}/scim/v2`;
  }

  /** Resolves when every seed still being made is done (the Service Worker waits on it). */
  settled() {
    return Promise.allSettled([...this.background]);
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

  /** The stored record of a server, as JSON (null: no such server). */
  async recordJson(id) {
    if (this.loaded.has(id)) {
      const server = await this.loaded.get(id);
      return server ? server.record() : null;
    }
    const record = currentRecord(await this.store.getServer(id));
    return record ? JSON.stringify(record) : null;
  }

  /** The in-memory server, loaded from IndexedDB on first use. */
  async open(id) {
    if (!this.loaded.has(id)) {
      const loading = this.loadFromStorage(id);
      this.loaded.set(id, loading);
      loading.then((server) => {
        // A job left running when this worker last stopped goes on.
        if (server && server.jobsRunning()) this.continueJobs(id, server);
      }, () => this.loaded.delete(id));
    }
    return this.loaded.get(id);
  }

  /** Reads one server from IndexedDB into a fresh engine; records how long it took. */
  async loadFromStorage(id) {
    const record = currentRecord(await this.store.getServer(id));
    if (!record) return null;
    const t0 = performance.now();
    // The stored resources go to the engine a chunk at a time (never all of their JSON in
    // wasm memory at once); a bad row fails the load and the half-built server is dropped.
    const expected = Object.values(record.counts || {}).reduce((sum, n) => sum + n, 0);
    const loading = Server.beginLoad(this.sandbox, JSON.stringify(record), randomBytes(16), expected);
    let resources;
    let feedMs = 0;
    try {
      resources = await this.store.serverResourceChunks(id, LOAD_CHUNK, (chunk) => {
        const t = performance.now();
        loading.feed(chunk);
        feedMs += performance.now() - t;
      });
    } catch (e) {
      loading.free();
      throw e;
    }
    const server = loading.finish();
    const t1 = performance.now() - feedMs;
    const ledger = new JobsLedger();
    const kept = ledger.load(this.store.serverJobs ? await this.store.serverJobs(id) : []);
    if (kept.files.length || kept.jobs.length) server.loadJobs(kept.files, kept.fileBytes, kept.jobs, kept.reports);
    this.ledgers.set(id, ledger);
    const t2 = performance.now();
    this.lastLoad.set(id, { resources, readMs: t1 - t0, engineMs: t2 - t1, totalMs: t2 - t0 });
    return server;
  }

  forget(id) {
    const entry = this.loaded.get(id);
    this.loaded.delete(id);
    this.ledgers.delete(id);
    if (entry) entry.then((server) => server && server.free(), () => {});
  }

  /**
   * Writes changes with the server's record in one transaction (a CSV job's files, records
   * and reports too, when `changes.jobs` has any); on failure memory is dropped.
   */
  async persist(id, server, changes, options) {
    const record = { ...JSON.parse(server.record()), counts: JSON.parse(server.counts()), updated: Date.now() };
    let ledger = null;
    let jobs = null;
    if (hasJobs(changes.jobs)) {
      ledger = this.ledgers.get(id) || new JobsLedger();
      jobs = ledger.plan(changes.jobs);
    }
    try {
      await this.store.writeChanges(record, { upserted: changes.upserted || [], deleted: changes.deleted || [], jobs }, options);
    } catch (error) {
      this.forget(id);
      throw Object.assign(new Error(`could not save to IndexedDB: ${error.message || error}; nothing was changed`), { storage: true });
    }
    if (ledger) {
      ledger.apply(jobs);
      this.ledgers.set(id, ledger);
    }
  }

  /**
   * Answers one request: {method, url, headers: [[name, value]], body: Uint8Array | null |
   * () => ReadableStream} -> {status, headers: [[name, value]], body: Uint8Array}.
   */
  async handle(req) {
    try {
      await this.ready();
      const url = new URL(req.url, this.origin);
      const headers = req.headers || [];
      const method = (req.method || 'GET').toUpperCase();
      const path = url.pathname.startsWith(`${this.scopePath}/`) ? url.pathname.slice(this.scopePath.length) : url.pathname;
      const route = this.sandbox.route(path);
      const authorization = header(headers, 'Authorization') ?? undefined;
      const body = (limit) => readBody(req.body, header(headers, 'Content-Length'), limit);
      switch (route.kind) {
        case 'error':
          return route.response;
        case 'servers':
          if (method === 'GET') return this.sandbox.list(authorization, (await this.store.allServers()).map((r) => JSON.stringify(currentRecord(r))));
          if (method === 'POST') return await this.createServer(body, path);
          return this.sandbox.serversMethodNotAllowed(method);
        case 'token':
        case 'domain':
          return await this.domain(route, method, path, url, headers, authorization, body);
        case 'jobs':
          return await this.jobs(route, method, path, url, headers, authorization, body);
        default:
          return await this.serialized(route.id, () => this.serve(route, method, path, url, headers, authorization, body));
      }
    } catch (error) {
      if (error && error.storage) return errorResponse(507, error.message);
      if (error instanceof WebAssembly.RuntimeError) {
        // The core never panics by design; a trap here means memory ran out. Drop every
        // in-memory server so the next request starts again from IndexedDB.
        for (const id of [...this.loaded.keys()]) this.loaded.delete(id);
        return errorResponse(500, `the engine stopped (${error.message}); nothing unsaved was kept, retry the request`);
      }
      return asResponse(error);
    }
  }

  /** One server's request: the token first, then the body up to its limit, then the engine. */
  async serve(route, method, path, url, headers, authorization, body) {
    const { id } = route;
    const recordJson = await this.recordJson(id);
    const access = this.sandbox.authenticate(authorization, id, recordJson ?? undefined);
    const limit = this.sandbox.bodyLimit(path, recordJson ?? undefined);
    const bytes = await body(limit);
    if (bytes === null) return this.sandbox.tooLarge(Number(header(headers, 'Content-Length') ?? limit + 1), limit);
    const wasLoaded = this.loaded.has(id);
    const server = await this.open(id);
    if (!server) return this.sandbox.authenticate(authorization, id, undefined);
    // Server-Timing of a request that had to load the server from storage first.
    const loadTiming = () => {
      const load = !wasLoaded && this.lastLoad.get(id);
      return load ? [`load;dur=${load.totalMs.toFixed(1)};desc="${load.resources} resources"`, `idb;dur=${load.readMs.toFixed(1)}`, `parse;dur=${load.engineMs.toFixed(1)}`] : [];
    };
    if (route.kind === 'scim') {
      if (access !== 'owner') return errorResponse(403, 'the admin token never opens SCIM data: use this server\'s token');
      const t0 = performance.now();
      const out = server.handle(
        this.sandbox, method, route.rest, url.search.slice(1),
        header(headers, 'If-Match') ?? undefined,
        header(headers, 'If-None-Match') ?? undefined,
        header(headers, 'Content-Type') ?? undefined,
        bytes, Date.now(),
      );
      const engineMs = performance.now() - t0;
      if (out.upserted.length || out.deleted.length) await this.persist(id, server, out);
      return { status: out.status, headers: [...out.headers, ['Server-Timing', [`engine;dur=${engineMs.toFixed(3)}`, ...loadTiming()].join(', ')]], body: out.body };
    }
    const out = server.admin(this.sandbox, method, route.action, access, bytes);
    if (out.record === 'deleted') {
      await this.store.deleteServer(id);
      this.forget(id);
    } else if (out.tenant === 'replaced') {
      await this.persist(id, server, { upserted: out.upserted }, { replace: true });
    } else if (out.record === 'updated') {
      await this.persist(id, server, {});
    }
    if (out.tenant === 'reload') this.forget(id);
    const timing = loadTiming();
    return { status: out.status, headers: timing.length ? [...out.headers, ['Server-Timing', timing.join(', ')]] : out.headers, body: out.body };
  }

  /** The server an identity-domain credential names (its token's claims, a client id, a
   * signature's tenancy), or, for a server's own token, the server whose record holds its
   * digest; null if none. */
  async locateServer(authorization, form) {
    const located = this.sandbox.locate(authorization, form);
    if (located.server) return located.server;
    const owner = (await this.store.allServers()).map(currentRecord).find((r) => (r.tokenDigests || []).includes(located.digest));
    return owner ? owner.id : null;
  }

  /** The `oci` persona at `/sandbox/oauth2/v1/token` and `/sandbox/admin/v1/...`. */
  async domain(route, method, path, url, headers, authorization, body) {
    const form = route.kind === 'token' ? await body(8 * 1024) : new Uint8Array();
    if (form === null) return this.sandbox.tooLarge(Number(header(headers, 'Content-Length') ?? 8193), 8 * 1024);
    const id = await this.locateServer(authorization, form);
    const unknown = () => this.sandbox.locate(undefined, new Uint8Array());
    if (!id) return unknown();
    return this.serialized(id, async () => {
      const server = await this.open(id);
      if (!server) return unknown();
      if (route.kind === 'token') return server.token(authorization, form, Date.now());
      const recordJson = server.record();
      const bytes = await body(this.sandbox.bodyLimit(path, recordJson));
      if (bytes === null) return this.sandbox.tooLarge(Number(header(headers, 'Content-Length') ?? 0), this.sandbox.bodyLimit(path, recordJson));
      const out = server.domain(this.sandbox, rootRequest(method, route, path, url, headers, bytes), Date.now());
      if (out.upserted.length || out.deleted.length) await this.persist(id, server, out);
      return { status: out.status, headers: out.headers, body: out.body };
    });
  }

  /** An `oci` server's CSV jobs (and EPM's Add Users) at `/sandbox/storage/v1`, `/sandbox/job/v1`, `/sandbox/interop/rest`. */
  async jobs(route, method, path, url, headers, authorization, body) {
    const id = route.epm
      ? this.sandbox.locateEpm(authorization)
      : await this.locateServer(authorization, new Uint8Array());
    const unknown = () => this.sandbox.locate(undefined, new Uint8Array());
    if (!id) return unknown();
    return this.serialized(id, async () => {
      const server = await this.open(id);
      if (!server) return unknown();
      const limit = this.sandbox.bodyLimit(path, server.record());
      const bytes = await body(limit);
      if (bytes === null) return this.sandbox.tooLarge(Number(header(headers, 'Content-Length') ?? limit + 1), limit);
      const out = server.jobs(this.sandbox, rootRequest(method, route, path, url, headers, bytes), Date.now());
      if (out.upserted.length || out.deleted.length || hasJobs(out.jobs)) await this.persist(id, server, out);
      if (out.running) this.continueJobs(id, server);
      return { status: out.status, headers: out.headers, body: out.body };
    });
  }

  /** Runs a server's CSV jobs to their end, a step per turn of its queue. */
  continueJobs(id, server) {
    if (this.jobLoops.has(server)) return;
    this.jobLoops.add(server);
    const run = (async () => {
      while (server.jobsRunning()) {
        // A macrotask between steps, so waiting requests (progress polls, SCIM) go first.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const alive = await this.serialized(id, async () => {
          if ((await this.loaded.get(id)) !== server) return false; // deleted or reloaded meanwhile
          const out = server.jobStep(this.sandbox, this.jobStepRows, Date.now());
          if (out) await this.persist(id, server, out);
          return true;
        });
        if (!alive) return;
      }
    })();
    this.background.add(run);
    run.catch((error) => console.error(`a job of ${id} stopped:`, error)).finally(() => {
      this.background.delete(run);
      this.jobLoops.delete(server);
    });
  }

  async createServer(body, path) {
    const bytes = await body(this.sandbox.bodyLimit(path, undefined));
    if (bytes === null) return this.sandbox.tooLarge(Infinity, this.sandbox.bodyLimit(path, undefined));
    const pending = this.sandbox.create(bytes, newServerId(), randomBytes(32), randomBytes(16), Date.now());
    const id = pending.id();
    return this.serialized(id, async () => {
      const existing = await this.recordJson(id);
      const server = pending.run(this.sandbox, existing ?? undefined, Date.now(), this.seedChunk);
      const created = server.created();
      this.loaded.set(id, Promise.resolve(server));
      await this.persist(id, server, created);
      if (server.seeding()) this.continueSeed(id, server);
      return { status: created.status, headers: created.headers, body: created.body };
    });
  }

  /** Makes the rest of a big seed, one chunk per turn of the server's queue. */
  continueSeed(id, server) {
    const run = (async () => {
      while (server.seeding()) {
        // A macrotask between chunks, so waiting requests (the page's progress polls) go first.
        await new Promise((resolve) => setTimeout(resolve, this.seedDelayMs));
        const alive = await this.serialized(id, async () => {
          if ((await this.loaded.get(id)) !== server) return false; // deleted or replaced meanwhile
          const out = server.seedStep(this.sandbox, this.seedChunk, Date.now());
          await this.persist(id, server, out);
          return true;
        });
        if (!alive) return;
      }
    })();
    this.background.add(run);
    run.catch((error) => console.error(`seeding ${id} stopped:`, error)).finally(() => this.background.delete(run));
  }
}
