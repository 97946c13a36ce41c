// Builds sendreform/web/static/govuk/ from the govuk-frontend npm package: application.css (our Sass with Arial
// and no crown), the GOV.UK Frontend JS module with its source map, and our own favicon. No fonts and no crown
// images are copied, because they may only be used by services on gov.uk.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(here, "..", "sendreform", "web", "static", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets", "images"), { recursive: true });

const css = sass.compile(join(here, "scss", "application.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(here)],
  quietDeps: true,
});
writeFileSync(join(out, "application.css"), css.css);

for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copyFileSync(join(govuk, name), join(out, name));
}
copyFileSync(join(here, "assets", "favicon.svg"), join(out, "assets", "images", "favicon.svg"));

console.log(`Built GOV.UK Frontend assets in ${out}`);
