//go:build localstack

package licensing

// learnLocalKeys: this build is the local product (make build, make run, the
// GUI and e2e test builds). Its server is the local stack, whose signing key
// is generated per checkout and so cannot be compiled in: the app learns it
// from GET /v1/keys, and only when the API base URL is loopback.
//
// Never ship this build: anyone can run a "local API" on 127.0.0.1 and sign
// their own entitlement. `make release` builds without the tag.
const learnLocalKeys = true
