#!/usr/bin/env bash
# npm pack makes the package a customer installs; a consumer project with only that tarball (and TypeScript)
# must type-check a file that imports it: the `types` of package.json resolve and name the public types.
set -euo pipefail
sdk=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$sdk" && npm pack --silent --pack-destination "$work" | tail -1)
tar -tzf "$work/$tarball" | sort >"$work/contents"
for f in package/package.json package/README.md package/dist/index.js package/dist/index.d.ts; do
    grep -qx "$f" "$work/contents" || { echo "pack-test: $f is not in $tarball" >&2; exit 1; }
done
if grep -E '^package/(src|test|node_modules)/' "$work/contents"; then
    echo "pack-test: the package holds sources or tests" >&2
    exit 1
fi
mkdir -p "$work/consumer/node_modules"
tar -xzf "$work/$tarball" -C "$work/consumer/node_modules"
mv "$work/consumer/node_modules/package" "$work/consumer/node_modules/meterline"
ln -s "$sdk/node_modules/@types" "$work/consumer/node_modules/@types"
cat >"$work/consumer/package.json" <<'JSON'
{ "name": "consumer", "version": "1.0.0", "type": "module", "private": true }
JSON
cat >"$work/consumer/consumer.ts" <<'TS'
import Meterline, { MeterlineError, type CheckResult, type MeterUsage, type RecordedEvent } from "meterline";

const client = new Meterline({ apiKey: "mlk_x", baseUrl: "http://127.0.0.1:8787", maxRetries: 1 });
export async function use(): Promise<[boolean, number, boolean]> {
  const check: CheckResult = await client.limits.check({ customerId: "c", meterId: "m" });
  const recorded: RecordedEvent = await client.events.record({ customerId: "c", eventType: "llm.completion", value: 3 });
  const usage: MeterUsage = await client.meters.get({ customerId: "c", meterId: "m", period: "current_month" });
  return [check.allowed, usage.value, recorded.duplicate];
}
export function codeOf(error: unknown): string | undefined {
  return error instanceof MeterlineError ? `${error.status} ${error.code} ${error.requestId}` : undefined;
}
// @ts-expect-error: the period is one of the API's names
client.meters.get({ meterId: "m", period: "this_month" });
// Ranges take Dates or ISO strings; lists take their dimension filters and page sizes.
export async function ranges(from: Date, to: Date): Promise<number> {
  const summary = await client.usage.summary({ from, to, customerId: "c", limit: 100 });
  const csv = await client.exports.usageCsv({ from, to: "2026-12-01T00:00:00Z" }) + (await client.exports.invoicesCsv({ period: "previous_month" }));
  let balances = 0;
  for await (const balance of client.balances.list({ limit: 50 })) balances += balance.customerId.length;
  for await (const event of client.events.list({ from, filter: { provider: "openai" } })) balances += event.value;
  return summary.data.length + csv.length + balances;
}
// @ts-expect-error: the summary's period is one of the API's names too
client.usage.summary({ period: "this_month" });
TS
cat >"$work/consumer/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
  "noEmit": true, "types": ["node"] }, "files": ["consumer.ts"] }
JSON
(cd "$work/consumer" && "$sdk/node_modules/.bin/tsc" -p tsconfig.json)
echo "pack-test: $tarball ($(wc -l <"$work/contents") files) type-checks in a consumer project"
