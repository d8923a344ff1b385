// The hand-written declarations (types/*.d.ts) describe the real classes: every method they declare exists on the
// implementation, so a rename in the JavaScript that forgets the types fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { LockManager, BatonError } from "../../main/resources/baton/static/js/lock-manager.js";
import { AutosaveManager } from "../../main/resources/baton/static/js/autosave-manager.js";

function declaredMethods(file, className) {
  const text = readFileSync(new URL(`../../../types/${file}`, import.meta.url), "utf8");
  const start = text.indexOf(`export class ${className} `);
  assert.ok(start >= 0, `${file} declares class ${className}`);
  const body = text.slice(start, text.indexOf("\n}\n", start));
  const names = [...body.matchAll(/^ {2}([a-zA-Z]+)(?:<[^>]*>)?\(/gm)].map((m) => m[1]).filter((n) => n !== "constructor");
  return [...new Set(names)];
}

for (const [file, name, cls] of [["lock-manager.d.ts", "LockManager", LockManager], ["autosave-manager.d.ts", "AutosaveManager", AutosaveManager]]) {
  test(`${name}: every method in ${file} exists`, () => {
    const methods = declaredMethods(file, name);
    assert.ok(methods.length >= 8, `found the declared methods of ${name}: ${methods}`);
    for (const method of methods) assert.equal(typeof cls.prototype[method], "function", `${name}.${method} is declared but missing`);
  });
}

test("BatonError carries code, status and data as declared", () => {
  const e = new BatonError("LOCK_HELD", "held", 409, { holder: {} });
  assert.equal(e.name, "BatonError");
  assert.deepEqual([e.code, e.status, e.message], ["LOCK_HELD", 409, "held"]);
});
