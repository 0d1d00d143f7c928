// Builds dist/session-view.html: src/main.js and what it imports (ext-apps' App and its dependencies)
// bundled by esbuild into one script, inlined with src/styles.css into src/index.html. The output is the
// same byte for byte for the same sources and packages: tests/mcp_gateway/test_session_view_build.py
// rebuilds it and fails when the committed file no longer matches.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// `node build.mjs` builds the view; `node build.mjs --test-host OUT` builds the end-to-end tests' host page.
const testHost = process.argv[2] === "--test-host";
const output = testHost ? process.argv[3] : (process.argv[2] ?? join(here, "dist", "session-view.html"));
const source = testHost ? join(here, "test-host") : join(here, "src");

// zod (which the SDK validates messages with) carries its error messages in forty languages; the view
// shows none of them, so only English is bundled (about 250 KB less).
const zodInEnglishOnly = {
  name: "zod-in-english-only",
  setup(build) {
    build.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

const bundle = await esbuild.build({
  entryPoints: [join(source, testHost ? "host.js" : "main.js")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  write: false,
  plugins: [zodInEnglishOnly],
});
const script = bundle.outputFiles[0].text.replaceAll("</script", "<\\/script");
const css = testHost ? "" : (await esbuild.transform(readFileSync(join(source, "styles.css"), "utf8"), { loader: "css", minify: true })).code;
const page = readFileSync(join(source, testHost ? "host.html" : "index.html"), "utf8")
  .replace("/*STYLES*/", () => css.trim())
  .replace("/*SCRIPT*/", () => script.trim());
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, page);
console.log(`${output}: ${(Buffer.byteLength(page) / 1024).toFixed(1)} KB`);
