#!/usr/bin/env node
// The `skiff` command. The TypeScript sources compile to dist/; `npm run build` (or `npm start`) builds them.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error("skiff is not built yet: run `npm run build` (or `npm start`) in the skiff checkout first.");
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
