// Request templates for the console: the shapes real clients send (Okta, Entra ID), Bulk with
// bulkId references, a group member add. Each builds {method, path, body} from the ids of the
// server at hand, so a template is ready to send as it is.

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const patch = (...operations) => ({ schemas: [PATCH_OP], Operations: operations });

/**
 * `needs`: which existing resources the template refers to ('user', 'group').
 * `build(ids)`: ids = {userId, userName, groupId, groupName, nonce}; nonce keeps created names unique.
 */
export const TEMPLATES = [
  {
    id: 'okta-deactivate', group: 'Okta', label: 'Deactivate a user (PATCH replace, no path)', needs: ['user'],
    build: ({ userId }) => ({ method: 'PATCH', path: `/Users/${userId}`, body: patch({ op: 'replace', value: { active: false } }) }),
  },
  {
    id: 'okta-rename-group', group: 'Okta', label: 'Rename a group (PATCH replace with id)', needs: ['group'],
    build: ({ groupId, groupName, nonce }) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: patch({ op: 'replace', value: { id: groupId, displayName: `${groupName} (renamed ${nonce})` } }) }),
  },
  {
    id: 'okta-add-member', group: 'Okta', label: 'Add a group member (PATCH add members)', needs: ['user', 'group'],
    build: ({ userId, userName, groupId }) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: patch({ op: 'add', path: 'members', value: [{ value: userId, display: userName }] }) }),
  },
  {
    id: 'entra-user', group: 'Entra ID', label: 'Update a user (capitalised ops, string boolean, filtered path)', needs: ['user'],
    build: ({ userId, nonce }) => ({
      method: 'PATCH', path: `/Users/${userId}`,
      body: patch(
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: `entra.${nonce}@example.com` },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Finance' },
      ),
    }),
  },
  {
    id: 'entra-remove-member', group: 'Entra ID', label: 'Remove a group member (Remove with a value list)', needs: ['user', 'group'],
    build: ({ userId, groupId }) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: patch({ op: 'Remove', path: 'members', value: [{ value: userId }] }) }),
  },
  {
    id: 'add-member', group: 'SCIM', label: 'Add a member to a group (RFC 7644 PATCH)', needs: ['user', 'group'],
    build: ({ userId, groupId }) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: patch({ op: 'add', path: 'members', value: [{ value: userId }] }) }),
  },
  {
    id: 'remove-member', group: 'SCIM', label: 'Remove a member (PATCH remove with a filter)', needs: ['user', 'group'],
    build: ({ userId, groupId }) => ({ method: 'PATCH', path: `/Groups/${groupId}`, body: patch({ op: 'remove', path: `members[value eq "${userId}"]` }) }),
  },
  {
    id: 'bulk-bulkid', group: 'SCIM', label: 'Bulk: a user, and a group naming it by bulkId', needs: [],
    build: ({ nonce }) => ({
      method: 'POST', path: '/Bulk',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        failOnErrors: 1,
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'user1', data: { schemas: [USER], userName: `bulk.${nonce}@example.com`, name: { givenName: 'Bulk', familyName: nonce } } },
          { method: 'POST', path: '/Groups', bulkId: 'group1', data: { schemas: [GROUP], displayName: `Bulk group ${nonce}`, members: [{ value: 'bulkId:user1' }] } },
        ],
      },
    }),
  },
  {
    id: 'create-user', group: 'SCIM', label: 'Create a user (POST)', needs: [],
    build: ({ nonce }) => ({
      method: 'POST', path: '/Users',
      body: { schemas: [USER], userName: `new.${nonce}@example.com`, name: { givenName: 'New', familyName: nonce }, emails: [{ value: `new.${nonce}@example.com`, type: 'work', primary: true }], active: true },
    }),
  },
  {
    id: 'search', group: 'SCIM', label: 'Search (POST /.search)', needs: [],
    build: () => ({ method: 'POST', path: '/Users/.search', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'active eq true', attributes: ['userName', 'name.formatted'], sortBy: 'userName', count: 10 } }),
  },
  {
    id: 'filter', group: 'SCIM', label: 'List with a filter (GET)', needs: [],
    build: () => ({ method: 'GET', path: '/Users?filter=userName%20sw%20%22a%22&sortBy=userName&count=10', body: null }),
  },
];

/** The template with id `id` filled in: {method, path, body as text (or '')}. */
export function fillTemplate(id, ids) {
  const template = TEMPLATES.find((t) => t.id === id);
  if (!template) return null;
  const built = template.build(ids);
  return { method: built.method, path: built.path, body: built.body ? JSON.stringify(built.body, null, 2) : '' };
}
