// The local host's storage interface kept in memory: what `idb.js`'s `openStore` does with
// IndexedDB, for hosts without it (the page's tests stand a scimlet up in Node with it).

export function memoryStore() {
  const servers = new Map(); // id -> record
  const resources = new Map(); // id -> Map("Type/id" -> json)
  const meta = new Map();
  return {
    async getServer(id) { return servers.get(id); },
    async allServers() { return [...servers.values()]; },
    async serverResources(id) { return [...(resources.get(id) || new Map()).values()]; },
    async writeChanges(record, { upserted = [], deleted = [] }, { replace = false } = {}) {
      const rows = replace ? new Map() : new Map(resources.get(record.id) || []);
      for (const [type, id, json] of upserted) rows.set(`${type}/${id}`, json);
      for (const [type, id] of deleted) rows.delete(`${type}/${id}`);
      resources.set(record.id, rows);
      servers.set(record.id, record);
    },
    async deleteServer(id) { servers.delete(id); resources.delete(id); },
    async getMeta(name) { return meta.get(name); },
    async putMeta(name, value) { meta.set(name, value); },
  };
}
