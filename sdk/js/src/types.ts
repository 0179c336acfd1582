// The SDK's request and answer types, taken from docs/openapi.yaml (src/generated/openapi.ts is made from it by
// `npm run generate`, the first step of the build), so that tsc fails when the SDK and the document disagree.

import type { components, operations } from "./generated/openapi.js";

type Schemas = components["schemas"];
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Success<R> = R extends { 200: infer A } ? JsonOf<A> : R extends { 201: infer A } ? JsonOf<A> : never;

/** The JSON answer of an operation of the document (its 200 or 201). */
export type AnswerOf<K extends keyof operations> = Success<operations[K]["responses"]>;
/** The JSON request body of an operation of the document. */
export type BodyOf<K extends keyof operations> = JsonOf<NonNullable<operations[K]["requestBody"]>>;
/** The query parameters of an operation of the document. */
export type QueryOf<K extends keyof operations> = NonNullable<operations[K]["parameters"]["query"]>;

/** A query whose from and to may also be Dates: the SDK writes a Date as ISO 8601 UTC. */
type Dated<Q> = Omit<Q, "from" | "to"> & { from?: string | Date; to?: string | Date };

export type CheckRequest = BodyOf<"checkLimits">;
export type CheckResult = AnswerOf<"checkLimits">;
export type RecordEventRequest = BodyOf<"recordEvent">;
export type RecordedEvent = AnswerOf<"recordEvent">;
export type RecordBatchRequest = BodyOf<"recordEventBatch">;
export type BatchResult = AnswerOf<"recordEventBatch">;
export type Event = Schemas["Event"];
export type EventsPage = AnswerOf<"listEvents">;
export type ListEventsQuery = Dated<Omit<QueryOf<"listEvents">, "cursor">>;
export type Reservation = AnswerOf<"getReservation">;
export type MeterUsage = AnswerOf<"getMeterUsage">;
export type UsageSummary = AnswerOf<"getUsageSummary">;
export type UsageSummaryQuery = Dated<QueryOf<"getUsageSummary">>;
export type InvoicesCsvQuery = Dated<QueryOf<"exportInvoicesCsv">>;
export type UsageCsvQuery = Dated<QueryOf<"exportUsageCsv">>;
export type Customer = Schemas["Customer"];
export type CreateCustomerRequest = BodyOf<"createCustomer">;
export type UpdateCustomerRequest = BodyOf<"updateCustomer">;
export type Plan = Schemas["Plan"];
export type CreatePlanRequest = BodyOf<"createPlan">;
export type UpdatePlanRequest = BodyOf<"replacePlan">;
export type Meter = Schemas["Meter"];
export type CreateMeterRequest = BodyOf<"createMeter">;
export type UpdateMeterRequest = BodyOf<"replaceMeter">;
export type Limit = Schemas["Limit"];
export type CreateLimitRequest = BodyOf<"createLimit">;
export type UpdateLimitRequest = BodyOf<"replaceLimit">;
export type Balance = AnswerOf<"getBalance">;
export type BalancesPage = AnswerOf<"listBalances">;
export type CreditRequest = BodyOf<"creditBalance">;
export type DebitRequest = BodyOf<"debitBalance">;
export type Transaction = Schemas["Transaction"];
export type TransactionsPage = AnswerOf<"listTransactions">;
export type Webhook = Schemas["Webhook"];
export type CreateWebhookRequest = BodyOf<"createWebhook">;
export type CreatedWebhook = AnswerOf<"createWebhook">;
export type DeliveriesPage = AnswerOf<"listWebhookDeliveries">;
export type DeliveriesQuery = QueryOf<"listWebhookDeliveries">;
export type ApiKey = Schemas["ApiKey"];
export type CreateApiKeyRequest = BodyOf<"createApiKey">;
export type CreatedApiKey = AnswerOf<"createApiKey">;
export type ChangesPage = AnswerOf<"listChanges">;
export type ErrorBody = Schemas["Error"];
