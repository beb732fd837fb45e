package licensing

import (
	"context"
	"imageconverter/licensing/firebaseauth"
	"time"
)

// SignUp creates an account, signs in and fetches the entitlement. The
// returned error may be a device_limit *Error (signed in, free plan until a
// device is removed) or offline (signed in, free plan until reachable).
func (s *Service) SignUp(ctx context.Context, email, password string) (Status, error) {
	sess, err := s.auth.SignUp(ctx, email, password)
	if err != nil {
		return s.Status(), toError(err)
	}
	return s.startSession(ctx, sess)
}

// SignIn signs in with email and password and fetches the entitlement.
func (s *Service) SignIn(ctx context.Context, email, password string) (Status, error) {
	sess, err := s.auth.SignIn(ctx, email, password)
	if err != nil {
		return s.Status(), toError(err)
	}
	return s.startSession(ctx, sess)
}

func (s *Service) startSession(ctx context.Context, sess *firebaseauth.Session) (Status, error) {
	s.mu.Lock()
	if s.st.Session == nil || s.st.Session.UserID != sess.UserID {
		// Another account: nothing of the previous one carries over, except
		// the unsent runs of this same account from before a sign-out.
		old := s.st
		s.st = old.keptAcrossAccounts()
		if old.PrevUser == sess.UserID {
			s.st.Ledger = old.Ledger
		}
	}
	s.st.Session = sess
	s.idToken, s.idExpires = sess.IDToken, sess.ExpiresAt
	s.lastCode = ""
	s.carryAnonUse()
	err := s.save()
	s.mu.Unlock()
	if err != nil {
		return s.Status(), err
	}
	err = s.Refresh(ctx)
	return s.Status(), err
}

// SignOut forgets the account on this computer (tokens and entitlement). The
// device stays registered on the server; RemoveDevice frees it.
func (s *Service) SignOut() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st
	today := DayOf(s.quotaNow(s.now()))
	accountUsed := old.Ledger.usedOn(today)
	s.st = old.keptAcrossAccounts()
	s.st.AnonLedger.carryAccountUse(today, accountUsed)
	// Blocks serve only the signed-in account; their rest goes back with
	// the same account's next sync.
	old.Ledger.closeBlocks("")
	if old.Session != nil && len(old.Ledger.pending()) > 0 {
		// Unsent runs wait for the same account's next sign-in.
		s.st.PrevUser, s.st.Ledger = old.Session.UserID, old.Ledger
	}
	s.idToken, s.idExpires, s.lastCode = "", time.Time{}, ""
	return s.save()
}

// ResetPassword emails a password-reset link.
func (s *Service) ResetPassword(ctx context.Context, email string) error {
	return toError(s.auth.SendPasswordReset(ctx, email))
}

// tokens gives the API client ID tokens, refreshing them with the refresh token.
type tokens struct{ s *Service }

func (t tokens) Token(ctx context.Context) (string, error) {
	s := t.s
	s.mu.Lock()
	tok, exp, signedIn := s.idToken, s.idExpires, s.st.Session != nil
	s.mu.Unlock()
	now := time.Now()
	if !signedIn {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	if tok != "" && now.Add(time.Minute).Before(exp) {
		return tok, nil
	}
	return t.Refresh(ctx)
}

func (t tokens) Refresh(ctx context.Context) (string, error) {
	s := t.s
	s.mu.Lock()
	sess := s.st.Session
	s.mu.Unlock()
	if sess == nil {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	ns, err := s.auth.Refresh(ctx, sess)
	if err != nil {
		if firebaseauth.IsCode(err, firebaseauth.CodeSessionExpired) {
			s.mu.Lock()
			s.lastCode = ReasonSessionExpired
			s.mu.Unlock()
		}
		return "", toError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Session == nil || s.st.Session.UserID != sess.UserID {
		return "", &Error{Code: CodeNotSignedIn, Message: Message(CodeNotSignedIn)}
	}
	s.idToken, s.idExpires = ns.IDToken, ns.ExpiresAt
	if ns.RefreshToken != s.st.Session.RefreshToken {
		s.st.Session.RefreshToken = ns.RefreshToken
		if err := s.save(); err != nil {
			return "", err
		}
	}
	return ns.IDToken, nil
}
