// The administration contract (tests/contract/admin.json) against the browser's Service
// Worker: the same steps tests/http/test_contract.py runs against the Worker, so both hosts
// answer identically.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { h, BASE, check, ensureOpen, swFetch, sandboxAdminToken } from './harness.mjs';

const contract = JSON.parse(readFileSync(new URL('../contract/admin.json', import.meta.url), 'utf8'));

function expand(text, names) {
  let out = text;
  for (const [key, value] of Object.entries(names)) out = out.split(`{${key}}`).join(value);
  return out.replace(/\{scim:([^}]*)\}/g, (_, id) => `${BASE}/sandbox/${id}/scim/v2`);
}

function expandAll(value, names) {
  if (typeof value === 'string') return expand(value, names);
  if (Array.isArray(value)) return value.map((v) => expandAll(v, names));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [expand(k, names), expandAll(v, names)]));
  return value;
}

/** Where `actual` differs from the subset `expected` (empty: it matches). */
function mismatches(actual, expected, where = 'body') {
  if (expected === '<string>') return typeof actual === 'string' ? [] : [`${where}: ${JSON.stringify(actual)} is not a string`];
  if (expected === '<number>') return typeof actual === 'number' ? [] : [`${where}: ${JSON.stringify(actual)} is not a number`];
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && '<contains>' in expected) {
    if (!Array.isArray(actual)) return [`${where}: not an array`];
    return actual.some((item) => mismatches(item, expected['<contains>'], where).length === 0) ? [] : [`${where}: no element matches ${JSON.stringify(expected['<contains>'])}`];
  }
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${where}: ${JSON.stringify(actual)} is not an object`];
    return Object.entries(expected).flatMap(([key, want]) => {
      if (want === '<absent>') return key in actual ? [`${where}.${key}: present`] : [];
      if (!(key in actual)) return [`${where}.${key}: missing`];
      return mismatches(actual[key], want, `${where}.${key}`);
    });
  }
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${where}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
}

export const tests = [
  ['the administration contract, as the Worker answers it (tests/contract/admin.json)', async () => {
    await ensureOpen();
    const names = { api: `${BASE}/sandbox/api/servers`, run: randomBytes(4).toString('hex') };
    const tokens = { admin: await sandboxAdminToken(), wrong: 'not-the-token-0000000000' };
    const saved = {};
    for (const step of contract.steps) {
      const { request, expect } = step;
      const headers = {};
      const token = request.auth === 'none' ? null : (tokens[request.auth] ?? saved.token);
      if (token) headers.Authorization = `Bearer ${token}`;
      let body;
      if (request.body !== undefined) {
        body = request.body === '{export}' ? saved.export : JSON.stringify(expandAll(request.body, names));
        headers['Content-Type'] = 'application/json';
      }
      const res = await swFetch(h.page, expand(request.path, names), { method: request.method, headers, body });
      check(res.status === expect.status, `${step.name}: ${res.status} ${res.body.slice(0, 300)}`);
      for (const [header, value] of Object.entries(expect.headers || {})) {
        check(res.headers[header] === expand(value, names), `${step.name}: ${header}: ${res.headers[header]}`);
      }
      if (expect.body) {
        const problems = mismatches(JSON.parse(res.body), expandAll(expect.body, names));
        check(problems.length === 0, `${step.name}: ${problems.join('; ')}`);
      }
      if (step.save === 'token') saved.token = JSON.parse(res.body).token;
      if (step.save === 'export') saved.export = res.body;
    }
  }],
];
