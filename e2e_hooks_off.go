//go:build !e2e

package main

// testHooks binds nothing in the shipped app (see e2e_hooks.go).
func testHooks(*App) []any { return nil }
