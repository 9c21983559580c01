// Tables for the page's logic that needs no browser: the settings model (merge patches,
// reading fields, placing a server's error), seed progress lines, console templates.
// They run in Node, first, with the browser tests (sandbox.test.mjs).
import { mergePatch, applyMergePatch, readField, fieldForDetail, fieldsOf, sameJson, KNOWN } from '../../www/js/settings-model.js';
import { progressLine, doneLine, seedTotal } from '../../www/js/progress.js';
import { TEMPLATES, fillTemplate } from '../../www/js/templates.js';
import { equal, check } from './harness.mjs';

const n = (x) => new Intl.NumberFormat().format(x); // the reader's separators

export const tests = [
  ['RFC 7396 appendix A: merge patches apply as the RFC says', () => {
    const table = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of table) equal(applyMergePatch(target, patch), expected, `apply ${JSON.stringify(patch)} to ${JSON.stringify(target)}`);
  }],

  ['the merge patch between two configs holds only what changed, and applies back', () => {
    const before = { resourceTypes: { group: true, entitlement: true, role: true }, strict: false, maxResults: 1000, customAttributes: [], ttlSeconds: null };
    const table = [
      [{ ...before }, {}],
      [{ ...before, maxResults: 7 }, { maxResults: 7 }],
      [{ ...before, resourceTypes: { group: true, entitlement: true, role: false } }, { resourceTypes: { role: false } }],
      [{ ...before, customAttributes: [{ resourceType: 'User', attribute: { name: 'x', type: 'string' } }] }, { customAttributes: [{ resourceType: 'User', attribute: { name: 'x', type: 'string' } }] }],
      [{ ...before, ttlSeconds: 3600, strict: true }, { strict: true, ttlSeconds: 3600 }],
      // Member order does not make a change.
      [{ ttlSeconds: null, customAttributes: [], maxResults: 1000, strict: false, resourceTypes: { role: true, group: true, entitlement: true } }, {}],
    ];
    for (const [after, expected] of table) {
      const patch = mergePatch(before, after);
      equal(patch, expected, `patch to ${JSON.stringify(after)}`);
      const back = applyMergePatch(before, patch);
      check(sameJson(back, after), `applied back: ${JSON.stringify(back)}`);
    }
  }],

  ['a field reads what people type, and says what is wrong', () => {
    const int = KNOWN.maxResults;
    const ttl = KNOWN.ttlSeconds;
    const table = [
      [int, '25', { value: 25 }],
      [int, ' 1,048,576 ', { value: 1048576 }],
      [int, '1 000', { value: 1000 }],
      [int, '', { error: 'A whole number is needed.' }],
      [int, '12abc', { error: '"12abc" is not a whole number (digits only).' }],
      [int, '-1', { error: '"-1" is not a whole number (digits only).' }],
      [int, '1.5', { error: '"1.5" is not a whole number (digits only).' }],
      [int, '99999999999999999999', { error: '99999999999999999999 is too large.' }],
      [ttl, '', { value: null }],
      [ttl, 'soon', { error: '"soon" is not a whole number (digits only; empty for none).' }],
      [KNOWN.customAttributes, '[]', { value: [] }],
      [KNOWN.customAttributes, '[{"a": 1}]', { value: [{ a: 1 }] }],
      [KNOWN.customAttributes, '', { error: 'A JSON value is needed (null for none).' }],
      [KNOWN.strict, true, { value: true }],
      [KNOWN.patchResponse, 'noContent', { value: 'noContent' }],
    ];
    for (const [spec, raw, expected] of table) equal(readField(spec, raw), expected, `read ${JSON.stringify(raw)} as ${spec.kind}`);
    const bad = readField(KNOWN.extensions, '[{');
    check(bad.error && bad.error.startsWith('Not valid JSON: '), `bad JSON: ${JSON.stringify(bad)}`);
  }],

  ['a server error lands on the setting it names, else on the only one changed', () => {
    const keys = ['maxResults', 'bulkMaxOperations', 'bulkMaxPayloadSize', 'strict', 'futureKnob'];
    const table = [
      ['maxResults must be at least 1', [], 'maxResults'],
      ['bulkMaxPayloadSize must be at least 1024 bytes', ['bulkMaxPayloadSize', 'strict'], 'bulkMaxPayloadSize'],
      ['unknown setting "futureKnob"', [], 'futureKnob'],
      ['unknown field `futureKnob`, expected one of `maxResults`, `strict`', [], 'futureKnob'],
      ['invalid type: string "yes", expected a boolean at line 1 column 12', ['strict'], 'strict'],
      ['invalid type: string "yes", expected a boolean at line 1 column 12', ['strict', 'maxResults'], null],
      ['settings.maxResults: too large', [], 'maxResults'],
      ['bulkMaxResults is not a setting', ['strict'], 'strict'], // a longer word is not the key
    ];
    for (const [detail, changed, expected] of table) equal(fieldForDetail(detail, keys, changed), expected, `field for "${detail}"`);
  }],

  ['the settings form lists every key: known ones in order, explained, unknown ones as JSON', () => {
    const config = { ttlSeconds: null, futureKnob: { a: 1 }, strict: false, maxResults: 10, resourceTypes: { group: true, role: false }, persona: 'scim', alpha: 3, patchResponse: 'resource' };
    const fields = fieldsOf(config);
    equal(fields.map((f) => f.key), ['resourceTypes', 'persona', 'strict', 'patchResponse', 'maxResults', 'ttlSeconds', 'alpha', 'futureKnob'], 'order');
    equal(fields.map((f) => f.spec.kind), ['flags', 'enum', 'bool', 'enum', 'int', 'int', 'json', 'json'], 'kinds');
    check(fields.every((f) => f.spec.help.length > 20), 'every field is explained');
    // A known key with a value of an unexpected shape is shown as JSON, not misread.
    equal(fieldsOf({ maxResults: 'lots', strict: 1 }).map((f) => f.spec.kind), ['json', 'json'], 'odd values');
  }],

  ['seed progress says done of total, the rate and the time left', () => {
    const table = [
      [[0, 100000, 0], `0 of ${n(100000)}`],
      [[25000, 100000, 5000], `${n(25000)} of ${n(100000)} · ${n(5000)}/s · about 15 s left`],
      [[50000, 100000, 12000], `${n(50000)} of ${n(100000)} · ${n(4167)}/s · about 12 s left`],
      [[99000, 100000, 24000], `${n(99000)} of ${n(100000)} · ${n(4125)}/s · about 0.2 s left`],
      [[100000, 100000, 24000], `${n(100000)} of ${n(100000)} · ${n(4167)}/s`],
    ];
    for (const [[done, total, ms], expected] of table) equal(progressLine(done, total, ms), expected, `progress ${done}/${total} at ${ms} ms`);
    equal(doneLine(100000, 24100), `${n(100000)} resources in 24 s (${n(4149)}/s)`, 'done line');
    equal(doneLine(1, 2500), '1 resource in 2.5 s', 'no rate under 1/s');
    equal(doneLine(40, 500), '40 resources in 0.5 s', 'no rate under a second');
    equal(doneLine(0, 3000), '0 resources in 3.0 s', 'an empty server');
    equal(seedTotal({ users: 100000, groups: 50, entitlements: 8, roles: 4, seed: 42 }), 100062, 'seed total leaves the seed out');
  }],

  ['console templates fill in the ids and make valid requests', () => {
    const ids = { userId: 'u-1', userName: 'bjensen', groupId: 'g-1', groupName: 'Tour Guides', nonce: 'k1' };
    for (const t of TEMPLATES) {
      const filled = fillTemplate(t.id, ids);
      check(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(filled.method), `${t.id}: method ${filled.method}`);
      check(filled.path.startsWith('/'), `${t.id}: path ${filled.path}`);
      check(!/<[a-z ]+>/.test(filled.path + filled.body), `${t.id}: a placeholder is left`);
      if (filled.body) JSON.parse(filled.body);
      if (t.needs.includes('user')) check((filled.path + filled.body).includes('u-1'), `${t.id} names the user`);
      if (t.needs.includes('group')) check(filled.path.includes('g-1'), `${t.id} names the group`);
    }
    const entra = JSON.parse(fillTemplate('entra-user', ids).body);
    equal(entra.Operations.map((o) => o.op), ['Replace', 'Add', 'Replace'], 'Entra capitalises ops');
    equal(entra.Operations[0].value, 'False', 'Entra sends booleans as strings');
    const okta = JSON.parse(fillTemplate('okta-deactivate', ids).body);
    equal(okta.Operations, [{ op: 'replace', value: { active: false } }], 'Okta: replace without a path');
    const bulk = JSON.parse(fillTemplate('bulk-bulkid', ids).body);
    equal(bulk.Operations[1].data.members, [{ value: 'bulkId:user1' }], 'the group names the user by bulkId');
    equal(bulk.Operations[0].bulkId, 'user1', 'the user has that bulkId');
    equal(fillTemplate('no-such-template', ids), null, 'unknown template');
  }],
];
