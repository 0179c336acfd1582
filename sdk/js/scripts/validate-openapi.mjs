// Validates docs/openapi.yaml: against the OpenAPI 3.1 schema and its $refs (@apidevtools/swagger-parser), then
// the rules a document of ours keeps: each operation has a unique operationId, a security requirement, an
// error answer for each 4xx it lists, and a Request-Id header on every answer.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2] ?? "../../docs/openapi.yaml";
const problems = [];
let api;
try {
  api = await SwaggerParser.validate(file);
} catch (error) {
  console.error(`${file}: ${error.message}`);
  process.exit(1);
}
if (api.openapi !== "3.1.0") problems.push(`openapi is ${api.openapi}, not 3.1.0`);

const ids = new Set();
for (const [path, item] of Object.entries(api.paths ?? {})) {
  for (const method of ["get", "put", "post", "delete", "patch"]) {
    const op = item[method];
    if (!op) continue;
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.operationId) problems.push(`${where}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} used twice`);
    ids.add(op.operationId);
    if (!Array.isArray(op.security)) problems.push(`${where}: no security requirement`);
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (!response.headers?.["Request-Id"]) problems.push(`${where} ${status}: no Request-Id header`);
      if (/^4/.test(status) && !response.content?.["application/json"]?.schema)
        problems.push(`${where} ${status}: no error body schema`);
    }
  }
}
for (const problem of problems) console.error(`${file}: ${problem}`);
if (problems.length) process.exit(1);
console.log(`${file}: valid OpenAPI ${api.openapi}, ${ids.size} operations`);
