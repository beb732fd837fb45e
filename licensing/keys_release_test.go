//go:build releasecheck

package licensing

import "testing"

// TestReleaseHasBuiltinKeys guards `make release`: a release build trusts
// only the compiled-in keys, so without the production key every paying user
// would be on the Free plan. Run with -tags releasecheck.
func TestReleaseHasBuiltinKeys(t *testing.T) {
	if learnLocalKeys {
		t.Fatal("release check built with the localstack tag: a release must not learn keys from a server")
	}
	keys, err := BuiltinKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no production entitlement key is compiled in (licensing/keys.go builtinKeys is empty): " +
			"a release would put every paying user on the Free plan. Add the production public key first (docs/licensing.md).")
	}
}
