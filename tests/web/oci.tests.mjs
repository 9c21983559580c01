// The oci persona in the sandbox (issue 12): an identity domain's token endpoint and API under
// /sandbox, the server named by the credential, answered by the engine in the Service Worker.
import { h, check, equal, ensureOpen, swFetch } from './harness.mjs';

const FORM = 'grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__';

export const tests = [
  ['an oci sandbox server issues tokens and records its apps as writers', async () => {
    await ensureOpen();
    const id = `oci-${Date.now().toString(36)}`;
    const made = await swFetch(h.page, '/sandbox/api/servers', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, settings: { persona: 'oci' }, seed: { users: 3, groups: 0 } }),
    });
    equal(made.status, 201, `create (${made.body.slice(0, 200)})`);
    const { oci } = JSON.parse(made.body);
    check(oci.clientId && oci.clientSecret.startsWith('idcscs-') && oci.tenancy.startsWith('ocid1.tenancy.oc1..'), 'the oci answer');
    const basic = (secret) => ({ Authorization: `Basic ${btoa(`${oci.clientId}:${secret}`)}`, 'Content-Type': 'application/x-www-form-urlencoded' });
    const wrong = await swFetch(h.page, '/sandbox/oauth2/v1/token', { method: 'POST', headers: basic('nope'), body: FORM });
    equal([wrong.status, JSON.parse(wrong.body).error], [401, 'invalid_client'], 'a wrong secret');
    const granted = await swFetch(h.page, '/sandbox/oauth2/v1/token', { method: 'POST', headers: basic(oci.clientSecret), body: FORM });
    equal(granted.status, 200, `token (${granted.body})`);
    const { access_token: token, token_type: type } = JSON.parse(granted.body);
    equal(type, 'Bearer', 'token type');
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
    const created = await swFetch(h.page, '/sandbox/admin/v1/Users', { method: 'POST', headers: auth, body: JSON.stringify({ userName: 'sandbox@example.com' }) });
    equal(created.status, 201, `create a user (${created.body.slice(0, 200)})`);
    const user = JSON.parse(created.body);
    equal(user.idcsCreatedBy.type, 'App', 'written by an app');
    const page = await swFetch(h.page, '/sandbox/admin/v1/Users?count=2', { headers: auth });
    equal([page.status, JSON.parse(page.body).totalResults], [200, 4], 'seeded users and the new one');
    check(!!page.headers['opc-next-page'], 'opc-next-page on a page that is not the last');
    const refused = await swFetch(h.page, '/sandbox/admin/v1/Users', { headers: { Authorization: 'Bearer nope' } });
    equal([refused.status, JSON.parse(refused.body).status], [401, '401'], 'an unknown credential');
  }],
];
