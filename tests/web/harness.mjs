// What the browser tests share: one Chromium profile (launch, restart), the page under
// test, assertions, small page helpers, screenshots for the docs and the lead's notes.
//   BASE_URL   where run.sh serves www/ (required)
//   SCREENS    a folder: each feature test saves its screenshot there (unset: none)
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.BASE_URL;
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENS = process.env.SCREENS || '';
if (!BASE) throw new Error('BASE_URL is not set (run tests/web/run.sh)');

/** The browser state every test works on: `h.page`, `h.context` (replaced by a restart). */
export const h = {
  profile: mkdtempSync(join(tmpdir(), 'scimlet-chromium-')),
  context: null,
  page: null,
  figures: [],
};

export async function launch() {
  h.context = await chromium.launchPersistentContext(h.profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true,
    viewport: { width: 1440, height: 960 }, locale: 'en-US',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  h.context.setDefaultTimeout(15000);
  h.page = h.context.pages()[0] || await h.context.newPage();
  h.page.on('dialog', (dialog) => dialog.accept());
  h.page.on('pageerror', (error) => console.log(`  page error: ${error.message}`));
}

export async function open(path = '/') {
  await h.page.goto(BASE + path);
  await h.page.waitForSelector('body[data-ready="true"]');
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export const text = (selector) => h.page.locator(selector).innerText();
export const rowCount = () => h.page.locator('#table-body tr[data-id]').count();
export const firstColumn = () => h.page.locator('#table-body tr[data-id] td:first-child').allInnerTexts();
export const rowIds = () => h.page.locator('#table-body tr[data-id]').evaluateAll((rows) => rows.map((r) => r.dataset.id));

/** Waits until `selector`'s text matches `pattern` (a RegExp) or equals it (a string). */
export async function waitText(selector, pattern) {
  const [source, flags, exact] = pattern instanceof RegExp ? [pattern.source, pattern.flags, null] : [null, null, pattern];
  await h.page.waitForFunction(({ selector, source, flags, exact }) => {
    const node = document.querySelector(selector);
    if (!node) return false;
    const t = node.textContent;
    return exact !== null ? t === exact : new RegExp(source, flags).test(t);
  }, { selector, source, flags, exact });
}

export async function applyFilter(filter) {
  await h.page.fill('#filter', filter);
  await h.page.click('#filter-form button[type=submit]');
}

/** Runs `fetch` in a page (default: the page under test), e.g. against the Service Worker. */
export function swFetch(target, path, init = {}) {
  return target.evaluate(async ({ path, init }) => {
    const res = await fetch(path, init);
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  }, { path, init });
}

/** The sandbox's admin token, as a page of the origin gets it: by asking the Service Worker. */
export function sandboxAdminToken(target = h.page) {
  return target.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => (event.data.ok ? resolve(event.data.token) : reject(new Error(event.data.error)));
      registration.active.postMessage({ type: 'scimlet-admin-token' }, [channel.port2]);
    });
  });
}

export const tokenOf = (id, key = 'local') => h.page.evaluate(([id, key]) => JSON.parse(localStorage.getItem('scimlet.tokens.v1') || '{}')[`${key}|${id}`] ?? null, [id, key]);

/** A local sandbox server made through the Service Worker (not the UI): {id, token}. */
/** Opens the page unless it is open already (a test file run on its own). */
export async function ensureOpen() {
  if (!h.page.url().startsWith(BASE)) await open();
}

export async function localServer(id, seed) {
  await ensureOpen();
  const res = await swFetch(h.page, '/sandbox/api/servers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id, seed }) });
  equal(res.status, 201, `create ${id} (${res.body.slice(0, 200)})`);
  const { token } = JSON.parse(res.body);
  // The page keeps tokens per backend; this one now knows it too.
  await h.page.evaluate(([id, token]) => {
    const tokens = JSON.parse(localStorage.getItem('scimlet.tokens.v1') || '{}');
    tokens[`local|${id}`] = token;
    localStorage.setItem('scimlet.tokens.v1', JSON.stringify(tokens));
  }, [id, token]);
  return { id, token };
}

/** A SCIM call on a local server from the test's side ("another client"): {status, headers, json}. */
export async function scimCall(server, method, path, body) {
  const headers = { Authorization: `Bearer ${server.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/scim+json';
  const res = await swFetch(h.page, `/sandbox/${server.id}/scim/v2${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: res.body ? JSON.parse(res.body) : null };
}

/** Selects a server in the list and waits for its table. */
export async function pickServer(id) {
  await h.page.click(`[data-server="${id}"]`);
  await waitText('#server-title', id);
  // Rows, or the table's final word on an empty list; not the "Loading…" a switch shows first.
  await h.page.waitForFunction(() => {
    const body = document.querySelector('#table-body');
    const muted = body && body.querySelector('td.muted');
    return Boolean(body && (body.querySelector('tr[data-id]') || (muted && muted.textContent && muted.textContent !== 'Loading…')));
  });
}

export async function showView(view) {
  await h.page.click(`#viewtab-${view}`);
  await h.page.waitForSelector(`#view-${view}:not([hidden])`);
}

/** The clipboard's text, as the page would paste it. */
export const clipboard = () => h.page.evaluate(() => navigator.clipboard.readText());

/** Remote mode against `url` (with the admin token `admin`, if given), connected and listed. */
export async function connectRemote(url, admin = '') {
  await ensureOpen();
  await h.page.check('input[name=mode][value=remote]');
  await h.page.fill('#remote-url', url);
  await h.page.fill('#remote-admin', admin);
  await h.page.click('#connect');
  await waitText('#mode-badge', `Remote · ${url}`);
  await h.page.waitForFunction(() => document.querySelector('#connect').disabled === false);
}

/** Back to local mode. */
export async function connectLocal() {
  await h.page.check('input[name=mode][value=local]');
  await h.page.click('#connect');
  await waitText('#mode-badge', /^Local/);
  await h.page.waitForFunction(() => document.querySelector('#connect').disabled === false);
}

/**
 * Sends the console's form as `method path body` (no arguments: as it stands) and resolves
 * to the answer's status as shown.
 */
export async function sendConsole(method, path, body = '') {
  if (method) {
    await h.page.selectOption('#console-method', method);
    await h.page.fill('#console-path', path);
    await h.page.fill('#console-body', body);
  }
  await h.page.evaluate(() => { document.querySelector('#result-status').textContent = ''; });
  await h.page.click('#console-form button[type=submit]');
  await h.page.waitForFunction(() => /^\d+$/.test(document.querySelector('#result-status').textContent));
  return text('#result-status');
}

/** Saves a screenshot named `name` under SCREENS, if set; `selector` crops to one element. */
export async function shot(name, selector = null) {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  await h.page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  const path = join(SCREENS, `${name}.png`);
  if (selector) await h.page.locator(selector).screenshot({ path });
  else await h.page.screenshot({ path, fullPage: false });
}

/** Runs `[name, fn]` tests in order; prints ok/FAIL lines; returns {passed, failed}. */
export async function runTests(tests) {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of tests) {
    const t0 = Date.now();
    try {
      await run();
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${String(error.message || error).split('\n').join('\n     ')}`);
      await shot(`FAIL-${failed}`).catch(() => {});
    }
  }
  return { passed, failed };
}
