// Builds cohort/static/dist: the compiled stylesheet, GOV.UK Frontend's script and its images,
// and the accessible autocomplete that long lists of choices are typed into.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "cohort", "static", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const autocomplete = join(root, "node_modules", "accessible-autocomplete", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "cohort.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
// The autocomplete's own styles go into the one stylesheet: a page loads no second one.
const autocompleteCss = readFileSync(join(autocomplete, "accessible-autocomplete.min.css"), "utf8")
  .replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
writeFileSync(join(out, "cohort.css"), `${result.css}\n${autocompleteCss}\n`);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(root, "assets", "cohort.mjs"), join(out, "cohort.mjs"));
// Without its source map comment: nothing is served for it.
writeFileSync(join(out, "accessible-autocomplete.min.js"),
  readFileSync(join(autocomplete, "accessible-autocomplete.min.js"), "utf8")
    .replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, "\n"));
cpSync(join(govuk, "assets", "images"), join(out, "assets", "images"), { recursive: true });
console.log(`built ${out}`);
