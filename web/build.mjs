// Builds the console into dist/: index.html and content-hashed assets under dist/assets/
// (esbuild bundles the TypeScript and the stylesheet; nothing is fetched at run time).
//   node build.mjs               type-check, then build dist/
//   node build.mjs --no-check    build without the type-check
//   node build.mjs --unit-tests  also bundle src/*_test.ts into dist-test/ for `node --test`
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const dist = join(here, "dist");
const args = new Set(process.argv.slice(2));

if (!args.has("--no-check")) {
  execFileSync(
    process.execPath,
    [join(here, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", here],
    {
      stdio: "inherit",
    },
  );
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: join(src, "main.ts"), styles: join(src, "styles.css") },
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  outdir: join(dist, "assets"),
  entryNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => /^app-.*\.js$/.test(f));
const styles = outputs.find((f) => /^styles-.*\.css$/.test(f));
if (!script || !styles)
  throw new Error(`esbuild produced no app script or stylesheet: ${outputs.join(", ")}`);

const favicon = readFileSync(join(src, "favicon.svg"));
const faviconName = `favicon-${createHash("sha256").update(favicon).digest("hex").slice(0, 8)}.svg`;
copyFileSync(join(src, "favicon.svg"), join(dist, "assets", faviconName));

const html = readFileSync(join(src, "index.html"), "utf8")
  .replace("%SCRIPT%", script)
  .replace("%STYLES%", styles)
  .replace("%FAVICON%", faviconName);
writeFileSync(join(dist, "index.html"), html);
console.log(`console built: dist/index.html, dist/assets/{${script}, ${styles}, ${faviconName}}`);

if (args.has("--unit-tests")) {
  const testDir = join(here, "dist-test");
  rmSync(testDir, { recursive: true, force: true });
  const tests = readdirSync(src).filter((f) => f.endsWith("_test.ts"));
  await esbuild.build({
    entryPoints: tests.map((f) => join(src, f)),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir: testDir,
    outExtension: { ".js": ".test.mjs" },
    logLevel: "warning",
  });
  console.log(`unit tests bundled: ${tests.length} files in dist-test/`);
}
