// IndexedDB, promised. Four object stores:
//   servers   keyPath "id":       the engine's server record {id, tokenDigests, createdMs,
//                                 expiresMs, settings, seeding?} plus {counts, updated}
//   resources key [serverId, "User/<id>"] (out of line) -> the stored form as a JSON string
//   jobs      an `oci` server's CSV jobs (out of line keys, JSON strings but for bytes):
//               [serverId, "file", key]             -> a stored file's record
//               [serverId, "chunk", key, n]         -> its n-th piece of bytes (Uint8Array)
//               [serverId, "job", id]               -> a job's record (state, cursor, counts)
//               [serverId, "report", historyId, row] -> one row's report
//   meta      key name -> value: the sandbox's admin token
// Resources are kept as JSON strings: the engine parses them anyway, and a string is far
// cheaper to structured-clone than the object tree it encodes.

const DB_NAME = 'scimlet-sandbox';
const DB_VERSION = 3;

export function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, DB_VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('servers')) db.createObjectStore('servers', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('resources')) db.createObjectStore('resources');
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      if (!db.objectStoreNames.contains('jobs')) db.createObjectStore('jobs');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
  });
}

/** Every key of one server: arrays sort after strings, so [id, []] bounds all [id, "..."]. */
export function serverRange(serverId) {
  return IDBKeyRange.bound([serverId], [serverId, []]);
}

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction commits; rejects if it aborts (quota, constraint). */
export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
    tx.onerror = () => {}; // onabort follows with the reason
  });
}

export async function getServer(db, id) {
  return request(db.transaction('servers').objectStore('servers').get(id));
}

export async function allServers(db) {
  return request(db.transaction('servers').objectStore('servers').getAll());
}

/**
 * Hands one server's stored resources (JSON strings) to `take`, `size` at a time in key
 * order, all read in one transaction (one consistent view). `take` runs synchronously
 * between reads: were it to wait, the transaction would close. A throw from it stops the
 * read and rejects. Resolves to how many were read.
 */
export async function serverResourceChunks(db, id, size, take) {
  const store = db.transaction('resources').objectStore('resources');
  const upper = [id, []];
  let range = serverRange(id);
  let read = 0;
  for (;;) {
    const values = await request(store.getAll(range, size));
    if (values.length) take(values);
    read += values.length;
    if (values.length < size) return read;
    // The next chunk starts after the last row's key, made from its JSON as `writeChanges`
    // keys it (one parse per chunk is cheaper than asking IndexedDB for every key too).
    const last = JSON.parse(values[values.length - 1]);
    range = IDBKeyRange.bound([id, `${last.meta.resourceType}/${last.id}`], upper, true, false);
  }
}

/** What one server keeps for its jobs, as [key, value] pairs in key order. */
export async function serverJobs(db, id) {
  const tx = db.transaction('jobs');
  const store = tx.objectStore('jobs');
  const [keys, values] = await Promise.all([request(store.getAllKeys(serverRange(id))), request(store.getAll(serverRange(id)))]);
  return keys.map((key, i) => [key, values[i]]);
}

/**
 * Writes the jobs' part of a change set (see `jobs-store.js`: `removedFiles`, `files`,
 * `chunks` already numbered, `jobs`, `reports`) into the open transaction.
 */
function writeJobs(store, serverId, jobs) {
  for (const key of jobs.removedFiles || []) {
    store.delete([serverId, 'file', key]);
    store.delete(IDBKeyRange.bound([serverId, 'chunk', key], [serverId, 'chunk', key, []]));
  }
  for (const [key, json] of jobs.files || []) store.put(json, [serverId, 'file', key]);
  for (const [key, n, bytes] of jobs.chunks || []) store.put(bytes, [serverId, 'chunk', key, n]);
  for (const [id, json] of jobs.jobs || []) store.put(json, [serverId, 'job', id]);
  for (const [historyId, row, json] of jobs.reports || []) store.put(json, [serverId, 'report', historyId, row]);
}

/**
 * Writes one change set and the server record in ONE transaction: the resources, and an
 * `oci` server's job records, files and reports (`jobs`) when the change set has them.
 * `replace` first removes every resource of the server (reset, import).
 */
export async function writeChanges(db, record, { upserted = [], deleted = [], jobs = null }, { replace = false } = {}) {
  const tx = db.transaction(jobs ? ['resources', 'servers', 'jobs'] : ['resources', 'servers'], 'readwrite');
  const resources = tx.objectStore('resources');
  if (replace) resources.delete(serverRange(record.id));
  for (const [type, id, json] of upserted) resources.put(json, [record.id, `${type}/${id}`]);
  for (const [type, id] of deleted) resources.delete([record.id, `${type}/${id}`]);
  if (jobs) writeJobs(tx.objectStore('jobs'), record.id, jobs);
  tx.objectStore('servers').put(record);
  await done(tx);
}

export async function deleteServer(db, id) {
  const tx = db.transaction(['resources', 'servers', 'jobs'], 'readwrite');
  tx.objectStore('resources').delete(serverRange(id));
  tx.objectStore('jobs').delete(serverRange(id));
  tx.objectStore('servers').delete(id);
  await done(tx);
}

export async function getMeta(db, name) {
  return request(db.transaction('meta').objectStore('meta').get(name));
}

export async function putMeta(db, name, value) {
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(value, name);
  await done(tx);
}

/** The host's storage interface over one database (`memory-store.js` has the same shape). */
export async function openStore() {
  const db = await openDb();
  return {
    getServer: (id) => getServer(db, id),
    allServers: () => allServers(db),
    serverResourceChunks: (id, size, take) => serverResourceChunks(db, id, size, take),
    serverJobs: (id) => serverJobs(db, id),
    writeChanges: (record, changes, options) => writeChanges(db, record, changes, options),
    deleteServer: (id) => deleteServer(db, id),
    getMeta: (name) => getMeta(db, name),
    putMeta: (name, value) => putMeta(db, name, value),
  };
}
