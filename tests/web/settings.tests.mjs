// The settings screen (issue 16 item 1): every key of the config, explained, checked as
// typed, saved as a merge patch with the answer shown, the server's error beside its field.
// Local server `cfg` (a host with PUT only today), then a remote stub with the coming
// PATCH, strict checks and settings the engine does not have yet.
import { startRemoteStub } from './remote-stub.mjs';
import { h, open, check, equal, text, waitText, localServer, scimCall, swFetch, pickServer, showView, tokenOf, connectRemote, connectLocal, shot } from './harness.mjs';

let server;

const config = async () => JSON.parse((await swFetch(h.page, `/sandbox/api/servers/${server.id}/config`, { headers: { Authorization: `Bearer ${server.token}` } })).body);
const shownKeys = () => h.page.$$eval('#settings-fields .setting', (rows) => rows.map((r) => r.dataset.key));
const logRows = () => h.page.locator('#log-body tr').count();

export const tests = [
  ['the settings screen shows every setting of the config, explained', async () => {
    server = await localServer('cfg', { users: 12, groups: 2, entitlements: 1, roles: 1, seed: 3 });
    await open();
    await pickServer('cfg');
    await showView('settings');
    await h.page.waitForSelector('#settings-fields .setting');
    const stored = await config();
    equal([...await shownKeys()].sort(), Object.keys(stored).sort(), 'one field per key of GET config');
    const helps = await h.page.$$eval('#settings-fields .setting .help', (ps) => ps.map((p) => p.textContent));
    check(helps.length === Object.keys(stored).length && helps.every((t) => t.length > 40), 'each is explained');
    equal(await h.page.inputValue('#set-maxResults'), String(stored.maxResults), 'maxResults');
    equal(await text('[data-key="maxResults"] .hint'), `${stored.maxResults.toLocaleString('en-US')} resources`, 'maxResults read as people read it');
    equal(await text('[data-key="bulkMaxPayloadSize"] .hint'), '1 MiB', 'bytes');
    equal(await h.page.isChecked('#set-strict'), stored.strict, 'strict');
    equal(await h.page.inputValue('#set-patchResponse'), stored.patchResponse, 'patchResponse');
    for (const [flag, on] of Object.entries(stored.resourceTypes)) equal(await h.page.isChecked(`#set-resourceTypes-${flag}`), on, `resourceTypes.${flag}`);
    equal(JSON.parse(await h.page.inputValue('#set-customAttributes')), stored.customAttributes, 'customAttributes as JSON');
    equal(await text('#settings-dirty'), 'No unsaved changes', 'nothing changed yet');
  }],

  ['saving sends only what changed, shows the answer, and the server then behaves by it', async () => {
    await h.page.fill('#set-maxResults', '5');
    await h.page.selectOption('#set-patchResponse', 'noContent');
    await waitText('#settings-dirty', 'Unsaved: patchResponse, maxResults');
    check(await h.page.locator('[data-key="maxResults"].changed').count() === 1, 'the changed setting is marked');
    await h.page.click('#settings-form button[type=submit]');
    await waitText('#settings-status', 'Saved patchResponse ("resource" → "noContent"), maxResults (1000 → 5).');
    // A merge patch of what changed (RFC 7396), answered with the whole config.
    check(/^The server answered: PATCH \/sandbox\/api\/servers\/cfg\/config → 200 in [\d.]+ ms$/.test(await text('#settings-answer .answer-head')), `answer: ${await text('#settings-answer .answer-head')}`);
    check((await text('#settings-answer .json')).includes('"maxResults": 5'), 'the answer shown');
    const logged = await h.page.locator('#log-body tr').allInnerTexts();
    check(logged.some((row) => /PATCH \/sandbox\/api\/servers\/cfg\/config\s+200/.test(row)), `log: ${logged.slice(0, 4).join(' | ')}`);
    equal([(await config()).maxResults, (await config()).patchResponse], [5, 'noContent'], 'stored');
    equal(await text('#settings-dirty'), 'No unsaved changes', 'the form shows what was saved');
    const page = (await scimCall(server, 'GET', '/Users?count=100')).json;
    equal([page.Resources.length, page.itemsPerPage, page.totalResults], [5, 5, 12], 'a page holds at most maxResults');
    const patched = await scimCall(server, 'PATCH', `/Users/${page.Resources[0].id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] });
    equal(patched.status, 204, 'PATCH answers 204');
    await shot('settings-saved', '.settings');
  }],

  ['a value the server refuses shows its detail beside the field and changes nothing', async () => {
    await h.page.fill('#set-maxResults', '0');
    await h.page.click('#settings-form button[type=submit]');
    await waitText('#err-maxResults', 'maxResults must be between 1 and 10000, got 0');
    await waitText('#settings-status', 'Not saved (400 invalidValue): see maxResults. Nothing was changed.');
    equal(await h.page.getAttribute('#set-maxResults', 'aria-invalid'), 'true', 'the field is marked');
    check(await h.page.evaluate(() => document.activeElement.id) === 'set-maxResults', 'the focus is on it');
    equal((await config()).maxResults, 5, 'nothing changed on the server');
    await shot('settings-error', '.settings');
  }],

  ['a typo is caught before anything is sent', async () => {
    const before = await logRows();
    await h.page.fill('#set-maxResults', '5');
    await h.page.fill('#set-bulkMaxOperations', '12abc');
    await h.page.fill('#set-customAttributes', '[{');
    await waitText('#settings-dirty', '2 settings to fix');
    await h.page.click('#settings-form button[type=submit]');
    await waitText('#settings-status', 'Nothing was sent: bulkMaxOperations, customAttributes need fixing.');
    equal(await text('#err-bulkMaxOperations'), '"12abc" is not a whole number (digits only).', 'the int field');
    check((await text('#err-customAttributes')).startsWith('Not valid JSON: '), 'the JSON field');
    check(await h.page.isHidden('#err-maxResults'), 'the fixed field is clear');
    equal(await logRows(), before, 'no request');
    await h.page.click('#settings-revert');
    equal(await h.page.inputValue('#set-bulkMaxOperations'), String((await config()).bulkMaxOperations), 'reverted');
    equal(await text('#settings-dirty'), 'No unsaved changes', 'nothing left to save');
  }],

  ['switching a resource type off hides its tab, its count and its discovery entry; on again, they are back', async () => {
    await h.page.uncheck('#set-resourceTypes-role');
    await h.page.click('#settings-form button[type=submit]');
    await waitText('#settings-status', /^Saved resourceTypes \(/);
    await h.page.waitForSelector('#tab-Role[hidden]', { state: 'attached' });
    await waitText('#server-counts', 'Users 12 · Groups 2 · Entitlements 1');
    await showView('discovery');
    await h.page.click('#discovery-nav [data-section="types"]');
    await h.page.waitForSelector('#discovery-body tr[data-type="User"]');
    equal(await h.page.$$eval('#discovery-body tr[data-type]', (rows) => rows.map((r) => r.dataset.type)), ['User', 'Group', 'Entitlement'], 'advertised types');
    equal((await scimCall(server, 'GET', '/Roles')).status, 404, '/Roles is off');
    await showView('settings');
    await h.page.check('#set-resourceTypes-role');
    await h.page.click('#settings-form button[type=submit]');
    await waitText('#settings-status', /^Saved resourceTypes \(/);
    await h.page.waitForSelector('#tab-Role:not([hidden])', { state: 'attached' });
    await waitText('#server-counts', 'Users 12 · Groups 2 · Entitlements 1 · Roles 1');
  }],

  ['with a scimlet that has PATCH: a merge patch of what changed, newer settings as raw JSON, errors beside the field', async () => {
    const stub = await startRemoteStub({ extraSettings: { persona: 'scim', futureKnob: { level: 2 } } });
    try {
      await connectRemote(stub.url);
      await h.page.fill('#create-form [name=id]', 'farcfg');
      for (const [k, v] of Object.entries({ users: 3, groups: 1, entitlements: 0, roles: 0 })) await h.page.fill(`#create-form [name=${k}]`, String(v));
      await h.page.click('#create-form button[type=submit]');
      await waitText('#server-title', 'farcfg');
      await h.page.waitForSelector('#view-settings:not([hidden]) #settings-fields .setting[data-key="futureKnob"]');
      // Known newer settings get their controls; one the page does not know is raw JSON.
      equal(await h.page.$$eval('#set-persona option', (o) => o.map((x) => x.value)), ['scim', 'oci'], 'persona choices');
      equal(await h.page.isChecked('#set-allowDuplicateGroupNames'), false, 'allowDuplicateGroupNames');
      equal(JSON.parse(await h.page.inputValue('#set-futureKnob')), { level: 2 }, 'futureKnob as JSON');
      check(await h.page.locator('.setting.unknown[data-key="futureKnob"]').count() === 1, 'marked as new to this page');
      await shot('settings-remote', '.settings');
      await h.page.selectOption('#set-persona', 'oci');
      await h.page.fill('#set-futureKnob', '{"level": 3}');
      await h.page.uncheck('#set-resourceTypes-entitlement');
      await h.page.click('#settings-form button[type=submit]');
      await waitText('#settings-status', 'Saved resourceTypes ({"group":true,"entitlement":true,"role":true} → {"group":true,"entitlement":false,"role":true}), persona ("scim" → "oci"), futureKnob ({"level":2} → {"level":3}).');
      const sent = stub.configRequests.at(-1);
      equal([sent.method, sent.contentType], ['PATCH', 'application/merge-patch+json'], 'a merge patch');
      equal(JSON.parse(sent.body), { resourceTypes: { entitlement: false }, persona: 'oci', futureKnob: { level: 3 } }, 'only what changed');
      check(/^The server answered: PATCH \/api\/servers\/farcfg\/config → 200/.test(await text('#settings-answer .answer-head')), 'the answer');
      const token = await tokenOf('farcfg', stub.url);
      const stored = async () => (await fetch(`${stub.url}/api/servers/farcfg/config`, { headers: { Authorization: `Bearer ${token}` } })).json();
      equal([(await stored()).persona, (await stored()).futureKnob, (await stored()).resourceTypes.entitlement], ['oci', { level: 3 }, false], 'stored by the scimlet');
      // Refused: the detail goes beside the field, nothing changes.
      await h.page.fill('#set-bulkMaxPayloadSize', '100');
      await h.page.click('#settings-form button[type=submit]');
      await waitText('#err-bulkMaxPayloadSize', 'bulkMaxPayloadSize must be between 1024 and 8388608, got 100');
      equal(JSON.parse(stub.configRequests.at(-1).body), { bulkMaxPayloadSize: 100 }, 'only that key was sent');
      equal((await stored()).bulkMaxPayloadSize, 1048576, 'unchanged');
    } finally {
      await connectLocal();
      await stub.close();
      await showView('resources');
    }
  }],
];
