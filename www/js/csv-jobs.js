// CSV import and export as identity-domain jobs, from the page: the requests a script sends
// to a real Oracle identity domain (upload to /storage/v1/Files, POST /job/v1/JobSchedules
// with runNow, poll /job/v1/JobHistories, then read the per-row report or download the
// export), against the sandbox's Service Worker (under /sandbox) or a deployed scimlet
// alike. Only an `oci` server answers them; its own token opens them.

/** The three files, as `scimlet csv --type` names them. */
export const FILE_TYPES = {
  users: { label: 'Users.csv', importJob: 'UserImport', exportJob: 'UserExport', report: 'UserImportJobReports', rows: 'users' },
  groups: { label: 'Groups.csv', importJob: 'GroupImport', exportJob: 'GroupExport', report: 'GroupImportJobReports', rows: 'groups' },
  approles: { label: 'AppRoleMembership.csv', importJob: 'AppRoleImport', exportJob: 'AppRoleExport', report: 'AppRoleImportJobReports', rows: 'grants' },
};

const SCHEDULE_SCHEMA = 'urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule';
const REPORT_PAGE = 1000;

/** The type a file's name suggests (Groups*.csv, AppRole*.csv), users otherwise. */
export function typeOfFile(name) {
  const lower = String(name || '').toLowerCase();
  if (lower.startsWith('group')) return 'groups';
  if (lower.startsWith('approle')) return 'approles';
  return 'users';
}

/** Whether a JobHistory has ended: true (it ran), false (it failed as a whole), null (running). */
export function historyEnded(history) {
  const status = String((history && history.status) || '').toLowerCase();
  if (status === 'succeeded') return true;
  if (status === 'failed') return false;
  return null;
}

/** The failed rows of report entries (`"type": "Error"`): {row, key, message}, in row order. */
export function failedRows(entries) {
  const rows = [];
  for (const entry of entries || []) {
    if (String(entry.type || '').toLowerCase() !== 'error') continue;
    let key = null;
    for (const [name, ext] of Object.entries(entry)) {
      if (!name.startsWith('urn:') || !ext || typeof ext !== 'object') continue;
      key = ext.userName || ext.displayName || ext.grantee || key;
    }
    rows.push({ row: Number.isInteger(entry.lineNumber) ? entry.lineNumber : null, key: key || null, message: entry.message || 'failed, with no reason given' });
  }
  return rows.sort((a, b) => (a.row ?? Infinity) - (b.row ?? Infinity));
}

/** A multipart/form-data body, serialized by the browser: {contentType, bytes}. */
export async function formBody(fields) {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const encoded = new Response(form);
  return { contentType: encoded.headers.get('Content-Type'), bytes: new Uint8Array(await encoded.arrayBuffer()) };
}

class JobError extends Error {}

/** A request to the domain's API; its JSON answer, or a JobError saying what the server said. */
async function call(backend, id, method, path, { body, contentType, label, log = true } = {}) {
  const headers = contentType ? [['Content-Type', contentType]] : [];
  const res = await backend.request(method, `${backend.domainBase()}${path}`, { token: backend.tokenFor(id), body: body ?? null, headers, label, log });
  if (res.status < 200 || res.status > 299) {
    let detail = res.text;
    try { detail = JSON.parse(res.text).detail || detail; } catch { /* the body as it is */ }
    const hint = res.status === 404 || res.status === 401 ? ' (CSV jobs need an `oci` server and its token)' : '';
    throw new JobError(`${method} ${path.split('?')[0]}: ${res.status} ${detail || ''}${hint}`.trim());
  }
  return res;
}

const json = (res) => (res.text ? JSON.parse(res.text) : null);

async function schedule(backend, id, jobType, parameters) {
  const body = JSON.stringify({ schemas: [SCHEDULE_SCHEMA], jobType, runNow: true, parameters: parameters.map(([name, value]) => ({ name, value })) });
  return json(await call(backend, id, 'POST', '/job/v1/JobSchedules', { body, contentType: 'application/scim+json', label: `${jobType} job` })).id;
}

/** Polls the run of `scheduleId` until it ends, telling `onProgress(history)` as it goes. */
async function wait(backend, id, scheduleId, { onProgress = () => {}, pollMs = 250 } = {}) {
  const filter = encodeURIComponent(`jobScheduleid eq "${scheduleId}"`);
  for (let poll = 0; ; poll += 1) {
    const list = json(await call(backend, id, 'GET', `/job/v1/JobHistories?filter=${filter}`, { label: 'job progress', log: poll === 0 }));
    const history = (list && list.Resources && list.Resources[0]) || null;
    if (history) {
      onProgress(history);
      if (historyEnded(history) !== null) return history;
    }
    await new Promise((resolve) => setTimeout(resolve, poll < 5 ? Math.min(pollMs, 100) : pollMs));
  }
}

/** Every entry of a report resource for a run, page by page. */
async function report(backend, id, resource, historyId) {
  const filter = encodeURIComponent(`historyId eq "${historyId}"`);
  const entries = [];
  for (;;) {
    const page = json(await call(backend, id, 'GET', `/job/v1/${resource}?filter=${filter}&startIndex=${entries.length + 1}&count=${REPORT_PAGE}`, { label: 'job report' }));
    const got = (page && page.Resources) || [];
    entries.push(...got);
    if (!got.length || entries.length >= (page.totalResults || 0)) return entries;
  }
}

/**
 * Imports `file` (a File or Blob with a name) as `type` into server `id`: upload, schedule,
 * wait, report. Resolves to {history, failures, entries}.
 */
export async function importCsv(backend, id, file, type, options = {}) {
  const kind = FILE_TYPES[type];
  if (!kind) throw new JobError(`unknown file type ${type}`);
  const name = file.name || kind.label;
  const { contentType, bytes } = await formBody([['fileName', name], ['contentType', 'text/csv'], ['isPublic', 'false'], ['file', new File([file], name, { type: 'text/csv' })]]);
  const uploaded = json(await call(backend, id, 'POST', '/storage/v1/Files', { body: bytes, contentType, label: `upload ${name}` }));
  const scheduleId = await schedule(backend, id, kind.importJob, [['fileLocation', uploaded.fileName], ['fileType', 'csv']]);
  const history = await wait(backend, id, scheduleId, options);
  const entries = await report(backend, id, kind.report, history.id);
  return { history, failures: failedRows(entries), entries };
}

/** Exports server `id`'s `type` as CSV: schedule, wait, download. Resolves to {history, text, fileName}. */
export async function exportCsv(backend, id, type, options = {}) {
  const kind = FILE_TYPES[type];
  if (!kind) throw new JobError(`unknown file type ${type}`);
  const scheduleId = await schedule(backend, id, kind.exportJob, [['exportFormat', 'CSV']]);
  const history = await wait(backend, id, scheduleId, options);
  if (historyEnded(history) !== true) throw new JobError(`the export failed: ${history.message || history.status}`);
  const fileName = String(history.fileName || '').replace(/^files\//, '');
  if (!fileName) throw new JobError('the export names no file');
  const res = await call(backend, id, 'GET', `/storage/v1/Files?fileName=${encodeURIComponent(fileName)}`, { label: 'download export' });
  return { history, text: res.text, fileName: kind.label };
}
