package firebaseauth

import (
	"strings"
)

// Code is a stable, documented reason a sign-in call failed. The UI maps
// codes (never messages) to its translated sentences.
type Code string

const (
	CodeEmailExists      Code = "email_exists"       // sign up: the email already has an account
	CodeWrongCredentials Code = "wrong_credentials"  // sign in: email or password is wrong
	CodeEmailNotFound    Code = "email_not_found"    // reset: no account with that email
	CodeInvalidEmail     Code = "invalid_email"      // not an email address
	CodeMissingPassword  Code = "missing_password"   // empty password
	CodeWeakPassword     Code = "weak_password"      // shorter than 6 characters
	CodeTooManyAttempts  Code = "too_many_attempts"  // Firebase throttled this account or computer
	CodeUserDisabled     Code = "user_disabled"      // an administrator disabled the account
	CodeSessionExpired   Code = "session_expired"    // refresh token revoked/expired/user deleted: sign in again
	CodeSignUpDisabled   Code = "sign_up_disabled"   // email/password sign-up switched off in the project
	CodeNetwork          Code = "network"            // no answer: offline, DNS, TLS, timeout
	CodeUnavailable      Code = "auth_unavailable"   // Firebase answered 5xx
	CodeConfig           Code = "auth_misconfigured" // bad API key or project settings (our fault)
	CodeUnknown          Code = "auth_failed"        // anything else
)

// Error is a failed sign-in call.
type Error struct {
	Code     Code
	Message  string // English, for a person
	Firebase string // Firebase's own code, e.g. "EMAIL_EXISTS", for logs
	Err      error  // underlying transport error, if any
}

func (e *Error) Error() string {
	s := "firebase auth: " + string(e.Code)
	if e.Firebase != "" {
		s += " (" + e.Firebase + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

var messages = map[Code]string{
	CodeEmailExists:      "An account with this email already exists. Sign in instead, or reset the password if you forgot it.",
	CodeWrongCredentials: "The email or password is not right. Check them and try again.",
	CodeEmailNotFound:    "There is no account with this email. Check the spelling or create an account.",
	CodeInvalidEmail:     "This does not look like an email address. Check it and try again.",
	CodeMissingPassword:  "Please enter your password.",
	CodeWeakPassword:     "Choose a longer password: at least 6 characters.",
	CodeTooManyAttempts:  "Too many tries in a short time. Wait a few minutes and try again.",
	CodeUserDisabled:     "This account has been turned off. Please contact support.",
	CodeSessionExpired:   "You have been signed out. Please sign in again.",
	CodeSignUpDisabled:   "New accounts cannot be created right now. Please try again later.",
	CodeNetwork:          "Could not reach the sign-in service. Check your internet connection and try again.",
	CodeUnavailable:      "The sign-in service is having trouble. Please try again in a few minutes.",
	CodeConfig:           "Sign-in is not set up correctly in this copy of the app. Please contact support.",
	CodeUnknown:          "Signing in did not work. Please try again.",
}

// Message returns the English sentence for a code.
func Message(c Code) string { return messages[c] }

// firebaseCodes maps Firebase's error messages to our codes. Firebase sends
// "CODE" or "CODE : detail"; only the code part is looked up.
var firebaseCodes = map[string]Code{
	"EMAIL_EXISTS":                CodeEmailExists,
	"INVALID_PASSWORD":            CodeWrongCredentials,
	"INVALID_LOGIN_CREDENTIALS":   CodeWrongCredentials,
	"EMAIL_NOT_FOUND":             CodeEmailNotFound,
	"INVALID_EMAIL":               CodeInvalidEmail,
	"MISSING_EMAIL":               CodeInvalidEmail,
	"MISSING_PASSWORD":            CodeMissingPassword,
	"WEAK_PASSWORD":               CodeWeakPassword,
	"TOO_MANY_ATTEMPTS_TRY_LATER": CodeTooManyAttempts,
	"USER_DISABLED":               CodeUserDisabled,
	"TOKEN_EXPIRED":               CodeSessionExpired,
	"USER_NOT_FOUND":              CodeSessionExpired,
	"INVALID_REFRESH_TOKEN":       CodeSessionExpired,
	"INVALID_GRANT_TYPE":          CodeConfig,
	"MISSING_REFRESH_TOKEN":       CodeSessionExpired,
	"OPERATION_NOT_ALLOWED":       CodeSignUpDisabled,
	"ADMIN_ONLY_OPERATION":        CodeSignUpDisabled,
	"INVALID_API_KEY":             CodeConfig,
	"API_KEY_INVALID":             CodeConfig,
	"PROJECT_NOT_FOUND":           CodeConfig,
	"CONFIGURATION_NOT_FOUND":     CodeConfig,
}

func newError(c Code, firebase string) *Error {
	return &Error{Code: c, Message: messages[c], Firebase: firebase}
}

func fromFirebase(msg string) *Error {
	code := strings.TrimSpace(msg)
	if i := strings.IndexAny(code, " :"); i >= 0 {
		code = code[:i]
	}
	c, ok := firebaseCodes[code]
	if !ok {
		// Google also reports bad keys as "API key not valid. Please pass a valid API key."
		if strings.Contains(strings.ToLower(msg), "api key") {
			c = CodeConfig
		} else {
			c = CodeUnknown
		}
	}
	return &Error{Code: c, Message: messages[c], Firebase: code}
}
