package licensing

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"

	"imageconverter/functions/entitlement"
)

// builtinKeys are the production entitlement verification keys, by kid, as
// base64url Ed25519 public keys. They are compiled into the app so a
// forged server or a tampered state file cannot add trust. To rotate: add
// the new key here and ship the app before the server starts signing with it;
// remove the old one only after every supported version knows the new one.
//
// The production key is generated into Secret Manager at deploy time
// (docs/licensing.md); its public half belongs here. Until then, a build
// pointed at a non-local API trusts no key and every user is on the free plan.
var builtinKeys = map[string]string{}

// BuiltinKeys returns the compiled-in trusted keys.
func BuiltinKeys() ([]entitlement.PublicKey, error) {
	var out []entitlement.PublicKey
	for kid, x := range builtinKeys {
		b, err := base64.RawURLEncoding.DecodeString(x)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("licensing: built-in key %q is not a base64url Ed25519 public key", kid)
		}
		out = append(out, entitlement.PublicKey{KeyID: kid, Key: b})
	}
	return out, nil
}
