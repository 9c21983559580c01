// An `oci` sandbox server's CSV jobs as IndexedDB keeps them (idb.js's `jobs` store: file
// records, their bytes in numbered pieces, job records, per-row reports). The engine holds
// the same in memory (`src/host/web/jobs.rs`) and decides everything; this module only
// reads what storage kept back into the engine's shape, and numbers the pieces of bytes
// the engine appends so each lands in its own row.

export class JobsLedger {
  constructor() {
    this.pieces = new Map(); // file key -> how many pieces storage holds
  }

  /**
   * What storage kept (`store.serverJobs(id)`: [key, value] pairs), in the engine's shape
   * for `Server.loadJobs`: {files: [json], fileBytes: [Uint8Array], jobs: [json], reports: [json]}.
   */
  load(pairs) {
    const files = new Map(); // key -> record JSON
    const chunks = new Map(); // key -> [Uint8Array] by piece number
    const jobs = [];
    const reports = [];
    for (const [key, value] of pairs) {
      const [, kind, a, b] = key;
      if (kind === 'file') files.set(a, value);
      else if (kind === 'chunk') {
        const list = chunks.get(a) || [];
        list[b] = value;
        chunks.set(a, list);
      } else if (kind === 'job') jobs.push(value);
      else if (kind === 'report') reports.push(value);
    }
    this.pieces = new Map();
    const out = { files: [], fileBytes: [], jobs, reports };
    for (const [key, json] of files) {
      const list = chunks.get(key) || [];
      this.pieces.set(key, list.length);
      out.files.push(json);
      out.fileBytes.push(join(list.filter(Boolean)));
    }
    return out;
  }

  /**
   * The storage change for the engine's job effects (`{removedFiles, files: [[key, json]],
   * appends: [[key, bytes]], jobs: [[id, json]], reports: [[historyId, row, json]]}`): the
   * same, each append numbered as its file's next piece.
   */
  plan(effects) {
    const removed = new Set(effects.removedFiles || []);
    const next = new Map();
    const chunks = [];
    for (const [key, bytes] of effects.appends || []) {
      if (!next.has(key)) next.set(key, removed.has(key) ? 0 : (this.pieces.get(key) || 0));
      chunks.push([key, next.get(key), bytes]);
      next.set(key, next.get(key) + 1);
    }
    return { removedFiles: [...removed], files: effects.files || [], chunks, jobs: effects.jobs || [], reports: effects.reports || [], next };
  }

  /** Takes a committed change into account. */
  apply(change) {
    for (const key of change.removedFiles) this.pieces.delete(key);
    for (const [key, n] of change.next) this.pieces.set(key, n);
  }
}

/** Whether engine effects carry jobs' writes. */
export function hasJobs(effects) {
  return !!effects && ['removedFiles', 'files', 'appends', 'jobs', 'reports'].some((k) => effects[k] && effects[k].length);
}

function join(list) {
  if (list.length === 1) return list[0];
  const out = new Uint8Array(list.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of list) { out.set(chunk, at); at += chunk.length; }
  return out;
}
