#!/usr/bin/env node
// Builds scimlet's two wasm hosts, without wasm-pack or worker-build (both download tools
// from GitHub; this uses only the pinned wasm-bindgen CLI and the npm packages).
//
//   node scripts/build.mjs worker [--opt]   build/index.js + build/index_bg.wasm (`make worker`)
//   node scripts/build.mjs web [--no-opt]   www/pkg/scimlet.js + scimlet_bg.wasm (`make web-build`)
//
// worker: cargo build --features worker -> wasm-bindgen --target module -> [wasm-opt -O]
//   -> an entry module (worker/shim.mjs around the bindings, one export per Durable Object
//   class named in wrangler.toml) bundled by esbuild. wasm-opt is off by default: it takes
//   about 35 s here for 10% less wasm and no measurable speed (see README, "Benchmarks").
// web: cargo build --features web -> wasm-bindgen --target web -> wasm-opt -O3 (the page
//   downloads it, so size matters; --no-opt skips it).
//
// The wasm-bindgen CLI comes from `scripts/tools.sh wasm-bindgen` (the version Cargo.lock
// locks), installed while cargo compiles when it is missing. Output is written to a
// staging directory and moved into place at the end, so a watcher never sees half a build.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, "target");
const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
// The features rustc enables by default for wasm32-unknown-unknown, plus exception handling
// (wasm-bindgen's catch wrappers); listed rather than --all-features so wasm-opt never emits
// an encoding the runtime does not know yet.
const WASM_FEATURES = ["mutable-globals", "sign-ext", "nontrapping-float-to-int", "bulk-memory",
  "multivalue", "reference-types", "exception-handling"].map((f) => `--enable-${f}`);

const HOSTS = {
  worker: {
    features: "worker",
    targetDir,
    out: join(root, "build"),
    opt: false,
    // The `worker` crate's macros expect wasm-bindgen to use js-sys's futures; the proc
    // macro reads this variable (worker-build sets it too).
    env: { WASM_BINDGEN_USE_JS_SYS: "1" },
    bindgenArgs: ["--target", "module", "--out-name", "index",
      // Lets worker/shim.mjs replace an instance a trap broke.
      "--experimental-reset-state-function", "--force-enable-abort-handler"],
    optArgs: ["-O", "--debuginfo"],
    finish: bundleWorker,
  },
  web: {
    features: "web",
    // Its own: both hosts' cdylib is scimlet.wasm, so in one directory each build would
    // overwrite the other's and recompile the crate every time they alternate.
    targetDir: join(targetDir, "web"),
    out: join(root, "www/pkg"),
    opt: true,
    env: {},
    bindgenArgs: ["--target", "web", "--out-name", "scimlet"],
    optArgs: ["-O3"],
    finish: async () => {},
  },
};

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (text) => console.error(`\x1b[1m==> ${text}\x1b[0m`);

function run(cmd, args, { env = {}, capture = false } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (chunk) => (out += chunk));
    child.on("error", fail);
    child.on("exit", (code, signal) =>
      code === 0 ? ok(out.trim()) : fail(new Error(`${cmd} ${args.join(" ")}: ${signal ?? `exit ${code}`}`)));
  });
}

async function step(text, body) {
  const since = Date.now();
  say(text);
  const result = await body();
  console.error(`    done in ${seconds(since)}`);
  return result;
}

async function main() {
  const [name, ...flags] = process.argv.slice(2);
  const host = HOSTS[name];
  const unknown = flags.filter((f) => f !== "--opt" && f !== "--no-opt");
  if (!host || unknown.length) {
    console.error("usage: node scripts/build.mjs worker [--opt] | web [--no-opt]");
    process.exit(2);
  }
  const optimize = flags.includes("--opt") || (host.opt && !flags.includes("--no-opt"));

  // The CLI installs (if it must) while cargo compiles: two independent jobs for two cores.
  const bindgen = run(join(root, "scripts/tools.sh"), ["wasm-bindgen"], { capture: true });
  bindgen.catch(() => {}); // reported where it is awaited
  await step(`cargo build --release --features ${host.features} (2 to 4 min the first time, 20 s after a change)`,
    () => run("cargo", ["build", "--lib", "--release", "--target", "wasm32-unknown-unknown",
      "--features", host.features, "--target-dir", host.targetDir], { env: host.env }));
  const wasmBindgen = await bindgen;

  // Outside www/ (the assets a watcher reloads on) and build/, on the same file system.
  const staging = join(root, "target", `staging-${name}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const input = join(host.targetDir, "wasm32-unknown-unknown/release/scimlet.wasm");
  await step("wasm-bindgen (about 1 s)", () =>
    run(wasmBindgen, [input, "--out-dir", staging, "--no-typescript", ...host.bindgenArgs]));
  const wasmFile = readdirSync(staging).find((f) => f.endsWith(".wasm"));
  const raw = statSync(join(staging, wasmFile)).size;
  if (optimize) {
    await step(`wasm-opt ${host.optArgs.join(" ")} (about 30 s)`, async () => {
      const file = join(staging, wasmFile);
      await run(wasmOpt, [file, "-o", `${file}.opt`, ...host.optArgs, ...WASM_FEATURES]);
      renameSync(`${file}.opt`, file);
    });
  }
  await host.finish(staging);
  const moved = publish(staging, host.out);
  const bytes = readFileSync(join(host.out, wasmFile));
  console.error(`    ${host.out.slice(root.length + 1)}/: ${moved.join(", ")}; wasm ${raw} bytes from wasm-bindgen, ` +
    `${bytes.length}${optimize ? " after wasm-opt" : ""}, ${gzipSync(bytes, { level: 9 }).length} gzipped; ` +
    `built in ${seconds(started)}`);
}

/**
 * The Worker's entry: the bindings wrapped by worker/shim.mjs, one export per Durable
 * Object class of wrangler.toml, bundled into index.js beside index_bg.wasm.
 */
async function bundleWorker(staging) {
  const { unstable_readConfig } = await import("wrangler");
  const { build } = await import("esbuild");
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });
  const classes = [...new Set(config.durable_objects.bindings.map((b) => b.class_name))];

  const glue = join(staging, "index.js");
  const text = readFileSync(glue, "utf8");
  // `import source` (the source-phase import wasm-bindgen writes) is what workerd's plain
  // wasm import already gives: a WebAssembly.Module.
  const plain = text.replace(/^import source (\w+) from "\.\/index_bg\.wasm";$/m, 'import $1 from "./index_bg.wasm";');
  if (plain === text) throw new Error("wasm-bindgen's output no longer imports index_bg.wasm as expected");
  for (const name of classes) {
    if (!new RegExp(`^export class ${name} `, "m").test(plain)) {
      throw new Error(`wrangler.toml binds the class ${name}, which the wasm does not export`);
    }
  }
  writeFileSync(glue, plain);
  const shim = join(root, "worker/shim.mjs");
  const entry = [
    'import * as wasm from "./index.js";',
    `import { worker, durableObject } from ${JSON.stringify(shim)};`,
    "export default worker(wasm);",
    ...classes.map((name) => `export const ${name} = durableObject(wasm, ${JSON.stringify(name)});`),
    "",
  ].join("\n");
  writeFileSync(join(staging, "entry.js"), entry);
  await step(`esbuild: the entry module (${classes.join(", ")})`, () =>
    build({
      entryPoints: [join(staging, "entry.js")],
      outfile: join(staging, "bundle.js"),
      bundle: true,
      format: "esm",
      external: ["./index_bg.wasm", "cloudflare:*"],
      logLevel: "warning",
    }));
  for (const file of readdirSync(staging)) {
    if (file !== "bundle.js" && !file.endsWith(".wasm")) rmSync(join(staging, file), { recursive: true });
  }
  renameSync(join(staging, "bundle.js"), join(staging, "index.js"));
}

/** Moves the staged files into `out`, the wasm before the JS that imports it. */
function publish(staging, out) {
  mkdirSync(out, { recursive: true });
  const files = readdirSync(staging).sort((a, b) => a.endsWith(".wasm") ? -1 : b.endsWith(".wasm") ? 1 : 0);
  for (const file of files) {
    rmSync(join(out, file), { recursive: true, force: true });
    renameSync(join(staging, file), join(out, file));
  }
  rmSync(staging, { recursive: true, force: true });
  return files;
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
