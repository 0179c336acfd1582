export { Meterline, Meterline as default, type MeterlineOptions } from "./client.js";
export { MeterlineError, MeterlineConnectionError, WebhookVerificationError } from "./errors.js";
export { verifyWebhook, type VerifyOptions, type WebhookHeaders } from "./webhooks-verify.js";
export type { MeterUsageRequest } from "./resources.js";
export type * from "./types.js";
