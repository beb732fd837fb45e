package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ErrUnreachable: the manifest could not be fetched (offline, server error).
// It says nothing about the app's state; the next check tries again.
var ErrUnreachable = errors.New("update: the update server could not be reached")

// ErrServer is the part of ErrUnreachable where the server was reached but
// answered with an error (no manifest published, an outage): telling the
// person to check their internet connection would send them the wrong way.
var ErrServer = errors.New("update: the update server answered with an error")

// maxManifest bounds what a check reads: a manifest is a few kilobytes.
const maxManifest = 1 << 20

// Source is where the manifest is published and whom to trust for it.
type Source struct {
	URL  string // e.g. https://imageconverter.web.app/updates/stable.json
	Keys []PublicKey
	HTTP *http.Client // nil: a client with a 30-second timeout
}

// Fetch downloads and verifies the manifest; it returns the published bytes
// too, so a trusted manifest can be kept and verified again offline.
func (s Source) Fetch(ctx context.Context) (Manifest, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	req.Header.Set("Cache-Control", "no-cache") // a CDN must not hide a release for hours
	resp, err := s.client().Do(req)
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Manifest{}, nil, fmt.Errorf("%w: %w: %s answered %s", ErrUnreachable, ErrServer, s.URL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxManifest+1))
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	if len(data) > maxManifest {
		return Manifest{}, nil, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, maxManifest)
	}
	m, err := Verify(data, s.Keys)
	if err != nil {
		return Manifest{}, nil, err
	}
	return m, data, nil
}

func (s Source) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}
