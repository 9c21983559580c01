// The request console: any SCIM request against the open server, templates of what real
// clients send, the answer highlighted with copy buttons, and "Copy as curl". A write that
// succeeds refreshes the table, the counts and the open resource.

import { $, el, copyText } from './dom.js';
import { showJson, prettyText } from './json-view.js';
import { TEMPLATES, fillTemplate } from './templates.js';
import { parseJson } from './backend.js';

function shellQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

const hasHeader = (headers, name) => headers.some(([k]) => k.toLowerCase() === name);

/** A request as a curl command: {method, url, headers: [[k, v]], body: text|null}. */
export function curlCommand({ method, url, headers, body }) {
  const parts = ['curl', '-i', '-X', method, shellQuote(url)];
  for (const [k, v] of headers) parts.push('-H', shellQuote(`${k}: ${v}`));
  if (body) parts.push('--data-raw', shellQuote(body));
  return parts.join(' ');
}

/** A request or answer as HTTP text: start line, headers, blank line, body. */
export function httpText(startLine, headers, body) {
  return [startLine, ...headers.map(([k, v]) => `${k}: ${v}`), '', body || ''].join('\n');
}

/**
 * @param {object} deps
 * @param {() => import('./backend.js').Backend} deps.backend
 * @param {() => string|null} deps.serverId
 * @param {(message: string, kind?: string) => void} deps.notify
 * @param {() => Promise<void>} deps.afterWrite  refreshes the table and the counts
 * @param {(what: string) => Promise<void>} deps.reloadOpen  reloads the open resource
 * @param {(type: string) => {id, name}|null} deps.openOf  the open resource if of that type
 */
export function createConsole({ backend, serverId, notify, afterWrite, reloadOpen, openOf }) {
  const select = $('console-template');
  let last = null; // {request, res}

  // Templates grouped as the clients they imitate.
  const groups = new Map();
  for (const t of TEMPLATES) {
    if (!groups.has(t.group)) groups.set(t.group, el('optgroup', { label: t.group }));
    groups.get(t.group).append(el('option', { value: t.id }, t.label));
  }
  select.append(...groups.values());

  /** What the form says, with the token and Content-Type a send would add. */
  function request() {
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

  function complete(req) {
    const id = serverId();
    const token = backend().tokenFor(id);
    const headers = req.headers.slice();
    if (token && !hasHeader(headers, 'authorization')) headers.push(['Authorization', `Bearer ${token}`]);
    if (req.body !== null && !hasHeader(headers, 'content-type')) headers.push(['Content-Type', 'application/scim+json']);
    return { method: req.method, url: backend().scimBase(id) + req.path, headers, body: req.body };
  }

  function showResult(req, res) {
    last = { req: complete(req), res };
    $('console-result').hidden = false;
    $('result-status').textContent = res.status ? `${res.status}` : 'failed';
    $('result-status').className = res.status >= 200 && res.status < 300 ? 'ok' : 'error';
    const timing = res.headers.find(([k]) => k.toLowerCase() === 'server-timing');
    $('result-time').textContent = `${res.ms.toFixed(1)} ms${timing ? ` (${timing[1]})` : ''}`;
    $('result-headers').textContent = res.headers.map(([k, v]) => `${k}: ${v}`).join('\n');
    showJson($('result-body'), res.text || '', { copyLabel: 'response' });
  }

  async function send(event) {
    event.preventDefault();
    const id = serverId();
    if (!id) return notify('Pick a server first.');
    const req = request();
    const button = event.submitter || $('console-form').querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const res = await backend().scim(id, req.method, req.path, { headers: req.headers, body: req.body, label: 'console' });
      if (id !== serverId()) return undefined;
      showResult(req, res);
      const write = req.method !== 'GET' && !/\/\.search(\?|$)/.test(req.path);
      if (write && res.status >= 200 && res.status < 300) {
        await Promise.all([afterWrite(), reloadOpen(`the console's ${req.method} ${req.path.split('?')[0]}`)]);
      }
    } finally {
      button.disabled = false;
    }
    return undefined;
  }

  async function copyCurl(event) {
    if (!serverId()) return notify('Pick a server first.');
    const command = curlCommand(complete(request()));
    const out = $('curl-out');
    out.hidden = false;
    const localNote = backend().scimBase(serverId()).includes('/sandbox/') ? '\n# (local mode: this URL is answered by the Service Worker, inside this browser only)' : '';
    out.textContent = `${command}${localNote}`;
    if (await copyText(command, event.currentTarget)) out.textContent += '\n# copied to the clipboard';
    return undefined;
  }

  /** The first resource of a type for a template: the open one if it fits, else the first listed. */
  async function pick(type) {
    const open = openOf(type);
    if (open) return open;
    const [endpoint, name] = type === 'User' ? ['/Users', 'userName'] : ['/Groups', 'displayName'];
    const res = await backend().scim(serverId(), 'GET', `${endpoint}?count=1&attributes=${name}`, { label: 'template ids' });
    const first = res.status === 200 ? ((parseJson(res.text) || {}).Resources || [])[0] : null;
    return first ? { id: first.id, name: first[name] } : null;
  }

  async function applyTemplate() {
    const templateId = select.value;
    select.value = '';
    delete select.dataset.filled;
    const template = TEMPLATES.find((t) => t.id === templateId);
    if (!template || !serverId()) return;
    const ids = { nonce: Date.now().toString(36), userId: '<user id>', userName: '<userName>', groupId: '<group id>', groupName: '<group name>' };
    const missing = [];
    for (const need of template.needs) {
      const found = await pick(need === 'user' ? 'User' : 'Group');
      if (!found) { missing.push(need); continue; }
      if (need === 'user') Object.assign(ids, { userId: found.id, userName: found.name });
      else Object.assign(ids, { groupId: found.id, groupName: found.name });
    }
    const filled = fillTemplate(templateId, ids);
    $('console-method').value = filled.method;
    $('console-path').value = filled.path;
    $('console-body').value = filled.body;
    if (missing.length) notify(`This server has no ${missing.join(' or ')} yet: fill in the <…> placeholders before sending.`, 'info');
    select.dataset.filled = templateId; // for whoever waits on it (the tests)
    $('console-body').focus();
  }

  /** Puts a logged request back into the form. */
  function load(entry) {
    const scimBase = serverId() ? backend().scimBase(serverId()) : null;
    $('console-method').value = entry.method;
    $('console-path').value = scimBase && entry.url.startsWith(scimBase) ? decodeURIComponent(entry.url.slice(scimBase.length)) : entry.url;
    $('console-headers').value = entry.requestHeaders.filter(([k]) => !/^(authorization|content-type)$/i.test(k)).map(([k, v]) => `${k}: ${v}`).join('\n');
    $('console-body').value = entry.requestBody;
    $('console-path').focus();
  }

  $('console-form').addEventListener('submit', send);
  $('console-body').addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      $('console-form').requestSubmit();
    }
  });
  $('copy-curl').addEventListener('click', copyCurl);
  $('copy-request').addEventListener('click', (event) => {
    const req = last ? last.req : complete(request());
    copyText(httpText(`${req.method} ${req.url} HTTP/1.1`, req.headers, req.body), event.currentTarget);
  });
  $('copy-response').addEventListener('click', (event) => {
    if (last) copyText(httpText(`HTTP/1.1 ${last.res.status}`, last.res.headers, prettyText(last.res.text || '')), event.currentTarget);
  });
  select.addEventListener('change', applyTemplate);

  return { load, hideResult: () => { $('console-result').hidden = true; last = null; } };
}
