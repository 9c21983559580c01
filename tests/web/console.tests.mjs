// Console templates, the discovery browser and the group member editor (issue 16 item 6).
// Works on its own local server, `tpl`.
import { h, open, check, equal, text, rowIds, waitText, localServer, scimCall, pickServer, showView, applyFilter, sendConsole, shot } from './harness.mjs';

let server;

async function useTemplate(id) {
  await h.page.selectOption('#console-template', id);
  // The template fills the form once it has the ids it needs.
  await h.page.waitForSelector(`#console-template[data-filled="${id}"]`, { state: 'attached' });
}

const filterQ = (attr, value) => `?filter=${encodeURIComponent(`${attr} eq "${value}"`)}`;

/** A group with no members, made by another client and opened in the page. */
async function openFreshGroup(name) {
  const made = await scimCall(server, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name });
  equal(made.status, 201, 'group created');
  await h.page.click('#tab-Group');
  await applyFilter(`displayName eq "${name}"`);
  await waitText('#page-info', '1–1 of 1');
  await h.page.click(`#table-body tr[data-id="${made.json.id}"] .rowlink`);
  await waitText('#detail-title', `Group ${made.json.id}`);
  return made.json.id;
}

export const tests = [
  ['console templates: Okta deactivate and the Entra update change the user as those clients expect', async () => {
    server = await localServer('tpl', { users: 20, groups: 3, entitlements: 0, roles: 0, seed: 11 });
    await open();
    await pickServer('tpl');
    const [userId] = await rowIds();
    await h.page.click(`#table-body tr[data-id="${userId}"] .rowlink`);
    await waitText('#detail-title', `User ${userId}`);
    await useTemplate('okta-deactivate');
    equal([await h.page.inputValue('#console-method'), await h.page.inputValue('#console-path')], ['PATCH', `/Users/${userId}`], 'the template names the open user');
    equal(JSON.parse(await h.page.inputValue('#console-body')).Operations, [{ op: 'replace', value: { active: false } }], 'Okta shape');
    await shot('console-template');
    equal(await sendConsole(), '200', 'Okta PATCH');
    equal((await scimCall(server, 'GET', `/Users/${userId}`)).json.active, false, 'deactivated');
    await useTemplate('entra-user');
    const entra = JSON.parse(await h.page.inputValue('#console-body'));
    const email = entra.Operations[1].value;
    equal(await sendConsole(), '200', 'Entra PATCH');
    const user = (await scimCall(server, 'GET', `/Users/${userId}`)).json;
    equal(user['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department, 'Finance', 'department set through the URN path');
    check(user.emails.some((e) => e.type === 'work' && e.value === email), `work email set through the filtered path: ${JSON.stringify(user.emails)}`);
    equal(user.active, false, '"False" read as false');
  }],

  ['console template: Bulk makes a user and a group that holds it through bulkId', async () => {
    await useTemplate('bulk-bulkid');
    const request = JSON.parse(await h.page.inputValue('#console-body'));
    equal(await sendConsole(), '200', 'Bulk');
    const answer = await h.page.locator('#result-body .j-key', { hasText: '"status"' }).evaluateAll((keys) => keys.map((k) => k.nextSibling.nextSibling.textContent));
    equal(answer, ['"201"', '"201"'], 'both operations created');
    const userName = request.Operations[0].data.userName;
    const users = (await scimCall(server, 'GET', `/Users${filterQ('userName', userName)}`)).json.Resources;
    const groups = (await scimCall(server, 'GET', `/Groups${filterQ('displayName', request.Operations[1].data.displayName)}`)).json.Resources;
    equal([users.length, groups.length], [1, 1], 'one user, one group');
    equal(groups[0].members.map((m) => m.value), [users[0].id], 'the group holds the user created in the same request');
    // Filled again, new names: sending it twice does not collide.
    await useTemplate('bulk-bulkid');
    check(JSON.parse(await h.page.inputValue('#console-body')).Operations[0].data.userName !== userName, 'fresh names');
    equal(await sendConsole(), '200', 'Bulk again');
  }],

  ['console templates: add a member (RFC shape) and remove it (Entra shape); the open group follows', async () => {
    const groupId = await openFreshGroup('Template Group');
    await useTemplate('add-member');
    const path = await h.page.inputValue('#console-path');
    equal(path, `/Groups/${groupId}`, 'the template names the open group');
    const userId = JSON.parse(await h.page.inputValue('#console-body')).Operations[0].value[0].value;
    equal(await sendConsole(), '200', 'add member');
    equal((await scimCall(server, 'GET', `/Groups/${groupId}`)).json.members.map((m) => m.value), [userId], 'member added');
    await waitText('#detail-status', /^Reloaded after the console's PATCH \/Groups\//);
    await waitText('#members-title', 'Members (1)');
    await useTemplate('entra-remove-member');
    equal(JSON.parse(await h.page.inputValue('#console-body')).Operations, [{ op: 'Remove', path: 'members', value: [{ value: userId }] }], 'Entra shape');
    equal(await sendConsole(), '200', 'remove member');
    equal((await scimCall(server, 'GET', `/Groups/${groupId}`)).json.members, undefined, 'member removed');
    await waitText('#members-title', 'Members (0)');
  }],

  ['the member editor adds by name with suggestions, removes, and the user\'s groups follow', async () => {
    const groupId = await openFreshGroup('Editor Group');
    await waitText('#members-title', 'Members (0)');
    const target = (await scimCall(server, 'GET', '/Users?count=1&startIndex=3&sortBy=userName')).json.Resources[0];
    // Typing suggests users by their userName.
    await h.page.fill('#member-add-input', target.userName.slice(0, 4));
    await h.page.waitForFunction((name) => [...document.querySelectorAll('#member-suggestions option')].some((o) => o.value === name), target.userName);
    await h.page.fill('#member-add-input', target.userName);
    await h.page.press('#member-add-input', 'Enter');
    await waitText('#members-title', 'Members (1)');
    await waitText('#members-status', `Added ${target.userName}.`);
    check((await scimCall(server, 'GET', `/Users/${target.id}`)).json.groups.some((g) => g.value === groupId), 'the user lists the group');
    await shot('members', '.detail');
    // The same again, and a name nobody has: nothing changes.
    const version = (await scimCall(server, 'GET', `/Groups/${groupId}`)).json.meta.version;
    await h.page.fill('#member-add-input', target.userName);
    await h.page.press('#member-add-input', 'Enter');
    await waitText('#members-status', `${target.userName} is already a member.`);
    await h.page.fill('#member-add-input', 'nobody.at.all@example.org');
    await h.page.press('#member-add-input', 'Enter');
    await waitText('#members-status', 'No user or group is named or has the id "nobody.at.all@example.org". Nothing was changed.');
    equal((await scimCall(server, 'GET', `/Groups/${groupId}`)).json.meta.version, version, 'the group is unchanged');
    // Changed elsewhere meanwhile: the editor's If-Match makes it a 412, and the page reloads.
    await scimCall(server, 'PATCH', `/Groups/${groupId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Editor Group (renamed)' }] });
    await h.page.click(`#members-editor li[data-member="${target.id}"] button.danger`);
    await waitText('#detail-status', /^412 Precondition Failed: this Group changed since you opened it\./);
    check((await text('#resource-view')).includes('"displayName": "Editor Group (renamed)"'), 'reloaded');
    equal((await scimCall(server, 'GET', `/Groups/${groupId}`)).json.members.length, 1, 'the refused remove changed nothing');
    // Now with the current version.
    await h.page.click(`#members-editor li[data-member="${target.id}"] button.danger`);
    await waitText('#members-title', 'Members (0)');
    check(!((await scimCall(server, 'GET', `/Users/${target.id}`)).json.groups || []).some((g) => g.value === groupId), 'the user no longer lists the group');
    await h.page.click('#clear-filter');
    await h.page.click('#tab-User');
  }],

  ['the discovery browser shows ServiceProviderConfig, ResourceTypes and Schemas as tables', async () => {
    await showView('discovery');
    await h.page.waitForSelector('#discovery-body tr[data-feature="filter"]');
    const spc = (await scimCall(server, 'GET', '/ServiceProviderConfig')).json;
    const row = (name) => h.page.locator(`#discovery-body tr[data-feature="${name}"] td`).allInnerTexts();
    equal(await row('filter'), ['yes', `at most ${spc.filter.maxResults.toLocaleString('en-US')} results a page`], 'filter');
    equal(await row('bulk'), ['yes', `at most ${spc.bulk.maxOperations.toLocaleString('en-US')} operations, 1 MiB a request`], 'bulk');
    equal((await row('patch'))[0], 'yes', 'patch');
    equal((await row('etag'))[0], spc.etag.supported ? 'yes' : 'no', 'etag');
    await shot('discovery-spc', '.discovery');
    await h.page.click('#discovery-nav [data-section="types"]');
    await h.page.waitForSelector('#discovery-body tr[data-type]');
    const types = (await scimCall(server, 'GET', '/ResourceTypes')).json.Resources;
    equal(await h.page.$$eval('#discovery-body tr[data-type]', (rows) => rows.map((r) => r.dataset.type)), types.map((t) => t.name), 'resource types');
    const user = await h.page.locator('#discovery-body tr[data-type="User"] td').allInnerTexts();
    equal(user.slice(0, 3), ['/Users', 'urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User (optional)'], 'User row');
    await h.page.click('#discovery-nav [data-section="schemas"]');
    await h.page.waitForSelector('#discovery-body details.schema');
    const schemas = (await scimCall(server, 'GET', '/Schemas')).json.Resources;
    equal(await h.page.$$eval('#discovery-body details.schema', (d) => d.map((x) => x.dataset.schema)), schemas.map((s) => s.id), 'one section per schema');
    const userName = await h.page.locator('#discovery-body details.schema[open] tr[data-attr="userName"] td').allInnerTexts();
    const a = schemas.find((x) => x.id === 'urn:ietf:params:scim:schemas:core:2.0:User').attributes.find((x) => x.name === 'userName');
    const yes = (b) => (b ? 'yes' : 'no');
    equal(userName.slice(0, 7), [a.type, yes(a.multiValued), yes(a.required), a.mutability, a.returned, a.uniqueness, yes(a.caseExact)], 'userName: type, multi, required, mutability, returned, uniqueness, caseExact');
    equal([a.required, a.uniqueness], [true, 'server'], 'what RFC 7643 says of userName');
    check(await h.page.locator('#discovery-body tr[data-attr="name.givenName"]').count() === 1, 'sub-attributes listed as parent.child');
    await shot('discovery-schemas', '.discovery');
    await h.page.click('#discovery-body details.raw summary');
    await h.page.waitForSelector('#discovery-body details.raw .j-key');
    // The view tabs move with the arrow keys.
    await h.page.focus('#viewtab-discovery');
    await h.page.keyboard.press('ArrowLeft');
    await h.page.waitForSelector('#viewtab-settings[aria-selected="true"]:focus');
    await h.page.waitForSelector('#view-settings:not([hidden])');
    await h.page.keyboard.press('Home');
    await h.page.waitForSelector('#view-resources:not([hidden])');
  }],
];
