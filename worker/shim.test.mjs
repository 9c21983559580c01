// Unit tests of worker/shim.mjs against a fake of the wasm-bindgen module: what the Worker
// and its Durable Objects do after a trap. Run: node --test worker/ (make test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { durableObject, requestLine, worker } from "./shim.mjs";

/**
 * A stand-in for the bindings: an instance number that a reset bumps, Rust objects that
 * refuse to run in an instance other than their own (a stale pointer), wasm-bindgen's
 * guard (a reset scheduled by its abort handler happens on the next guarded call), and the
 * `worker` crate's state object (`instanceId` bumped by every start, `criticalError` set
 * by its panic hook).
 */
function fakeWasm() {
  const state = { criticalError: false, instanceId: 1 };
  const fake = { instance: 1, scheduled: false, resets: 0, made: [] };
  const start = () => {
    fake.instance += 1;
    state.instanceId += 1;
    fake.resets += 1;
  };
  const guard = () => {
    if (fake.scheduled) {
      fake.scheduled = false;
      start();
    }
  };
  const behave = (what, instance) => {
    switch (what) {
      case "trap":
        throw new WebAssembly.RuntimeError("unreachable");
      case "async trap":
        return Promise.reject(new WebAssembly.RuntimeError("unreachable"));
      case "panic": // the hook marks the state, then the abort traps
        state.criticalError = true;
        throw new WebAssembly.RuntimeError("unreachable");
      case "hidden trap": // trapped inside a callback: only wasm-bindgen saw it
        fake.scheduled = true;
        return Promise.resolve(`answered by instance ${instance}`);
      case "js error":
        throw new TypeError("a JavaScript exception raised on purpose");
      default:
        return Promise.resolve(`answered by instance ${instance}`);
    }
  };
  class ScimServer {
    constructor(ctx, env) {
      guard();
      this.instance = fake.instance;
      this.args = [ctx, env];
      fake.made.push(this);
    }
    fetch(what) {
      guard();
      if (this.instance !== fake.instance) throw new Error("stale pointer used");
      return behave(what, this.instance);
    }
    alarm() {
      guard();
      return Promise.resolve(`alarm in instance ${this.instance}`);
    }
    free() {}
    __destroy_into_raw() {}
  }
  const wasm = {
    ScimServer,
    __worker_init_state() {
      guard();
      return state;
    },
    __wbg_reset_state: start,
    fetch(what) {
      guard();
      return behave(what, fake.instance);
    },
  };
  return { wasm, fake, state };
}

const settle = (thunk) => new Promise((ok) => ok(thunk())).then((v) => ["ok", v], (e) => ["error", e.constructor.name]);

test("a Durable Object survives every kind of failure", async () => {
  // Each row: the requests in order, then what each one settles to, and how many
  // instance restarts and Rust objects there are at the end.
  const table = [
    [["ok", "ok"], [["ok", "answered by instance 1"], ["ok", "answered by instance 1"]], 0, 1],
    [["trap", "ok"], [["error", "RuntimeError"], ["ok", "answered by instance 2"]], 1, 2],
    [["async trap", "ok"], [["error", "RuntimeError"], ["ok", "answered by instance 2"]], 1, 2],
    [["panic", "ok", "ok"], [["error", "RuntimeError"], ["ok", "answered by instance 2"], ["ok", "answered by instance 2"]], 1, 2],
    [["hidden trap", "ok"], [["ok", "answered by instance 1"], ["ok", "answered by instance 2"]], 1, 2],
    [["js error", "ok"], [["error", "TypeError"], ["ok", "answered by instance 1"]], 0, 1],
    [["trap", "trap", "ok"], [["error", "RuntimeError"], ["error", "RuntimeError"], ["ok", "answered by instance 3"]], 2, 3],
  ];
  for (const [requests, expected, resets, made] of table) {
    const { wasm, fake } = fakeWasm();
    const Server = durableObject(wasm, "ScimServer");
    const object = new Server("ctx", "env");
    const got = [];
    for (const what of requests) got.push(await settle(() => object.fetch(what)));
    assert.deepEqual(got, expected, `${requests}`);
    assert.equal(fake.resets, resets, `restarts after ${requests}`);
    assert.equal(fake.made.length, made, `objects made after ${requests}`);
    // Every rebuilt object got the runtime's original arguments.
    for (const inner of fake.made) assert.deepEqual(inner.args, ["ctx", "env"]);
  }
});

test("the Worker's own fetch restarts a trapped instance, and objects follow", async () => {
  const { wasm, fake } = fakeWasm();
  const entry = worker(wasm);
  const Server = durableObject(wasm, "ScimServer");
  const object = new Server("ctx", "env");
  assert.deepEqual(await settle(() => entry.fetch("trap", {}, {})), ["error", "RuntimeError"]);
  assert.deepEqual(await settle(() => entry.fetch("ok", {}, {})), ["ok", "answered by instance 2"]);
  assert.deepEqual(await settle(() => object.fetch("ok")), ["ok", "answered by instance 2"]);
  assert.equal(fake.resets, 1);
});

test("only the bindings' own methods are forwarded", () => {
  const { wasm } = fakeWasm();
  const Server = durableObject(wasm, "ScimServer");
  assert.equal(Server.name, "ScimServer");
  const table = [["fetch", true], ["alarm", true], ["free", false], ["__destroy_into_raw", false], ["constructor", true]];
  for (const [name, present] of table) {
    assert.equal(Object.hasOwn(Server.prototype, name), present, name);
  }
});

test("a class wrangler.toml names but the wasm lacks is a build error", () => {
  const { wasm } = fakeWasm();
  for (const name of ["CreateLimiter", "fetch", "__worker_init_state"]) {
    assert.throws(() => durableObject(wasm, name), /export no class/, name);
  }
});

test("one readable line per request, only when REQUEST_LOG is set", async () => {
  const table = [
    [{ REQUEST_LOG: "1" }, ["GET /healthz 200"]],
    [{}, []],
  ];
  for (const [env, expected] of table) {
    const lines = [];
    const original = console.log;
    console.log = (line) => lines.push(line.replace(/ \d+ms$/, ""));
    try {
      const entry = worker({
        __worker_init_state: () => ({ criticalError: false, instanceId: 1 }),
        fetch: async () => ({ status: 200 }),
      });
      await entry.fetch({ method: "GET", url: "http://127.0.0.1:8787/healthz" }, env, {});
    } finally {
      console.log = original;
    }
    assert.deepEqual(lines, expected, JSON.stringify(env));
  }
});

test("request lines show the path and the decoded query", () => {
  const table = [
    ["http://127.0.0.1:8787/healthz", "GET /healthz 200 3ms"],
    ["http://127.0.0.1:8787/scim/v2/Users?filter=userName%20eq%20%22a%22", 'GET /scim/v2/Users?filter=userName eq "a" 200 3ms'],
    ["http://127.0.0.1:8787/bad%zzescape", "GET /bad%zzescape 200 3ms"],
    ["http://127.0.0.1:8787", "GET / 200 3ms"],
  ];
  for (const [url, expected] of table) {
    assert.equal(requestLine({ method: "GET", url }, 200, 3), expected);
  }
});

test("with V8's gc exposed, a full collection every 1,000 calls into wasm; without, none", async () => {
  const entry = worker({
    __worker_init_state: () => ({ criticalError: false, instanceId: 1 }),
    fetch: async () => ({ status: 200 }),
  });
  const request = { method: "GET", url: "http://127.0.0.1:8787/healthz" };
  for (let i = 0; i < 500; i++) await entry.fetch(request, {}, {}); // before gc exists
  let collections = 0;
  globalThis.gc = () => collections++;
  try {
    for (let i = 0; i < 2500; i++) await entry.fetch(request, {}, {});
  } finally {
    delete globalThis.gc;
  }
  // Counted only while gc exists: calls 1,000 and 2,000 of those 2,500.
  assert.equal(collections, 2);
});
