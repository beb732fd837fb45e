package account

import (
	"net/mail"
	"strings"

	"imageconverter/uierr"
)

var (
	codeInvalidEmail = uierr.Declare("invalid_email")
	codeWeakPassword = uierr.Declare("weak_password")
)

// CheckCredentials checks an email address and, when needPassword, a
// password before they go to the service; it returns the trimmed address.
func CheckCredentials(email, password string, needPassword bool) (string, error) {
	email = strings.TrimSpace(email)
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		return "", uierr.New(codeInvalidEmail, "Enter a valid email address.")
	}
	if needPassword && len(password) < 6 {
		return "", uierr.New(codeWeakPassword, "The password must have at least 6 characters.")
	}
	return email, nil
}
