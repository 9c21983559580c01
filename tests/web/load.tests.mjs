// Loading a sandbox server from storage, in Node: the browser host's own code
// (`www/js/local-host.js`) over `memory-store.js`, whose resources reach the engine in chunks
// as IndexedDB's do. A bad stored row in a later chunk fails the whole load: no half-loaded
// server answers, and once the row is good again the server loads whole.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { LocalHost } from '../../www/js/local-host.js';
import { memoryStore } from '../../www/js/memory-store.js';
import { equal, check } from './harness.mjs';

const wasm = readFileSync(new URL('../../www/pkg/scimlet_bg.wasm', import.meta.url));
const USERS = 2_500; // three chunks of the host's 1,000

export const units = [
  ['a stored server loads in chunks, all or nothing: a bad row in a later chunk fails the load', async () => {
    const store = memoryStore();
    const origin = 'http://127.0.0.1:9';
    const host = new LocalHost({ origin, layout: 'edge', store: async () => store, wasm, adminToken: randomBytes(32).toString('hex') });
    await host.ready();
    const call = async (method, path, token, body) => {
      const headers = [['Content-Type', 'application/json'], ...(token ? [['Authorization', `Bearer ${token}`]] : [])];
      const out = await host.handle({ method, url: `${origin}${path}`, headers, body: body ? new TextEncoder().encode(JSON.stringify(body)) : new Uint8Array() });
      return { status: out.status, json: JSON.parse(new TextDecoder().decode(out.body) || 'null') };
    };
    const created = await call('POST', '/api/servers', null, { id: 'chunks', seed: { users: USERS, groups: 0, entitlements: 0, roles: 0 } });
    equal(created.status, 201, `create (${JSON.stringify(created.json).slice(0, 200)})`);
    await host.settled();
    const { token } = created.json;
    const users = `/scim-identifier/chunks/scim/v2/Users`;
    const middle = (await call('GET', `${users}?startIndex=1500&count=1`, token)).json.Resources[0];
    check(middle && middle.id, 'a user in the second chunk');

    // Every stored row, in the order the store hands them out; the middle user's is made bad.
    const rows = [];
    const read = await store.serverResourceChunks('chunks', 1_000, (chunk) => rows.push(chunk.length));
    equal([read, rows], [USERS, [1_000, 1_000, 500]], 'the store reads in chunks');
    const record = await store.getServer('chunks');
    let good = null;
    await store.serverResourceChunks('chunks', USERS, (chunk) => { good = chunk.find((json) => JSON.parse(json).id === middle.id); });
    check(good, 'the middle user is stored');
    await store.writeChanges(record, { upserted: [['User', middle.id, '{"id": "broken']] });

    host.forget('chunks');
    for (const attempt of [1, 2]) {
      const res = await call('GET', `${users}?count=0`, token);
      equal(res.status, 500, `load with a bad row, attempt ${attempt} (${JSON.stringify(res.json).slice(0, 200)})`);
      check(/not valid JSON/.test(res.json.detail), `detail: ${res.json.detail}`);
      check(!host.loaded.has('chunks'), 'no half-loaded server is kept');
    }

    await store.writeChanges(record, { upserted: [['User', middle.id, good]] });
    const res = await call('GET', `${users}?count=0`, token);
    equal([res.status, res.json.totalResults], [200, USERS], 'the whole server loads once the row is good');
    const found = await call('GET', `${users}/${middle.id}`, token);
    equal([found.status, found.json.userName], [200, middle.userName], 'the repaired user answers');
  }],
];
