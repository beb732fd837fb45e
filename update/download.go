package update

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Errors of a download that must not be installed.
var (
	ErrDownload     = errors.New("update: the download failed")
	ErrSizeMismatch = errors.New("update: the download's size is not the one the manifest states")
	ErrHashMismatch = errors.New("update: the download's SHA-256 is not the one the manifest states")
)

// Download fetches f into dir under name, reporting progress, and keeps it
// only when its size and SHA-256 are the manifest's: the file appears under
// its final name whole and verified, or not at all. progress may be nil.
func Download(ctx context.Context, httpc *http.Client, f File, dir, name string, progress func(done, total int64)) (string, error) {
	if f.URL == "" || f.Size <= 0 || len(f.SHA256) != sha256.Size*2 {
		return "", fmt.Errorf("%w: the manifest's entry for this system is incomplete", ErrMalformed)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	if httpc == nil {
		httpc = &http.Client{} // no overall timeout: a slow line still finishes; ctx stops it
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%w: %s answered %s", ErrDownload, f.URL, resp.Status)
	}
	if resp.ContentLength >= 0 && resp.ContentLength != f.Size {
		return "", fmt.Errorf("%w: the server sends %d bytes, the manifest says %d", ErrSizeMismatch, resp.ContentLength, f.Size)
	}

	tmp, err := os.CreateTemp(dir, ".download-*")
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	// One byte more than stated is enough to know the file is not the one.
	body := io.LimitReader(resp.Body, f.Size+1)
	w := &counter{w: io.MultiWriter(tmp, h), total: f.Size, progress: progress}
	n, err := io.Copy(w, body)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	if n != f.Size {
		return "", fmt.Errorf("%w: got %d bytes, the manifest says %d", ErrSizeMismatch, n, f.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, f.SHA256) {
		return "", fmt.Errorf("%w: got %s", ErrHashMismatch, got)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	dst := filepath.Join(dir, name)
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("%w: %v", ErrDownload, err)
	}
	keep = true
	return dst, nil
}

// counter reports progress at most once per percent.
type counter struct {
	w        io.Writer
	done     int64
	total    int64
	last     int64
	progress func(done, total int64)
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.done += int64(n)
	if c.progress != nil && (c.done-c.last >= c.total/100 || c.done == c.total) {
		c.last = c.done
		c.progress(c.done, c.total)
	}
	return n, err
}
