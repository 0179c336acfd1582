// Validates real answers against docs/openapi.yaml: finds the operation of each request by method and path
// template, takes the answer schema the document gives for the status, and validates the body with Ajv (JSON
// Schema 2020-12, the dialect of OpenAPI 3.1). An answer whose status the document does not list fails too.
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { fileURLToPath } from "node:url";

const documentPath = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url));

export async function loadContract() {
  const api = await SwaggerParser.dereference(documentPath);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const operations = [];
  for (const [template, item] of Object.entries(api.paths)) {
    const pattern = new RegExp("^" + template.replace(/\{[^}]+\}/g, "[^/]+") + "$");
    for (const method of ["get", "post", "put", "patch", "delete"])
      if (item[method]) operations.push({ method: method.toUpperCase(), template, pattern, op: item[method] });
  }
  const validators = new Map();
  const validatorOf = (key, schema) => {
    if (!validators.has(key)) validators.set(key, ajv.compile(schema));
    return validators.get(key);
  };

  /** The problems of one exchange: [] when the answer is what the document says. */
  function check({ method, url, status, contentType, requestId, body }) {
    const path = new URL(url).pathname;
    const where = `${method} ${path} → ${status}`;
    const found = operations.find((o) => o.method === method && o.pattern.test(path));
    if (!found) return [`${where}: no operation in the document`];
    const response = found.op.responses[String(status)] ?? found.op.responses.default;
    if (!response) return [`${where}: status not listed for ${found.op.operationId}`];
    const problems = [];
    if (!requestId) problems.push(`${where}: no Request-Id header`);
    const media = Object.keys(response.content ?? {});
    if (status === 204 || media.length === 0) return problems;
    // A media key of the document may name parameters (charset, version): each must be in the answer's header.
    const parametersOf = (text) => text.toLowerCase().split(";").slice(1).map((p) => p.trim()).filter(Boolean);
    const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
    const sent = parametersOf(contentType ?? "");
    const key = media.find((m) => m.split(";")[0].trim().toLowerCase() === type && parametersOf(m).every((p) => sent.includes(p)));
    if (!key) return [...problems, `${where}: content type ${contentType}, the document says ${media.join(", ")}`];
    if (type !== "application/json") return problems;
    const validate = validatorOf(`${found.op.operationId} ${status}`, response.content[key].schema);
    if (!validate(JSON.parse(body)))
      problems.push(`${where} (${found.op.operationId}): ${ajv.errorsText(validate.errors)}\n  body: ${body.slice(0, 400)}`);
    return problems;
  }

  /** A fetch that records every exchange; pass it to the SDK (and use it for raw calls). */
  const exchanges = [];
  async function recordingFetch(input, init = {}) {
    const response = await fetch(input, init);
    const body = await response.clone().text();
    exchanges.push({
      method: (init.method ?? "GET").toUpperCase(),
      url: String(input),
      status: response.status,
      contentType: response.headers.get("content-type"),
      requestId: response.headers.get("request-id"),
      body,
    });
    return response;
  }
  return { api, check, exchanges, fetch: recordingFetch, operations };
}
