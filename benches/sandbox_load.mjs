// A big browser sandbox server after a reload (issue 13, part 7): a server of 100,000
// generated users is made in the page, the Service Worker is stopped (its memory is gone)
// and the page reloaded, and the bench times how long until a `userName eq` and a
// `displayName co` answer, both loading the server from IndexedDB on the way.
//
// Run: make web-build && node benches/sandbox_load.mjs [users]   (default 100000)
// It serves www/ itself (scripts/serve-www.py, a free loopback port) and drives
// /usr/bin/chromium (CHROMIUM to change) with the browser tests' harness, in a fresh profile.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const USERS = Number(process.argv[2]) || 100000;
const ID = 'load';

/** Serves www/ on a free loopback port: the child process and its base URL. */
function serveWww() {
  const child = spawn('python3', ['scripts/serve-www.py', '--port', '0', '--quiet'], {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`serve-www.py exited with ${code}`)));
    child.stdout.on('data', (data) => {
      out += data;
      const found = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (found) resolve({ child, base: found[1] });
    });
  });
}

const ms = (t0) => performance.now() - t0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/**
 * The byte length of every WebAssembly.Memory in the Service Worker, through the DevTools
 * protocol (the page does not expose the engine's memory): attach to the worker's target
 * and ask V8 for the live objects with Memory's prototype. Null where that is refused.
 */
async function workerWasmMemory(cdp) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'service_worker');
  if (!worker) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  let next = 0;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message);
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.error) waiting.reject(new Error(reply.error.message));
    else waiting.resolve(reply.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve, reject });
    cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
  try {
    const proto = await send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    const { objects } = await send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const sizes = await send('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
      returnByValue: true,
    });
    return sizes.result.value;
  } finally {
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
  }
}

const { child, base } = await serveWww();
process.env.BASE_URL = base;
const { h, launch, open, equal, check, swFetch, sandboxAdminToken } = await import('../tests/web/harness.mjs');
try {
  await launch();
  await open();

  // Make the server: the first chunk answers the create, the rest follow in the worker.
  let t0 = performance.now();
  const created = await swFetch(h.page, '/sandbox/api/servers', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: ID, seed: { users: USERS, groups: 0, entitlements: 0, roles: 0 } }),
  });
  equal(created.status, 201, `create (${created.body.slice(0, 200)})`);
  const { token } = JSON.parse(created.body);
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  let info = created;
  while (JSON.parse(info.body).seeding) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    info = await swFetch(h.page, `/sandbox/api/servers/${ID}`, auth);
  }
  const seedMs = ms(t0);
  equal(JSON.parse(info.body).counts.User, USERS, 'users made');
  console.log(`made and stored ${USERS} users in IndexedDB: ${(seedMs / 1000).toFixed(1)} s`);

  // What to look for: a user in the middle, and a piece of its displayName.
  const scim = (path) => `/sandbox/${ID}/scim/v2${path}`;
  const middle = JSON.parse((await swFetch(h.page, scim(`/Users?startIndex=${Math.floor(USERS / 2)}&count=1`), auth)).body).Resources[0];
  const needle = middle.displayName.split(' ').pop().slice(0, 4);
  const queries = [
    ['userName eq', scim(`/Users?filter=${encodeURIComponent(`userName eq "${middle.userName.toUpperCase()}"`)}`)],
    ['displayName co', scim(`/Users?count=25&filter=${encodeURIComponent(`displayName co "${needle}"`)}`)],
  ];

  const cdp = await h.context.newCDPSession(h.page);
  const before = await workerWasmMemory(cdp).catch((e) => (console.log(`  (no wasm memory: ${e.message})`), null));

  // Stop the Service Worker (its engine and every loaded server are gone), reload the page.
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  // Whichever request comes first (the page's own list, or ours) loads the server; its
  // answer's Server-Timing says how long that took (IndexedDB read, engine parse).
  const loads = [];
  h.page.on('response', (res) => {
    const timing = res.headers()['server-timing'] || '';
    if (/\bload;/.test(timing)) loads.push([ms(t0), timing]);
  });
  t0 = performance.now();
  await h.page.reload();
  await h.page.waitForSelector('body[data-ready="true"]');
  const readyMs = ms(t0);
  const answers = [];
  for (const [name, path] of queries) {
    const res = await swFetch(h.page, path, auth);
    equal(res.status, 200, `${name} after the reload (${res.body.slice(0, 200)})`);
    answers.push([name, ms(t0), JSON.parse(res.body).totalResults, res.headers['server-timing']]);
  }
  check(answers[0][2] === 1, `userName eq finds ${answers[0][2]}`);
  console.log(`after stopping the Service Worker, page reload to ready: ${readyMs.toFixed(0)} ms`);
  for (const [at, timing] of loads) console.log(`  loaded from IndexedDB by a request answered at ${at.toFixed(0)} ms: ${timing}`);
  for (const [name, at, total, timing] of answers) {
    console.log(`  ${name} answered ${at.toFixed(0)} ms after the reload (${total} found; Server-Timing: ${timing})`);
  }

  // Warm: the server is in memory again.
  for (const [name, path] of queries) {
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const res = await swFetch(h.page, path, auth);
      equal(res.status, 200, name);
      times.push(ms(t));
    }
    console.log(`  ${name} warm, from the page: median ${median(times).toFixed(1)} ms`);
  }
  const after = await workerWasmMemory(cdp).catch(() => null);
  if (before) console.log(`Service Worker wasm memory: ${before.map(mb).join(', ')} after making the server`);
  if (after) console.log(`Service Worker wasm memory: ${after.map(mb).join(', ')} after the reload from IndexedDB`);

  const admin = await sandboxAdminToken();
  await swFetch(h.page, `/sandbox/api/servers/${ID}`, { method: 'DELETE', headers: { Authorization: `Bearer ${admin}` } });
} finally {
  await h.context?.close();
  rmSync(h.profile, { recursive: true, force: true });
  child.kill();
}
