package payments

import (
	"cloud.google.com/go/firestore"

	"imageconverter/functions/internal/store"
)

// txOpts is passed to every RunTransaction of the payment routes (checkout,
// confirm, billing issue, subscription changes, renewals, webhooks): many
// replays of one request queue on the same documents, and the Firestore
// emulator times out their locks, so the client's default of 5 attempts gives
// up (503) long before the queue drains. The account routes use the same bound.
var txOpts = []firestore.TransactionOption{firestore.MaxAttempts(store.TxMaxAttempts)}
