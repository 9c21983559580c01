// The group member editor, under an open group: its members with a Remove button each, and
// an Add box that suggests users and groups by name as you type. Every change is one PATCH
// with the group's ETag (If-Match), so a change made elsewhere meanwhile is a 412, never lost.

import { el, formatInt, copyButton } from './dom.js';
import { errorText, parseJson } from './backend.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Members listed at once; a bigger group says how many more it has. */
const SHOWN_MAX = 500;
const SUGGEST_MAX = 8;

const quote = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const shortId = (id) => (id.length > 13 ? `…${id.slice(-12)}` : id);

/**
 * @param {object} deps
 * @param {(id: string, method: string, path: string, options?: object) => Promise<object>} deps.scim
 * @param {() => string|null} deps.serverId
 * @param {(res: object) => Promise<void>} deps.changed  after a PATCH answered (any status)
 */
export function createMembers({ scim, serverId, changed }) {
  const root = document.getElementById('members-editor');
  let group = null; // {id, etag, members}
  let suggestions = new Map(); // text shown -> {id, type, display}
  let suggestTimer = 0;
  let suggestSeq = 0;

  const list = el('ul', { class: 'member-list', 'aria-label': 'Members' });
  const title = el('h4', { id: 'members-title' }, 'Members');
  const input = el('input', { id: 'member-add-input', list: 'member-suggestions', autocomplete: 'off', spellcheck: 'false', placeholder: 'userName, group name or id' });
  const datalist = el('datalist', { id: 'member-suggestions' });
  const status = el('p', { id: 'members-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'member-add' },
    el('label', { for: 'member-add-input' }, 'Add a user or group'),
    el('div', { class: 'row' }, input, el('button', { type: 'submit' }, 'Add')),
    datalist);
  root.replaceChildren(title, form, list, status);

  function say(text, kind = '') {
    status.textContent = text;
    status.className = `status ${kind}`;
  }

  function show(resource, etag) {
    group = { id: resource.id, etag, members: Array.isArray(resource.members) ? resource.members : [] };
    root.hidden = false;
    title.textContent = `Members (${formatInt(group.members.length)})`;
    const shown = group.members.slice(0, SHOWN_MAX);
    list.replaceChildren(...shown.map((m) => el('li', { 'data-member': m.value },
      el('span', { class: 'member-name' }, m.display || m.value),
      el('span', { class: 'member-type muted' }, m.type || ''),
      el('code', { class: 'member-id muted', title: m.value }, shortId(String(m.value))),
      copyButton(m.value, 'copy id', `Copy the id ${m.value}`),
      el('button', { type: 'button', class: 'danger small', 'aria-label': `Remove ${m.display || m.value}`, onclick: () => remove(m) }, 'Remove'))));
    if (!shown.length) list.replaceChildren(el('li', { class: 'muted' }, 'No members yet.'));
    if (group.members.length > SHOWN_MAX) list.append(el('li', { class: 'muted' }, `… and ${formatInt(group.members.length - SHOWN_MAX)} more (see the JSON).`));
  }

  function hide() {
    group = null;
    root.hidden = true;
    say('');
  }

  async function patchGroup(operation, note) {
    const id = serverId();
    const target = group;
    if (!id || !target) return;
    const headers = target.etag ? [['If-Match', target.etag]] : [];
    const res = await scim(id, 'PATCH', `/Groups/${encodeURIComponent(target.id)}`, { body: JSON.stringify({ schemas: [PATCH_OP], Operations: [operation] }), headers, label: 'members' });
    if (id !== serverId()) return;
    if (res.status === 200 || res.status === 204) say(note, 'ok');
    else if (res.status !== 412) say(`${errorText(res)}. Nothing was changed.`, 'error');
    await changed(res);
  }

  function remove(member) {
    const name = member.display || member.value;
    return patchGroup({ op: 'remove', path: `members[value eq ${quote(member.value)}]` }, `Removed ${name}.`);
  }

  /** The member an entry names: a suggestion, an exact userName or displayName, or an id. */
  async function resolve(text) {
    if (suggestions.has(text)) return suggestions.get(text);
    const id = serverId();
    const lookups = [
      ['User', `/Users?filter=${encodeURIComponent(`userName eq ${quote(text)} or id eq ${quote(text)}`)}&attributes=userName&count=2`, (r) => r.userName],
      ['Group', `/Groups?filter=${encodeURIComponent(`displayName eq ${quote(text)} or id eq ${quote(text)}`)}&attributes=displayName&count=2`, (r) => r.displayName],
    ];
    for (const [type, path, name] of lookups) {
      const res = await scim(id, 'GET', path, { label: 'find member' });
      const found = res.status === 200 ? (parseJson(res.text) || {}).Resources || [] : [];
      if (found.length === 1) return { id: found[0].id, type, display: name(found[0]) };
    }
    return null;
  }

  async function add(event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !group) return;
    const member = await resolve(text);
    if (!member) {
      say(`No user or group is named or has the id ${quote(text)}. Nothing was changed.`, 'error');
      input.focus();
      return;
    }
    if (group.members.some((m) => m.value === member.id)) {
      say(`${member.display} is already a member.`);
      return;
    }
    input.value = '';
    await patchGroup({ op: 'add', path: 'members', value: [{ value: member.id }] }, `Added ${member.display}.`);
    input.focus();
  }

  async function suggest() {
    const text = input.value.trim();
    const id = serverId();
    const mine = ++suggestSeq;
    if (!text || !id || suggestions.has(text)) return;
    const found = new Map();
    for (const [type, path, name] of [
      ['User', `/Users?filter=${encodeURIComponent(`userName sw ${quote(text)}`)}&attributes=userName&count=${SUGGEST_MAX}&sortBy=userName`, (r) => r.userName],
      ['Group', `/Groups?filter=${encodeURIComponent(`displayName sw ${quote(text)}`)}&attributes=displayName&count=${SUGGEST_MAX}&sortBy=displayName`, (r) => r.displayName],
    ]) {
      const res = await scim(id, 'GET', path, { label: 'suggest member' });
      for (const r of res.status === 200 ? (parseJson(res.text) || {}).Resources || [] : []) found.set(name(r), { id: r.id, type, display: name(r) });
    }
    if (mine !== suggestSeq) return;
    suggestions = found;
    datalist.replaceChildren(...[...found].map(([text, m]) => el('option', { value: text, label: `${m.type} · ${shortId(m.id)}` })));
  }

  form.addEventListener('submit', add);
  input.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 200);
  });

  return { show, hide };
}
