// scimlet's Service Worker: the single writer of every sandbox server of this origin.
//
// Once registered (the page does it), `fetch('/sandbox/{server_id}/scim/v2/Users')` from any
// page of the origin is answered here by the engine, with IndexedDB storage and the server's
// token checked as at the edge. The page itself talks to this worker too (by fetch when it is
// controlled, by postMessage when it is not, e.g. after a hard reload), so exactly one engine
// instance holds each server in memory. Nothing else is intercepted.
//
// Navigations (a link or a form, possibly on another site, pointing at /sandbox/...) are
// refused: only scripts of this origin, which must present a token, reach the engine.
//
// A module worker (registered with {type: 'module'}): it imports the wasm-bindgen output.

import { LocalHost } from './js/local-host.js';

const prefix = new URL('./sandbox', self.registration.scope).pathname;
const host = new LocalHost({
  origin: self.location.origin,
  prefix,
  wasm: new URL('./pkg/scimlet_bg.wasm', self.location.href),
});

self.addEventListener('install', (event) => {
  event.waitUntil(host.ready().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

function refuse(status, detail) {
  const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail });
  return new Response(body, { status, headers: { 'Content-Type': 'application/scim+json' } });
}

async function answer(request) {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const out = await host.handle({
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    // Read only after the token is checked, and only up to the route's limit.
    body: hasBody ? () => request.body : null,
  });
  // 204 and 304 must not carry a body.
  const body = out.status === 204 || out.status === 304 ? null : out.body;
  return new Response(body, { status: out.status, headers: out.headers });
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return;
  if (event.request.mode === 'navigate') {
    event.respondWith(refuse(403, 'the sandbox answers scripts of this page (fetch with a token), not navigations'));
    return;
  }
  event.respondWith(answer(event.request));
  // A big seed goes on after its create call has answered.
  event.waitUntil(host.settled());
});

// From pages of this origin (no other site can message this worker):
//   {type: 'scimlet-request', request: {method, url, headers, body}} with a reply port;
//   {type: 'scimlet-admin-token'} with a reply port: the sandbox's admin token.
self.addEventListener('message', (event) => {
  const data = event.data;
  const port = event.ports && event.ports[0];
  if (!data || !port) return;
  if (data.type === 'scimlet-admin-token') {
    event.waitUntil(host.adminToken().then(
      (token) => port.postMessage({ ok: true, token }),
      (error) => port.postMessage({ ok: false, error: String(error && error.message ? error.message : error) }),
    ));
    return;
  }
  if (data.type !== 'scimlet-request') return;
  event.waitUntil(
    host.handle(data.request).then(
      (out) => port.postMessage({ ok: true, response: out }, [out.body.buffer]),
      (error) => port.postMessage({ ok: false, error: String(error && error.message ? error.message : error) }),
    ).then(() => host.settled()),
  );
});
