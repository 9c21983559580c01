// Servers (issue 16 items 4 and 5): switching safely, adding with a checked token, forgetting,
// admin mode without a token; seed progress, thousands separators, the favicon. Remote parts
// use the stub (remote-stub.mjs); every test ends in local mode.
import { startRemoteStub } from './remote-stub.mjs';
import { h, check, equal, text, rowCount, waitText, swFetch, tokenOf, connectRemote, connectLocal, shot } from './harness.mjs';

async function createInUi(id, counts) {
  await h.page.fill('#create-form [name=id]', id);
  for (const [k, v] of Object.entries({ users: 0, groups: 0, entitlements: 0, roles: 0, ...counts })) await h.page.fill(`#create-form [name=${k}]`, String(v));
  await h.page.click('#create-form button[type=submit]');
  await waitText('#create-line', new RegExp(`^Created ${id}: `));
  await waitText('#server-title', id);
}

const listed = () => h.page.$$eval('[data-server]', (items) => items.map((i) => i.dataset.server));

/** A server made on the stub by another client: {id, token}. */
async function stubServer(stub, id, users) {
  const res = await fetch(`${stub.url}/api/servers`, { method: 'POST', body: JSON.stringify({ id, seed: { users } }) });
  equal(res.status, 201, `stub create ${id}`);
  return res.json();
}

let stub;

export const tests = [
  ['a server that fails to load shows no rows, counts or details of the one before', async () => {
    stub = await startRemoteStub();
    await connectRemote(stub.url);
    await createInUi('alpha', { users: 30, groups: 2 });
    await waitText('#page-info', '1–25 of 30');
    await createInUi('beta', { users: 4 });
    await waitText('#page-info', '1–4 of 4');
    // beta goes away behind the page's back.
    const betaToken = await tokenOf('beta', stub.url);
    equal((await fetch(`${stub.url}/api/servers/beta`, { method: 'DELETE', headers: { Authorization: `Bearer ${betaToken}` } })).status, 204, 'deleted elsewhere');
    await h.page.click('[data-server="alpha"]');
    await waitText('#page-info', '1–25 of 30');
    await h.page.locator('#table-body tr[data-id] .rowlink').first().click();
    await h.page.waitForSelector('#resource-view .j-key');
    await h.page.click('[data-server="beta"]');
    // A deleted server answers like a wrong token (ids cannot be probed): the page asks for one.
    await h.page.waitForSelector('#token-form:not([hidden])');
    check(/beta is refused \(401\)/.test(await text('#token-why')), `why: ${await text('#token-why')}`);
    equal(await text('#server-title'), 'beta', 'title');
    equal(await rowCount(), 0, 'no rows of alpha');
    equal(await text('#page-info'), '', 'no count of alpha');
    equal(await text('#server-counts'), '—', 'no counts');
    equal(await text('[data-server="beta"] .server-counts'), '', 'no old counts in the list either');
    equal(await text('#detail-title'), 'Resource', 'no detail of alpha');
    check(!(await text('#resource-view')).includes('"userName"'), 'no JSON of alpha');
    await shot('switch-failed');
    await h.page.click('[data-server="alpha"]');
    await waitText('#page-info', '1–25 of 30');
    check(await h.page.isHidden('#token-form'), 'the token form goes with it');
  }],

  ['adding a server checks its token first and never overwrites a good stored one', async () => {
    const good = await tokenOf('alpha', stub.url);
    await h.page.click('#attach summary');
    const attach = async (id, token) => {
      await h.page.evaluate(() => { document.querySelector('#attach-status').textContent = ''; });
      await h.page.fill('#attach-form [name=id]', id);
      await h.page.fill('#attach-form [name=token]', token);
      await h.page.click('#attach-form button[type=submit]');
    };
    await attach('alpha', 'not-the-token');
    await waitText('#attach-status', `Not stored: that token does not open a server alpha at ${stub.url}. The token already stored for alpha is kept.`);
    equal(await tokenOf('alpha', stub.url), good, 'the good token is kept');
    const gamma = await stubServer(stub, 'gamma', 3);
    await attach('gamma', 'wrong');
    await waitText('#attach-status', `Not stored: that token does not open a server gamma at ${stub.url}.`);
    equal(await tokenOf('gamma', stub.url), null, 'nothing stored');
    check(!(await listed()).includes('gamma'), 'not listed');
    await attach('zeta', 'whatever');
    await waitText('#attach-status', `Not stored: that token does not open a server zeta at ${stub.url}.`);
    await attach('gamma', gamma.token);
    await waitText('#server-title', 'gamma');
    await waitText('#page-info', '1–3 of 3');
    equal(await tokenOf('gamma', stub.url), gamma.token, 'stored once checked');
    equal(await h.page.inputValue('#attach-form [name=token]'), '', 'the form is emptied');
  }],

  ['"Forget" drops a server\'s token from this browser and leaves the server alone', async () => {
    const token = await tokenOf('gamma', stub.url);
    await h.page.click('#forget-server');
    await h.page.waitForFunction(() => !document.querySelector('[data-server="gamma"]'));
    equal(await tokenOf('gamma', stub.url), null, 'token dropped');
    check((await text('#server-title')) !== 'gamma', 'another server is shown');
    equal((await fetch(`${stub.url}/api/servers/gamma`, { headers: { Authorization: `Bearer ${token}` } })).status, 200, 'gamma still exists');
    await waitText('#notice', 'Forgot gamma: this browser no longer keeps its token.');
  }],

  ['in admin mode, a server without a stored token asks for one instead of showing a 401', async () => {
    const { token } = await (await fetch(`${stub.url}/api/servers`, { method: 'POST', body: JSON.stringify({ id: 'delta', seed: { users: 2, groups: 0, entitlements: 0, roles: 0 } }) })).json();
    await connectRemote(stub.url, stub.adminToken);
    await h.page.waitForSelector('[data-server="delta"]');
    equal(await text('[data-server="delta"] .server-counts'), 'no token in this browser', 'marked in the list');
    await h.page.click('[data-server="delta"]');
    await h.page.waitForSelector('#token-form:not([hidden])');
    check(await h.page.isHidden('#server-body'), 'no table, no console');
    await waitText('#server-counts', 'Users 2 · Groups 0 · Entitlements 0 · Roles 0');
    const logged = await h.page.locator('#log-body tr').allInnerTexts();
    check(!logged.some((row) => /delta \//.test(row)), `no SCIM request for delta: ${logged.slice(0, 3).join(' | ')}`);
    check(!logged.some((row) => /\s401\s/.test(row)), 'no 401 in the log');
    await shot('token-needed');
    await h.page.fill('#token-input', 'wrong');
    await h.page.click('#token-form button[type=submit]');
    await waitText('#token-status', `Not stored: that token does not open a server delta at ${stub.url}.`);
    await h.page.fill('#token-input', token);
    await h.page.click('#token-form button[type=submit]');
    await waitText('#page-info', '1–2 of 2');
    check(await h.page.isHidden('#token-form'), 'the form goes');
    equal(await tokenOf('delta', stub.url), token, 'stored');
    await connectLocal();
    await stub.close();
  }],

  ['a big seed shows done of total, the rate and the time left, then the time it took', async () => {
    const seeding = await startRemoteStub({ seedChunk: 200, seedDelayMs: 150 });
    try {
      await connectRemote(seeding.url);
      await h.page.fill('#create-form [name=id]', 'seeded');
      for (const [k, v] of Object.entries({ users: 3000, groups: 0, entitlements: 0, roles: 0 })) await h.page.fill(`#create-form [name=${k}]`, String(v));
      await h.page.click('#create-form button[type=submit]');
      await waitText('#create-line', /^[1-9][\d,]* of 3,000 · [\d,]+\/s · about [\d.]+ s left$/);
      const bar = await h.page.$eval('#create-bar', (b) => [b.value, b.max]);
      check(bar[1] === 3000 && bar[0] > 0 && bar[0] < 3000, `bar ${bar}`);
      await shot('seed-progress', '.servers');
      await waitText('#create-line', /^Created seeded: 3,000 resources in [\d.]+ s \([\d,]+\/s\)$/);
      equal(await h.page.$eval('#create-bar', (b) => b.value === b.max), true, 'bar full');
      await waitText('#page-info', '1–25 of 3,000');
      await waitText('[data-server="seeded"] .server-counts', 'Users 3,000 · Groups 0 · Entitlements 0 · Roles 0');
    } finally {
      await connectLocal();
      await seeding.close();
    }
  }],

  ['a local seed shows the time so far while it runs, then the rate; counts read with separators', async () => {
    await h.page.fill('#create-form [name=id]', 'wide');
    for (const [k, v] of Object.entries({ users: 8000, groups: 5, entitlements: 0, roles: 0 })) await h.page.fill(`#create-form [name=${k}]`, String(v));
    await h.page.click('#create-form button[type=submit]');
    await waitText('#create-what', 'Creating wide: 8,000 users, 8,005 resources');
    await waitText('#create-line', /^working… (0\.[3-9]|[1-9])/);
    await waitText('#create-line', /^Created wide: 8,005 resources in [\d.]+ s( \([\d,]+\/s\))?$/);
    await waitText('#page-info', '1–25 of 8,000');
    await waitText('#server-counts', 'Users 8,000 · Groups 5 · Entitlements 0 · Roles 0');
    await waitText('[data-server="wide"] .server-counts', 'Users 8,000 · Groups 5 · Entitlements 0 · Roles 0');
    await shot('seed-done');
    // A refused create says so where the progress was.
    await h.page.fill('#create-form [name=id]', 'wide');
    await h.page.click('#create-form button[type=submit]');
    await waitText('#create-line', /^Not created: 409/);
  }],

  ['the page has a favicon', async () => {
    const href = await h.page.evaluate(() => document.querySelector('link[rel=icon]').href);
    const res = await swFetch(h.page, href);
    equal([res.status, res.headers['content-type']], [200, 'image/svg+xml'], 'served');
    const root = await h.page.evaluate((svg) => {
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      return doc.querySelector('parsererror') ? 'parsererror' : doc.documentElement.nodeName;
    }, res.body);
    equal(root, 'svg', 'an SVG document');
    const width = await h.page.evaluate(async (src) => { const img = new Image(); img.src = src; await img.decode(); return img.naturalWidth; }, href);
    check(width > 0, 'the browser draws it');
  }],
];
