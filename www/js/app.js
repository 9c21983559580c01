// The sandbox page: modes, servers (create with progress, add, forget, switch), the resource
// tables and the views of a server (resources, settings, discovery). The detail, console,
// log, settings and discovery live in their own modules; every server call goes through a
// Backend (local or remote), which logs it.

import { LocalBackend, RemoteBackend, startServiceWorker, errorText, parseJson } from './backend.js';
import { $, el, formatInt, copyText, tabKeys, markTab } from './dom.js';
import { createDetail } from './detail.js';
import { createConsole } from './console.js';
import { createLog } from './log.js';
import { createSettings } from './settings.js';
import { createDiscovery } from './discovery.js';
import { seedTotal, progressLine, doneLine, waitingLine } from './progress.js';
import { FILE_TYPES, importCsv, exportCsv } from './csv-jobs.js';

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const MODE_KEY = 'scimlet.mode.v1';
const ADMIN_KEY = 'scimlet.admin.v1'; // session only
const LAST_SERVER_KEY = 'scimlet.lastServer.v1';
/** How often a running seed is asked for its progress. */
const SEED_POLL_MS = 400;

const fullName = (r) => (r.name && (r.name.formatted || [r.name.givenName, r.name.familyName].filter(Boolean).join(' '))) || r.displayName;
const idColumn = { title: 'id', sort: 'id', get: (r) => r.id, id: true };

/** What each table shows; `sort` is the SCIM sortBy attribute. */
const TYPES = {
  User: {
    endpoint: '/Users', label: 'Users', placeholder: 'userName sw "a" and active eq true',
    columns: [
      { title: 'userName', sort: 'userName', get: (r) => r.userName },
      { title: 'Name', sort: 'name.formatted', get: fullName },
      { title: 'Active', sort: 'active', get: (r) => (r.active === false ? 'no' : 'yes'), narrow: true },
      idColumn,
    ],
    template: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'new.user@example.com',
      name: { givenName: 'New', familyName: 'User' },
      emails: [{ value: 'new.user@example.com', type: 'work', primary: true }],
      active: true,
    },
  },
  Group: {
    endpoint: '/Groups', label: 'Groups', placeholder: 'displayName co "eng"',
    columns: [
      { title: 'displayName', sort: 'displayName', get: (r) => r.displayName },
      { title: 'Members', get: (r) => formatInt((r.members || []).length), narrow: true },
      { title: 'externalId', sort: 'externalId', get: (r) => r.externalId },
      idColumn,
    ],
    template: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'New group', members: [] },
  },
  Entitlement: {
    endpoint: '/Entitlements', label: 'Entitlements', placeholder: 'type eq "License"',
    columns: [
      { title: 'displayName', sort: 'displayName', get: (r) => r.displayName },
      { title: 'type', sort: 'type', get: (r) => r.type },
      { title: 'description', sort: 'description', get: (r) => r.description },
      idColumn,
    ],
    template: { schemas: ['urn:okta:scim:schemas:core:1.0:Entitlement'], displayName: 'New entitlement', type: 'License', description: '' },
  },
  Role: {
    endpoint: '/Roles', label: 'Roles', placeholder: 'displayName sw "Admin"',
    columns: [
      { title: 'displayName', sort: 'displayName', get: (r) => r.displayName },
      { title: 'type', sort: 'type', get: (r) => r.type },
      { title: 'description', sort: 'description', get: (r) => r.description },
      idColumn,
    ],
    template: { schemas: ['urn:okta:scim:schemas:core:1.0:Role'], displayName: 'New role', type: 'Custom', description: '' },
  },
};

const state = {
  backend: null,
  servers: [],
  serverId: null,
  view: 'resources',
  type: 'User',
  filter: '',
  sortBy: '',
  sortOrder: 'ascending',
  startIndex: 1,
  count: 25,
  total: 0,
  // Each selection, list load and seed gets a number; an answer for an older one is dropped.
  selectSeq: 0,
  listSeq: 0,
  createSeq: 0,
  csvSeq: 0,
  rowsFor: null, // "server|type" of the rows on screen
};

// ---------------------------------------------------------------- helpers

let noticeTimer = 0;
function notify(message, kind = 'error') {
  const node = $('notice');
  node.textContent = message;
  node.className = `notice ${kind}`;
  node.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => { node.hidden = true; }, 6000);
}

function clearNotice() {
  $('notice').hidden = true;
}

/** Runs an action with its button disabled; shows any failure, never throws. */
async function busy(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    notify(error.message || String(error));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

function countsText(counts) {
  if (!counts) return '';
  return Object.keys(TYPES).filter((t) => t in counts).map((t) => `${TYPES[t].label} ${formatInt(counts[t])}`).join(' · ');
}

const scim = (id, method, path, options) => state.backend.scim(id, method, path, options);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- components

const detail = createDetail({
  scim,
  serverId: () => state.serverId,
  currentType: () => state.type,
  types: TYPES,
  afterWrite: () => Promise.all([loadList(), refreshCounts()]),
  markRow: (id) => {
    for (const row of document.querySelectorAll('#table-body tr[data-id]')) {
      if (row.dataset.id === id) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  },
});

const requestConsole = createConsole({
  backend: () => state.backend,
  serverId: () => state.serverId,
  notify,
  afterWrite: () => Promise.all([loadList(), refreshCounts()]),
  reloadOpen: (after) => detail.reload({ after }),
  openOf: (type) => {
    const open = detail.selected();
    if (!open || open.type !== type) return null;
    const resource = parseJson(open.text) || {};
    return { id: open.id, name: resource.userName || resource.displayName || open.id };
  },
});

const log = createLog({ loadIntoConsole: (entry) => requestConsole.load(entry) });

const settings = createSettings({
  backend: () => state.backend,
  serverId: () => state.serverId,
  onSaved: () => {
    refreshCounts();
    discovery.clear();
  },
});

const discovery = createDiscovery({ scim, serverId: () => state.serverId });

// ---------------------------------------------------------------- modes

async function connect(mode) {
  clearNotice();
  $('mode-badge').textContent = 'Connecting…';
  let backend;
  if (mode === 'remote') {
    const url = $('remote-url').value.trim();
    if (!/^https?:\/\//.test(url)) {
      notify('Enter the URL of a scimlet, e.g. http://127.0.0.1:8787');
      $('mode-badge').textContent = state.backend ? state.backend.label : 'Not connected';
      return;
    }
    const admin = $('remote-admin').value.trim();
    sessionStorage.setItem(ADMIN_KEY, admin);
    backend = new RemoteBackend(url, admin);
  } else {
    const registration = await startServiceWorker();
    if (registration) {
      backend = new LocalBackend({ registration });
    } else {
      const { LocalHost } = await import('./local-host.js');
      const host = new LocalHost({ origin: location.origin, prefix: new URL('./sandbox', location.href).pathname });
      await host.ready();
      backend = new LocalBackend({ host });
    }
  }
  localStorage.setItem(MODE_KEY, JSON.stringify({ mode, url: $('remote-url').value.trim() }));
  backend.onRequest((entry, result) => log.add(entry, result));
  state.backend = backend;
  state.serverId = null;
  state.createSeq += 1; // a seed being watched belongs to the previous connection
  document.body.dataset.mode = mode;
  $('mode-badge').textContent = backend.label;
  $('attach').hidden = mode !== 'remote';
  $('forget-server').hidden = mode !== 'remote';
  try {
    await backend.check();
  } catch (error) {
    notify(error.message);
  }
  await refreshServers(localStorage.getItem(`${LAST_SERVER_KEY}|${backend.key}`));
}

function showRemoteFields() {
  const remote = new FormData($('mode-form')).get('mode') === 'remote';
  $('remote-fields').hidden = !remote;
}

// ---------------------------------------------------------------- servers

/** Lists the servers and selects `selectId` (else the first one that is not `avoid`). */
async function refreshServers(selectId = state.serverId, { avoid = null } = {}) {
  let servers = [];
  try {
    servers = await state.backend.listServers();
  } catch (error) {
    notify(`Could not list servers: ${error.message}`);
  }
  state.servers = servers;
  renderServers();
  const target = servers.find((s) => s.id === selectId) || servers.find((s) => s.id !== avoid);
  if (target) await selectServer(target.id);
  else showServer(null);
}

function renderServers() {
  const backend = state.backend;
  $('server-list').replaceChildren(
    ...state.servers.map((s) => el('li', {},
      el('button', {
        type: 'button', class: 'server-item', 'data-server': s.id, 'aria-current': s.id === state.serverId ? 'true' : null,
        onclick: () => busy(null, () => selectServer(s.id)),
      },
      el('span', { class: 'server-id' }, s.id),
      backend.admin && !backend.tokenFor(s.id)
        ? el('span', { class: 'server-counts token-missing' }, 'no token in this browser')
        : el('span', { class: 'server-counts' }, countsText(s.counts))))),
  );
  $('no-servers').hidden = state.servers.length > 0;
}

/** The server view for `info` ({id, counts}), or the empty state for null. */
function showServer(info) {
  $('server-view').hidden = !info;
  $('empty-state').hidden = !!info;
  if (!info) {
    state.serverId = null;
    return;
  }
  if ($('server-title').textContent !== info.id) {
    // Another server: its CSV actions show once its persona is known; a job's panel stays with its server.
    $('csv-actions').hidden = true;
    $('csv-job').hidden = true;
    state.csvSeq += 1;
  }
  $('server-title').textContent = info.id;
  $('scim-base').textContent = state.backend.scimBase(info.id);
  const token = state.backend.tokenFor(info.id) || '';
  $('server-token').dataset.secret = token;
  $('server-token').textContent = !token ? 'not in this browser' : $('show-token').getAttribute('aria-pressed') === 'true' ? token : '••••••';
  showCounts(info.counts);
}

function showCounts(counts) {
  $('server-counts').textContent = countsText(counts) || '—';
  // Only the types the server serves get a tab.
  for (const [name] of Object.entries(TYPES)) $(`tab-${name}`).hidden = !!counts && name !== 'User' && !(name in counts);
  if ($(`tab-${state.type}`).hidden) selectType('User');
}

/** Empties the table, saying `message` in its place. */
function clearTable(message) {
  state.rowsFor = null;
  state.total = 0;
  const columns = TYPES[state.type].columns.length;
  $('table-body').replaceChildren(el('tr', {}, el('td', { colspan: String(columns), class: 'muted' }, message)));
  $('page-info').textContent = '';
  $('prev-page').disabled = true;
  $('next-page').disabled = true;
}

/** Empties everything that shows a server's data, so nothing of the last one stays on screen. */
function clearServerData(message) {
  $('list-error').hidden = true;
  clearTable(message);
  detail.clear();
  requestConsole.hideResult();
  settings.clear();
  discovery.clear();
}

/** Shows what went wrong with the selected server in place of its data. */
function showProblem(message) {
  $('server-problem').textContent = message;
  $('server-problem').hidden = !message;
}

/** Admin mode (or a refused token): the server's own token is needed to see its data. */
function askForToken(id, why) {
  $('token-why').textContent = why;
  $('token-for').textContent = id;
  $('token-input').value = '';
  $('token-status').textContent = '';
  $('token-form').hidden = false;
  $('server-body').hidden = true;
  $('token-input').focus();
}

async function selectServer(id) {
  const mine = ++state.selectSeq;
  const backend = state.backend;
  clearNotice();
  state.serverId = id;
  localStorage.setItem(`${LAST_SERVER_KEY}|${backend.key}`, id);
  renderServers();
  showServer({ id, counts: null });
  $('server-counts').textContent = '…';
  showProblem('');
  $('token-form').hidden = true;
  $('server-body').hidden = false;
  clearServerData('Loading…');
  state.startIndex = 1;

  if (backend.admin && !backend.tokenFor(id)) {
    // The admin token opens /api/servers/{id}, never SCIM data: ask for the server's token.
    let info = null;
    try {
      info = await backend.serverInfo(id);
    } catch {
      // the token form says what to do either way
    }
    if (mine !== state.selectSeq) return;
    showCounts(info ? info.counts : null);
    askForToken(id, `This browser has no token for ${id}. The admin token lists servers and opens their administration, not their data: enter ${id}'s token to browse it.`);
    return;
  }
  let info;
  try {
    await backend.ensureToken(id);
    info = await backend.serverInfo(id);
  } catch (error) {
    if (mine !== state.selectSeq) return;
    const listed = state.servers.find((s) => s.id === id);
    if (listed) listed.counts = null; // no old counts beside a server that did not load
    renderServers();
    showCounts(null);
    $('server-counts').textContent = '—';
    if (error.status === 401 && state.backend instanceof RemoteBackend) {
      askForToken(id, `The token stored for ${id} is refused (401). Enter its current token; the stored one is only replaced once the new one works.`);
      return;
    }
    clearServerData(`Nothing to show: ${error.message}`);
    showProblem(`Could not load server ${id}: ${error.message}`);
    return;
  }
  if (mine !== state.selectSeq) return;
  const entry = state.servers.find((s) => s.id === id);
  if (entry) entry.counts = info.counts;
  renderServers();
  showServer(info);
  await Promise.all([loadList(), loadView()]);
  await showCsvActions(id, mine);
}

/** Counts after a write; tabs follow the types the server serves. */
async function refreshCounts() {
  const id = state.serverId;
  try {
    const info = await state.backend.serverInfo(id);
    if (id !== state.serverId) return;
    showCounts(info.counts);
    const entry = state.servers.find((s) => s.id === id);
    if (entry) entry.counts = info.counts;
    renderServers();
  } catch {
    // the table and the log already show what went wrong
  }
}

function intField(form, name) {
  const raw = form.elements[name].value;
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0`);
  return n;
}

/**
 * Creates a server; while the create call runs, the time so far; then, while the server
 * reports `"seeding": {"done", "total"}`, done of total with the rate and the time left.
 */
async function createServer(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await busy(form.querySelector('button[type=submit]'), async () => {
    const seed = {};
    for (const name of ['users', 'groups', 'entitlements', 'roles', 'seed']) seed[name] = intField(form, name);
    const id = form.elements.id.value.trim() || undefined;
    const persona = form.elements.persona.value;
    const settings = persona === 'scim' ? undefined : { persona };
    const total = seedTotal(seed);
    const mine = ++state.createSeq;
    const backend = state.backend;
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const bar = $('create-bar');
    const line = $('create-line');
    $('create-progress').hidden = false;
    $('create-progress').className = 'progress';
    $('create-what').textContent = `Creating ${id || 'a server'}: ${formatInt(seed.users)} users, ${formatInt(total)} resources`;
    bar.removeAttribute('value'); // indeterminate until the server reports progress
    line.textContent = waitingLine(0);
    let seeding = false;
    const tick = setInterval(() => { if (!seeding) line.textContent = waitingLine(elapsed()); }, 250);
    try {
      let created;
      try {
        created = await backend.createServer({ id, seed, settings });
      } catch (error) {
        $('create-progress').className = 'progress failed';
        line.textContent = `Not created: ${error.message}`;
        throw error;
      }
      form.elements.id.value = '';
      let info = await backend.serverInfo(created.id, { label: 'seed progress' }).catch(() => null);
      while (info && info.seeding && mine === state.createSeq) {
        seeding = true;
        const { done, total: of } = info.seeding;
        bar.max = Math.max(1, of);
        bar.value = Math.min(done, of);
        line.textContent = progressLine(done, of, elapsed());
        await sleep(SEED_POLL_MS);
        info = await backend.serverInfo(created.id, { label: 'seed progress', log: false }).catch(() => null);
      }
      if (mine !== state.createSeq) return;
      const made = info && info.counts ? Object.values(info.counts).reduce((a, b) => a + b, 0) : total;
      bar.max = 1;
      bar.value = 1;
      line.textContent = `Created ${created.id}: ${doneLine(made, elapsed())}`;
      await refreshServers(created.id);
      notify(`Server ${created.id} created: ${doneLine(made, elapsed())}.`, 'ok');
    } finally {
      clearInterval(tick);
    }
  });
}

/** Checks `token` against server `id`; stores it only if it opens the server. */
async function checkAndStore(id, token, status) {
  const backend = state.backend;
  try {
    await backend.checkToken(id, token);
  } catch (error) {
    const kept = backend.tokenFor(id) ? ` The token already stored for ${id} is kept.` : '';
    // A scimlet answers an unknown server exactly like a wrong token, so ids cannot be probed.
    const why = error.status === 401 ? `that token does not open a server ${id} at ${backend.base}`
      : error.message;
    status.textContent = `Not stored: ${why}.${kept}`;
    status.className = 'status error';
    return false;
  }
  backend.rememberToken(id, token);
  status.textContent = '';
  return true;
}

async function attachServer(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const id = form.elements.id.value.trim();
  const token = form.elements.token.value.trim();
  if (!id || !token) return;
  await busy(form.querySelector('button[type=submit]'), async () => {
    if (!(await checkAndStore(id, token, $('attach-status')))) return;
    form.reset();
    await refreshServers(id);
    notify(`Server ${id} added.`, 'ok');
  });
}

async function submitToken(event) {
  event.preventDefault();
  const id = state.serverId;
  const token = $('token-input').value.trim();
  if (!id || !token) return;
  await busy(event.currentTarget.querySelector('button[type=submit]'), async () => {
    if (!(await checkAndStore(id, token, $('token-status')))) return;
    await selectServer(id);
    notify(`Token for ${id} stored in this browser.`, 'ok');
  });
}

async function forgetServer() {
  const id = state.serverId;
  const backend = state.backend;
  if (!confirm(`Forget ${id} in this browser? Its token is dropped from this browser; the server and its data stay at ${backend.base}.`)) return;
  backend.forgetServer(id);
  localStorage.removeItem(`${LAST_SERVER_KEY}|${backend.key}`);
  state.serverId = null;
  await refreshServers(null, { avoid: id });
  notify(`Forgot ${id}: this browser no longer keeps its token.`, 'ok');
}

async function deleteServer(event) {
  const id = state.serverId;
  if (!confirm(`Delete server ${id} and all its data?`)) return;
  await busy(event.currentTarget, async () => {
    await state.backend.deleteServer(id);
    state.serverId = null;
    await refreshServers(null, { avoid: id });
    notify(`Server ${id} deleted.`, 'ok');
  });
}

async function resetServer(event) {
  const id = state.serverId;
  if (!confirm(`Reset server ${id}: remove every resource? Its settings and token stay.`)) return;
  await busy(event.currentTarget, async () => {
    await state.backend.resetServer(id);
    await selectServer(id);
    notify(`Server ${id} reset.`, 'ok');
  });
}

async function exportServer(event) {
  const id = state.serverId;
  await busy(event.currentTarget, async () => {
    const text = await state.backend.exportServer(id);
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = el('a', { href: url, download: `scimlet-${id}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}

async function importServer(event) {
  const input = event.currentTarget;
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  const id = state.serverId;
  if (file.size > MAX_IMPORT_BYTES) {
    notify(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; imports are limited to ${MAX_IMPORT_BYTES / 1048576} MB. Nothing was changed.`);
    return;
  }
  await busy(null, async () => {
    const text = await file.text();
    try {
      JSON.parse(text);
    } catch (error) {
      throw new Error(`${file.name} is not valid JSON (${error.message}). Nothing was changed.`);
    }
    if (!confirm(`Replace all data of ${id} with ${file.name}?`)) return;
    try {
      await state.backend.importServer(id, text);
    } catch (error) {
      throw new Error(`Import refused, nothing was changed: ${error.message}`);
    }
    await selectServer(id);
    notify(`Imported ${file.name} into ${id}.`, 'ok');
  });
}

// ---------------------------------------------------------------- CSV jobs (oci servers)

/** Shows the CSV actions when server `id` is an identity domain (`oci`): only it runs CSV jobs. */
async function showCsvActions(id, mine) {
  let persona = null;
  try {
    persona = (await state.backend.config(id)).persona;
  } catch {
    // no settings, no CSV actions
  }
  if (mine !== state.selectSeq) return;
  $('csv-actions').hidden = persona !== 'oci';
}

/** The job panel, for server `id`: {what, progress(history), done(line, failed), failed(message)}; updates stop once another job starts or the server changes. */
function csvPanel(what) {
  const mine = ++state.csvSeq;
  const live = () => mine === state.csvSeq;
  const t0 = performance.now();
  const bar = $('csv-bar');
  $('csv-job').hidden = false;
  $('csv-job').className = 'progress csv-job';
  $('csv-what').textContent = what;
  $('csv-report').hidden = true;
  $('csv-report-body').replaceChildren();
  bar.removeAttribute('value');
  $('csv-line').textContent = waitingLine(0);
  return {
    elapsed: () => performance.now() - t0,
    live,
    progress(history) {
      if (!live()) return;
      const total = history.totalCount || 0;
      const done = (history.successCount || 0) + (history.failureCount || 0);
      if (!total) return;
      bar.max = Math.max(1, total);
      bar.value = Math.min(done, total);
      $('csv-line').textContent = progressLine(done, total, performance.now() - t0);
    },
    finish(line, failures = []) {
      if (!live()) return;
      bar.max = 1;
      bar.value = 1;
      $('csv-line').textContent = line;
      if (failures.length) {
        const shown = failures.slice(0, 200);
        $('csv-report-body').replaceChildren(...shown.map((f) => el('tr', {}, el('td', {}, f.row === null ? '' : String(f.row)), el('td', {}, f.key || ''), el('td', {}, f.message))));
        if (failures.length > shown.length) $('csv-report-body').append(el('tr', {}, el('td', { colspan: '3', class: 'muted' }, `… and ${formatInt(failures.length - shown.length)} more`)));
        $('csv-report').hidden = false;
        $('csv-job').className = 'progress csv-job partial';
      }
    },
    fail(message) {
      if (!live()) return;
      $('csv-job').className = 'progress csv-job failed';
      $('csv-line').textContent = message;
    },
  };
}

async function csvImport(event) {
  const input = event.currentTarget;
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  const id = state.serverId;
  const type = $('csv-type').value;
  const kind = FILE_TYPES[type];
  const panel = csvPanel(`Importing ${file.name} into ${id} (${kind.label})`);
  await busy($('csv-export'), async () => {
    let result;
    try {
      result = await importCsv(state.backend, id, file, type, { onProgress: panel.progress });
    } catch (error) {
      panel.fail(`Not imported: ${error.message}`);
      throw error;
    }
    const { history, failures } = result;
    const total = history.totalCount || 0;
    const seconds = (panel.elapsed() / 1000).toFixed(1);
    if (history.status !== 'succeeded') {
      panel.fail(`The import failed: ${history.message || history.status}`);
    } else {
      panel.finish(`Imported ${file.name}: ${formatInt(history.successCount || 0)} of ${formatInt(total)} ${kind.rows} succeeded, ${formatInt(history.failureCount || 0)} failed, in ${seconds} s.`, failures);
    }
    if (id === state.serverId) {
      await refreshCounts();
      await loadList();
    }
  });
}

async function csvExport(event) {
  const id = state.serverId;
  const type = $('csv-type').value;
  const kind = FILE_TYPES[type];
  const panel = csvPanel(`Exporting ${id}'s ${kind.rows} (${kind.label})`);
  await busy(event.currentTarget, async () => {
    let result;
    try {
      result = await exportCsv(state.backend, id, type, { onProgress: panel.progress });
    } catch (error) {
      panel.fail(`Not exported: ${error.message}`);
      throw error;
    }
    const { history, text, fileName } = result;
    panel.finish(`Exported ${formatInt(history.successCount || 0)} ${kind.rows} to ${fileName} in ${(panel.elapsed() / 1000).toFixed(1)} s.`);
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const link = el('a', { href: url, download: fileName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}

// ---------------------------------------------------------------- views

function selectView(tab) {
  markTab($('view-tabs'), tab);
  state.view = tab.dataset.view;
  for (const view of ['resources', 'settings', 'discovery']) $(`view-${view}`).hidden = view !== state.view;
  loadView();
}

/** Loads what the current view shows, when it is not shown for this server yet. */
async function loadView() {
  if (!state.serverId) return;
  if (state.view === 'settings' && settings.loadedFor() !== state.serverId) await settings.load();
  if (state.view === 'discovery' && discovery.shownFor() !== state.serverId) await discovery.load();
}

// ---------------------------------------------------------------- resource table

function renderHead() {
  const type = TYPES[state.type];
  $('table-caption').textContent = type.label;
  $('filter').placeholder = type.placeholder;
  $('table-head').replaceChildren(...type.columns.map((col) => {
    const width = col.id ? 'id-col' : col.narrow ? 'narrow' : null;
    if (!col.sort) return el('th', { scope: 'col', class: width }, col.title);
    const active = state.sortBy === col.sort;
    const ariaSort = active ? state.sortOrder : 'none';
    return el('th', { scope: 'col', 'aria-sort': ariaSort, class: width },
      el('button', { type: 'button', class: 'sort', 'data-sort': col.sort, onclick: () => sortBy(col.sort) },
        col.title, el('span', { 'aria-hidden': 'true', class: 'arrow' }, active ? (state.sortOrder === 'ascending' ? ' ▲' : ' ▼') : '')));
  }));
}

function sortBy(attribute) {
  if (state.sortBy === attribute) state.sortOrder = state.sortOrder === 'ascending' ? 'descending' : 'ascending';
  else { state.sortBy = attribute; state.sortOrder = 'ascending'; }
  state.startIndex = 1;
  loadList();
}

function listQuery() {
  const params = new URLSearchParams();
  if (state.filter) params.set('filter', state.filter);
  if (state.sortBy) { params.set('sortBy', state.sortBy); params.set('sortOrder', state.sortOrder); }
  params.set('startIndex', String(state.startIndex));
  params.set('count', String(state.count));
  return params.toString().replace(/\+/g, '%20');
}

/** An id cell: the end of the id (v7 ids share their first, time-ordered part), copied on click. */
function idCell(id) {
  const shown = id.length > 13 ? `…${id.slice(-12)}` : id;
  return el('td', { class: 'id-cell' }, el('button', {
    type: 'button', class: 'idcopy copy', title: `${id}\nClick to copy`, 'aria-label': `Copy the id ${id}`,
    onclick: (event) => copyText(id, event.currentTarget),
  }, shown));
}

async function loadList() {
  const id = state.serverId;
  if (!id) return;
  const mine = ++state.listSeq;
  const typeName = state.type;
  renderHead();
  const type = TYPES[typeName];
  const res = await scim(id, 'GET', `${type.endpoint}?${listQuery()}`, { label: `list ${type.label}` });
  if (mine !== state.listSeq) return; // a newer load (another server, type or page) owns the table
  const body = parseJson(res.text);
  const key = `${id}|${typeName}`;
  if (res.status !== 200 || !body) {
    $('list-error').textContent = errorText(res);
    $('list-error').hidden = false;
    // Rows of this very table stay (a mistyped filter loses nothing); anything else goes.
    if (state.rowsFor !== key) clearTable('Nothing to show.');
    return;
  }
  $('list-error').hidden = true;
  state.rowsFor = key;
  state.total = body.totalResults || 0;
  const rows = body.Resources || [];
  const open = detail.selected();
  $('table-body').replaceChildren(...rows.map((r) => {
    const cells = type.columns.map((col, i) => {
      if (col.id) return idCell(String(r.id));
      const value = col.get(r) ?? '';
      if (i === 0) {
        return el('td', {}, el('button', { type: 'button', class: 'rowlink', title: String(value || r.id), onclick: () => detail.open(typeName, r.id), 'aria-label': `Open ${value || r.id}` }, String(value || r.id)));
      }
      return el('td', { title: String(value) }, String(value));
    });
    return el('tr', { 'data-id': r.id, 'aria-current': open && open.id === r.id ? 'true' : null }, ...cells);
  }));
  if (!rows.length) {
    $('table-body').replaceChildren(el('tr', {}, el('td', { colspan: String(type.columns.length), class: 'muted' }, state.filter ? 'No match.' : 'None yet.')));
  }
  const first = rows.length ? state.startIndex : 0;
  const last = rows.length ? state.startIndex + rows.length - 1 : 0;
  $('page-info').textContent = `${formatInt(first)}–${formatInt(last)} of ${formatInt(state.total)}`;
  $('prev-page').disabled = state.startIndex <= 1;
  $('next-page').disabled = last >= state.total;
}

function selectType(typeName) {
  state.type = typeName;
  state.filter = '';
  state.sortBy = '';
  state.startIndex = 1;
  $('filter').value = '';
  markTab($('type-tabs'), $(`tab-${typeName}`));
  $('resource-panel').setAttribute('aria-labelledby', `tab-${typeName}`);
  loadList();
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('mode-form').addEventListener('change', showRemoteFields);
  $('mode-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy($('connect'), () => connect(new FormData($('mode-form')).get('mode')));
  });
  $('create-form').addEventListener('submit', createServer);
  $('attach-form').addEventListener('submit', attachServer);
  $('token-form').addEventListener('submit', submitToken);
  $('delete-server').addEventListener('click', deleteServer);
  $('forget-server').addEventListener('click', () => busy($('forget-server'), forgetServer));
  $('reset-server').addEventListener('click', resetServer);
  $('export-server').addEventListener('click', exportServer);
  $('import-file').addEventListener('change', importServer);
  $('csv-import-file').addEventListener('change', csvImport);
  $('csv-export').addEventListener('click', csvExport);
  $('show-token').addEventListener('click', (event) => {
    const shown = event.currentTarget.getAttribute('aria-pressed') !== 'true';
    event.currentTarget.setAttribute('aria-pressed', String(shown));
    event.currentTarget.textContent = shown ? 'hide' : 'show';
    const secret = $('server-token').dataset.secret;
    $('server-token').textContent = !secret ? 'not in this browser' : shown ? secret : '••••••';
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => {
      const target = $(button.dataset.copy);
      copyText(target.dataset.secret ?? target.textContent, button);
    });
  }
  $('type-tabs').addEventListener('click', (event) => {
    const tab = event.target.closest('[role=tab]');
    if (tab) selectType(tab.dataset.type);
  });
  tabKeys($('type-tabs'), (tab) => selectType(tab.dataset.type));
  $('view-tabs').addEventListener('click', (event) => {
    const tab = event.target.closest('[role=tab]');
    if (tab) selectView(tab);
  });
  tabKeys($('view-tabs'), selectView);
  $('filter-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filter = $('filter').value.trim();
    state.startIndex = 1;
    loadList();
  });
  $('clear-filter').addEventListener('click', () => {
    $('filter').value = '';
    state.filter = '';
    state.startIndex = 1;
    loadList();
  });
  $('prev-page').addEventListener('click', () => { state.startIndex = Math.max(1, state.startIndex - state.count); loadList(); });
  $('next-page').addEventListener('click', () => { state.startIndex += state.count; loadList(); });
  $('page-size').addEventListener('change', (event) => { state.count = Number(event.target.value); state.startIndex = 1; loadList(); });
}

async function boot() {
  wire();
  const saved = parseJson(localStorage.getItem(MODE_KEY) || 'null') || { mode: 'local' };
  $('remote-url').value = saved.url || (location.protocol.startsWith('http') ? location.origin : '');
  $('remote-admin').value = sessionStorage.getItem(ADMIN_KEY) || '';
  const mode = saved.mode === 'remote' && saved.url ? 'remote' : 'local';
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.checked = radio.value === mode;
  showRemoteFields();
  await busy($('connect'), () => connect(mode));
  document.body.dataset.ready = 'true';
}

boot();
