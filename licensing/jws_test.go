package licensing

import (
	"encoding/base64"
	"testing"
)

func decodeSeg(t *testing.T, s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func encodeSeg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
