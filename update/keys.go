package update

// releaseKeys are the release manifest keys the app trusts, "kid:base64url".
// The private halves stay with the maintainers (docs/release.md, "Keys");
// cmd/releasetool keygen prints the line to add here. To rotate: add the new
// key, ship, then sign with it; drop the old one once no supported version
// needs it.
var releaseKeys = []string{}

// TrustedKeys are the compiled-in keys, plus in builds for the local stack
// the keys of IC_UPDATE_KEYS (trust_localstack.go).
func TrustedKeys() []PublicKey {
	var out []PublicKey
	for _, s := range append(append([]string(nil), releaseKeys...), extraKeys()...) {
		if k, err := ParsePublicKey(s); err == nil {
			out = append(out, k)
		}
	}
	return out
}
