// The settings screen of one server: a form built from `GET .../config` (known settings
// explained, unknown ones as raw JSON), checked as typed, saved as a merge patch of what
// changed, with the server's answer shown and its error detail placed beside the field.

import { el, formatInt, formatBytes, formatDuration } from './dom.js';
import { showJson } from './json-view.js';
import { fieldsOf, readField, mergePatch, applyMergePatch, fieldForDetail } from './settings-model.js';
import { errorText, parseJson } from './backend.js';

/** The hint under a number: the value as people read it. */
function numberHint(spec, value) {
  if (value === null) return spec.nullable ? 'never' : '';
  if (!Number.isFinite(value)) return '';
  if (spec.unit === 'bytes') return formatBytes(value);
  if (spec.unit === 'seconds') return `${formatInt(value)} s = ${formatDuration(value)}`;
  return `${formatInt(value)} ${spec.unit || ''}`.trim();
}

/**
 * @param {object} deps
 * @param {() => import('./backend.js').Backend} deps.backend
 * @param {() => string|null} deps.serverId
 * @param {(config: object) => void} deps.onSaved  after a successful save, with the new config
 */
export function createSettings({ backend, serverId, onSaved }) {
  const form = document.getElementById('settings-form');
  const fieldsBox = document.getElementById('settings-fields');
  const status = document.getElementById('settings-status');
  const dirty = document.getElementById('settings-dirty');
  const answer = document.getElementById('settings-answer');
  let loaded = null; // the config as the server last gave it
  let loadedFor = null;
  let fields = []; // {key, spec, read(), control, error}
  let seq = 0;

  function say(text, kind = '') {
    status.textContent = text;
    status.className = `status ${kind}`;
  }

  function clear() {
    loaded = null;
    loadedFor = null;
    fields = [];
    fieldsBox.replaceChildren();
    answer.replaceChildren();
    answer.hidden = true;
    dirty.textContent = '';
    say('');
  }

  async function load({ keepAnswer = false } = {}) {
    const id = serverId();
    const mine = ++seq;
    if (!id) return clear();
    say('Loading the settings…');
    try {
      const config = await backend().config(id);
      if (mine !== seq || id !== serverId()) return undefined;
      render(config, id);
      say('');
      if (!keepAnswer) { answer.hidden = true; answer.replaceChildren(); }
    } catch (error) {
      if (mine !== seq || id !== serverId()) return undefined;
      clear();
      say(`Could not load the settings: ${error.message}`, 'error');
    }
    return undefined;
  }

  function control(key, spec, value) {
    const id = `set-${key}`;
    const described = `help-${key} err-${key}`;
    switch (spec.kind) {
      case 'bool': {
        const input = el('input', { type: 'checkbox', id, 'aria-describedby': described });
        input.checked = value;
        return { node: el('label', { class: 'check' }, input, value ? ' on' : ' off'), focus: input, read: () => input.checked, input };
      }
      case 'flags': {
        const boxes = Object.entries(value).map(([flag, on]) => {
          const input = el('input', { type: 'checkbox', id: `${id}-${flag}`, 'data-flag': flag, 'aria-describedby': described });
          input.checked = on;
          return [flag, input, el('label', { class: 'check' }, input, ` ${(spec.flags && spec.flags[flag]) || flag}`)];
        });
        const read = () => Object.fromEntries(boxes.map(([flag, input]) => [flag, input.checked]));
        return { node: el('fieldset', { class: 'flags', id, 'aria-describedby': described }, el('legend', { class: 'visually-hidden' }, key), ...boxes.map(([, , label]) => label)), focus: boxes[0] && boxes[0][1], read };
      }
      case 'enum': {
        const options = { ...spec.options };
        if (!(value in options)) options[value] = value; // a value newer than this page
        const select = el('select', { id, 'aria-describedby': described },
          ...Object.entries(options).map(([v, text]) => el('option', { value: v, selected: v === value }, text)));
        return { node: select, focus: select, read: () => select.value };
      }
      case 'int': {
        const input = el('input', { id, inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': described, placeholder: spec.nullable ? 'never' : '' });
        input.value = value === null ? '' : String(value);
        const hint = el('span', { class: 'hint', 'aria-hidden': 'true' }, numberHint(spec, value));
        input.addEventListener('input', () => {
          const read = readField(spec, input.value);
          hint.textContent = read.error ? '' : numberHint(spec, read.value);
        });
        return { node: el('span', { class: 'number' }, input, hint), focus: input, read: () => input.value };
      }
      default: {
        const text = JSON.stringify(value, null, 2);
        const area = el('textarea', { id, rows: String(Math.min(12, Math.max(2, text.split('\n').length))), spellcheck: 'false', 'aria-describedby': described });
        area.value = text;
        return { node: area, focus: area, read: () => area.value };
      }
    }
  }

  function render(config, id) {
    loaded = config;
    loadedFor = id;
    fields = fieldsOf(config).map(({ key, value, spec }) => {
      const made = control(key, spec, value);
      const error = el('p', { class: 'field-error', id: `err-${key}`, role: 'alert', hidden: true });
      const row = el('div', { class: `setting${spec.unknown ? ' unknown' : ''}`, 'data-key': key },
        el('div', { class: 'setting-name' },
          el('label', { for: made.focus ? made.focus.id : `set-${key}` }, spec.title),
          el('code', {}, key)),
        el('div', { class: 'setting-control' },
          made.node,
          el('p', { class: 'help', id: `help-${key}` }, spec.help),
          error));
      return { key, spec, read: made.read, focus: made.focus, row, error };
    });
    fieldsBox.replaceChildren(...fields.map((f) => f.row));
    showDirty();
  }

  function showFieldError(field, message) {
    field.error.textContent = message;
    field.error.hidden = !message;
    field.row.classList.toggle('invalid', !!message);
    if (field.focus) field.focus.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  /** The edited config, or the fields that do not read. */
  function edited() {
    const config = {};
    const errors = [];
    for (const field of fields) {
      const read = readField(field.spec, field.read());
      if (read.error) errors.push([field, read.error]);
      else config[field.key] = read.value;
    }
    return { config, errors };
  }

  function showDirty() {
    if (!loaded) return;
    const { config, errors } = edited();
    const changed = errors.length ? [] : Object.keys(mergePatch(loaded, config));
    for (const field of fields) field.row.classList.toggle('changed', changed.includes(field.key));
    dirty.textContent = errors.length ? `${errors.length} setting${errors.length === 1 ? '' : 's'} to fix`
      : changed.length ? `Unsaved: ${changed.join(', ')}` : 'No unsaved changes';
  }

  async function save() {
    const id = serverId();
    if (!loaded || id !== loadedFor) return;
    const { config, errors } = edited();
    for (const field of fields) showFieldError(field, '');
    if (errors.length) {
      for (const [field, message] of errors) showFieldError(field, message);
      errors[0][0].focus && errors[0][0].focus.focus();
      say(`Nothing was sent: ${errors.map(([f]) => f.key).join(', ')} ${errors.length === 1 ? 'needs' : 'need'} fixing.`, 'error');
      return;
    }
    const patch = mergePatch(loaded, config);
    const changed = Object.keys(patch);
    if (!changed.length) {
      say('Nothing to save: every setting is as the server has it.');
      return;
    }
    say('Saving…');
    const { method, res } = await backend().saveConfig(id, patch, applyMergePatch(loaded, patch));
    if (id !== serverId()) return;
    const url = new URL(res.url, location.href);
    const head = `${method} ${url.pathname} → ${res.status || 'failed'} in ${res.ms.toFixed(1)} ms`;
    answer.hidden = false;
    const box = el('div', { class: 'json-box' });
    answer.replaceChildren(el('p', { class: 'answer-head' }, el('strong', {}, 'The server answered: '), el('code', {}, head)),
      el('details', { class: 'sent' }, el('summary', {}, `Sent (${method === 'PATCH' ? 'merge patch' : 'the whole config'})`),
        el('pre', {}, JSON.stringify(method === 'PATCH' ? patch : applyMergePatch(loaded, patch), null, 2))),
      box);
    showJson(box, res.text || '', { copyLabel: 'answer' });
    if (res.status >= 200 && res.status < 300) {
      const before = loaded;
      const after = parseJson(res.text) || applyMergePatch(loaded, patch);
      render(after, id);
      const what = changed.map((key) => `${key} (${JSON.stringify(before[key])} → ${JSON.stringify(after[key])})`);
      say(`Saved ${what.join(', ')}.`, 'ok');
      onSaved(after);
      return;
    }
    const body = parseJson(res.text);
    const detail = body && typeof body.detail === 'string' ? body.detail : null;
    const key = detail ? fieldForDetail(detail, fields.map((f) => f.key), changed) : null;
    const field = fields.find((f) => f.key === key);
    if (field) {
      showFieldError(field, detail);
      if (field.focus) field.focus.focus();
      say(`Not saved (${res.status}${body.scimType ? ` ${body.scimType}` : ''}): see ${key}. Nothing was changed.`, 'error');
    } else {
      say(`Not saved: ${errorText(res)}. Nothing was changed.`, 'error');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  form.addEventListener('input', showDirty);
  form.addEventListener('change', (event) => {
    showDirty();
    const check = event.target.closest('label.check');
    if (check && event.target.type === 'checkbox' && !event.target.dataset.flag) check.lastChild.textContent = event.target.checked ? ' on' : ' off';
  });
  document.getElementById('settings-revert').addEventListener('click', () => {
    if (loaded) render(loaded, loadedFor);
    for (const field of fields) showFieldError(field, '');
    say('Reverted to the saved settings.');
  });
  document.getElementById('settings-reload').addEventListener('click', () => load());

  return { load, clear, loadedFor: () => loadedFor };
}
