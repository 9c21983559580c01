// The discovery browser: /ServiceProviderConfig, /ResourceTypes and /Schemas of a server as
// readable tables, each with its raw JSON one click away. What it shows is what the engine
// advertises, so a settings change shows up here at once.

import { el, formatInt, formatBytes } from './dom.js';
import { showJson } from './json-view.js';
import { errorText, parseJson } from './backend.js';

const yes = (b) => (b === true ? 'yes' : b === false ? 'no' : '—');

function table(head, rows, attrs = {}) {
  return el('div', { class: 'table-wrap discovery-table' },
    el('table', attrs,
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows)));
}

function raw(text) {
  const box = el('div', { class: 'json-box' });
  const details = el('details', { class: 'raw' }, el('summary', {}, 'Raw JSON'), box);
  details.addEventListener('toggle', () => { if (details.open && !box.firstChild) showJson(box, text, { copyLabel: 'JSON' }); });
  return details;
}

function serviceProvider(spc) {
  const feature = (name, supported, details = '') => el('tr', { 'data-feature': name }, el('th', { scope: 'row' }, name), el('td', {}, yes(supported)), el('td', {}, details));
  const bulk = spc.bulk || {};
  const filter = spc.filter || {};
  const schemes = (spc.authenticationSchemes || []).map((s) => `${s.name || s.type}${s.primary ? ' (primary)' : ''}`).join(', ');
  return [
    table(['Feature', 'Supported', 'Details'], [
      feature('patch', spc.patch && spc.patch.supported),
      feature('bulk', bulk.supported, bulk.supported ? `at most ${formatInt(bulk.maxOperations)} operations, ${formatBytes(bulk.maxPayloadSize)} a request` : ''),
      feature('filter', filter.supported, filter.supported ? `at most ${formatInt(filter.maxResults)} results a page` : ''),
      feature('sort', spc.sort && spc.sort.supported),
      feature('etag', spc.etag && spc.etag.supported, 'If-Match and If-None-Match on single resources'),
      feature('changePassword', spc.changePassword && spc.changePassword.supported),
      feature('authentication', (spc.authenticationSchemes || []).length > 0, schemes),
    ], { 'aria-label': 'Service provider features' }),
    spc.documentationUri ? el('p', { class: 'muted' }, 'Documentation: ', el('a', { href: spc.documentationUri, target: '_blank', rel: 'noopener' }, spc.documentationUri)) : null,
  ];
}

function resourceTypes(list) {
  const rows = list.map((rt) => el('tr', { 'data-type': rt.name || rt.id },
    el('th', { scope: 'row' }, rt.name || rt.id),
    el('td', {}, el('code', {}, rt.endpoint || '')),
    el('td', {}, el('code', {}, rt.schema || '')),
    el('td', {}, ...(rt.schemaExtensions || []).flatMap((x, i) => [i ? el('br') : null, el('code', {}, x.schema), x.required ? ' (required)' : ' (optional)'])),
    el('td', { class: 'wrap' }, rt.description || '')));
  return [table(['Name', 'Endpoint', 'Schema', 'Extensions', 'Description'], rows, { 'aria-label': 'Resource types' })];
}

/** Attribute rows, sub-attributes as `parent.child`, in schema order. */
function attributeRows(attributes, prefix = '', out = []) {
  for (const a of attributes || []) {
    const name = `${prefix}${a.name}`;
    out.push(el('tr', { 'data-attr': name, class: prefix ? 'sub' : '' },
      el('th', { scope: 'row', class: 'wrap' }, el('code', {}, name), a.description ? el('span', { class: 'attr-desc' }, a.description) : null),
      el('td', {}, a.type || ''),
      el('td', {}, yes(a.multiValued)),
      el('td', {}, yes(a.required)),
      el('td', {}, a.mutability || ''),
      el('td', {}, a.returned || ''),
      el('td', {}, a.uniqueness || ''),
      el('td', {}, a.type === 'string' || a.type === 'reference' ? yes(a.caseExact) : ''),
      el('td', { class: 'wrap' }, (a.canonicalValues || []).join(', ') || (a.referenceTypes || []).map((r) => `→ ${r}`).join(', '))));
    if (!prefix && a.subAttributes) attributeRows(a.subAttributes, `${name}.`, out);
  }
  return out;
}

function schemas(list) {
  return list.map((schema, i) => el('details', { class: 'schema', open: i === 0, 'data-schema': schema.id },
    el('summary', {}, el('strong', {}, schema.name || schema.id), ' ', el('code', { class: 'muted' }, schema.id), el('span', { class: 'muted' }, ` · ${formatInt((schema.attributes || []).length)} attributes`)),
    schema.description ? el('p', { class: 'muted' }, schema.description) : null,
    table(['Attribute', 'Type', 'Multi-valued', 'Required', 'Mutability', 'Returned', 'Uniqueness', 'Case exact', 'Values'],
      attributeRows(schema.attributes), { 'aria-label': `Attributes of ${schema.name || schema.id}` })));
}

const SECTIONS = {
  spc: { path: '/ServiceProviderConfig', render: (body) => serviceProvider(body) },
  types: { path: '/ResourceTypes', render: (body) => resourceTypes(body.Resources || []) },
  schemas: { path: '/Schemas', render: (body) => schemas(body.Resources || []) },
};

/**
 * @param {object} deps
 * @param {(id: string, method: string, path: string, options: object) => Promise<object>} deps.scim
 * @param {() => string|null} deps.serverId
 */
export function createDiscovery({ scim, serverId }) {
  const body = document.getElementById('discovery-body');
  const status = document.getElementById('discovery-status');
  const buttons = [...document.querySelectorAll('#discovery-nav [data-section]')];
  let section = 'spc';
  let seq = 0;
  let shownFor = null;

  async function load() {
    const id = serverId();
    const mine = ++seq;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.section === section));
    if (!id) return clear();
    status.textContent = 'Loading…';
    status.className = 'status';
    const { path, render } = SECTIONS[section];
    const res = await scim(id, 'GET', path, { label: 'discovery' });
    if (mine !== seq || id !== serverId()) return undefined;
    const parsed = parseJson(res.text);
    shownFor = id;
    if (res.status !== 200 || !parsed) {
      body.replaceChildren();
      status.textContent = `${path}: ${errorText(res)}`;
      status.className = 'status error';
      return undefined;
    }
    status.textContent = `${path} · ${res.ms.toFixed(1)} ms`;
    body.replaceChildren(...render(parsed).filter(Boolean), raw(res.text));
    return undefined;
  }

  function clear() {
    seq += 1;
    shownFor = null;
    body.replaceChildren();
    status.textContent = '';
  }

  for (const b of buttons) {
    b.addEventListener('click', () => {
      section = b.dataset.section;
      load();
    });
  }
  document.getElementById('discovery-reload').addEventListener('click', () => load());
  return { load, clear, shownFor: () => shownFor };
}
