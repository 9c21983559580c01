// The resource detail: the open resource as a highlighted, foldable JSON view, an editor
// (New, Edit, Save with If-Match, Delete), and keeping in step with the server: Reload, a
// reload after a console write or a 412, each said in the status line. Groups get the
// member editor under it.

import { $, el, copyText } from './dom.js';
import { showJson, prettyText } from './json-view.js';
import { errorText, parseJson } from './backend.js';
import { createMembers } from './members.js';

function header(pairs, name) {
  const found = pairs.find(([k]) => k.toLowerCase() === name.toLowerCase());
  return found ? found[1] : null;
}

/**
 * @param {object} deps
 * @param {(id: string, method: string, path: string, options?: object) => Promise<object>} deps.scim
 * @param {() => string|null} deps.serverId
 * @param {() => string} deps.currentType  the type of the table on screen
 * @param {object} deps.types  TYPES of app.js (endpoint, template)
 * @param {() => Promise<void>} deps.afterWrite  refreshes the table and the counts
 * @param {(id: string|null) => void} deps.markRow  highlights the open resource's row
 */
export function createDetail({ scim, serverId, currentType, types, afterWrite, markRow }) {
  const title = $('detail-title');
  const version = $('detail-version');
  const view = $('resource-view');
  const editor = $('resource-json');
  const status = $('detail-status');
  const viewButton = $('view-mode');
  const editButton = $('edit-mode');
  const saveButton = $('save-resource');
  let selected = null; // {type, id, etag, text}
  let mode = 'view';

  const members = createMembers({
    scim, serverId,
    changed: async (res) => {
      // The editor says what it did itself; the detail only reloads (or reports a 412).
      if (res.status === 412) await reload({ conflict: true });
      else await reload({ quiet: true });
      if (res.status === 200 || res.status === 204) await afterWrite();
    },
  });

  function say(text, kind = '') {
    status.textContent = text;
    status.className = `status ${kind}`;
  }

  function setMode(next) {
    mode = next;
    const editing = next === 'edit';
    view.hidden = editing;
    editor.hidden = !editing;
    viewButton.setAttribute('aria-pressed', String(!editing));
    editButton.setAttribute('aria-pressed', String(editing));
    saveButton.disabled = !editing;
    $('copy-resource-id').disabled = !selected;
    $('reload-resource').disabled = !selected;
    $('delete-resource').disabled = !selected;
  }

  function dirty() {
    return mode === 'edit' && editor.value !== (selected ? selected.text : editor.dataset.template || '');
  }

  /** Shows `selected` in the view; the editor follows unless it holds unsaved text. */
  function show({ keepEdit = false } = {}) {
    if (!selected) {
      title.textContent = 'Resource';
      version.textContent = '';
      view.replaceChildren(el('p', { class: 'muted placeholder' }, 'Select a row, or press New.'));
      members.hide();
      markRow(null);
      return;
    }
    title.textContent = `${selected.type} ${selected.id}`;
    version.textContent = selected.etag ? `version ${selected.etag}` : '';
    showJson(view, selected.text, { copyLabel: 'resource' });
    if (!keepEdit) editor.value = selected.text;
    const resource = parseJson(selected.text) || {};
    if (selected.type === 'Group') members.show(resource, selected.etag);
    else members.hide();
    markRow(selected.id);
  }

  function clear(message = '') {
    selected = null;
    editor.value = '';
    delete editor.dataset.template;
    setMode('view');
    show();
    say(message, message ? 'ok' : '');
  }

  async function open(type, id) {
    const res = await scim(serverId(), 'GET', `${types[type].endpoint}/${encodeURIComponent(id)}`, { label: `get ${type}` });
    if (res.status !== 200) {
      say(errorText(res), 'error');
      return;
    }
    selected = { type, id, etag: header(res.headers, 'ETag'), text: prettyText(res.text) };
    setMode('view');
    show();
    say('');
  }

  /**
   * Reads the open resource again. `conflict`: after a 412 (the editor keeps the user's
   * text); `after`: what caused it (a console request), said only when something changed;
   * `quiet`: say nothing unless it is gone.
   */
  async function reload({ conflict = false, after = '', quiet = false } = {}) {
    const was = selected;
    if (!was) return;
    const res = await scim(serverId(), 'GET', `${types[was.type].endpoint}/${encodeURIComponent(was.id)}`, { label: `reload ${was.type}` });
    if (selected !== was) return; // another resource was opened meanwhile
    if (res.status === 404) {
      clear();
      say(`${was.type} ${was.id} no longer exists${after ? ` (after ${after})` : ''}.`, 'error');
      return;
    }
    if (res.status !== 200) {
      say(`Could not reload: ${errorText(res)}`, 'error');
      return;
    }
    const keepEdit = dirty();
    selected = { ...was, etag: header(res.headers, 'ETag'), text: prettyText(res.text) };
    show({ keepEdit });
    const changed = selected.etag !== was.etag || selected.text !== was.text;
    const versions = changed ? `version ${was.etag || '?'} → ${selected.etag || '?'}` : `version ${selected.etag || '?'}, unchanged`;
    const kept = keepEdit ? ' Your unsaved edit is kept in the editor: Save to overwrite, or View to drop it.' : '';
    if (conflict) {
      say(`412 Precondition Failed: this ${was.type} changed since you opened it. Reloaded (${versions}).${kept}`, 'error');
    } else if (after) {
      if (changed) say(`Reloaded after ${after}: ${versions}.${kept}`, 'ok');
    } else if (quiet) {
      say('');
    } else {
      say(`Reloaded: ${versions}.${kept}`, 'ok');
    }
  }

  function newResource() {
    selected = null;
    const type = currentType();
    editor.value = JSON.stringify(types[type].template, null, 2);
    editor.dataset.template = editor.value;
    editor.dataset.type = type;
    setMode('edit');
    show();
    title.textContent = `New ${type}`;
    say('Edit, then Save to create it.');
    editor.focus();
  }

  async function save() {
    const text = editor.value;
    try {
      JSON.parse(text);
    } catch (error) {
      say(`Invalid JSON: ${error.message}. Nothing was sent; your text is kept.`, 'error');
      return;
    }
    const was = selected;
    const typeName = was ? was.type : editor.dataset.type || currentType();
    const type = types[typeName];
    const res = was
      ? await scim(serverId(), 'PUT', `${type.endpoint}/${encodeURIComponent(was.id)}`, { body: text, headers: was.etag ? [['If-Match', was.etag]] : [], label: `replace ${typeName}` })
      : await scim(serverId(), 'POST', type.endpoint, { body: text, label: `create ${typeName}` });
    if (res.status === 412 && was) {
      await reload({ conflict: true });
      return;
    }
    if (res.status !== 200 && res.status !== 201) {
      say(`${errorText(res)} — your text is kept.`, 'error');
      return;
    }
    const saved = parseJson(res.text) || {};
    selected = { type: typeName, id: saved.id, etag: header(res.headers, 'ETag'), text: prettyText(res.text) };
    delete editor.dataset.template;
    setMode('view');
    show();
    say(res.status === 201 ? 'Created.' : 'Saved.', 'ok');
    await afterWrite();
  }

  async function remove() {
    const was = selected;
    if (!was) {
      say('Select a resource first.');
      return;
    }
    const res = await scim(serverId(), 'DELETE', `${types[was.type].endpoint}/${encodeURIComponent(was.id)}`, { headers: was.etag ? [['If-Match', was.etag]] : [], label: `delete ${was.type}` });
    if (res.status === 412) {
      await reload({ conflict: true });
      return;
    }
    if (res.status !== 204) {
      say(errorText(res), 'error');
      return;
    }
    clear();
    say(`Deleted ${was.type} ${was.id}.`, 'ok');
    await afterWrite();
  }

  /** Disables a button while its action runs. */
  const busy = (button, action) => async () => {
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
      setMode(mode);
    }
  };

  viewButton.addEventListener('click', () => {
    if (!selected && editor.dataset.template !== undefined) return; // a new resource has nothing to view yet
    if (selected) editor.value = selected.text;
    setMode('view');
    say('');
  });
  editButton.addEventListener('click', () => {
    if (!selected && editor.dataset.template === undefined) {
      say('Select a resource to edit, or press New.');
      return;
    }
    setMode('edit');
    editor.focus();
  });
  $('reload-resource').addEventListener('click', busy($('reload-resource'), () => reload()));
  $('copy-resource-id').addEventListener('click', (event) => selected && copyText(selected.id, event.currentTarget));
  $('new-resource').addEventListener('click', newResource);
  saveButton.addEventListener('click', busy(saveButton, save));
  $('delete-resource').addEventListener('click', busy($('delete-resource'), remove));
  editor.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && (event.key === 'Enter' || event.key === 's')) {
      event.preventDefault();
      if (!saveButton.disabled) saveButton.click();
    }
  });
  clear();

  return { open, reload, clear, selected: () => selected };
}
