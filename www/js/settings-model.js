// What the settings screen knows about a server's settings, without the DOM: the known keys
// and their explanations, reading a typed value, the merge patch (RFC 7396) between two
// configs, and which field a server's error is about. Keys the page does not know yet are
// shown as raw JSON, so a newer scimlet's settings are still editable here.

/** A setting's spec: how it is edited (`kind`), its label and explanation, and per kind its
 * `unit` (int), `nullable` (int), `options` (enum) or `flags` (flags). */
function spec(kind, title, help, more = {}) {
  return { kind, title, help, ...more };
}

/** The known settings, in the order shown. `kind`: bool, int, enum, flags (object of booleans), json. */
export const KNOWN = {
  resourceTypes: spec('flags', 'Resource types', 'The resource types served besides Users, which are always on. A type switched off leaves /ResourceTypes and its endpoint answers 404; its resources are kept for when it comes back.', { flags: { group: 'Groups (/Groups)', entitlement: 'Entitlements (/Entitlements, Okta)', role: 'Roles (/Roles, Okta)' } }),
  persona: spec('enum', 'Persona', 'Which service provider this server behaves like: plain SCIM, or the URLs, schemas and quirks of an Oracle identity domain.', { options: { scim: 'scim: plain RFC 7643/7644', oci: 'oci: Oracle identity domains (OCI IAM)' } }),
  strict: spec('bool', 'Strict validation', 'Refuse unknown attributes, unknown schema URNs and values outside an attribute\'s canonicalValues with a 400, instead of ignoring them. Real clients send extras: turn it on to see exactly what they send.'),
  patchResponse: spec('enum', 'PATCH answer', 'What a successful PATCH answers. Okta and most clients read the 200 body; Entra ID is happy with 204. RFC 7644 allows both.', { options: { resource: 'resource: 200 with the resource', noContent: 'noContent: 204 No Content' } }),
  maxResults: spec('int', 'Page size cap', 'The most resources one list or search page returns (advertised as filter.maxResults); a larger count is capped to it.', { unit: 'resources' }),
  bulkMaxOperations: spec('int', 'Bulk operations', 'The most operations one /Bulk request may carry (bulk.maxOperations); a larger request is refused with 413.', { unit: 'operations' }),
  bulkMaxPayloadSize: spec('int', 'Request body size', 'The largest request body, for /Bulk and every other request (bulk.maxPayloadSize); a larger one is refused with 413.', { unit: 'bytes' }),
  patchMaxOperations: spec('int', 'PATCH operations', 'The most operations one PATCH request may carry; more are refused with a 400.', { unit: 'operations' }),
  maxValuesPerAttribute: spec('int', 'Values per attribute', 'The most values one multi-valued attribute may hold (a group\'s members, a user\'s emails); a write going past it is refused.', { unit: 'values' }),
  allowDuplicateGroupNames: spec('bool', 'Duplicate group names', 'Let two groups share a displayName, as Entra ID and some directories do. Off, a second group with the same name is refused with 409 uniqueness.'),
  ttlSeconds: spec('int', 'Lifetime', 'Seconds until the server and its data are deleted, from its creation; empty: never. A deployed scimlet may cap it; sandbox servers in this browser never expire.', { unit: 'seconds', nullable: true }),
  customAttributes: spec('json', 'Custom attributes', 'Attributes added to a core schema, each {"resourceType": "User", "attribute": {...}} with the attribute in RFC 7643 section 7 shape ({"name", "type", "multiValued", "required", "mutability", "returned", "uniqueness", ...}).'),
  extensions: spec('json', 'Extension schemas', 'Extension schemas, each {"schema": {"id": "urn:...", "name", "attributes": [...]}, "resourceTypes": ["User"], "required": false}; they appear in /Schemas and /ResourceTypes.'),
};

const UNKNOWN_HELP = 'A setting this page does not know yet: edit its JSON value.';

/** Every setting of `config`, known ones first in their order, then the others by name. */
export function fieldsOf(config) {
  const known = Object.keys(KNOWN).filter((key) => key in config);
  const other = Object.keys(config).filter((key) => !(key in KNOWN)).sort();
  return [...known, ...other].map((key) => {
    const spec = KNOWN[key] || { kind: 'json', title: key, help: UNKNOWN_HELP, unknown: true };
    const value = config[key];
    // A known key whose value does not have the expected shape is shown as JSON rather than misread.
    const fits = {
      bool: typeof value === 'boolean',
      int: Number.isSafeInteger(value) || (spec.nullable && value === null),
      enum: typeof value === 'string',
      flags: isObject(value) && Object.values(value).every((v) => typeof v === 'boolean'),
      json: true,
    }[spec.kind];
    return { key, value, spec: fits ? spec : { ...spec, kind: 'json' } };
  });
}

/**
 * A field's typed value from what the control holds: `{value}` or `{error}`.
 * `raw` is a boolean (bool), an object of booleans (flags), or the control's text.
 */
export function readField(spec, raw) {
  switch (spec.kind) {
    case 'bool':
    case 'flags':
    case 'enum':
      return { value: raw };
    case 'int': {
      // Digits, optionally grouped with spaces, commas or underscores as people type them.
      const text = String(raw).trim().replace(/[\s,_\u00a0\u202f]/g, '');
      if (text === '') return spec.nullable ? { value: null } : { error: 'A whole number is needed.' };
      if (!/^\d+$/.test(text)) return { error: `"${String(raw).trim()}" is not a whole number (digits only${spec.nullable ? '; empty for none' : ''}).` };
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return { error: `${text} is too large.` };
      return { value: n };
    }
    default: {
      const text = String(raw).trim();
      if (text === '') return { error: 'A JSON value is needed (null for none).' };
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { error: `Not valid JSON: ${error.message}` };
      }
    }
  }
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Structural equality of JSON values (object member order does not matter). */
export function sameJson(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}

/**
 * The JSON merge patch (RFC 7396) that turns `before` into `after`: changed members only,
 * objects patched member by member, arrays and scalars replaced whole, removed members null.
 */
export function mergePatch(before, after) {
  if (!isObject(before) || !isObject(after)) return after;
  const patch = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    if (key in before && sameJson(before[key], value)) continue;
    patch[key] = key in before && isObject(before[key]) && isObject(value) ? mergePatch(before[key], value) : value;
  }
  return patch;
}

/** RFC 7396 section 2: applies `patch` to `target`, returning a new value. */
export function applyMergePatch(target, patch) {
  if (!isObject(patch)) return patch;
  const out = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * Which setting a server's error `detail` is about: the key it names first (as a whole
 * word), else the only key the request changed, else null (the error is about the whole).
 */
export function fieldForDetail(detail, keys, changed = []) {
  let best = null;
  let at = Infinity;
  for (const key of keys) {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).exec(detail || '');
    if (match && match.index < at) {
      at = match.index;
      best = key;
    }
  }
  if (best) return best;
  return changed.length === 1 ? changed[0] : null;
}
