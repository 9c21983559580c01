// CSV import and export as identity-domain jobs in the sandbox (issue 14): the page's job
// client (www/js/csv-jobs.js) in Node, then the whole flow in Chromium against the Service
// Worker, which runs the jobs on the engine's job module with IndexedDB storage.
import { typeOfFile, historyEnded, failedRows, formBody, FILE_TYPES } from '../../www/js/csv-jobs.js';
import { JobsLedger, hasJobs } from '../../www/js/jobs-store.js';
import { memoryStore } from '../../www/js/memory-store.js';
import { h, equal, check, open, waitText, swFetch, pickServer, shot } from './harness.mjs';
import { readFileSync } from 'node:fs';

const URN = 'urn:ietf:params:scim:schemas:oracle:idcs:extension:UserImport:JobReport';

export const units = [
  ['csv jobs: a file\'s type from its name, users unless it says otherwise', () => {
    for (const [name, type] of [['Users.csv', 'users'], ['Groups.csv', 'groups'], ['groups-2.csv', 'groups'], ['AppRoleMembership.csv', 'approles'], ['people.csv', 'users'], ['', 'users']]) {
      equal(typeOfFile(name), type, name);
    }
    equal(Object.keys(FILE_TYPES), ['users', 'groups', 'approles'], 'the three files');
    equal(FILE_TYPES.groups.importJob, 'GroupImport', 'job types are the domain\'s');
  }],

  ['csv jobs: a history ends on succeeded or failed, and runs otherwise', () => {
    for (const [status, ended] of [['succeeded', true], ['Succeeded', true], ['failed', false], ['running', null], [undefined, null]]) {
      equal(historyEnded({ status }), ended, String(status));
    }
    equal(historyEnded(null), null, 'no history yet');
  }],

  ['csv jobs: the failed rows of a report, by row, with what names them', () => {
    const entries = [
      { lineNumber: 3, type: 'Error', message: 'User Name is empty', [URN]: { userName: '' } },
      { lineNumber: 1, type: 'Success', message: 'Create Succeeded', [URN]: { userName: 'a' } },
      { lineNumber: 2, type: 'Error', message: 'Work Email is not valid', [URN]: { userName: 'b@example.com' } },
      { type: 'error' },
    ];
    equal(failedRows(entries), [
      { row: 2, key: 'b@example.com', message: 'Work Email is not valid' },
      { row: 3, key: null, message: 'User Name is empty' },
      { row: null, key: null, message: 'failed, with no reason given' },
    ], 'failed rows');
    equal(failedRows([]), [], 'no entries');
  }],

  ['csv jobs: the upload is multipart/form-data with the file and its fields', async () => {
    const { contentType, bytes } = await formBody([['fileName', 'Users.csv'], ['isPublic', 'false'], ['file', new File(['User Name\r\nbjensen\r\n'], 'Users.csv', { type: 'text/csv' })]]);
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(contentType);
    check(boundary, `content type ${contentType}`);
    const text = new TextDecoder().decode(bytes);
    check(text.includes('name="fileName"\r\n\r\nUsers.csv\r\n'), `fileName field: ${text}`);
    check(text.includes('name="file"; filename="Users.csv"\r\nContent-Type: text/csv\r\n\r\nUser Name\r\nbjensen\r\n\r\n'), `file part: ${text}`);
    check(text.trimEnd().endsWith(`--${boundary[1]}--`), 'closing delimiter');
  }],
];

/** Text of bytes. */
const str = (bytes) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const bytes = (text) => new TextEncoder().encode(text);

units.push(
  ['jobs store: appends become numbered pieces, a re-upload starts again, storage reads back in the engine\'s shape', async () => {
    const store = memoryStore();
    const record = { id: 's1' };
    const ledger = new JobsLedger();
    const commit = async (effects) => {
      const change = ledger.plan(effects);
      await store.writeChanges(record, { jobs: change });
      ledger.apply(change);
      return change;
    };
    // An export being written: its record, then pieces, step by step.
    let change = await commit({ files: [['export/1/E.csv', '{"complete":false}']], appends: [['export/1/E.csv', bytes('a,b\r\n')]] });
    equal(change.chunks.map(([k, n]) => [k, n]), [['export/1/E.csv', 0]], 'first piece');
    change = await commit({ appends: [['export/1/E.csv', bytes('1,2\r\n')], ['export/1/E.csv', bytes('3,4\r\n')]] });
    equal(change.chunks.map(([, n]) => n), [1, 2], 'next pieces');
    // A planned change that was never committed numbers nothing.
    ledger.plan({ appends: [['export/1/E.csv', bytes('lost')]] });
    await commit({ files: [['1/Users.csv', '{"key":"1/Users.csv"}']], appends: [['1/Users.csv', bytes('User Name\r\n')]] });
    let read = new JobsLedger().load(await store.serverJobs('s1'));
    equal(read.files, ['{"key":"1/Users.csv"}', '{"complete":false}'], 'file records, in key order');
    equal(read.fileBytes.map(str), ['User Name\r\n', 'a,b\r\n1,2\r\n3,4\r\n'], 'their pieces joined');
    // The same name uploaded again replaces it whole.
    change = await commit({ removedFiles: ['export/1/E.csv'], files: [['export/1/E.csv', '{"complete":true}']], appends: [['export/1/E.csv', bytes('new')]] });
    equal(change.chunks.map(([, n]) => n), [0], 'a replaced file starts at piece 0');
    await commit({ jobs: [['j1', '{"id":"j1"}']], reports: [['j1', 2, 'r2'], ['j1', 1, 'r1']] });
    const again = new JobsLedger();
    read = again.load(await store.serverJobs('s1'));
    equal([read.files[1], str(read.fileBytes[1]), read.jobs, read.reports], ['{"complete":true}', 'new', ['{"id":"j1"}'], ['r1', 'r2']], 'reloaded from storage');
    equal(again.plan({ appends: [['1/Users.csv', bytes('x')]] }).chunks.map(([, n]) => n), [1], 'a reloaded ledger numbers on');
    check(hasJobs({ jobs: [['j', '{}']] }) && !hasJobs({ upserted: [] }) && !hasJobs(null), 'hasJobs');
    await store.deleteServer('s1');
    equal(await store.serverJobs('s1'), [], 'a deleted server keeps no jobs');
  }],
);

/** A Users.csv of `rows` users; row `bad` has an Active that is no boolean. */
function usersCsv(rows, bad) {
  const lines = ['User Name,First Name,Last Name,Work Email,Title,Active'];
  for (let i = 1; i <= rows; i += 1) {
    const title = i % 50 === 0 ? "'=1+2'" : i % 3 === 0 ? '"Ingénieure, R&D"' : 'Engineer';
    lines.push(`csv.user${i}@example.com,${i % 2 ? 'Zoë' : "O'Brien"},Last${i},csv.user${i}@example.com,${title},${i === bad ? 'maybe' : 'true'}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The users of a sandbox identity domain whose userName starts with csv.user, through its own API. */
async function domainUsers(token) {
  const res = await swFetch(h.page, `/sandbox/admin/v1/Users?filter=${encodeURIComponent('userName sw "csv.user"')}&count=0`, { headers: { Authorization: `Bearer ${token}` } });
  equal(res.status, 200, `count users (${res.body.slice(0, 200)})`);
  return JSON.parse(res.body).totalResults;
}

const tokenFor = (id) => h.page.evaluate((id) => JSON.parse(localStorage.getItem('scimlet.tokens.v1') || '{}')[`local|${id}`], id);

/** Creates an empty identity domain through the page's form. */
async function createDomain(id) {
  await h.page.fill('#create-form [name=id]', id);
  for (const name of ['users', 'groups', 'entitlements', 'roles']) await h.page.fill(`#create-form [name=${name}]`, '0');
  await h.page.selectOption('#create-form [name=persona]', 'oci');
  await h.page.click('#create-form button[type=submit]');
  await waitText('#server-title', id);
  await h.page.waitForSelector('#csv-actions:not([hidden])');
}

async function importInPage(name, content) {
  await h.page.selectOption('#csv-type', 'users');
  await h.page.setInputFiles('#csv-import-file', { name, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await waitText('#csv-line', /^(Imported|Not imported|The import failed)/);
  return h.page.locator('#csv-line').innerText();
}

async function exportInPage() {
  const [download] = await Promise.all([h.page.waitForEvent('download'), h.page.click('#csv-export')]);
  await waitText('#csv-line', /^Exported/);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

const ROWS = 300;
let exported = null;

export const tests = [
  ['csv: an identity domain imports a Users.csv as a job in the Service Worker; the report shows the bad row', async () => {
    await open();
    await createDomain('hr');
    const token = await tokenFor('hr');
    const line = await importInPage('Users.csv', usersCsv(ROWS, 7));
    equal(line.replace(/ in [\d.]+ s\.$/, ''), `Imported Users.csv: ${(ROWS - 1).toLocaleString('en-US')} of ${ROWS} users succeeded, 1 failed,`, 'the summary');
    const rows = await h.page.locator('#csv-report-body tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    equal(rows.length, 1, `one failed row: ${JSON.stringify(rows)}`);
    equal(rows[0].slice(0, 2), ['7', 'csv.user7@example.com'], 'its row and name');
    check(/active/i.test(rows[0][2]) && /boolean/.test(rows[0][2]) && /maybe/.test(rows[0][2]), `its reason says what is wrong: ${rows[0][2]}`);
    equal(await domainUsers(token), ROWS - 1, 'every good row is a user');
    await waitText('#server-counts', /Users/);
    await shot('csv-import', '#server-view');
  }],

  ['csv: a file refused whole (a column the domain has not, no User Name) creates nothing and says why', async () => {
    const token = await tokenFor('hr');
    for (const [file, why] of [['Nickname,User Name\r\nx,csv.user9999@example.com\r\n', /unknown column "Nickname"/], ['First Name,Last Name\r\nA,B\r\n', /userName|User Name/]]) {
      const line = await importInPage('Bad.csv', file);
      check(/^Not imported: POST \/job\/v1\/JobSchedules: 400 /.test(line) && why.test(line), `refusal: ${line}`);
      equal(await domainUsers(token), ROWS - 1, 'nothing more');
    }
  }],

  ['csv: export downloads Users.csv with every user, formula cells quoted again', async () => {
    exported = await exportInPage();
    equal(exported.name, 'Users.csv', 'file name');
    const lines = exported.text.split('\r\n').filter((l) => l.includes('csv.user'));
    equal(lines.length, ROWS - 1, 'a line per imported user');
    check(lines.some((l) => l.includes("'=1+2'")), 'a formula cell comes back quoted');
    check(lines.some((l) => l.includes('"Ingénieure, R&D"')), 'non-ASCII and a comma survive');
  }],

  ['csv: the export imported into another domain exports the same rows', async () => {
    check(exported, 'the export of the test before');
    await createDomain('hr-copy');
    const line = await importInPage('Users.csv', exported.text);
    check(/^Imported Users\.csv: .* 0 failed/.test(line), `re-import: ${line}`);
    const again = await exportInPage();
    const mine = (text) => text.split('\r\n').filter((l) => l.includes('csv.user'));
    equal(again.text.split('\r\n')[0], exported.text.split('\r\n')[0], 'the same heading');
    equal(mine(again.text), mine(exported.text), 'the same rows');
    await pickServer('hr');
  }],

  ['csv: a big import runs in steps: progress shows while it runs, and SCIM is answered in between', async () => {
    const token = await tokenFor('hr-copy');
    const rows = 5000;
    const samples = await h.page.evaluate(async ({ token, file }) => {
      const auth = { Authorization: `Bearer ${token}` };
      const form = new FormData();
      form.append('fileName', 'Big.csv');
      form.append('file', new File([file], 'Big.csv', { type: 'text/csv' }));
      const uploaded = await (await fetch('/sandbox/storage/v1/Files', { method: 'POST', headers: auth, body: form })).json();
      const scheduled = await (await fetch('/sandbox/job/v1/JobSchedules', {
        method: 'POST', headers: { ...auth, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule'], jobType: 'UserImport', runNow: true, parameters: [{ name: 'fileLocation', value: uploaded.fileName }] }),
      })).json();
      const out = [];
      for (;;) {
        const filter = encodeURIComponent(`jobScheduleid eq "${scheduled.id}"`);
        const [history, scim] = await Promise.all([
          fetch(`/sandbox/job/v1/JobHistories?filter=${filter}`, { headers: auth }).then((r) => r.json()).then((l) => l.Resources[0]),
          fetch('/sandbox/admin/v1/Users?count=1', { headers: auth }).then((r) => r.status),
        ]);
        out.push({ status: history.status, done: history.successCount + history.failureCount, total: history.totalCount, scim });
        if (history.status !== 'running') return out;
      }
    }, { token, file: usersCsv(rows, 0).replaceAll('csv.user', 'big.user') });
    const last = samples[samples.length - 1];
    equal([last.status, last.done, last.total], ['succeeded', rows, rows], `the end (${samples.length} samples)`);
    check(samples.some((x) => x.status === 'running' && x.done > 0 && x.done < rows), `progress seen while it ran: ${JSON.stringify(samples.map((x) => x.done))}`);
    check(samples.every((x) => x.scim === 200), 'SCIM answered all along');
  }],

  ['csv: a job stopped with its Service Worker goes on from its last step when the server is next loaded', async () => {
    const token = await tokenFor('hr-copy');
    const auth = { Authorization: `Bearer ${token}` };
    const rows = 20000;
    const form = { file: usersCsv(rows, 0).replaceAll('csv.user', 'resumed.user') };
    const scheduleId = await h.page.evaluate(async ({ token, file }) => {
      const auth = { Authorization: `Bearer ${token}` };
      const body = new FormData();
      body.append('fileName', 'Resumed.csv');
      body.append('file', new File([file], 'Resumed.csv', { type: 'text/csv' }));
      const uploaded = await (await fetch('/sandbox/storage/v1/Files', { method: 'POST', headers: auth, body })).json();
      const scheduled = await (await fetch('/sandbox/job/v1/JobSchedules', {
        method: 'POST', headers: { ...auth, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:oracle:idcs:JobSchedule'], jobType: 'UserImport', runNow: true, parameters: [{ name: 'fileLocation', value: uploaded.fileName }] }),
      })).json();
      return scheduled.id;
    }, { token, file: form.file });
    const history = async () => {
      const res = await swFetch(h.page, `/sandbox/job/v1/JobHistories?filter=${encodeURIComponent(`jobScheduleid eq "${scheduleId}"`)}`, { headers: auth });
      return JSON.parse(res.body).Resources[0];
    };
    let seen = await history();
    while (seen.status === 'running' && seen.successCount === 0) seen = await history();
    equal(seen.status, 'running', `the job runs (${JSON.stringify(seen)})`);
    const before = seen.successCount;
    const cdp = await h.context.newCDPSession(h.page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    // The next request starts the worker again, which loads the server (and its running job)
    // from IndexedDB: its Server-Timing says so.
    const info = await swFetch(h.page, '/sandbox/api/servers/hr-copy', { headers: auth });
    check(/\bload;dur=/.test(info.headers['server-timing'] || ''), `loaded from storage after the stop: ${info.headers['server-timing']}`);
    let after = await history();
    check(after.successCount >= before && after.successCount < rows, `picked up where it was stored: ${before} then ${after.successCount}`);
    while (after.status === 'running') after = await history();
    equal([after.status, after.successCount, after.failureCount], ['succeeded', rows, 0], 'every row once');
    const res = await swFetch(h.page, `/sandbox/admin/v1/Users?filter=${encodeURIComponent('userName sw "resumed.user"')}&count=0`, { headers: auth });
    equal(JSON.parse(res.body).totalResults, rows, 'no row lost or doubled');
  }],

  ['csv: EPM Add Users in the sandbox: upload, add, job status; an existing user counts as failed', async () => {
    const made = await swFetch(h.page, '/sandbox/api/servers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'epm-sandbox', settings: { persona: 'oci' } }) });
    equal(made.status, 201, `create (${made.body.slice(0, 200)})`);
    const { epm, token } = JSON.parse(made.body);
    check(epm && epm.url.endsWith('/sandbox') && epm.user.startsWith('epm-sandbox.'), `the epm block: ${JSON.stringify(epm)}`);
    const basic = (password) => ({ Authorization: `Basic ${Buffer.from(`${epm.user}:${password}`).toString('base64')}` });
    const path = new URL(epm.url).pathname;
    const file = 'First Name,Last Name,Email,User Login\r\nAda,Lovelace,ada@example.com,ada\r\nAlan,Turing,alan@example.com,alan\r\nGrace,Hopper,grace@example.com,grace\r\n';
    // Grace is there already: left as she is, counted as failed.
    const grace = await swFetch(h.page, '/sandbox/admin/v1/Users', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' }, body: JSON.stringify({ userName: 'grace', name: { familyName: 'Hopper' }, emails: [{ value: 'grace@example.com', primary: true }] }) });
    equal(grace.status, 201, `an existing user (${grace.body.slice(0, 200)})`);
    const q = encodeURIComponent(JSON.stringify({ isLast: true, chunkSize: file.length, isFirst: true }));
    const upload = (password) => swFetch(h.page, `${path}/interop/rest/11.1.2.3.600/applicationsnapshots/users.csv/contents?q=${q}`, { method: 'POST', headers: { ...basic(password), 'Content-Type': 'application/octet-stream' }, body: file });
    equal((await upload('wrong')).status, 401, 'a wrong EPM password');
    const uploaded = await upload(epm.password);
    equal([uploaded.status, JSON.parse(uploaded.body).status], [200, 0], `upload (${uploaded.body.slice(0, 200)})`);
    const added = await swFetch(h.page, `${path}/interop/rest/security/v1/users`, { method: 'POST', headers: { ...basic(epm.password), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'filename=users.csv&userpassword=Welcome%231&resetpassword=false' });
    const started = JSON.parse(added.body);
    equal(started.status, -1, `add users runs (${added.body.slice(0, 300)})`);
    const link = started.links.find((l) => l.rel === 'Job Status');
    let status = started;
    while (status.status === -1) status = JSON.parse((await swFetch(h.page, new URL(link.href).pathname, { headers: basic(epm.password) })).body);
    equal([status.status, status.details], [0, 'Processed - 3, Succeeded - 2, Failed - 1.'], 'the job status');
  }],
];
