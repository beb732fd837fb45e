package firebaseauth

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"imageconverter/licensing/internal/testenv"
)

func emulator(t *testing.T) *Client {
	host := testenv.Require(t, "FIREBASE_AUTH_EMULATOR_HOST")[0]
	return &Client{APIKey: "fake-api-key", EmulatorHost: host}
}

func uniqueEmail(t *testing.T) string {
	return fmt.Sprintf("fa-%d@example.com", time.Now().UnixNano())
}

func TestSignUpSignInRefreshAgainstEmulator(t *testing.T) {
	c := emulator(t)
	ctx := context.Background()
	email := uniqueEmail(t)
	s, err := c.SignUp(ctx, email, "secret-pw")
	if err != nil {
		t.Fatal(err)
	}
	if s.UserID == "" || s.IDToken == "" || s.RefreshToken == "" || s.Email != email {
		t.Fatalf("incomplete session %+v", s)
	}
	if !s.ExpiresAt.After(time.Now().Add(30 * time.Minute)) {
		t.Errorf("ID token expiry %v is too soon", s.ExpiresAt)
	}
	if _, err := c.SignUp(ctx, email, "secret-pw"); !IsCode(err, CodeEmailExists) {
		t.Errorf("second sign-up: %v, want email_exists", err)
	}
	in, err := c.SignIn(ctx, email, "secret-pw")
	if err != nil {
		t.Fatal(err)
	}
	if in.UserID != s.UserID {
		t.Errorf("sign-in user %s, sign-up user %s", in.UserID, s.UserID)
	}
	r, err := c.Refresh(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.UserID != s.UserID || r.IDToken == "" || r.Email != email {
		t.Errorf("refreshed session %+v", r)
	}
	if err := c.SendPasswordReset(ctx, email); err != nil {
		t.Errorf("password reset: %v", err)
	}
}

func TestErrorsAgainstEmulator(t *testing.T) {
	c := emulator(t)
	ctx := context.Background()
	email := uniqueEmail(t)
	if _, err := c.SignUp(ctx, email, "123"); !IsCode(err, CodeWeakPassword) {
		t.Errorf("weak password: %v", err)
	}
	if _, err := c.SignUp(ctx, email, "good-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SignIn(ctx, email, "wrong-password"); !IsCode(err, CodeWrongCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	_, err := c.SignIn(ctx, "nobody-"+email, "whatever")
	if !IsCode(err, CodeWrongCredentials) && !IsCode(err, CodeEmailNotFound) {
		t.Errorf("unknown email: %v", err)
	}
	if err := c.SendPasswordReset(ctx, "nobody-"+email); err != nil && !IsCode(err, CodeEmailNotFound) {
		t.Errorf("reset of unknown email: %v", err)
	}
	if _, err := c.Refresh(ctx, &Session{RefreshToken: "garbage"}); !IsCode(err, CodeSessionExpired) {
		t.Errorf("bad refresh token: %v", err)
	}
	if _, err := c.SignIn(ctx, "not-an-email", "x"); !IsCode(err, CodeInvalidEmail) {
		t.Errorf("invalid email: %v", err)
	}
	// Every error carries a sentence for a person.
	for code := range messages {
		if Message(code) == "" {
			t.Errorf("code %s has no message", code)
		}
	}
}

func TestNetworkErrorIsTyped(t *testing.T) {
	c := &Client{APIKey: "k", EmulatorHost: "127.0.0.1:1", HTTP: &http.Client{Timeout: 2 * time.Second}}
	_, err := c.SignIn(context.Background(), "a@example.com", "pw")
	if !IsCode(err, CodeNetwork) {
		t.Fatalf("closed port: %v, want network", err)
	}
}

func TestFirebaseMessageParsing(t *testing.T) {
	for msg, want := range map[string]Code{
		"EMAIL_EXISTS": CodeEmailExists,
		"WEAK_PASSWORD : Password should be at least 6 characters":                           CodeWeakPassword,
		"TOO_MANY_ATTEMPTS_TRY_LATER : Access to this account has been temporarily disabled": CodeTooManyAttempts,
		"INVALID_LOGIN_CREDENTIALS":                       CodeWrongCredentials,
		"API key not valid. Please pass a valid API key.": CodeConfig,
		"SOMETHING_NEW":                                   CodeUnknown,
	} {
		if got := fromFirebase(msg).Code; got != want {
			t.Errorf("%q -> %s, want %s", msg, got, want)
		}
	}
}
