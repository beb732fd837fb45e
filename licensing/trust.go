package licensing

import (
	"context"
	"errors"
	"fmt"
	"imageconverter/functions/entitlement"
	"time"
)

// learnsKeys reports whether this Service may learn keys from its API: only
// a localstack build (never a release) talking to a loopback API.
func (s *Service) learnsKeys() bool { return learnLocalKeys && s.cfg.LocalAPI() }

// ensureKeys learns the dev key from a local API when the token's kid is not
// trusted yet (localstack builds only). Release builds trust the compiled-in
// keys alone.
func (s *Service) ensureKeys(ctx context.Context, token string) error {
	if !s.learnsKeys() || token == "" {
		return nil
	}
	if _, err := s.verifier(); err == nil {
		if _, err := s.verify(token); !errors.Is(err, entitlement.ErrUnknownKey) {
			return nil
		}
	}
	set, err := s.api.Keys(ctx)
	if err != nil {
		return err
	}
	if _, err := entitlement.KeysFromJWKS(set); err != nil {
		return fmt.Errorf("keys from local API: %w", err)
	}
	s.mu.Lock()
	s.st.DevKeys = set
	s.mu.Unlock()
	return nil
}

// verifier builds a verifier over the trusted keys (built in, or given by
// Options.TrustedKeys) plus, in a localstack build with a loopback API, the
// keys learned from it. Trusted keys win on a kid clash.
func (s *Service) verifier() (*entitlement.Verifier, error) {
	keys := append([]entitlement.PublicKey(nil), s.trusted...)
	if s.learnsKeys() {
		s.mu.Lock()
		dev, _ := entitlement.KeysFromJWKS(s.st.DevKeys)
		s.mu.Unlock()
	next:
		for _, d := range dev {
			for _, k := range keys {
				if k.KeyID == d.KeyID {
					continue next
				}
			}
			keys = append(keys, d)
		}
	}
	return entitlement.NewVerifier(keys...)
}

func (s *Service) verify(token string) (entitlement.Entitlement, error) {
	v, err := s.verifier()
	if err != nil {
		return entitlement.Entitlement{}, entitlement.ErrUnknownKey
	}
	s.mu.Lock()
	now := s.now()
	if now.Before(s.st.LastSeen) {
		now = s.st.LastSeen
	}
	s.mu.Unlock()
	v.Now = func() time.Time { return now }
	return v.VerifyForDevice(token, s.device.ID)
}
