package toss

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production API host; tests and the local stack point
// BaseURL at the fake (TOSS_API_BASE).
const DefaultBaseURL = "https://api.tosspayments.com"

// Client calls the Toss Payments API. The zero value is not usable: use New.
type Client struct {
	baseURL    string
	authHeader string
	http       *http.Client
	// attempts is the number of tries for one call; see do for which
	// failures are retried.
	attempts int
	backoff  time.Duration
}

// Option tunes a Client.
type Option func(*Client)

// WithHTTPClient replaces the HTTP client (its Timeout bounds each attempt).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithRetry sets the number of attempts and the first backoff (doubled each time).
func WithRetry(attempts int, backoff time.Duration) Option {
	return func(c *Client) { c.attempts, c.backoff = attempts, backoff }
}

// New returns a client for baseURL ("" = production) authenticating with the
// secret key (test_sk_… or live_sk_…).
func New(baseURL, secretKey string, opts ...Option) (*Client, error) {
	if secretKey == "" {
		return nil, errors.New("toss: secret key is empty (set TOSS_SECRET_KEY)")
	}
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if _, err := url.Parse(baseURL); err != nil {
		return nil, fmt.Errorf("toss: base URL %q: %w", baseURL, err)
	}
	c := &Client{
		baseURL: strings.TrimRight(baseURL, "/"),
		// docs.tosspayments.com/reference/using-api/authorization: the secret
		// key is the user name, the password is empty, hence the colon.
		authHeader: "Basic " + base64.StdEncoding.EncodeToString([]byte(secretKey+":")),
		// Approvals wait on the card company, which can take many seconds;
		// keep well under the function's own 60 s deadline.
		http:     &http.Client{Timeout: 35 * time.Second},
		attempts: 3,
		backoff:  300 * time.Millisecond,
	}
	for _, o := range opts {
		o(c)
	}
	if c.attempts < 1 {
		c.attempts = 1
	}
	return c, nil
}

// Confirm approves a payment the customer authenticated in the payment window
// (POST /v1/payments/confirm). idemKey must name this confirmation only.
func (c *Client) Confirm(ctx context.Context, req ConfirmRequest, idemKey string) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodPost, "/v1/payments/confirm", req, idemKey, &p); err != nil {
		return nil, fmt.Errorf("toss confirm %s: %w", req.OrderID, err)
	}
	return &p, nil
}

// GetPayment looks a payment up by its key (GET /v1/payments/{paymentKey}).
func (c *Client) GetPayment(ctx context.Context, paymentKey string) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodGet, "/v1/payments/"+url.PathEscape(paymentKey), nil, "", &p); err != nil {
		return nil, fmt.Errorf("toss get payment: %w", err)
	}
	return &p, nil
}

// GetPaymentByOrderID looks a payment up by our order id
// (GET /v1/payments/orders/{orderId}).
func (c *Client) GetPaymentByOrderID(ctx context.Context, orderID string) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodGet, "/v1/payments/orders/"+url.PathEscape(orderID), nil, "", &p); err != nil {
		return nil, fmt.Errorf("toss get payment of order %s: %w", orderID, err)
	}
	return &p, nil
}

// Cancel cancels (refunds) a payment, fully when req.CancelAmount is 0
// (POST /v1/payments/{paymentKey}/cancel).
func (c *Client) Cancel(ctx context.Context, paymentKey string, req CancelRequest, idemKey string) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodPost, "/v1/payments/"+url.PathEscape(paymentKey)+"/cancel", req, idemKey, &p); err != nil {
		return nil, fmt.Errorf("toss cancel: %w", err)
	}
	return &p, nil
}

// IssueBillingKey exchanges the authKey from the billing-auth window for a
// billing key (POST /v1/billing/authorizations/issue).
func (c *Client) IssueBillingKey(ctx context.Context, req IssueBillingKeyRequest, idemKey string) (*Billing, error) {
	var b Billing
	if err := c.do(ctx, http.MethodPost, "/v1/billing/authorizations/issue", req, idemKey, &b); err != nil {
		return nil, fmt.Errorf("toss issue billing key: %w", err)
	}
	return &b, nil
}

// ChargeBilling charges a billing key (POST /v1/billing/{billingKey}).
// idemKey must name this charge only (one per order id).
func (c *Client) ChargeBilling(ctx context.Context, billingKey string, req BillingChargeRequest, idemKey string) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodPost, "/v1/billing/"+url.PathEscape(billingKey), req, idemKey, &p); err != nil {
		return nil, fmt.Errorf("toss billing charge %s: %w", req.OrderID, err)
	}
	return &p, nil
}

// do sends one API call with bounded retries. What is retried:
//   - GET: network errors, 429 and 5xx (a lookup changes nothing);
//   - POST with an Idempotency-Key: the same, plus 409 "request still
//     processing": docs.tosspayments.com/reference/using-api/idempotency-key
//     says a request with the same key may be sent again safely after a
//     network problem or timeout, and Toss answers it with the first result.
//
// 4xx answers are final: retrying with the same key would only replay them.
func (c *Client) do(ctx context.Context, method, path string, body any, idemKey string, out any) error {
	if method == http.MethodPost {
		if idemKey == "" {
			return errors.New("POST without an Idempotency-Key")
		}
		if len(idemKey) > 300 {
			return fmt.Errorf("Idempotency-Key longer than 300 characters: %q", idemKey)
		}
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	wait := c.backoff
	var lastErr error
	for attempt := 1; attempt <= c.attempts; attempt++ {
		retry, err := c.once(ctx, method, path, payload, idemKey, out)
		if err == nil {
			return nil
		}
		lastErr = err
		if !retry || attempt == c.attempts {
			break
		}
		select {
		case <-ctx.Done():
			return errors.Join(lastErr, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
	return lastErr
}

// once sends one attempt and says whether a failure may be retried.
func (c *Client) once(ctx context.Context, method, path string, payload []byte, idemKey string, out any) (retry bool, err error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return false, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// Unknown outcome; safe to resend only because the request is a GET
		// or carries an Idempotency-Key (checked in do).
		return ctx.Err() == nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, out); err != nil {
			return false, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
		return false, nil
	}
	te := &Error{Status: resp.StatusCode}
	if json.Unmarshal(b, te) != nil || te.Code == "" {
		te.Code, te.Message = "HTTP_"+http.StatusText(resp.StatusCode), strings.TrimSpace(string(b))
	}
	retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests ||
		te.Code == CodeIdempotentRequestProcessing
	return retry, te
}

// UnmarshalJSON reads Toss's {"code","message"} error body.
func (e *Error) UnmarshalJSON(b []byte) error {
	var v struct{ Code, Message string }
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	e.Code, e.Message = v.Code, v.Message
	return nil
}
