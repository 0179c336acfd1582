// What the transport puts on the wire and how it reads an answer, against a stand-in that logs each request:
// query values are percent-encoded (a space is %20, a plus %2B), dates are ISO 8601 UTC, and a 2xx answer that
// is not JSON is a MeterlineError with code invalid_response, not a bare SyntaxError.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import Meterline, { MeterlineError } from "../dist/index.js";
import { json, startStandIn } from "./support/stand-in.mjs";

const stops = [];
after(async () => {
  for (const stop of stops) await stop();
});

async function standIn(handle) {
  const s = await startStandIn(handle);
  stops.push(() => s.stop());
  return { s, client: new Meterline({ apiKey: "ml_test", baseUrl: `${s.baseUrl}/`, maxRetries: 0 }) };
}

test("query values are percent-encoded, a space as %20 and a plus as %2B, and dates as ISO 8601 UTC", async () => {
  const { s, client } = await standIn((_request, res) => json(res, 200, { data: [], totals: [] }));

  await client.usage.summary({ customerId: "acme corp+1", from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-01T10:30:00.250Z") });
  assert.equal(s.requests[0].path, "/v1/usage/summary?customerId=acme%20corp%2B1&from=2026-12-01T00%3A00%3A00Z&to=2026-12-01T10%3A30%3A00.250Z");

  // A date passed straight through a list's query, & and = inside a value, and undefined and null left out.
  await client.events.page({ customerId: "a&b=c", from: new Date("2026-11-30T23:59:59Z"), to: undefined, eventType: null, limit: 5 });
  assert.equal(s.requests[1].path, "/v1/events?customerId=a%26b%3Dc&from=2026-11-30T23%3A59%3A59Z&limit=5");

  // Dimension filters, on events and on a meter's usage, as filter.<dimension>=<value>.
  await client.events.page({ filter: { provider: "open ai", model: "gpt-4o" } });
  assert.equal(s.requests[2].path, "/v1/events?filter.provider=open%20ai&filter.model=gpt-4o");
  await client.meters.get({ meterId: "tokens", period: "current_month", filters: { provider: "openai" } });
  assert.equal(s.requests[3].path, "/v1/meters/tokens/usage?period=current_month&filter.provider=openai");
});

test("a 2xx answer whose body is not JSON is a MeterlineError invalid_response with the request id", async () => {
  const { client } = await standIn((_request, res) => {
    res.writeHead(200, { "Content-Type": "text/html", "Request-Id": "req_proxy" });
    res.end("<html><body>Welcome to the captive portal</body></html>");
  });

  await assert.rejects(client.customers.retrieve("acme"), (error) => {
    assert.ok(error instanceof MeterlineError, `not a MeterlineError: ${error}`);
    assert.equal(error.code, "invalid_response");
    assert.equal(error.status, 200);
    assert.equal(error.requestId, "req_proxy");
    assert.match(error.message, /not JSON: <html>/);
    return true;
  });
});

test("a 204 answer is undefined and a CSV export is its text as sent", async () => {
  const csv = "customer_id,amount\r\nacme,12.50\r\n";
  const { client } = await standIn((request, res) => {
    if (request.method === "DELETE") {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/csv" });
    res.end(csv);
  });

  assert.equal(await client.customers.delete("acme"), undefined);
  assert.equal(await client.exports.invoicesCsv({ period: "previous_month" }), csv);
});
