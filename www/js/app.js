// The sandbox page: servers, resource tables, resource editor, request console and log.
// Plain DOM; every server call goes through a Backend (local or remote), which logs it.

import { LocalBackend, RemoteBackend, startServiceWorker, errorText, parseJson, headerPairs } from './backend.js';

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const MODE_KEY = 'scimlet.mode.v1';
const ADMIN_KEY = 'scimlet.admin.v1'; // session only
const LAST_SERVER_KEY = 'scimlet.lastServer.v1';
const LOG_LIMIT = 50;

const fullName = (r) => (r.name && (r.name.formatted || [r.name.givenName, r.name.familyName].filter(Boolean).join(' '))) || r.displayName;

/** What each table shows; `sort` is the SCIM sortBy attribute. */
const TYPES = {
  User: {
    endpoint: '/Users', label: 'Users', placeholder: 'userName sw "a" and active eq true',
    columns: [
      { title: 'userName', sort: 'userName', get: (r) => r.userName },
      { title: 'Name', sort: 'name.formatted', get: fullName },
      { title: 'Active', sort: 'active', get: (r) => (r.active === false ? 'no' : 'yes') },
      { title: 'id', sort: 'id', get: (r) => r.id },
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
      { title: 'Members', get: (r) => String((r.members || []).length) },
      { title: 'externalId', sort: 'externalId', get: (r) => r.externalId },
      { title: 'id', sort: 'id', get: (r) => r.id },
    ],
    template: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'New group', members: [] },
  },
  Entitlement: {
    endpoint: '/Entitlements', label: 'Entitlements', placeholder: 'type eq "License"',
    columns: [
      { title: 'displayName', sort: 'displayName', get: (r) => r.displayName },
      { title: 'type', sort: 'type', get: (r) => r.type },
      { title: 'description', sort: 'description', get: (r) => r.description },
      { title: 'id', sort: 'id', get: (r) => r.id },
    ],
    template: { schemas: ['urn:okta:scim:schemas:core:1.0:Entitlement'], displayName: 'New entitlement', type: 'License', description: '' },
  },
  Role: {
    endpoint: '/Roles', label: 'Roles', placeholder: 'displayName sw "Admin"',
    columns: [
      { title: 'displayName', sort: 'displayName', get: (r) => r.displayName },
      { title: 'type', sort: 'type', get: (r) => r.type },
      { title: 'description', sort: 'description', get: (r) => r.description },
      { title: 'id', sort: 'id', get: (r) => r.id },
    ],
    template: { schemas: ['urn:okta:scim:schemas:core:1.0:Role'], displayName: 'New role', type: 'Custom', description: '' },
  },
};

const $ = (id) => document.getElementById(id);

const state = {
  backend: null,
  servers: [],
  serverId: null,
  type: 'User',
  filter: '',
  sortBy: '',
  sortOrder: 'ascending',
  startIndex: 1,
  count: 25,
  total: 0,
  selected: null, // {type, id, etag}
  log: [],
};

// ---------------------------------------------------------------- helpers

let noticeTimer = 0;
function notify(message, kind = 'error') {
  const el = $('notice');
  el.textContent = message;
  el.className = `notice ${kind}`;
  el.hidden = false;
  clearTimeout(noticeTimer);
  if (kind !== 'error') noticeTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

function clearNotice() {
  $('notice').hidden = true;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
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

function pretty(text) {
  const value = parseJson(text);
  return value === null ? text : JSON.stringify(value, null, 2);
}

function header(pairs, name) {
  const found = pairs.find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found ? found[1] : null;
}

function countsText(counts) {
  if (!counts) return '';
  return Object.keys(TYPES).filter((t) => t in counts).map((t) => `${TYPES[t].label} ${counts[t]}`).join(' · ');
}

function shellQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

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
  backend.onRequest(logRequest);
  state.backend = backend;
  state.serverId = null;
  document.body.dataset.mode = mode;
  $('mode-badge').textContent = backend.label;
  $('attach').hidden = mode !== 'remote';
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

async function refreshServers(selectId = state.serverId) {
  let servers = [];
  try {
    servers = await state.backend.listServers();
  } catch (error) {
    notify(`Could not list servers: ${error.message}`);
  }
  state.servers = servers;
  renderServers();
  const target = servers.find((s) => s.id === selectId) || servers[0];
  if (target) await selectServer(target.id);
  else showServer(null);
}

function renderServers() {
  const list = $('server-list');
  list.replaceChildren(
    ...state.servers.map((s) => el('li', {},
      el('button', {
        type: 'button', class: 'server-item', 'data-server': s.id, 'aria-current': s.id === state.serverId ? 'true' : null,
        onclick: () => busy(null, () => selectServer(s.id)),
      }, el('span', { class: 'server-id' }, s.id), el('span', { class: 'server-counts' }, countsText(s.counts))))),
  );
  $('no-servers').hidden = state.servers.length > 0;
}

function showServer(info) {
  $('server-view').hidden = !info;
  $('empty-state').hidden = !!info;
  if (!info) return;
  $('server-title').textContent = info.id;
  $('scim-base').textContent = state.backend.scimBase(info.id);
  const token = state.backend.tokenFor(info.id) || '';
  $('server-token').dataset.secret = token;
  $('server-token').textContent = $('show-token').getAttribute('aria-pressed') === 'true' ? token : '••••••';
  $('server-counts').textContent = countsText(info.counts) || '—';
}

async function selectServer(id) {
  clearNotice();
  state.serverId = id;
  localStorage.setItem(`${LAST_SERVER_KEY}|${state.backend.key}`, id);
  renderServers();
  try {
    await state.backend.ensureToken(id);
    const info = await state.backend.serverInfo(id);
    const entry = state.servers.find((s) => s.id === id);
    if (entry) entry.counts = info.counts;
    renderServers();
    showServer(info);
  } catch (error) {
    showServer({ id, counts: null });
    notify(`Server ${id}: ${error.message}`);
  }
  state.startIndex = 1;
  state.selected = null;
  $('resource-json').value = '';
  $('detail-status').textContent = '';
  await loadList();
}

async function refreshCounts() {
  try {
    const info = await state.backend.serverInfo(state.serverId);
    $('server-counts').textContent = countsText(info.counts) || '—';
    const entry = state.servers.find((s) => s.id === state.serverId);
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

async function createServer(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await busy(form.querySelector('button[type=submit]'), async () => {
    const seed = {};
    for (const name of ['users', 'groups', 'entitlements', 'roles', 'seed']) seed[name] = intField(form, name);
    const id = form.elements.id.value.trim() || undefined;
    notify(`Creating ${id || 'a server'} with ${seed.users} users…`, 'info');
    const created = await state.backend.createServer({ id, seed });
    form.elements.id.value = '';
    await refreshServers(created.id);
    notify(`Server ${created.id} created.`, 'ok');
  });
}

async function attachServer(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const id = form.elements.id.value.trim();
  state.backend.rememberToken(id, form.elements.token.value.trim());
  form.reset();
  await refreshServers(id);
}

async function deleteServer(event) {
  const id = state.serverId;
  if (!confirm(`Delete server ${id} and all its data?`)) return;
  await busy(event.currentTarget, async () => {
    await state.backend.deleteServer(id);
    state.serverId = null;
    await refreshServers();
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

// ---------------------------------------------------------------- resource table

function renderHead() {
  const type = TYPES[state.type];
  $('table-caption').textContent = type.label;
  $('filter').placeholder = type.placeholder;
  $('table-head').replaceChildren(...type.columns.map((col) => {
    if (!col.sort) return el('th', { scope: 'col' }, col.title);
    const active = state.sortBy === col.sort;
    const ariaSort = active ? state.sortOrder : 'none';
    return el('th', { scope: 'col', 'aria-sort': ariaSort },
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

async function loadList() {
  if (!state.serverId) return;
  renderHead();
  const type = TYPES[state.type];
  const res = await state.backend.scim(state.serverId, 'GET', `${type.endpoint}?${listQuery()}`, { label: `list ${type.label}` });
  const body = parseJson(res.text);
  if (res.status !== 200 || !body) {
    // Keep what is on screen and the filter as typed; say what the server said.
    $('list-error').textContent = errorText(res);
    $('list-error').hidden = false;
    return;
  }
  $('list-error').hidden = true;
  state.total = body.totalResults || 0;
  const rows = body.Resources || [];
  $('table-body').replaceChildren(...rows.map((r) => {
    const cells = type.columns.map((col, i) => {
      const value = col.get(r) ?? '';
      if (i === 0) {
        return el('td', {}, el('button', { type: 'button', class: 'rowlink', onclick: () => openResource(r.id), 'aria-label': `Open ${value || r.id}` }, String(value || r.id)));
      }
      return el('td', {}, String(value));
    });
    return el('tr', { 'data-id': r.id, 'aria-current': state.selected && state.selected.id === r.id ? 'true' : null }, ...cells);
  }));
  if (!rows.length) {
    $('table-body').replaceChildren(el('tr', {}, el('td', { colspan: String(type.columns.length), class: 'muted' }, state.filter ? 'No match.' : 'None yet.')));
  }
  const first = rows.length ? state.startIndex : 0;
  const last = rows.length ? state.startIndex + rows.length - 1 : 0;
  $('page-info').textContent = `${first}–${last} of ${state.total}`;
  $('prev-page').disabled = state.startIndex <= 1;
  $('next-page').disabled = last >= state.total;
}

function selectType(typeName, focus = false) {
  state.type = typeName;
  state.filter = '';
  state.sortBy = '';
  state.startIndex = 1;
  $('filter').value = '';
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const on = tab.dataset.type === typeName;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
  }
  $('resource-panel').setAttribute('aria-labelledby', `tab-${typeName}`);
  loadList();
}

function tabKeys(event) {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
  selectType(next.dataset.type, true);
}

// ---------------------------------------------------------------- resource detail

async function openResource(id) {
  const type = TYPES[state.type];
  const res = await state.backend.scim(state.serverId, 'GET', `${type.endpoint}/${encodeURIComponent(id)}`, { label: `get ${state.type}` });
  if (res.status !== 200) {
    $('detail-status').textContent = errorText(res);
    return;
  }
  state.selected = { type: state.type, id, etag: header(res.headers, 'ETag') };
  $('resource-json').value = pretty(res.text);
  $('detail-title').textContent = `${state.type} ${id}`;
  $('detail-status').textContent = '';
  for (const row of document.querySelectorAll('#table-body tr')) {
    if (row.dataset.id === id) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

function newResource() {
  state.selected = null;
  $('detail-title').textContent = `New ${state.type}`;
  $('resource-json').value = JSON.stringify(TYPES[state.type].template, null, 2);
  $('detail-status').textContent = 'Edit, then Save to create it.';
  $('resource-json').focus();
}

async function saveResource(event) {
  const text = $('resource-json').value;
  try {
    JSON.parse(text);
  } catch (error) {
    $('detail-status').textContent = `Invalid JSON: ${error.message}. Nothing was sent; your text is kept.`;
    $('detail-status').className = 'status error';
    return;
  }
  await busy(event.currentTarget, async () => {
    const selected = state.selected;
    const typeName = selected ? selected.type : state.type;
    const type = TYPES[typeName];
    const res = selected
      ? await state.backend.scim(state.serverId, 'PUT', `${type.endpoint}/${encodeURIComponent(selected.id)}`, { body: text, headers: selected.etag ? [['If-Match', selected.etag]] : [], label: `replace ${typeName}` })
      : await state.backend.scim(state.serverId, 'POST', type.endpoint, { body: text, label: `create ${typeName}` });
    if (res.status !== 200 && res.status !== 201) {
      $('detail-status').textContent = `${errorText(res)} — your text is kept.`;
      $('detail-status').className = 'status error';
      return;
    }
    const saved = parseJson(res.text) || {};
    state.selected = { type: typeName, id: saved.id, etag: header(res.headers, 'ETag') };
    $('resource-json').value = pretty(res.text);
    $('detail-title').textContent = `${typeName} ${saved.id}`;
    $('detail-status').textContent = res.status === 201 ? 'Created.' : 'Saved.';
    $('detail-status').className = 'status ok';
    await Promise.all([loadList(), refreshCounts()]);
  });
}

async function deleteResource(event) {
  const selected = state.selected;
  if (!selected) {
    $('detail-status').textContent = 'Select a resource first.';
    return;
  }
  await busy(event.currentTarget, async () => {
    const res = await state.backend.scim(state.serverId, 'DELETE', `${TYPES[selected.type].endpoint}/${encodeURIComponent(selected.id)}`, { label: `delete ${selected.type}` });
    if (res.status !== 204) {
      $('detail-status').textContent = errorText(res);
      $('detail-status').className = 'status error';
      return;
    }
    state.selected = null;
    $('resource-json').value = '';
    $('detail-title').textContent = 'Resource';
    $('detail-status').textContent = `Deleted ${selected.type} ${selected.id}.`;
    $('detail-status').className = 'status ok';
    await Promise.all([loadList(), refreshCounts()]);
  });
}

// ---------------------------------------------------------------- console and log

function consoleRequest() {
  const headers = [];
  for (const line of $('console-headers').value.split('\n')) {
    const at = line.indexOf(':');
    if (line.trim() && at > 0) headers.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  let path = $('console-path').value.trim() || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const body = $('console-body').value;
  return { method: $('console-method').value, path, headers, body: body.trim() ? body : null };
}

async function sendConsole(event) {
  event.preventDefault();
  if (!state.serverId) return notify('Pick a server first.');
  const req = consoleRequest();
  const res = await state.backend.scim(state.serverId, req.method, req.path, { headers: req.headers, body: req.body, label: 'console' });
  $('console-result').hidden = false;
  $('result-status').textContent = res.status ? `${res.status}` : 'failed';
  $('result-status').className = res.status >= 200 && res.status < 300 ? 'ok' : 'error';
  const engine = header(res.headers, 'Server-Timing');
  $('result-time').textContent = `${res.ms.toFixed(1)} ms${engine ? ` (${engine})` : ''}`;
  $('result-headers').textContent = res.headers.map(([k, v]) => `${k}: ${v}`).join('\n');
  $('result-body').textContent = pretty(res.text);
  if (req.method !== 'GET' && res.status >= 200 && res.status < 300) await Promise.all([loadList(), refreshCounts()]);
}

function curlCommand() {
  const req = consoleRequest();
  const token = state.backend.tokenFor(state.serverId);
  const parts = ['curl', '-i', '-X', req.method, shellQuote(state.backend.scimBase(state.serverId) + req.path)];
  const headers = req.headers.slice();
  if (token && !headers.some(([k]) => k.toLowerCase() === 'authorization')) headers.push(['Authorization', `Bearer ${token}`]);
  if (req.body !== null && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/scim+json']);
  for (const [k, v] of headers) parts.push('-H', shellQuote(`${k}: ${v}`));
  if (req.body !== null) parts.push('--data-raw', shellQuote(req.body));
  return parts.join(' ');
}

async function copyCurl() {
  if (!state.serverId) return notify('Pick a server first.');
  const command = curlCommand();
  const out = $('curl-out');
  out.hidden = false;
  const localNote = state.backend instanceof LocalBackend ? '\n# (local mode: this URL is answered by the Service Worker, inside this browser only)' : '';
  out.textContent = `${command}${localNote}`;
  try {
    await navigator.clipboard.writeText(command);
    out.textContent += '\n# copied to the clipboard';
  } catch {
    // no clipboard permission: the command is shown to copy by hand
  }
}

function logRequest(entry, result) {
  state.log.unshift({ entry, result });
  state.log.length = Math.min(state.log.length, LOG_LIMIT);
  const base = location.origin;
  $('log-body').replaceChildren(...state.log.map(({ entry: e }, i) => {
    const shown = e.url.startsWith(base) ? e.url.slice(base.length) : e.url;
    return el('tr', {},
      el('td', {}, e.at.toLocaleTimeString()),
      el('td', {}, el('button', { type: 'button', class: 'rowlink', title: 'Load into the console', onclick: () => loadLogEntry(i) }, `${e.method} ${decodeURIComponent(shown)}`)),
      el('td', { class: e.status >= 200 && e.status < 300 ? 'ok' : 'error' }, String(e.status || '—')),
      el('td', {}, e.ms.toFixed(1)));
  }));
}

function loadLogEntry(i) {
  const { entry } = state.log[i];
  const scimBase = state.serverId ? state.backend.scimBase(state.serverId) : null;
  $('console-method').value = entry.method;
  $('console-path').value = scimBase && entry.url.startsWith(scimBase) ? decodeURIComponent(entry.url.slice(scimBase.length)) : entry.url;
  $('console-headers').value = entry.requestHeaders.filter(([k]) => !/^(authorization|content-type)$/i.test(k)).map(([k, v]) => `${k}: ${v}`).join('\n');
  $('console-body').value = entry.requestBody;
  $('console-path').focus();
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
  $('delete-server').addEventListener('click', deleteServer);
  $('reset-server').addEventListener('click', resetServer);
  $('export-server').addEventListener('click', exportServer);
  $('import-file').addEventListener('change', importServer);
  $('show-token').addEventListener('click', (event) => {
    const shown = event.currentTarget.getAttribute('aria-pressed') !== 'true';
    event.currentTarget.setAttribute('aria-pressed', String(shown));
    event.currentTarget.textContent = shown ? 'hide' : 'show';
    $('server-token').textContent = shown ? $('server-token').dataset.secret : '••••••';
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const target = $(button.dataset.copy);
      const text = target.dataset.secret ?? target.textContent;
      try {
        await navigator.clipboard.writeText(text);
        notify('Copied.', 'ok');
      } catch {
        notify(`Copy failed; select it by hand: ${text}`, 'info');
      }
    });
  }
  $('type-tabs').addEventListener('click', (event) => {
    const tab = event.target.closest('[role=tab]');
    if (tab) selectType(tab.dataset.type);
  });
  $('type-tabs').addEventListener('keydown', tabKeys);
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
  $('new-resource').addEventListener('click', newResource);
  $('save-resource').addEventListener('click', saveResource);
  $('delete-resource').addEventListener('click', deleteResource);
  $('console-form').addEventListener('submit', sendConsole);
  $('copy-curl').addEventListener('click', copyCurl);
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
export { state, headerPairs };
