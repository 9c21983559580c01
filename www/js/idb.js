// IndexedDB, promised. Three object stores:
//   servers   keyPath "id":       the engine's server record {id, tokenDigests, createdMs,
//                                 expiresMs, settings, seeding?} plus {counts, updated}
//   resources key [serverId, "User/<id>"] (out of line) -> the stored form as a JSON string
//   meta      key name -> value: the sandbox's admin token
// Resources are kept as JSON strings: the engine parses them anyway, and a string is far
// cheaper to structured-clone than the object tree it encodes.

const DB_NAME = 'scimlet-sandbox';
const DB_VERSION = 2;

export function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, DB_VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('servers')) db.createObjectStore('servers', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('resources')) db.createObjectStore('resources');
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
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

/** The stored JSON strings of one server's resources. */
export async function serverResources(db, id) {
  return request(db.transaction('resources').objectStore('resources').getAll(serverRange(id)));
}

/**
 * Writes one change set and the server record in ONE transaction.
 * `replace` first removes every resource of the server (reset, import).
 */
export async function writeChanges(db, record, { upserted = [], deleted = [] }, { replace = false } = {}) {
  const tx = db.transaction(['resources', 'servers'], 'readwrite');
  const resources = tx.objectStore('resources');
  if (replace) resources.delete(serverRange(record.id));
  for (const [type, id, json] of upserted) resources.put(json, [record.id, `${type}/${id}`]);
  for (const [type, id] of deleted) resources.delete([record.id, `${type}/${id}`]);
  tx.objectStore('servers').put(record);
  await done(tx);
}

export async function deleteServer(db, id) {
  const tx = db.transaction(['resources', 'servers'], 'readwrite');
  tx.objectStore('resources').delete(serverRange(id));
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
    serverResources: (id) => serverResources(db, id),
    writeChanges: (record, changes, options) => writeChanges(db, record, changes, options),
    deleteServer: (id) => deleteServer(db, id),
    getMeta: (name) => getMeta(db, name),
    putMeta: (name, value) => putMeta(db, name, value),
  };
}
