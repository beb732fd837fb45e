package toss

import (
	"fmt"
	"strings"
)

// Toss API keys (docs.tosspayments.com/reference/using-api/api-keys) say what
// they are in their prefix: test_ or live_, then ck (client) / sk (secret) of
// the API 개별 연동 키 — what the payment window (payment()), billing-key
// auth and the core API need — or gck / gsk of the 결제위젯 연동 키, which
// only the payment widget accepts (the SDK's payment() refuses a gck key).

// Key kinds.
const (
	KindClient       = "ck"
	KindSecret       = "sk"
	KindWidgetClient = "gck"
	KindWidgetSecret = "gsk"
)

// ParseKey splits a key into its mode ("test" or "live") and kind (Kind*);
// ok is false when the key has neither shape.
func ParseKey(key string) (mode, kind string, ok bool) {
	mode, rest, found := strings.Cut(key, "_")
	if !found || (mode != "test" && mode != "live") {
		return "", "", false
	}
	kind, tail, found := strings.Cut(rest, "_")
	if !found || tail == "" {
		return "", "", false
	}
	switch kind {
	case KindClient, KindSecret, KindWidgetClient, KindWidgetSecret:
		return mode, kind, true
	}
	return "", "", false
}

// KeyPair is the client and secret key of one MID, named for messages
// (e.g. "TOSS_CLIENT_KEY"/"TOSS_SECRET_KEY").
type KeyPair struct {
	ClientName, Client string
	SecretName, Secret string
}

// CheckKeys returns one sentence per problem of the key pairs: a key that is
// not a Toss key, a widget key (gck/gsk) where the API key is needed, a
// client key in the secret's place or the other way round, and test_ and
// live_ keys mixed (one set of keys must all be test or all be live, or the
// payment window and the API would talk to different worlds). Empty keys
// are left to the caller.
func CheckKeys(pairs ...KeyPair) []string {
	var problems []string
	modes := map[string][]string{}
	check := func(name, key, want string) {
		if key == "" {
			return
		}
		mode, kind, ok := ParseKey(key)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s is not a Toss key (want test_%s_… or live_%s_…)", name, want, want))
			return
		case kind == KindWidgetClient || kind == KindWidgetSecret:
			problems = append(problems, fmt.Sprintf("%s is a 결제위젯 (payment widget) key (%s_%s_…); the payment window, billing keys and the API need the API 개별 연동 키 of the MID (%s_%s_…)", name, mode, kind, mode, want))
		case kind != want:
			problems = append(problems, fmt.Sprintf("%s is a %s key (%s_%s_…); it needs the %s key (%s_%s_…)", name, kindName(kind), mode, kind, kindName(want), mode, want))
		}
		modes[mode] = append(modes[mode], name)
	}
	for _, p := range pairs {
		check(p.ClientName, p.Client, KindClient)
		check(p.SecretName, p.Secret, KindSecret)
	}
	if len(modes["test"]) > 0 && len(modes["live"]) > 0 {
		problems = append(problems, fmt.Sprintf("test and live Toss keys are mixed: test: %s; live: %s (all keys must be test_ or all live_)",
			strings.Join(modes["test"], ", "), strings.Join(modes["live"], ", ")))
	}
	return problems
}

func kindName(kind string) string {
	if kind == KindClient || kind == KindWidgetClient {
		return "client"
	}
	return "secret"
}
