// Package firebaseauth signs users up and in with Firebase Authentication's
// REST API (Identity Toolkit v1 and the Secure Token service), the same calls
// the Firebase web SDK makes, so the desktop app needs no SDK. With an
// emulator host (FIREBASE_AUTH_EMULATOR_HOST) it talks to the Auth emulator.
//
// Failures come back as *Error with a stable Code (see the Code constants)
// and an English sentence a non-technical person understands; the UI
// translates by Code.
package firebaseauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls Firebase Auth. The zero value is not usable; set APIKey.
type Client struct {
	APIKey       string       // the web API key (configuration, not a secret)
	EmulatorHost string       // "127.0.0.1:9190" switches to the Auth emulator
	HTTP         *http.Client // nil = a client with a 20 s timeout
	Now          func() time.Time
}

// Session is a signed-in user's tokens.
type Session struct {
	UserID       string    `json:"userId"`
	Email        string    `json:"email"`
	IDToken      string    `json:"-"` // short-lived; kept in memory only
	RefreshToken string    `json:"refreshToken"`
	ExpiresAt    time.Time `json:"-"` // of the ID token
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 20 * time.Second}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) identityURL(method string) string {
	base := "https://identitytoolkit.googleapis.com"
	if c.EmulatorHost != "" {
		base = "http://" + c.EmulatorHost + "/identitytoolkit.googleapis.com"
	}
	return base + "/v1/accounts:" + method + "?key=" + url.QueryEscape(c.APIKey)
}

func (c *Client) tokenURL() string {
	base := "https://securetoken.googleapis.com"
	if c.EmulatorHost != "" {
		base = "http://" + c.EmulatorHost + "/securetoken.googleapis.com"
	}
	return base + "/v1/token?key=" + url.QueryEscape(c.APIKey)
}

type passwordRequest struct {
	Email             string `json:"email"`
	Password          string `json:"password"`
	ReturnSecureToken bool   `json:"returnSecureToken"`
}

type passwordResponse struct {
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    string `json:"expiresIn"`
	LocalID      string `json:"localId"`
	Email        string `json:"email"`
}

// SignUp creates an account with email and password and signs it in.
func (c *Client) SignUp(ctx context.Context, email, password string) (*Session, error) {
	return c.passwordCall(ctx, "signUp", email, password)
}

// SignIn signs in with email and password.
func (c *Client) SignIn(ctx context.Context, email, password string) (*Session, error) {
	return c.passwordCall(ctx, "signInWithPassword", email, password)
}

func (c *Client) passwordCall(ctx context.Context, method, email, password string) (*Session, error) {
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") {
		return nil, newError(CodeInvalidEmail, "INVALID_EMAIL")
	}
	if password == "" {
		return nil, newError(CodeMissingPassword, "MISSING_PASSWORD")
	}
	var out passwordResponse
	err := c.postJSON(ctx, c.identityURL(method), passwordRequest{Email: email, Password: password, ReturnSecureToken: true}, &out)
	if err != nil {
		return nil, err
	}
	secs, _ := strconv.Atoi(out.ExpiresIn)
	return &Session{UserID: out.LocalID, Email: out.Email, IDToken: out.IDToken, RefreshToken: out.RefreshToken,
		ExpiresAt: c.now().Add(time.Duration(secs) * time.Second)}, nil
}

// SendPasswordReset asks Firebase to email a password-reset link.
func (c *Client) SendPasswordReset(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") {
		return newError(CodeInvalidEmail, "INVALID_EMAIL")
	}
	body := map[string]string{"requestType": "PASSWORD_RESET", "email": email}
	return c.postJSON(ctx, c.identityURL("sendOobCode"), body, nil)
}

type tokenResponse struct {
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    string `json:"expires_in"`
	UserID       string `json:"user_id"`
}

// Refresh exchanges a refresh token for a new ID token (and possibly a new
// refresh token). The returned session keeps s.Email.
func (c *Client) Refresh(ctx context.Context, s *Session) (*Session, error) {
	if s == nil || s.RefreshToken == "" {
		return nil, newError(CodeSessionExpired, "MISSING_REFRESH_TOKEN")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.RefreshToken}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("firebase auth token refresh: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var out tokenResponse
	if err := c.do(req, &out); err != nil {
		return nil, err
	}
	secs, _ := strconv.Atoi(out.ExpiresIn)
	ns := &Session{UserID: out.UserID, Email: s.Email, IDToken: out.IDToken, RefreshToken: out.RefreshToken,
		ExpiresAt: c.now().Add(time.Duration(secs) * time.Second)}
	if ns.RefreshToken == "" {
		ns.RefreshToken = s.RefreshToken
	}
	if ns.UserID == "" {
		ns.UserID = s.UserID
	}
	return ns, nil
}

func (c *Client) postJSON(ctx context.Context, u string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("firebase auth: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("firebase auth: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, out)
}

// apiError is Google's error envelope: {"error":{"code":400,"message":"EMAIL_EXISTS"}}.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (c *Client) do(req *http.Request, out any) error {
	resp, err := c.httpClient().Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		return &Error{Code: CodeNetwork, Message: messages[CodeNetwork], Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &Error{Code: CodeNetwork, Message: messages[CodeNetwork], Err: err}
	}
	if resp.StatusCode/100 != 2 {
		var ae apiError
		if json.Unmarshal(body, &ae) != nil || ae.Error.Message == "" {
			e := newError(CodeUnavailable, fmt.Sprintf("HTTP %d", resp.StatusCode))
			if resp.StatusCode/100 == 4 {
				e = newError(CodeUnknown, fmt.Sprintf("HTTP %d", resp.StatusCode))
			}
			return e
		}
		return fromFirebase(ae.Error.Message)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("firebase auth: decode answer: %w", err)
	}
	return nil
}

// IsCode reports whether err is an *Error with the code.
func IsCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
