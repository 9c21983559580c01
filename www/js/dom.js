// Small DOM helpers shared by the page's components: element building, number formatting,
// copying to the clipboard with feedback that does not move the layout.

export const $ = (id) => document.getElementById(id);

/** `el('button', {type: 'button', class: 'x', onclick}, 'text', child)`; false/null attributes are left out. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}

const integers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A count with the reader's thousands separators: 100000 -> "100,000". */
export function formatInt(n) {
  return Number.isFinite(n) ? integers.format(n) : String(n);
}

/** Bytes as the reader thinks of them: 1048576 -> "1 MiB", 1536 -> "1.5 KiB". */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return String(n);
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0 && n >= 1024) return `${formatInt(n)} bytes (${(n / 1024).toFixed(1)} KiB)`;
  return `${formatInt(value)} ${units[unit]}`;
}

/** Seconds as a duration: 604800 -> "7 days", 90 -> "1 min 30 s". */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return String(seconds);
  const parts = [];
  let rest = Math.round(seconds);
  for (const [size, name] of [[86400, 'day'], [3600, 'h'], [60, 'min'], [1, 's']]) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(name === 'day' ? `${formatInt(n)} day${n === 1 ? '' : 's'}` : `${n} ${name}`);
  }
  return parts.length ? parts.slice(0, 2).join(' ') : '0 s';
}

/** Where screen readers hear "Copied" (one polite live region for the whole page). */
function announcer() {
  let node = $('announce');
  if (!node) {
    node = el('p', { id: 'announce', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    document.body.append(node);
  }
  return node;
}

/**
 * Copies `text`; the button shows "Copied" (or "Copy failed") in a tooltip for a moment, so
 * its own width never changes. Returns whether the clipboard took it.
 */
export async function copyText(text, button) {
  let ok = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    ok = false;
  }
  if (button) {
    button.dataset.copied = ok ? 'Copied' : 'Copy failed: select by hand';
    clearTimeout(button.copiedTimer);
    button.copiedTimer = setTimeout(() => { delete button.dataset.copied; }, ok ? 1200 : 3000);
  }
  announcer().textContent = ok ? 'Copied to the clipboard.' : 'Copy failed: the browser refused the clipboard.';
  return ok;
}

/** A small "copy" button for `text` (a string, or a function giving it when pressed). */
export function copyButton(text, label = 'copy', title = 'Copy to the clipboard') {
  const button = el('button', { type: 'button', class: 'link copy', title });
  button.textContent = label;
  button.addEventListener('click', () => copyText(typeof text === 'function' ? text() : text, button));
  return button;
}

/**
 * Arrow keys, Home and End move between the visible tabs of a tablist (WAI-ARIA tabs
 * pattern); `select(tab)` is called for the tab reached, which also takes the focus.
 */
export function tabKeys(list, select) {
  list.addEventListener('keydown', (event) => {
    const tabs = [...list.querySelectorAll('[role=tab]:not([hidden])')];
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
    select(next);
    next.focus();
  });
}

/** Marks `tab` selected in its tablist (the others not), for clicks and keys alike. */
export function markTab(list, tab) {
  for (const t of list.querySelectorAll('[role=tab]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
}
