// Package apiclient calls the ImageConverter backend (the `api` Cloud
// Function, or functions/cmd/server locally). Every call carries the user's
// Firebase ID token; a 401 makes it refresh the token once and retry; network
// errors and 5xx answers are retried a bounded number of times with
// exponential backoff and jitter. Calls take a context and have a timeout, so
// the app runs them in goroutines and can always cancel them.
//
// API errors come back as *wire.Error (closed list of codes in
// imageconverter/functions/wire); use errors.As or CodeOf.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"imageconverter/functions/wire"
)

// Tokens supplies ID tokens. Token returns the current one (refreshing it if
// it is about to expire); Refresh forces a new one after the server said 401.
type Tokens interface {
	Token(ctx context.Context) (string, error)
	Refresh(ctx context.Context) (string, error)
}

// Device identifies this computer to the server (GET /v1/entitlement
// registers it).
type Device struct {
	ID, Name, OS, AppVersion string
}

// Client is safe for concurrent use.
type Client struct {
	BaseURL     string       // e.g. http://127.0.0.1:8081 (no trailing /v1)
	HTTP        *http.Client // nil = http.DefaultTransport with CallTimeout per attempt
	Tokens      Tokens       // nil = unauthenticated calls only
	Device      Device
	MaxAttempts int           // per call, including the first; 0 = 3
	Backoff     time.Duration // first retry delay, doubled each time; 0 = 300 ms
	CallTimeout time.Duration // per attempt; 0 = 15 s
}

// ErrOffline wraps transport failures (no network, DNS, refused, timeout) after
// the retries are spent. The app treats it as "offline" and uses the cached
// entitlement and the local ledger.
var ErrOffline = errors.New("apiclient: server not reachable")

// Meta is what a call learned besides its body.
type Meta struct {
	Date       time.Time     // the server's Date header (zero if absent)
	RetryAfter time.Duration // the server's Retry-After (rate_limited), 0 if absent
}

// maxRetryAfter caps how long a call waits when the server asks it to.
const maxRetryAfter = 30 * time.Second

// CodeOf returns the API error code of err, or "" if err is not an API error.
func CodeOf(err error) wire.Code {
	var e *wire.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func (c *Client) attempts() int {
	if c.MaxAttempts > 0 {
		return c.MaxAttempts
	}
	return 3
}

func (c *Client) backoff(try int) time.Duration {
	b := c.Backoff
	if b <= 0 {
		b = 300 * time.Millisecond
	}
	d := b << (try - 1)
	// Jitter spreads retries of many clients after an outage.
	return d/2 + rand.N(d/2+1)
}

func (c *Client) timeout() time.Duration {
	if c.CallTimeout > 0 {
		return c.CallTimeout
	}
	return 15 * time.Second
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Do sends one API call: method, path (e.g. "/v1/entitlement"), an optional
// JSON body, and decodes a 2xx answer into out (if not nil). auth says whether
// the call carries the ID token.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, auth bool) (Meta, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return Meta{}, fmt.Errorf("api %s %s: encode body: %w", method, path, err)
		}
	}
	refreshed := false
	var lastErr error
	for try := 1; ; try++ {
		var token string
		if auth {
			if c.Tokens == nil {
				return Meta{}, &wire.Error{Status: 401, ErrorBody: wire.ErrorBody{Code: wire.CodeUnauthenticated, Message: "not signed in"}}
			}
			var err error
			if token, err = c.Tokens.Token(ctx); err != nil {
				return Meta{}, fmt.Errorf("api %s %s: get ID token: %w", method, path, err)
			}
		}
		meta, status, err := c.once(ctx, method, path, payload, out, token)
		if err == nil {
			return meta, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return meta, ctx.Err()
		}
		// 401: the ID token expired or was revoked. Refresh once and retry;
		// this does not count as a retry.
		if status == http.StatusUnauthorized && auth && !refreshed {
			refreshed = true
			if _, rerr := c.Tokens.Refresh(ctx); rerr != nil {
				return meta, fmt.Errorf("api %s %s: refresh ID token after 401: %w", method, path, rerr)
			}
			try--
			continue
		}
		if !retryable(status, err) || try >= c.attempts() {
			break
		}
		wait := c.backoff(try)
		if meta.RetryAfter > wait {
			wait = min(meta.RetryAfter, maxRetryAfter)
		}
		select {
		case <-ctx.Done():
			return meta, ctx.Err()
		case <-time.After(wait):
		}
	}
	var apiErr *wire.Error
	if errors.As(lastErr, &apiErr) {
		return Meta{}, lastErr
	}
	return Meta{}, fmt.Errorf("%w: %s %s: %v", ErrOffline, method, path, lastErr)
}

// retryable: transport errors (status 0), 5xx, and rate_limited (429 that is
// not quota_exceeded: quota does not come back by retrying).
func retryable(status int, err error) bool {
	if status == 0 {
		return true
	}
	if status >= 500 {
		return true
	}
	return status == http.StatusTooManyRequests && CodeOf(err) == wire.CodeRateLimited
}

func (c *Client) once(ctx context.Context, method, path string, payload []byte, out any, token string) (Meta, int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return Meta{}, -1, fmt.Errorf("api %s %s: %w", method, path, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c.Device.ID != "" {
		req.Header.Set(wire.HeaderDeviceID, c.Device.ID)
		req.Header.Set(wire.HeaderDeviceName, c.Device.Name)
		req.Header.Set(wire.HeaderDeviceOS, c.Device.OS)
		req.Header.Set(wire.HeaderAppVersion, c.Device.AppVersion)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Meta{}, 0, err
	}
	defer resp.Body.Close()
	var meta Meta
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		meta.Date = d
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		meta.RetryAfter = time.Duration(secs) * time.Second
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return meta, 0, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var er wire.ErrorResponse
		if json.Unmarshal(b, &er) != nil || er.Error.Code == "" {
			// Not our API's shape (a proxy, a crashed instance): classify by status.
			code := wire.CodeInternal
			switch {
			case resp.StatusCode == http.StatusUnauthorized:
				code = wire.CodeUnauthenticated
			case resp.StatusCode == http.StatusNotFound:
				code = wire.CodeNotFound
			case resp.StatusCode >= 500 && resp.StatusCode != 500:
				code = wire.CodeUnavailable
			}
			er.Error = wire.ErrorBody{Code: code, Message: http.StatusText(resp.StatusCode)}
		}
		return meta, resp.StatusCode, &wire.Error{Status: resp.StatusCode, ErrorBody: er.Error}
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return meta, resp.StatusCode, &wire.Error{Status: 500, ErrorBody: wire.ErrorBody{Code: wire.CodeInternal, Message: "unreadable answer: " + err.Error()}}
		}
	}
	return meta, resp.StatusCode, nil
}

// The routes the desktop uses.

func (c *Client) Entitlement(ctx context.Context) (wire.EntitlementResponse, Meta, error) {
	var out wire.EntitlementResponse
	m, err := c.Do(ctx, http.MethodGet, "/v1/entitlement", nil, &out, true)
	return out, m, err
}

// EntitlementWith is POST /v1/entitlement: the refresh that also carries
// sync entries and a reservation (wire.EntitlementRequest). A retry after a
// lost answer is safe: both parts are idempotent on the server.
func (c *Client) EntitlementWith(ctx context.Context, req wire.EntitlementRequest) (wire.EntitlementResponse, Meta, error) {
	var out wire.EntitlementResponse
	m, err := c.Do(ctx, http.MethodPost, "/v1/entitlement", req, &out, true)
	return out, m, err
}

func (c *Client) Reserve(ctx context.Context, req wire.ReserveRequest) (wire.ReserveResponse, Meta, error) {
	var out wire.ReserveResponse
	m, err := c.Do(ctx, http.MethodPost, "/v1/usage/reserve", req, &out, true)
	return out, m, err
}

func (c *Client) Sync(ctx context.Context, req wire.SyncRequest) (wire.SyncResponse, Meta, error) {
	var out wire.SyncResponse
	m, err := c.Do(ctx, http.MethodPost, "/v1/usage/sync", req, &out, true)
	return out, m, err
}

func (c *Client) Devices(ctx context.Context) (wire.DevicesResponse, error) {
	var out wire.DevicesResponse
	_, err := c.Do(ctx, http.MethodGet, "/v1/devices", nil, &out, true)
	return out, err
}

func (c *Client) RemoveDevice(ctx context.Context, id string) error {
	_, err := c.Do(ctx, http.MethodDelete, "/v1/devices/"+url.PathEscape(id), nil, nil, true)
	return err
}

func (c *Client) Plans(ctx context.Context) (wire.PlansResponse, error) {
	var out wire.PlansResponse
	_, err := c.Do(ctx, http.MethodGet, "/v1/plans", nil, &out, false)
	return out, err
}

func (c *Client) Keys(ctx context.Context) (wire.JWKS, error) {
	var out wire.JWKS
	_, err := c.Do(ctx, http.MethodGet, "/v1/keys", nil, &out, false)
	return out, err
}

// Checkout is POST /v1/checkout: an order for a plan, and the page that takes its payment.
func (c *Client) Checkout(ctx context.Context, req wire.CheckoutRequest) (wire.CheckoutResponse, error) {
	var out wire.CheckoutResponse
	_, err := c.Do(ctx, http.MethodPost, "/v1/checkout", req, &out, true)
	return out, err
}

// Order is GET /v1/checkout/{orderId}: the order's status while the user pays in the browser.
func (c *Client) Order(ctx context.Context, orderID string) (wire.CheckoutResponse, error) {
	var out wire.CheckoutResponse
	_, err := c.Do(ctx, http.MethodGet, "/v1/checkout/"+url.PathEscape(orderID), nil, &out, false)
	return out, err
}

// CancelRenewal is POST /v1/subscription/cancel: no renewal at the period end.
func (c *Client) CancelRenewal(ctx context.Context) (wire.SubscriptionResponse, error) {
	var out wire.SubscriptionResponse
	_, err := c.Do(ctx, http.MethodPost, "/v1/subscription/cancel", nil, &out, true)
	return out, err
}

// ResumeRenewal is POST /v1/subscription/resume: renew again at the period end.
func (c *Client) ResumeRenewal(ctx context.Context) (wire.SubscriptionResponse, error) {
	var out wire.SubscriptionResponse
	_, err := c.Do(ctx, http.MethodPost, "/v1/subscription/resume", nil, &out, true)
	return out, err
}
