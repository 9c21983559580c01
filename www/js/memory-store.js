// The local host's storage interface kept in memory: what `idb.js`'s `openStore` does with
// IndexedDB, for hosts without it (the page's tests stand a scimlet up in Node with it).

export function memoryStore() {
  const servers = new Map(); // id -> record
  const resources = new Map(); // id -> Map("Type/id" -> json)
  const meta = new Map();
  const jobs = new Map(); // id -> Map(JSON of the key after the server id -> value)
  return {
    async getServer(id) { return servers.get(id); },
    async allServers() { return [...servers.values()]; },
    async serverResourceChunks(id, size, take) {
      const rows = [...(resources.get(id) || new Map()).values()];
      for (let i = 0; i < rows.length; i += size) take(rows.slice(i, i + size));
      return rows.length;
    },
    async serverJobs(id) { return [...(jobs.get(id) || new Map())].map(([k, v]) => [[id, ...JSON.parse(k)], v]).sort(([a], [b]) => compareKeys(a, b)); },
    async writeChanges(record, { upserted = [], deleted = [], jobs: jobChanges = null }, { replace = false } = {}) {
      const rows = replace ? new Map() : new Map(resources.get(record.id) || []);
      for (const [type, id, json] of upserted) rows.set(`${type}/${id}`, json);
      for (const [type, id] of deleted) rows.delete(`${type}/${id}`);
      if (jobChanges) {
        const kept = new Map(jobs.get(record.id) || []);
        for (const key of jobChanges.removedFiles || []) {
          kept.delete(JSON.stringify(['file', key]));
          for (const k of [...kept.keys()]) if (k.startsWith(JSON.stringify(['chunk', key]).slice(0, -1) + ',')) kept.delete(k);
        }
        for (const [key, json] of jobChanges.files || []) kept.set(JSON.stringify(['file', key]), json);
        for (const [key, n, bytes] of jobChanges.chunks || []) kept.set(JSON.stringify(['chunk', key, n]), bytes);
        for (const [id, json] of jobChanges.jobs || []) kept.set(JSON.stringify(['job', id]), json);
        for (const [historyId, row, json] of jobChanges.reports || []) kept.set(JSON.stringify(['report', historyId, row]), json);
        jobs.set(record.id, kept);
      }
      resources.set(record.id, rows);
      servers.set(record.id, record);
    },
    async deleteServer(id) { servers.delete(id); resources.delete(id); jobs.delete(id); },
    async getMeta(name) { return meta.get(name); },
    async putMeta(name, value) { meta.set(name, value); },
  };
}

/** IndexedDB's order of array keys: element by element, numbers before strings. */
function compareKeys(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [a[i], b[i]];
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
