// Issue 11, item 12: the sandbox answers only scripts of its own origin that present a token.
import { h, BASE, check, equal, ensureOpen, swFetch, sandboxAdminToken } from './harness.mjs';

async function listed() {
  const admin = await sandboxAdminToken();
  const res = await swFetch(h.page, '/sandbox/api/servers', { headers: { Authorization: `Bearer ${admin}` } });
  return JSON.parse(res.body).servers.map((s) => s.id);
}

export const tests = [
  ['a form on another site cannot create a sandbox server, and navigations to the API are refused', async () => {
    await ensureOpen();
    const before = await listed();
    const other = await h.context.newPage();
    try {
      // A page of another origin (data: URLs are opaque origins) posts a form at the sandbox.
      const form = `<form method="post" action="${BASE}/sandbox/api/servers" enctype="text/plain">`
        + '<input name=\'{"id":"evil","seed":{"users":5},"x\' value=\'":1}\'></form>'
        + '<script>document.forms[0].submit()</script>';
      const navigated = other.waitForURL(`${BASE}/sandbox/api/servers`, { timeout: 15000 });
      await other.goto(`data:text/html,${encodeURIComponent(form)}`);
      await navigated;
      const answer = JSON.parse(await other.locator('body').innerText());
      equal([answer.status, answer.detail], ['403', 'the sandbox answers scripts of this page (fetch with a token), not navigations'], 'refused');
      // A plain link or typed URL is a navigation too.
      await other.goto(`${BASE}/sandbox/api/servers`);
      check((await other.locator('body').innerText()).includes('"status":"403"'), 'GET navigation refused');
    } finally {
      await other.close();
    }
    const after = await listed();
    check(!after.includes('evil'), 'no server was created');
    equal(after.length, before.length, 'nothing new');
  }],

  ['without a token the sandbox lists nothing and mints nothing; a bad escape is a 400', async () => {
    await ensureOpen();
    const [id] = await listed();
    check(!!id, 'a server exists');
    const list = await swFetch(h.page, '/sandbox/api/servers');
    equal(list.status, 401, 'list without a token');
    const mint = await swFetch(h.page, `/sandbox/api/servers/${id}/token`, { method: 'POST' });
    equal(mint.status, 404, 'no token endpoint');
    const bad = await swFetch(h.page, '/sandbox/%E0%A4%A/scim/v2/Users');
    equal([bad.status, JSON.parse(bad.body).status], [400, '400'], 'bad escape');
  }],
];
