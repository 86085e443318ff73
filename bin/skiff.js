#!/usr/bin/env -S node --max-semi-space-size=8
// The `skiff` command. The TypeScript sources compile to dist/; `npm run build` (or `npm start`) builds them.
//
// The Node flags on the first line are part of the command (run it as `./bin/skiff.js`, or as `skiff` once
// installed; test/harness/skiff.ts reads them from here): V8's young generation can only be sized on the command
// line. Its default (16 MiB semi-spaces, 32 MiB in all) is touched through during a burst of writes and stays
// resident; 8 MiB semi-spaces cut the API server's memory per stored pod by ~1.5 KB (bench:api) at no
// measurable cost in creates/s.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error("skiff is not built yet: run `npm run build` (or `npm start`) in the skiff checkout first.");
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
