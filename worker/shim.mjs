// The Worker's entry glue: what the wasm-bindgen output (`--target module`) needs around it
// to run on workerd. scripts/build-worker.mjs writes an entry module that imports this file
// and the bindings, and bundles both into build/index.js:
//
//   import * as wasm from "./index.js";
//   import { worker, durableObject } from ".../worker/shim.mjs";
//   export default worker(wasm);
//   export const ScimServer = durableObject(wasm, "ScimServer");   // one per class in wrangler.toml
//
// Recovery. A wasm trap (a panic aborts: release builds use panic = "abort") leaves the
// instance's memory unusable. The `worker` crate's panic hook sets `criticalError` on the
// state object `__worker_init_state()` returns, and its start function bumps `instanceId`
// each time an instance starts. Before every call into wasm we replace a critical instance
// (`__wbg_reset_state`, from wasm-bindgen's --experimental-reset-state-function), and every
// Durable Object rebuilds its Rust half when the instance it was made in is gone, so one
// bad request costs that request, not the isolate.

// Collection. Locally `scripts/serve.mjs` runs workerd with V8's `--expose-gc`, and every
// GC_EVERY calls into wasm make a full collection. Why: the objects workerd hands a Worker
// (requests, SQL cursors) hold native memory V8 does not count, so it lets them pile up
// between its own full collections: workerd grew to 616 MB over 40,000 small requests, and
// by half a KB per user through a Bulk ingest. With these collections (a few ms each, once
// per GC_EVERY calls) it stays near 200 MB for both. Deployed, `gc` does not exist.
const GC_EVERY = 1000;
let calls = 0;
function collectNow() {
  if (typeof globalThis.gc === "function" && ++calls % GC_EVERY === 0) globalThis.gc();
}

/** What one wasm module's recovery shares: its state object and its restart. */
function recovery(wasm) {
  const state = wasm.__worker_init_state();
  const restart = () => {
    console.error("scimlet: restarting the wasm instance after a trap");
    wasm.__wbg_reset_state();
    state.criticalError = false;
  };
  const healthy = () => {
    if (state.criticalError) return restart();
    try {
      // A guarded export: wasm-bindgen replaces an instance a trap terminated (its abort
      // handler schedules that) before this returns, so the handler below never meets a
      // stale pointer.
      wasm.__worker_init_state();
    } catch {
      restart(); // terminated with no replacement scheduled
    }
  };
  const critical = (error) => {
    // A RuntimeError is a trap; any other error is a JavaScript exception the Rust code
    // raised on purpose, and the instance is fine.
    if (error instanceof WebAssembly.RuntimeError) state.criticalError = true;
    throw error;
  };
  return {
    state,
    /** Runs `body` (a call into wasm) on a healthy instance, noting a trap if it causes one. */
    call(body) {
      collectNow();
      healthy();
      let result;
      try {
        result = body();
      } catch (error) {
        critical(error);
      }
      return result instanceof Promise ? result.catch(critical) : result;
    },
  };
}

const recoveries = new WeakMap();
function recoveryOf(wasm) {
  let found = recoveries.get(wasm);
  if (!found) {
    found = recovery(wasm);
    recoveries.set(wasm, found);
  }
  return found;
}

/**
 * The module worker (the default export). With the variable `REQUEST_LOG` set (the local
 * server sets it; deployments do not) it writes one line per request to the console:
 * method, path and query, status, milliseconds in the Worker.
 */
export function worker(wasm) {
  const { call } = recoveryOf(wasm);
  return {
    fetch(request, env, ctx) {
      if (!env.REQUEST_LOG) return call(() => wasm.fetch(request, env, ctx));
      const started = Date.now();
      return call(() => wasm.fetch(request, env, ctx)).then(
        (response) => {
          console.log(requestLine(request, response.status, Date.now() - started));
          return response;
        },
        (error) => {
          console.log(requestLine(request, "threw", Date.now() - started));
          throw error;
        },
      );
    },
  };
}

/** `GET /path?query 200 3ms`: the path as sent, query included, since filters are the point. */
export function requestLine(request, status, ms) {
  const url = request.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const target = start < 0 ? "/" : url.slice(start);
  return `${request.method} ${decodeLossy(target)} ${status} ${ms}ms`;
}

function decodeLossy(target) {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

/**
 * The Durable Object class `name` exported by the bindings, wrapped so that each object
 * makes its Rust half again after an instance restart and every handler (`fetch`, `alarm`,
 * ...) runs through the recovery check.
 */
export function durableObject(wasm, name) {
  const Inner = wasm[name];
  if (typeof Inner !== "function" || !Inner.prototype) {
    throw new Error(`the wasm bindings export no class ${name} (wrangler.toml names it)`);
  }
  const { state, call } = recoveryOf(wasm);
  const ctor = Symbol("constructor arguments");
  const inner = Symbol("the Rust object");
  const made = Symbol("instanceId it was made in");

  function current(object) {
    if (object[inner] === undefined || object[made] !== state.instanceId) {
      object[inner] = new Inner(...object[ctor]);
      object[made] = state.instanceId;
    }
    return object[inner];
  }

  const Outer = {
    [name]: class {
      constructor(...args) {
        this[ctor] = args;
        call(() => current(this));
      }
    },
  }[name];
  for (const method of Object.getOwnPropertyNames(Inner.prototype)) {
    // wasm-bindgen's own: the constructor, `free` and `__destroy_into_raw`.
    if (method === "constructor" || method === "free" || method.startsWith("__")) continue;
    if (typeof Inner.prototype[method] !== "function") continue;
    Outer.prototype[method] = function (...args) {
      return call(() => current(this)[method](...args));
    };
  }
  return Outer;
}
