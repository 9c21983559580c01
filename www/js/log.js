// The request log: every request the page made, newest first, its path in full (wrapped);
// a row opens the whole request and response in a dialog, with copy buttons and "Load into
// the console". Bodies are kept up to a bound, so a long session holds bounded memory.

import { $, el, copyText, formatInt } from './dom.js';
import { showJson, prettyText } from './json-view.js';
import { curlCommand, httpText } from './console.js';

const LOG_LIMIT = 50;
/** The most body text kept per request and per response. */
const BODY_KEEP = 128 * 1024;

function keep(text) {
  const value = text || '';
  if (value.length <= BODY_KEEP) return { text: value, cut: 0 };
  return { text: value.slice(0, BODY_KEEP), cut: value.length };
}

/** Authorization values as "Bearer abcd…" on screen; the copies carry them whole. */
function masked(headers) {
  return headers.map(([k, v]) => [k, /^authorization$/i.test(k) ? v.replace(/^(\S+\s+)(.{0,4}).*$/, '$1$2…') : v]);
}

/**
 * @param {object} deps
 * @param {(entry: object) => void} deps.loadIntoConsole
 */
export function createLog({ loadIntoConsole }) {
  const rows = [];
  const dialog = $('log-dialog');
  let openRow = null; // the row shown in the dialog (rows shift as requests come in)
  let returnFocus = null;

  /** Path and query: the origin is the mode's (the badge says it), and in the dialog and on hover. */
  function shownUrl(url) {
    try {
      const u = new URL(url, location.href);
      return u.pathname + u.search;
    } catch {
      return url;
    }
  }

  function render() {
    $('log-body').replaceChildren(...rows.map(({ entry: e }, i) => {
      const path = decodeURIComponent(shownUrl(e.url));
      // SCIM paths read best below their server's base: "demo /Users?filter=…".
      const scim = path.match(/^(?:\/[^?]*)?\/([^/?]+)\/scim\/v2(\/.*|\?.*)?$/);
      return el('tr', { 'data-log': String(i) },
        el('td', { class: 'when' }, e.at.toLocaleTimeString([], { hourCycle: 'h23' })),
        el('td', { class: 'req' },
          el('button', { type: 'button', class: 'rowlink wrap', title: `${e.method} ${e.url}\nOpen the request and response`, onclick: (event) => open(i, event.currentTarget) },
            e.label ? el('span', { class: 'log-label' }, e.label) : null,
            el('span', { class: 'log-method' }, e.method), ' ',
            scim ? el('span', { class: 'log-server', title: `server ${scim[1]}` }, scim[1]) : null, scim ? ' ' : null,
            scim ? scim[2] || '/' : path)),
        el('td', { class: e.status >= 200 && e.status < 400 ? 'ok' : 'error' }, String(e.status || '—')),
        el('td', { class: 'num' }, e.ms.toFixed(1)));
    }));
  }

  function add(entry, result) {
    const body = keep(result.text);
    const requestBody = keep(entry.requestBody);
    rows.unshift({
      entry: { ...entry, requestBody: requestBody.text, requestCut: requestBody.cut },
      response: { status: result.status, headers: result.headers || [], text: body.text, cut: body.cut },
    });
    rows.length = Math.min(rows.length, LOG_LIMIT);
    render();
  }

  function open(i, from) {
    const row = rows[i];
    if (!row) return;
    openRow = row;
    returnFocus = from || null;
    const { entry: e, response: r } = row;
    $('log-dialog-title').textContent = `${e.method} ${decodeURIComponent(shownUrl(e.url))}`;
    $('log-dialog-sub').textContent = `${e.at.toLocaleTimeString()} · ${r.status || 'no answer'} · ${e.ms.toFixed(1)} ms${e.label ? ` · ${e.label}` : ''}`;
    $('log-req-head').textContent = httpText(`${e.method} ${e.url}`, masked(e.requestHeaders), '').trimEnd();
    const cut = (n) => (n ? el('p', { class: 'muted' }, `Only the first ${formatInt(BODY_KEEP)} of ${formatInt(n)} characters were kept.`) : null);
    const reqBox = $('log-req-body');
    if (e.requestBody) showJson(reqBox, e.requestBody, { copyLabel: 'request body' });
    else reqBox.replaceChildren(el('p', { class: 'muted' }, 'No body.'));
    if (e.requestCut) reqBox.append(cut(e.requestCut));
    $('log-res-head').textContent = r.status ? httpText(`HTTP ${r.status}`, r.headers, '').trimEnd() : 'No answer (network error).';
    const resBox = $('log-res-body');
    if (r.text) showJson(resBox, r.text, { copyLabel: 'response body' });
    else resBox.replaceChildren(el('p', { class: 'muted' }, 'No body.'));
    if (r.cut) resBox.append(cut(r.cut));
    if (!dialog.open) dialog.showModal();
    $('log-dialog-close').focus();
  }

  function current() {
    return openRow;
  }

  $('log-dialog-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
    returnFocus = null;
  });
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  $('log-copy-request').addEventListener('click', (event) => {
    const row = current();
    if (row) copyText(httpText(`${row.entry.method} ${row.entry.url} HTTP/1.1`, row.entry.requestHeaders, row.entry.requestBody), event.currentTarget);
  });
  $('log-copy-curl').addEventListener('click', (event) => {
    const row = current();
    if (row) copyText(curlCommand({ method: row.entry.method, url: row.entry.url, headers: row.entry.requestHeaders, body: row.entry.requestBody || null }), event.currentTarget);
  });
  $('log-copy-response').addEventListener('click', (event) => {
    const row = current();
    if (row) copyText(httpText(`HTTP/1.1 ${row.response.status}`, row.response.headers, prettyText(row.response.text)), event.currentTarget);
  });
  $('log-load').addEventListener('click', () => {
    const row = current();
    if (!row) return;
    dialog.close();
    loadIntoConsole(row.entry);
  });
  $('log-clear').addEventListener('click', () => {
    rows.length = 0;
    render();
  });

  return { add };
}
