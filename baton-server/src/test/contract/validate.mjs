// Validates Baton's contract documents with each specification's maintained validator:
//   node validate.mjs <openapi.json> <asyncapi.json>
// Prints one JSON line per finding ({doc, severity, message, path}) and exits 1 when any is an error.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const [openApiFile, asyncApiFile] = process.argv.slice(2);
let errors = 0;
const report = (finding) => {
  if (finding.severity === "error") errors += 1;
  console.log(JSON.stringify(finding));
};

const openApi = JSON.parse(await readFile(openApiFile, "utf8"));
const validator = new Validator();
const result = await validator.validate(openApi);
if (!result.valid) {
  // The validator answers a list of schema errors, or one string when the document cannot be read (an unresolved $ref).
  const errors = typeof result.errors === "string" ? [{ message: result.errors }] : result.errors;
  for (const e of errors) report({ doc: "openapi", severity: "error", message: e.message || e.error || JSON.stringify(e), path: e.instancePath || e.instanceLocation });
}
console.log(JSON.stringify({ doc: "openapi", checked: validator.version }));

const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(asyncApiFile, "utf8"));
for (const d of diagnostics) {
  const severity = { [DiagnosticSeverity.Error]: "error", [DiagnosticSeverity.Warning]: "warning" }[d.severity] || "info";
  report({ doc: "asyncapi", severity, message: d.message, path: (d.path || []).join("/"), rule: d.code });
}
console.log(JSON.stringify({ doc: "asyncapi", checked: document ? document.version() : null }));
process.exit(errors === 0 && document ? 0 : 1);
