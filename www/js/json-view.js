// A JSON viewer: highlighted, foldable (native <details>, so Enter and Space fold from the
// keyboard), with a copy button beside every "id". Built from DOM nodes and text, never from
// HTML strings, so a resource's values cannot inject markup.

import { el, copyButton } from './dom.js';

/** Past this many characters the text is shown as plain, pretty-printed text (a tree would be slow). */
const TREE_MAX_CHARS = 2_000_000;
/** Documents with more values than this start with their deeper levels folded. */
const FOLD_ABOVE_VALUES = 400;
/** Members that name an object, shown on its folded line, first found first. */
const PREVIEW_KEYS = ['userName', 'displayName', 'name', 'id', 'value', 'method', 'location'];
/** Deeper than this, a subtree is shown as one line of JSON (bounded recursion). */
const MAX_DEPTH = 64;

/** How many values `value` holds, counting stops at `limit`. */
function countValues(value, limit) {
  let n = 0;
  const stack = [value];
  while (stack.length && n <= limit) {
    const v = stack.pop();
    n += 1;
    if (v && typeof v === 'object') stack.push(...Object.values(v));
  }
  return n;
}

function primitive(value) {
  if (value === null) return el('span', { class: 'j-null' }, 'null');
  switch (typeof value) {
    case 'string': return el('span', { class: 'j-str' }, JSON.stringify(value));
    case 'number': return el('span', { class: 'j-num' }, String(value));
    case 'boolean': return el('span', { class: 'j-bool' }, String(value));
    default: return el('span', {}, JSON.stringify(value));
  }
}

function keyPart(key) {
  return key === null ? [] : [el('span', { class: 'j-key' }, JSON.stringify(key)), ': '];
}

/** What a folded object shows of itself: its first naming member ("userName": "bjensen"). */
function preview(value) {
  if (Array.isArray(value)) return '';
  const name = PREVIEW_KEYS.find((k) => typeof value[k] === 'string');
  return name ? `${JSON.stringify(name)}: ${JSON.stringify(value[name].slice(0, 60))} ` : '';
}

function render(key, value, depth, last, foldDepth) {
  const comma = last ? '' : ',';
  const container = value !== null && typeof value === 'object';
  if (!container || depth >= MAX_DEPTH) {
    const line = el('div', { class: 'j-line' }, ...keyPart(key), container ? el('span', {}, JSON.stringify(value)) : primitive(value), comma);
    if (key === 'id' && typeof value === 'string') line.append(' ', copyButton(value, 'copy', `Copy the id ${value}`));
    return line;
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [null, v, i]) : Object.entries(value).map(([k, v], i) => [k, v, i]);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (!entries.length) return el('div', { class: 'j-line' }, ...keyPart(key), `${open}${close}${comma}`);
  const size = isArray ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  const node = el('details', { class: 'j-node', open: depth < foldDepth },
    el('summary', {}, ...keyPart(key), open, el('span', { class: 'j-fold' }, ` ${preview(value)}… ${size} ${close}${comma}`)));
  const body = el('div', { class: 'j-body' });
  for (const [k, v, i] of entries) body.append(render(k, v, depth + 1, i === entries.length - 1, foldDepth));
  node.append(body, el('div', { class: 'j-close' }, `${close}${comma}`));
  return node;
}

/**
 * The viewer for `text`: a tree when it is JSON, the text itself otherwise. `foldDepth`:
 * levels shown open in a large document (a small one is shown whole).
 */
export function jsonView(text, { foldDepth = 2 } = {}) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return el('pre', { class: 'json plain' }, text);
  }
  if (text.length > TREE_MAX_CHARS || value === null || typeof value !== 'object') {
    return el('pre', { class: 'json plain' }, JSON.stringify(value, null, 2));
  }
  const fold = countValues(value, FOLD_ABOVE_VALUES) > FOLD_ABOVE_VALUES ? foldDepth : Infinity;
  return el('div', { class: 'json' }, render(null, value, 0, true, fold));
}

/** Opens or folds every level of a viewer. */
export function foldAll(view, open) {
  for (const node of view.querySelectorAll('details.j-node')) node.open = open;
}

/** Pretty-printed JSON when `text` is JSON, else `text` unchanged. */
export function prettyText(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A viewer with its toolbar (expand, fold, copy) in `box`, replacing what was there.
 * `copyLabel` names what the copy button copies ("response", "resource").
 */
export function showJson(box, text, { copyLabel = 'JSON', extra = [] } = {}) {
  const view = jsonView(text);
  const tools = el('div', { class: 'json-tools', role: 'group', 'aria-label': 'JSON view' },
    ...extra,
    el('button', { type: 'button', class: 'link', onclick: () => foldAll(view, true) }, 'expand all'),
    el('button', { type: 'button', class: 'link', onclick: () => foldAll(view, false) }, 'fold all'),
    copyButton(() => prettyText(text), `copy ${copyLabel}`, `Copy the ${copyLabel} to the clipboard`));
  box.replaceChildren(tools, view);
  return view;
}
