// Wasm linear memory held by generated users in the browser build (`make web-build`):
// the figure behind the Worker's default MAX_RESOURCES_PER_SERVER, since a Durable Object
// runs the same engine in 128 MB.
//
// Run: node benches/wasm_memory.mjs [users]   (default 10000). One size per process: linear
// memory never shrinks, so a second size in the same process would reuse the first's.
import { readFileSync } from "node:fs";
import { initSync, Server } from "../www/pkg/scimlet.js";

const wasm = initSync({ module: readFileSync(new URL("../www/pkg/scimlet_bg.wasm", import.meta.url)) });
{
  const users = Number(process.argv[2]) || 10000;
  const before = wasm.memory.buffer.byteLength;
  const server = new Server("{}", new Uint8Array(8));
  const started = performance.now();
  const changes = server.populate(JSON.stringify({ users }), Date.now(), "http://127.0.0.1/scim/v2");
  const ms = performance.now() - started;
  const grown = wasm.memory.buffer.byteLength - before;
  const resources = changes.upserted.length;
  console.log(
    `${users} users (${resources} resources): linear memory +${(grown / 1e6).toFixed(1)} MB ` +
      `(${(grown / users / 1024).toFixed(1)} KB per user, peak including the change set), ` +
      `populate ${ms.toFixed(0)} ms`,
  );
  server.free();
}
