//go:build !e2e

package main

// newAccount picks the account service of the app. Until the licensing
// service is wired here, everyone is on the signed-out free plan.
func newAccount() Account { return newLocalAccount("") }
