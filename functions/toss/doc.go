// Package toss is a small client for the Toss Payments core API (v1): payment
// confirm, payment lookup, cancel, billing-key issue and billing charge.
//
// Shapes follow docs.tosspayments.com:
//   - authentication: reference/using-api/authorization — HTTP Basic with the
//     secret key as user name and an empty password, base64(secretKey + ":").
//   - idempotency: reference/using-api/idempotency-key — an Idempotency-Key
//     header (at most 300 characters, valid 15 days). Toss keys idempotency on
//     the combination of key, API key, URL and method, NOT on the body, so a key
//     must name one operation (e.g. "confirm:<orderId>"), never be reused for
//     another order.
//   - objects: reference — the Payment object, the Billing object, Cancel.
//   - errors: reference/error-codes — {"code","message"} with an HTTP status.
//   - webhooks: guides/webhook — {"eventType","createdAt","data"} where data is
//     a Payment object for PAYMENT_STATUS_CHANGED. Webhooks are unsigned.
//
// The package imports nothing from Firebase; functions/toss/faketoss is a
// local server with the same paths and shapes for tests and the local stack.
package toss
