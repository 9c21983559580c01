// The resource editor keeping in step with the server (issue 16 item 2), the id column
// (item 5) and the request log (item 3). Works on its own local server, `ed`.
import { h, BASE, open, check, equal, text, rowIds, waitText, localServer, scimCall, pickServer, clipboard, sendConsole, shot } from './harness.mjs';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let server;
let userId;

const view = () => text('#resource-view');
const summaryOf = (key) => h.page.locator('#resource-view summary', { has: h.page.locator('.j-key', { hasText: JSON.stringify(key) }) }).first();

export const tests = [
  ['the resource view is highlighted, folds by mouse and keyboard, and shows what the server has', async () => {
    server = await localServer('ed', { users: 30, groups: 3, entitlements: 0, roles: 0, seed: 7 });
    await open();
    await pickServer('ed');
    [userId] = await rowIds();
    await h.page.click(`#table-body tr[data-id="${userId}"] .rowlink`);
    await h.page.waitForSelector('#resource-view .j-key');
    const user = (await scimCall(server, 'GET', `/Users/${userId}`)).json;
    // Every member of the resource, in the server's order, as a highlighted key.
    const keys = await h.page.$$eval('#resource-view .json > details > .j-body > *', (nodes) => nodes.map((n) => n.querySelector(':scope > .j-key, :scope > summary > .j-key').textContent));
    equal(keys, Object.keys(user).map((k) => JSON.stringify(k)), 'top-level keys');
    const strings = await h.page.$$eval('#resource-view .j-str', (nodes) => nodes.map((n) => n.textContent));
    check(strings.includes(JSON.stringify(user.userName)), 'userName shown as a string');
    equal(await text('#detail-version'), `version ${user.meta.version}`, 'version shown');
    // Fold "name" with the mouse: its members go, a summary of it stays.
    const name = summaryOf('name');
    await name.click();
    check(!(await name.evaluate((s) => s.parentElement.open)), 'name folded');
    check(/… \d+ keys }/.test(await name.innerText()), `folded line: ${await name.innerText()}`);
    // And back with the keyboard.
    await name.focus();
    await h.page.keyboard.press('Enter');
    check(await name.evaluate((s) => s.parentElement.open), 'name unfolded with Enter');
    await h.page.click('#resource-view .json-tools >> text=fold all');
    equal(await h.page.$$eval('#resource-view details.j-node[open]', (n) => n.length), 0, 'every level folded');
    await h.page.click('#resource-view .json-tools >> text=expand all');
    equal(await h.page.$$eval('#resource-view details.j-node:not([open])', (n) => n.length), 0, 'every level open');
    await shot('editor-view', '.split.data');
  }],

  ['a write from the console reloads the open resource and says so', async () => {
    const before = (await scimCall(server, 'GET', `/Users/${userId}`)).json.meta.version;
    equal(await sendConsole('PATCH', `/Users/${userId}`, JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })), '200', 'console PATCH');
    const after = (await scimCall(server, 'GET', `/Users/${userId}`)).json.meta.version;
    check(before !== after, 'the version moved');
    await waitText('#detail-status', `Reloaded after the console's PATCH /Users/${userId}: version ${before} → ${after}.`);
    check((await view()).includes('"active": false'), 'the view shows the console\'s change');
    equal(await text('#detail-version'), `version ${after}`, 'version shown');
  }],

  ['Reload reads a change made elsewhere, and a deleted resource says it is gone', async () => {
    await scimCall(server, 'PATCH', `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Changed Elsewhere' }] });
    await h.page.click('#reload-resource');
    await waitText('#detail-status', /^Reloaded: version W\/"\d+" → W\/"\d+"\.$/);
    check((await view()).includes('"displayName": "Changed Elsewhere"'), 'the view shows the other client\'s change');
    await h.page.click('#reload-resource');
    await waitText('#detail-status', /^Reloaded: version W\/"\d+", unchanged\.$/);
    // Gone: another user, deleted behind the page's back.
    const [, otherId] = await rowIds();
    await h.page.click(`#table-body tr[data-id="${otherId}"] .rowlink`);
    await waitText('#detail-title', `User ${otherId}`);
    equal((await scimCall(server, 'DELETE', `/Users/${otherId}`)).status, 204, 'deleted elsewhere');
    await h.page.click('#reload-resource');
    await waitText('#detail-status', `User ${otherId} no longer exists.`);
    equal(await text('#detail-title'), 'Resource', 'the detail is cleared');
  }],

  ['a save over a change made elsewhere is a 412: reloaded, the edit kept, a second save wins', async () => {
    await h.page.click(`#table-body tr[data-id="${userId}"] .rowlink`);
    await waitText('#detail-title', `User ${userId}`);
    await h.page.click('#edit-mode');
    const mine = JSON.parse(await h.page.inputValue('#resource-json'));
    mine.displayName = 'Mine';
    await h.page.fill('#resource-json', JSON.stringify(mine, null, 2));
    await scimCall(server, 'PATCH', `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Theirs' }] });
    await h.page.click('#save-resource');
    await waitText('#detail-status', /^412 Precondition Failed: this User changed since you opened it\. Reloaded \(version W\/"\d+" → W\/"\d+"\)\. Your unsaved edit is kept in the editor/);
    check((await view()).includes('"displayName": "Theirs"'), 'the view shows the server\'s version');
    equal(JSON.parse(await h.page.inputValue('#resource-json')).displayName, 'Mine', 'the edit is kept');
    equal((await scimCall(server, 'GET', `/Users/${userId}`)).json.displayName, 'Theirs', 'nothing overwritten by the refused save');
    await shot('editor-412', '.detail');
    await h.page.click('#save-resource');
    await waitText('#detail-status', 'Saved.');
    equal((await scimCall(server, 'GET', `/Users/${userId}`)).json.displayName, 'Mine', 'the second save wins');
  }],

  ['copy buttons give the id, the request and the response; the id column shows the end of each id', async () => {
    await h.page.click('#copy-resource-id');
    equal(await clipboard(), userId, 'Copy id');
    equal(await h.page.getAttribute('#copy-resource-id', 'data-copied'), 'Copied', 'feedback on the button');
    await h.page.locator('#resource-view .j-line .copy').first().click();
    equal(await clipboard(), userId, 'the copy button beside "id" in the view');
    // The table's id cells: v7 ids share their time-ordered start, so each row shows its end.
    const cells = await h.page.$$eval('#table-body tr[data-id]', (rows) => rows.map((r) => [r.dataset.id, r.querySelector('.idcopy').textContent, r.querySelector('.idcopy').title]));
    for (const [id, shown, title] of cells) {
      equal(shown, `…${id.slice(-12)}`, 'id cell');
      check(title.startsWith(id), `id cell title: ${title}`);
    }
    equal(new Set(cells.map(([, shown]) => shown)).size, cells.length, 'the ends tell the rows apart');
    const [lastId] = cells[cells.length - 1];
    await h.page.click(`#table-body tr[data-id="${lastId}"] .idcopy`);
    equal(await clipboard(), lastId, 'a click on an id cell copies the whole id');
    // The console's last request and its answer.
    equal(await sendConsole('GET', `/Users/${userId}?attributes=displayName`), '200', 'console GET');
    await h.page.click('#copy-request');
    const request = await clipboard();
    check(request.startsWith(`GET ${BASE}/sandbox/ed/scim/v2/Users/${userId}?attributes=displayName HTTP/1.1\nAuthorization: Bearer ${server.token}`), `copied request: ${request}`);
    await h.page.click('#copy-response');
    const response = await clipboard();
    check(response.startsWith('HTTP/1.1 200\n') && response.includes('\n\n{\n  "') && response.includes('"displayName": "Mine"'), `copied response: ${response.slice(0, 300)}`);
    await h.page.locator('#result-body .json-tools .copy').click();
    equal(JSON.parse(await clipboard()).displayName, 'Mine', 'the body\'s own copy button');
  }],

  ['the request log shows whole paths at 1400 px; a row opens the request and its answer', async () => {
    await h.page.setViewportSize({ width: 1400, height: 900 });
    try {
      const filter = 'userName sw "a" and active eq true';
      const path = `/Users?filter=${encodeURIComponent(filter)}&sortBy=userName&count=3&attributes=userName,name.formatted`;
      equal(await sendConsole('GET', path), '200', 'console GET');
      const row = h.page.locator('#log-body tr').first();
      const cell = await row.locator('.rowlink').evaluate((b) => ({ text: b.textContent, title: b.title, cut: b.scrollWidth > b.clientWidth + 1 || b.parentElement.scrollWidth > b.parentElement.clientWidth + 1, share: b.parentElement.getBoundingClientRect().width / b.closest('table').getBoundingClientRect().width }));
      check(cell.text.endsWith(`GET ed /Users?filter=${filter}&sortBy=userName&count=3&attributes=userName,name.formatted`), `log row: ${cell.text}`);
      check(!cell.cut, 'the path is wrapped, not cut');
      check(cell.share > 0.55, `the request column takes ${Math.round(cell.share * 100)}% of the log`);
      check(cell.title.includes(`${BASE}/sandbox/ed/scim/v2${path}`), `full URL on hover: ${cell.title}`);
      await shot('log', '.log');
      // A write: its request body and its answer.
      equal(await sendConsole('PATCH', `/Users/${userId}`, JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Logged' }] })), '200', 'console PATCH');
      const patchRow = h.page.locator('#log-body tr', { hasText: `PATCH ed /Users/${userId}` }).first();
      await patchRow.locator('.rowlink').click();
      await h.page.waitForSelector('#log-dialog[open]');
      equal(await text('#log-dialog-title'), `PATCH /sandbox/ed/scim/v2/Users/${userId}`, 'dialog title');
      const head = await text('#log-req-head');
      check(head.startsWith(`PATCH ${BASE}/sandbox/ed/scim/v2/Users/${userId}`), `request head: ${head}`);
      check(head.includes(`Authorization: Bearer ${server.token.slice(0, 4)}…`) && !head.includes(server.token), 'the token is masked on screen');
      check((await text('#log-req-body')).includes('"value": "Logged"'), 'request body shown');
      check((await text('#log-res-head')).startsWith('HTTP 200\n'), 'response status');
      check((await text('#log-res-head')).toLowerCase().includes('etag: w/"'), 'response headers');
      check((await text('#log-res-body')).includes('"title": "Logged"'), 'response body shown');
      await h.page.click('#log-copy-curl');
      check((await clipboard()).startsWith(`curl -i -X PATCH '${BASE}/sandbox/ed/scim/v2/Users/${userId}' -H 'Authorization: Bearer ${server.token}'`), 'copy as curl carries the token');
      await shot('log-dialog');
      // Escape closes it and gives the focus back to the row.
      await h.page.keyboard.press('Escape');
      await h.page.waitForSelector('#log-dialog:not([open])', { state: 'attached' });
      check(await patchRow.locator('.rowlink').evaluate((b) => b === document.activeElement), 'focus back on the row');
      // Load into the console.
      await h.page.locator('#log-body tr', { hasText: 'sortBy=userName&count=3' }).first().locator('.rowlink').click();
      await h.page.click('#log-load');
      equal(await h.page.inputValue('#console-path'), decodeURIComponent(path), 'loaded into the console');
      equal(await h.page.inputValue('#console-method'), 'GET', 'method loaded');
    } finally {
      await h.page.setViewportSize({ width: 1440, height: 960 });
    }
  }],
];
