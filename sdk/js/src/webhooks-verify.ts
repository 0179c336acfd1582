// Standard Webhooks verification (https://www.standardwebhooks.com, SPEC §5): the signature is
// base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")) with key the base64-decoded part of the
// endpoint's secret "whsec_<base64>"; the header may hold several space-separated "v1,<signature>" entries
// (a secret being rotated), any one of which may match. Compared in constant time.

import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookVerificationError } from "./errors.js";

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far webhook-timestamp may be from now, in seconds (default 300, as Standard Webhooks advises). */
  toleranceSeconds?: number;
  /** The time to verify at, in ms since the epoch (default: now). */
  now?: number;
}

/** The delivery's payload when body, headers and secret verify; throws WebhookVerificationError otherwise. */
export function verifyWebhook<T = { type: string; timestamp: string; data: Record<string, unknown> }>(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): T {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header");

  const sentAt = Number(timestamp);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = (options.now ?? Date.now()) / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - sentAt) > tolerance)
    throw new WebhookVerificationError(`webhook-timestamp ${timestamp} is more than ${tolerance} s from now`);

  // The server signs the body's bytes: bytes given are signed as they are, not through a UTF-8 round trip.
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const expected = createHmac("sha256", secretKey(secret)).update(`${id}.${timestamp}.`).update(bytes).digest();
  const matches = signatures
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .some((entry) => {
      const given = Buffer.from(entry.slice(3), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  if (!matches) throw new WebhookVerificationError("no webhook-signature matches the body and the secret");
  return JSON.parse(bytes.toString("utf8")) as T;
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new WebhookVerificationError("the secret is not of the form whsec_<base64>");
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>))
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(" ") : value;
  return undefined;
}
