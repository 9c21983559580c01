// Browser sandbox tests in headless Debian chromium (playwright-core). Run by run.sh, which
// builds and serves www/ and sets BASE_URL. The steps share one browser profile and build on
// each other, in the order a user would go: create, browse, change, reload, restart, export;
// then the features, each in its own file next to this one (they make their own servers).
import { chromium } from 'playwright-core';
import { startRemoteStub } from './remote-stub.mjs';
import { rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { h, BASE, CHROMIUM, ARGS, launch, open, check, equal, text, rowCount, firstColumn, applyFilter, swFetch, tokenOf, runTests, shot, sandboxAdminToken } from './harness.mjs';
import { tests as unitTests } from './units.tests.mjs';
import { tests as editorTests } from './editor.tests.mjs';
import { tests as consoleTests } from './console.tests.mjs';
import { tests as settingsTests } from './settings.tests.mjs';
import { tests as serverTests } from './servers.tests.mjs';
import { tests as contractTests } from './contract.tests.mjs';
import { tests as safetyTests } from './safety.tests.mjs';
import { tests as ociTests } from './oci.tests.mjs';
import { units as csvUnits, tests as csvTests } from './csv.tests.mjs';
import { units as loadUnits } from './load.tests.mjs';

const SCREENSHOT = process.env.SCREENSHOT || '';

const seed = { users: 120, groups: 10, entitlements: 6, roles: 4 };
const tests = [
  ['the page boots in local mode with the engine in the Service Worker', async () => {
    await open();
    const badge = await text('#mode-badge');
    check(/Local/.test(badge) && /Service Worker/.test(badge), `mode badge says ${badge}`);
    check(await h.page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is not controlled by the Service Worker');
  }],

  ['create a server with seeded data', async () => {
    await h.page.fill('#create-form [name=id]', 'demo');
    for (const [k, v] of Object.entries(seed)) await h.page.fill(`#create-form [name=${k}]`, String(v));
    await h.page.click('#create-form button[type=submit]');
    await h.page.waitForFunction(() => document.querySelector('#server-title').textContent === 'demo');
    await h.page.waitForFunction(() => /Users 120/.test(document.querySelector('#server-counts').textContent));
    const counts = await text('#server-counts');
    check(/Groups 10/.test(counts) && /Entitlements 6/.test(counts) && /Roles 4/.test(counts), `counts: ${counts}`);
    // The counts show before the table has loaded.
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 120');
    equal(await rowCount(), 25, 'rows on the first page');
    equal(await text('#page-info'), '1–25 of 120', 'page info');
  }],

  ['sort and page the users table', async () => {
    await h.page.click('th button[data-sort="userName"]');
    await h.page.waitForSelector('th[aria-sort="ascending"] button[data-sort="userName"]');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 120');
    const names = await firstColumn();
    const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
    equal(names.map((n) => n.toLowerCase()), sorted.map((n) => n.toLowerCase()), 'userName ascending');
    await h.page.click('th button[data-sort="userName"]');
    await h.page.waitForSelector('th[aria-sort="descending"] button[data-sort="userName"]');
    await h.page.click('#next-page');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '26–50 of 120');
    await h.page.click('#prev-page');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 120');
  }],

  ['filter users in the UI', async () => {
    const [name] = await firstColumn();
    await applyFilter(`userName eq "${name.toUpperCase()}"`);
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–1 of 1');
    equal(await firstColumn(), [name], 'the one match (userName is case-insensitive)');
    await h.page.click('#clear-filter');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 120');
  }],

  ['browse groups, entitlements and roles, moving between tabs with the keyboard', async () => {
    await h.page.focus('#tab-User');
    for (const [key, type, total] of [['ArrowRight', 'Group', 10], ['ArrowRight', 'Entitlement', 6], ['ArrowRight', 'Role', 4], ['Home', 'User', 120]]) {
      await h.page.keyboard.press(key);
      await h.page.waitForSelector(`#tab-${type}[aria-selected="true"]:focus`);
      await h.page.waitForFunction((total) => document.querySelector('#page-info').textContent === `1–${Math.min(total, 25)} of ${total}`, total);
    }
  }],

  ['an invalid filter shows the SCIM error and loses nothing', async () => {
    const before = await firstColumn();
    await h.page.fill('#filter', 'userName eq');
    await h.page.click('#filter-form button[type=submit]');
    await h.page.waitForSelector('#list-error:not([hidden])');
    const message = await text('#list-error');
    check(/^400 invalidFilter: ./.test(message), `error shown: ${message}`);
    equal(await h.page.inputValue('#filter'), 'userName eq', 'the filter as typed');
    equal(await firstColumn(), before, 'rows still shown');
    await h.page.click('#clear-filter');
    await h.page.waitForSelector('#list-error', { state: 'hidden' });
  }],

  ['create a user through the request console', async () => {
    await h.page.selectOption('#console-method', 'POST');
    await h.page.fill('#console-path', '/Users');
    await h.page.fill('#console-body', JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'console.user@example.com', name: { givenName: 'Console', familyName: 'User' } }));
    await h.page.click('#console-form button[type=submit]');
    await h.page.waitForFunction(() => document.querySelector('#result-status').textContent === '201');
    check(/engine;dur=/.test(await text('#result-time')), 'engine time shown');
    check(/"userName": "console.user@example.com"/.test(await text('#result-body')), 'created user in the body');
    await h.page.waitForFunction(() => /Users 121/.test(document.querySelector('#server-counts').textContent));
    await h.page.click('#copy-curl');
    const curl = await text('#curl-out');
    check(curl.startsWith(`curl -i -X POST '${BASE}/sandbox/demo/scim/v2/Users' -H 'Authorization: Bearer `), `curl: ${curl}`);
    check(curl.includes("--data-raw '{\"schemas\""), 'curl carries the body');
    const logged = await h.page.locator('#log-body tr').allInnerTexts();
    check(logged.some((row) => /POST demo \/Users\s+201/.test(row)), `log: ${logged.slice(0, 4).join(' | ')}`);
  }],

  ['create a user with fetch through the Service Worker, from another page of the origin, with tokens as at the edge', async () => {
    const token = await tokenOf('demo');
    const other = await h.context.newPage();
    await other.goto(`${BASE}/no-such-page`); // any document of the origin is controlled
    check(await other.evaluate(() => !!navigator.serviceWorker.controller), 'the other page is controlled');
    const body = JSON.stringify({ userName: 'fetch.user@example.com', emails: [{ value: 'fetch.user@example.com', primary: true }] });
    const created = await swFetch(other, '/sandbox/demo/scim/v2/Users', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' }, body });
    equal(created.status, 201, `POST status (${created.body})`);
    check(created.headers.location.startsWith(`${BASE}/sandbox/demo/scim/v2/Users/`), `Location ${created.headers.location}`);
    const basic = await swFetch(other, '/sandbox/demo/scim/v2/Users?filter=userName%20eq%20%22fetch.user@example.com%22', { headers: { Authorization: `Basic ${Buffer.from(`okta:${token}`).toString('base64')}` } });
    equal([basic.status, JSON.parse(basic.body).totalResults], [200, 1], 'found with HTTP Basic');
    for (const [label, headers] of [['no token', {}], ['a wrong token', { Authorization: 'Bearer nope' }]]) {
      const denied = await swFetch(other, '/sandbox/demo/scim/v2/Users', { headers });
      equal(denied.status, 401, `status with ${label}`);
      equal(denied.headers['www-authenticate'], 'Bearer realm="scimlet"', `challenge with ${label}`);
      equal(JSON.parse(denied.body).status, '401', `SCIM Error body with ${label}`);
    }
    // An unknown server answers exactly like a wrong token: ids cannot be probed.
    const unknown = await swFetch(other, '/sandbox/nobody/scim/v2/Users', { headers: { Authorization: `Bearer ${token}` } });
    equal([unknown.status, JSON.parse(unknown.body).detail], [401, "this token does not open server 'nobody' (or there is no such server)"], 'unknown server');
    const badId = await swFetch(other, '/sandbox/bad.id/scim/v2/Users');
    equal(badId.status, 400, 'invalid server id');
    await other.close();
    // The page shows it too: nothing clobbered, one engine.
    await h.page.click('#clear-filter');
    await applyFilter('userName eq "fetch.user@example.com"');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–1 of 1');
  }],

  ['invalid JSON in the editor shows a message and keeps the text', async () => {
    await h.page.click('#new-resource');
    await h.page.fill('#resource-json', '{"userName": ');
    await h.page.click('#save-resource');
    await h.page.waitForFunction(() => /Invalid JSON/.test(document.querySelector('#detail-status').textContent));
    equal(await h.page.inputValue('#resource-json'), '{"userName": ', 'editor text');
  }],

  ['edit and delete a resource in the detail view', async () => {
    await h.page.click('#new-resource');
    await h.page.fill('#resource-json', JSON.stringify({ userName: 'editor.user@example.com', active: true }));
    await h.page.click('#save-resource');
    await h.page.waitForFunction(() => document.querySelector('#detail-status').textContent === 'Created.');
    // Saved, the editor gives way to the view of what the server stored.
    check(await h.page.isHidden('#resource-json'), 'the editor is closed after a save');
    check(/"userName": "editor.user@example.com"/.test(await text('#resource-view')), 'the view shows the created user');
    await h.page.click('#edit-mode');
    const saved = JSON.parse(await h.page.inputValue('#resource-json'));
    saved.displayName = 'Edited In Place';
    await h.page.fill('#resource-json', JSON.stringify(saved));
    await h.page.click('#save-resource');
    await h.page.waitForFunction(() => document.querySelector('#detail-status').textContent === 'Saved.');
    equal(JSON.parse(await h.page.inputValue('#resource-json')).displayName, 'Edited In Place', 'saved displayName');
    check(/"displayName": "Edited In Place"/.test(await text('#resource-view')), 'the view shows the saved displayName');
    await h.page.click('#delete-resource');
    await h.page.waitForFunction(() => /^Deleted User/.test(document.querySelector('#detail-status').textContent));
    await h.page.waitForFunction(() => /Users 122/.test(document.querySelector('#server-counts').textContent));
  }],

  ['reload and find everything still there', async () => {
    await h.page.reload();
    await h.page.waitForSelector('body[data-ready="true"]');
    await h.page.waitForFunction(() => /Users 122/.test(document.querySelector('#server-counts').textContent));
    await applyFilter('userName eq "console.user@example.com" or userName eq "fetch.user@example.com"');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–2 of 2');
  }],

  ['a page the Service Worker does not control (hard reload) still reaches it', async () => {
    const cdp = await h.context.newCDPSession(h.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await h.page.reload();
    await h.page.waitForSelector('body[data-ready="true"]');
    check(await h.page.evaluate(() => navigator.serviceWorker.controller === null), 'the page should not be controlled');
    check(/Service Worker/.test(await text('#mode-badge')), 'still the Service Worker engine');
    await h.page.waitForFunction(() => /Users 122/.test(document.querySelector('#server-counts').textContent));
    await cdp.send('Network.setBypassServiceWorker', { bypass: false });
    await cdp.detach();
    await h.page.reload();
    await h.page.waitForSelector('body[data-ready="true"]');
  }],

  ['restart the browser and find everything still there, the Service Worker loading from IndexedDB', async () => {
    await h.context.close();
    await launch();
    await open();
    await h.page.waitForFunction(() => /Users 122/.test(document.querySelector('#server-counts').textContent));
    const token = await tokenOf('demo');
    const res = await swFetch(h.page, '/sandbox/demo/scim/v2/Users?filter=userName%20sw%20%22fetch.%22', { headers: { Authorization: `Bearer ${token}` } });
    equal([res.status, JSON.parse(res.body).totalResults], [200, 1], 'fetch after restart');
  }],

  ['export then import gives the same data back', async () => {
    const [download] = await Promise.all([h.page.waitForEvent('download'), h.page.click('#export-server')]);
    const exported = readFileSync(await download.path(), 'utf8');
    // A new empty server, then the export imported into it through the UI.
    await h.page.fill('#create-form [name=id]', 'copy');
    for (const k of Object.keys(seed)) await h.page.fill(`#create-form [name=${k}]`, '0');
    await h.page.click('#create-form button[type=submit]');
    await h.page.waitForFunction(() => document.querySelector('#server-title').textContent === 'copy');
    await h.page.setInputFiles('#import-file', { name: 'demo.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await h.page.waitForFunction(() => /Users 122/.test(document.querySelector('#server-counts').textContent));
    const token = await tokenOf('copy');
    const again = await swFetch(h.page, '/sandbox/api/servers/copy/export', { headers: { Authorization: `Bearer ${token}` } });
    equal(again.status, 200, 'export status');
    const a = JSON.parse(exported);
    const b = JSON.parse(again.body);
    const byId = (x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    equal(b.settings, a.settings, 'settings');
    equal([...b.resources].sort(byId), [...a.resources].sort(byId), 'resources');
    check(a.resources.length === 122 + 10 + 6 + 4, `exported ${a.resources.length} resources`);
  }],

  ['a bad import shows a clear message and loses nothing', async () => {
    const cases = [
      ['broken.json', '{"settings": {', /not valid JSON/],
      ['wrong.json', '{"resources": [{"userName": "no id or meta"}]}', /Import refused, nothing was changed: 4\d\d/],
    ];
    for (const [name, content, expected] of cases) {
      await h.page.setInputFiles('#import-file', { name, mimeType: 'application/json', buffer: Buffer.from(content) });
      await h.page.waitForSelector('#notice.error:not([hidden])');
      const message = await text('#notice');
      check(expected.test(message), `${name}: ${message}`);
      await h.page.evaluate(() => { document.querySelector('#notice').hidden = true; document.querySelector('#notice').className = 'notice'; });
    }
    // Over the import limit: refused before the file is even read.
    const huge = join(h.profile, '..', `scimlet-huge-${process.pid}.json`);
    writeFileSync(huge, Buffer.alloc(65 * 1024 * 1024, 0x20));
    try {
      await h.page.setInputFiles('#import-file', huge);
      await h.page.waitForSelector('#notice.error:not([hidden])');
      const message = await text('#notice');
      check(/is 65\.0 MB; imports are limited to 64 MB\. Nothing was changed\./.test(message), `huge: ${message}`);
    } finally {
      rmSync(huge, { force: true });
    }
    const token = await tokenOf('copy');
    const info = JSON.parse((await swFetch(h.page, '/sandbox/api/servers/copy', { headers: { Authorization: `Bearer ${token}` } })).body);
    equal(info.counts, { Entitlement: 6, Group: 10, Role: 4, User: 122 }, 'counts after refused imports');
  }],

  ['reset empties a server, then delete it', async () => {
    await h.page.click('#reset-server');
    await h.page.waitForFunction(() => document.querySelector('#server-counts').textContent === 'Users 0 · Groups 0 · Entitlements 0 · Roles 0');
    await h.page.click('#delete-server');
    await h.page.waitForFunction(() => ![...document.querySelectorAll('[data-server]')].some((b) => b.dataset.server === 'copy'));
    const listed = JSON.parse((await swFetch(h.page, '/sandbox/api/servers', { headers: { Authorization: `Bearer ${await sandboxAdminToken()}` } })).body).servers.map((s) => s.id);
    check(!listed.includes('copy'), `still listed: ${listed}`);
  }],

  ['a 10,000-user server loads from IndexedDB in under a second', async () => {
    const t0 = Date.now();
    const created = await swFetch(h.page, '/sandbox/api/servers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'big', seed: { users: 10000, groups: 50, entitlements: 0, roles: 0 } }) });
    equal(created.status, 201, `create big (${created.body.slice(0, 200)})`);
    const { token } = JSON.parse(created.body);
    // The first chunk is made before the answer; the rest follow, with progress in the server's info.
    let info = created;
    while (JSON.parse(info.body).seeding) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      info = await swFetch(h.page, '/sandbox/api/servers/big', { headers: { Authorization: `Bearer ${token}` } });
    }
    h.figures.push(`create+seed+store 10,050 resources: ${Date.now() - t0} ms (first answer after ${JSON.parse(created.body).counts.User} users)`);
    // Stop the Service Worker so its memory is gone; the next request loads from IndexedDB.
    const cdp = await h.context.newCDPSession(h.page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const t1 = Date.now();
    info = await swFetch(h.page, '/sandbox/api/servers/big', { headers: { Authorization: `Bearer ${token}` } });
    const firstRequestMs = Date.now() - t1;
    equal(info.status, 200, 'info after a Service Worker restart');
    const { counts } = JSON.parse(info.body);
    equal(counts.User, 10000, 'users loaded');
    // Server-Timing: load;dur=<ms>;desc="<n> resources", idb;dur=<ms>, parse;dur=<ms>
    const timing = Object.fromEntries(info.headers['server-timing'].split(',').map((m) => {
      const [name, ...params] = m.trim().split(';');
      return [name, Object.fromEntries(params.map((p) => p.split('=')))];
    }));
    const load = { totalMs: Number(timing.load.dur), readMs: Number(timing.idb.dur), engineMs: Number(timing.parse.dur), resources: timing.load.desc.replace(/"/g, '') };
    h.figures.push(`load 10,000-user server (${load.resources}) in the Service Worker: ${load.totalMs.toFixed(0)} ms (IndexedDB read ${load.readMs.toFixed(0)} ms, engine ${load.engineMs.toFixed(0)} ms); first request after worker restart ${firstRequestMs} ms`);
    check(load.totalMs < 1000, `load took ${load.totalMs} ms`);
    for (const [label, filter] of [['userName eq', 'userName eq "nobody@example.org"'], ['displayName co', 'displayName co "an"']]) {
      const timings = [];
      for (let i = 0; i < 5; i++) {
        const res = await swFetch(h.page, `/sandbox/big/scim/v2/Users?count=100&filter=${encodeURIComponent(filter)}`, { headers: { Authorization: `Bearer ${token}` } });
        equal(res.status, 200, label);
        timings.push(res.headers['server-timing'].replace('engine;dur=', ''));
      }
      h.figures.push(`${label} at 10,000 users, engine ms over 5 runs: ${timings.join(', ')}`);
    }
  }],

  ['remote mode says which scimlet it uses and reports one that does not answer', async () => {
    await h.page.check('input[name=mode][value=remote]');
    await h.page.fill('#remote-url', 'http://127.0.0.1:9');
    await h.page.click('#connect');
    await h.page.waitForFunction(() => /Remote · http:\/\/127\.0\.0\.1:9/.test(document.querySelector('#mode-badge').textContent));
    await h.page.waitForSelector('#notice.error:not([hidden])');
    check(/Could not reach http:\/\/127\.0\.0\.1:9: network error/.test(await text('#notice')), `notice: ${await text('#notice')}`);
    await h.page.check('input[name=mode][value=local]');
    await h.page.click('#connect');
    await h.page.waitForFunction(() => /Local/.test(document.querySelector('#mode-badge').textContent));
    await h.page.waitForSelector('[data-server="demo"]');
  }],

  ['remote mode works across origins: create, browse, filter and query a server, and stays selected after a reload', async () => {
    const stub = await startRemoteStub();
    try {
      await h.page.check('input[name=mode][value=remote]');
      await h.page.fill('#remote-url', stub.url);
      await h.page.fill('#remote-admin', stub.adminToken);
      await h.page.click('#connect');
      await h.page.waitForFunction((url) => document.querySelector('#mode-badge').textContent === `Remote · ${url}`, stub.url);
      await h.page.waitForSelector('#no-servers:not([hidden])');
      await h.page.fill('#create-form [name=id]', 'far');
      for (const [k, v] of Object.entries({ users: 30, groups: 3, entitlements: 2, roles: 1 })) await h.page.fill(`#create-form [name=${k}]`, String(v));
      await h.page.click('#create-form button[type=submit]');
      await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 30');
      equal(await text('#scim-base'), `${stub.url}/scim-identifier/far/scim/v2`, 'SCIM base');
      const [name] = await firstColumn();
      await applyFilter(`userName eq "${name}"`);
      await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–1 of 1');
      await h.page.selectOption('#console-method', 'POST');
      await h.page.fill('#console-path', '/Users');
      await h.page.fill('#console-body', JSON.stringify({ userName: 'remote.user@example.com' }));
      await h.page.click('#console-form button[type=submit]');
      await h.page.waitForFunction(() => document.querySelector('#result-status').textContent === '201');
      await h.page.waitForFunction(() => /Users 31/.test(document.querySelector('#server-counts').textContent));
      await h.page.reload();
      await h.page.waitForSelector('body[data-ready="true"]');
      await h.page.waitForFunction((url) => document.querySelector('#mode-badge').textContent === `Remote · ${url}`, stub.url);
      await h.page.waitForFunction(() => document.querySelector('#server-title').textContent === 'far');
      await h.page.waitForFunction(() => /Users 31/.test(document.querySelector('#server-counts').textContent));
    } finally {
      await h.page.check('input[name=mode][value=local]');
      await h.page.click('#connect');
      await h.page.waitForFunction(() => /Local/.test(document.querySelector('#mode-badge').textContent));
      await stub.close();
    }
  }],

  ['without Service Workers the page hosts the engine itself', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      const isolated = await browser.newContext({ serviceWorkers: 'block' });
      // As in a browser without Service Workers (Firefox private windows, for one).
      await isolated.addInitScript(() => { delete Navigator.prototype.serviceWorker; });
      const p = await isolated.newPage();
      await p.goto(BASE);
      await p.waitForSelector('body[data-ready="true"]');
      check(/engine in this page/.test(await p.locator('#mode-badge').innerText()), 'in-page badge');
      await p.fill('#create-form [name=users]', '30');
      await p.click('#create-form button[type=submit]');
      await p.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 30');
      await p.reload();
      await p.waitForSelector('body[data-ready="true"]');
      await p.waitForFunction(() => /Users 30/.test(document.querySelector('#server-counts').textContent));
    } finally {
      await browser.close();
    }
  }],

  ['the main screen, for docs/screenshot.png', async () => {
    await open();
    await h.page.click('[data-server="demo"]');
    await h.page.waitForFunction(() => document.querySelector('#server-title').textContent === 'demo');
    await h.page.waitForFunction(() => document.querySelector('#page-info').textContent === '1–25 of 122');
    await h.page.locator('#table-body tr[data-id] .rowlink').nth(2).click();
    await h.page.waitForSelector('#resource-view .j-key');
    await h.page.selectOption('#console-method', 'GET');
    await h.page.fill('#console-path', '/Groups?count=1&attributes=displayName');
    await h.page.click('#console-form button[type=submit]');
    await h.page.waitForFunction(() => document.querySelector('#result-status').textContent === '200');
    await h.page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
    await shot('main');
    if (SCREENSHOT) {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await h.page.screenshot({ path: SCREENSHOT, fullPage: false });
    }
  }],
];

const all = [...unitTests, ...csvUnits, ...loadUnits, ...tests.slice(0, -1), ...editorTests, ...consoleTests, ...settingsTests, ...serverTests, ...contractTests, ...safetyTests, ...ociTests, ...csvTests, tests[tests.length - 1]];
let result = { passed: 0, failed: 1 };
try {
  await launch();
  result = await runTests(all);
} finally {
  if (h.context) await h.context.close().catch(() => {});
  rmSync(h.profile, { recursive: true, force: true });
}
for (const figure of h.figures) console.log(`figure: ${figure}`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);
