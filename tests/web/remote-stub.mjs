// A stand-in for a deployed scimlet, to test the page's remote mode across origins: the
// Worker's URL layout (/api/servers, /scim-identifier/{id}/scim/v2), its CORS headers and its
// token rules, served by the same wasm engine in Node, in memory. Test scaffolding only: the
// real Worker lives in src/host/worker.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { initSync, Server, newToken, authorized, unauthorized, checkServerId, scimErrorBody } from '../../www/pkg/scimlet.js';

initSync({ module: readFileSync(new URL('../../www/pkg/scimlet_bg.wasm', import.meta.url)) });

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, If-None-Match',
  'Access-Control-Expose-Headers': 'ETag, Location, Server-Timing, WWW-Authenticate, Retry-After, Allow',
};

/** RFC 7396 merge patch, the stub's own (the page's is what is under test). */
function mergeInto(target, patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeInto(out[k], v);
  }
  return out;
}

/**
 * Starts the stub on a free loopback port; resolves to {url, adminToken, configRequests, close()}.
 * Options, for the settings that are coming to the real Worker:
 *   extraSettings  settings the engine does not know yet, kept by the stub and shown in config
 *   seedMs         a seeded create answers at once and reports `"seeding": {"done", "total"}`
 *                  in `GET /api/servers/{id}` for this long, as the Worker will
 * Config is strict as the Worker's will be: `PATCH .../config` (a merge patch) and `PUT`
 * refuse unknown keys and bad values with a SCIM 400.
 */
export function startRemoteStub({ extraSettings = {}, seedMs = 0 } = {}) {
  const [adminToken, adminDigest] = newToken(randomBytes(32));
  const servers = new Map(); // id -> {server, digests, extra, seeding}
  const configRequests = []; // {method, contentType, body} of every config write
  let base = '';

  const send = (res, status, body = '', headers = {}) => {
    res.writeHead(status, { ...CORS, ...headers });
    res.end(status === 204 ? undefined : body);
  };
  const sendJson = (res, status, value) => send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json' });
  const sendOut = (res, out) => send(res, out.status, Buffer.from(out.body), Object.fromEntries(out.headers));
  const error = (res, status, detail) => send(res, status, scimErrorBody(status, detail), { 'Content-Type': 'application/scim+json' });

  const handler = async (req, res, body) => {
    const url = new URL(req.url, base);
    const auth = req.headers.authorization;
    if (req.method === 'OPTIONS') return send(res, 204);
    if (url.pathname === '/healthz') return send(res, 200, 'ok');
    if (url.pathname === '/api/servers') {
      if (req.method === 'GET') {
        if (!authorized(auth, [adminDigest])) return sendOut(res, unauthorized('the admin token is required'));
        return sendJson(res, 200, { total: servers.size, servers: [...servers.keys()].map((id) => ({ id })) });
      }
      const spec = body.length ? JSON.parse(body.toString()) : {};
      const id = spec.id || randomBytes(6).toString('hex');
      checkServerId(id);
      if (servers.has(id)) return error(res, 409, `server ${id} already exists`);
      const [token, digest] = newToken(randomBytes(32));
      const server = new Server('{}', randomBytes(16));
      if (spec.seed) server.populate(JSON.stringify(spec.seed), Date.now(), `${base}/scim-identifier/${id}/scim/v2`);
      const total = spec.seed ? ['users', 'groups', 'entitlements', 'roles'].reduce((n, k) => n + (spec.seed[k] || 0), 0) : 0;
      const seeding = seedMs && total ? { started: Date.now(), total } : null;
      servers.set(id, { server, digests: [digest], extra: { ...extraSettings }, seeding });
      return sendJson(res, 201, { id, token, scim: `${base}/scim-identifier/${id}/scim/v2` });
    }
    const admin = url.pathname.match(/^\/api\/servers\/([^/]+)(?:\/([a-z]+))?$/);
    const scim = url.pathname.match(/^\/scim-identifier\/([^/]+)\/scim\/v2(\/.*)?$/);
    const id = admin ? admin[1] : scim ? scim[1] : null;
    if (!id) return error(res, 404, `unknown path ${url.pathname}`);
    const entry = servers.get(id);
    if (!entry) return error(res, 404, `no server ${id}`);
    if (!authorized(auth, [...entry.digests, adminDigest])) return sendOut(res, unauthorized(`a valid token for server ${id} is required`));
    if (scim) {
      const out = entry.server.handle(req.method, scim[2] || '/', url.search.slice(1), req.headers['if-match'], req.headers['if-none-match'], req.headers['content-type'], body, Date.now(), `${base}/scim-identifier/${id}/scim/v2`);
      return sendOut(res, out);
    }
    const route = `${req.method} ${admin[2] || ''}`;
    const config = () => ({ ...JSON.parse(entry.server.settings()), ...entry.extra });
    const configure = (next) => {
      const unknown = Object.keys(next).filter((k) => !(k in config()));
      if (unknown.length) return error(res, 400, `unknown setting ${unknown.map((k) => `"${k}"`).join(', ')}`);
      const extra = Object.fromEntries(Object.keys(entry.extra).map((k) => [k, next[k]]));
      const core = Object.fromEntries(Object.entries(next).filter(([k]) => !(k in entry.extra)));
      entry.server.configure(JSON.stringify(core)); // throws a SCIM 400 on a bad value
      entry.extra = extra;
      return sendJson(res, 200, config());
    };
    if (route === 'GET ') {
      const info = { id, counts: JSON.parse(entry.server.counts()) };
      const elapsed = entry.seeding ? Date.now() - entry.seeding.started : 0;
      if (entry.seeding && elapsed < seedMs) info.seeding = { done: Math.floor((entry.seeding.total * elapsed) / seedMs), total: entry.seeding.total };
      return sendJson(res, 200, info);
    }
    if (route === 'GET config') return sendJson(res, 200, config());
    if (route === 'PUT config' || route === 'PATCH config') {
      configRequests.push({ method: req.method, contentType: req.headers['content-type'], body: body.toString() });
      const sent = JSON.parse(body.toString());
      return configure(req.method === 'PUT' ? sent : mergeInto(config(), sent));
    }
    if (route === 'DELETE ') { servers.delete(id); return send(res, 204); }
    if (route === 'GET export') return send(res, 200, entry.server.export(), { 'Content-Type': 'application/json' });
    if (route === 'PUT import') { entry.server = Server.import(body.toString(), randomBytes(16)); return sendJson(res, 200, { id, counts: JSON.parse(entry.server.counts()) }); }
    if (route === 'POST reset') { entry.server = new Server(entry.server.settings(), randomBytes(16)); return sendJson(res, 200, { id, counts: JSON.parse(entry.server.counts()) }); }
    return error(res, 405, `${req.method} not allowed`);
  };

  const httpServer = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      handler(req, res, Buffer.concat(chunks)).catch((e) => {
        if (e && e.detail) return send(res, Number(e.status), JSON.stringify(e), { 'Content-Type': 'application/scim+json' });
        return error(res, 500, String(e && e.message ? e.message : e));
      });
    });
  });
  return new Promise((resolve) => {
    httpServer.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${httpServer.address().port}`;
      resolve({ url: base, adminToken, configRequests, close: () => new Promise((done) => { httpServer.closeAllConnections(); httpServer.close(done); }) });
    });
  });
}
