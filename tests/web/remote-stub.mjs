// A stand-in for a deployed scimlet, to test the page's remote mode across origins: the
// Worker's URL layout (/api/servers, /scim-identifier/{id}/scim/v2) and CORS headers in front of
// the browser host's own code (`www/js/local-host.js` with the engine in Node and memory for
// storage), so administration and SCIM answer exactly as the engine does everywhere.
// Test scaffolding only: the real Worker lives in src/host/worker.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { LocalHost } from '../../www/js/local-host.js';
import { memoryStore } from '../../www/js/memory-store.js';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, If-None-Match',
  'Access-Control-Expose-Headers': 'ETag, Location, Server-Timing, WWW-Authenticate, Retry-After, Allow',
};

const wasm = readFileSync(new URL('../../www/pkg/scimlet_bg.wasm', import.meta.url));

/**
 * Starts the stub on a free loopback port; resolves to {url, adminToken, configRequests, close()}.
 * Options:
 *   extraSettings  settings a newer scimlet would have: added to every config answer and taken
 *                  out of config writes before the engine sees them (the page must show keys
 *                  it does not know)
 *   seedChunk, seedDelayMs  make seeds in chunks this small, this far apart, to watch progress
 */
export function startRemoteStub({ extraSettings = {}, seedChunk, seedDelayMs = 0 } = {}) {
  const adminToken = randomBytes(32).toString('hex');
  const extras = new Map(); // server id -> its newer settings
  const configRequests = []; // {method, contentType, body} of every config write
  let host = null;

  const handler = async (req, body) => {
    const url = new URL(req.url, host.origin);
    if (url.pathname === '/healthz') return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from('{"status":"ok"}') };
    const config = url.pathname.match(/^\/api\/servers\/([^/]+)\/config$/);
    const id = config && config[1];
    const extra = id ? { ...extraSettings, ...(extras.get(id) || {}) } : {};
    if (config && req.method !== 'GET') {
      configRequests.push({ method: req.method, contentType: req.headers['content-type'], body: body.toString() });
      const sent = JSON.parse(body.toString() || '{}');
      for (const key of Object.keys(extraSettings)) {
        if (key in sent) { extra[key] = sent[key]; delete sent[key]; }
      }
      body = Buffer.from(JSON.stringify(sent));
    }
    const out = await host.handle({ method: req.method, url: url.href, headers: Object.entries(req.headers), body: new Uint8Array(body) });
    if (config && out.status === 200) {
      if (req.method !== 'GET') extras.set(id, extra);
      const answer = { ...JSON.parse(Buffer.from(out.body).toString()), ...extra };
      return { ...out, body: Buffer.from(JSON.stringify(answer)) };
    }
    return out;
  };

  const httpServer = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        return res.end();
      }
      const out = await handler(req, Buffer.concat(chunks));
      res.writeHead(out.status, { ...Object.fromEntries(out.headers), ...CORS });
      res.end(out.status === 204 || out.status === 304 ? undefined : Buffer.from(out.body));
    });
  });
  return new Promise((resolve) => {
    httpServer.listen(0, '127.0.0.1', async () => {
      const origin = `http://127.0.0.1:${httpServer.address().port}`;
      host = new LocalHost({ origin, layout: 'edge', store: async () => memoryStore(), wasm, adminToken });
      if (seedChunk) host.seedChunk = seedChunk;
      host.seedDelayMs = seedDelayMs;
      await host.ready();
      resolve({ url: origin, adminToken, configRequests, close: () => new Promise((done) => { httpServer.closeAllConnections(); httpServer.close(done); }) });
    });
  });
}
