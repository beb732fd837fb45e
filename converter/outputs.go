package converter

import (
	"os"
	"time"

	"imageconverter/converter/decode"
)

// outputFS is how the engine writes its outputs: the folder, the temporary
// file, the publication under the final name. The real disk is diskFS; tests
// put a failing one in Options (see failingFS in the tests) to see what a
// full, read-only or closed disk does to a run.
type outputFS interface {
	MkdirAll(dir string) error
	CreateTemp(dir, ext string) (*tempFile, error)
	Commit(t *tempFile, dst string, mtime time.Time, policy Existing) (string, error)
}

type diskFS struct{}

func (diskFS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

func (diskFS) CreateTemp(dir, ext string) (*tempFile, error) { return createTemp(dir, ext) }

func (diskFS) Commit(t *tempFile, dst string, mtime time.Time, policy Existing) (string, error) {
	return t.commit(dst, mtime, policy)
}

// probe lets tests watch a run from inside: the pixels held from the
// budget, each decoded image, and the moment the encoder has its own copy.
// Nil in every real run.
type probe struct {
	pixelsInFlight func(n int64)
	decoded        func(img *decode.Image) // must not keep img
	pixelsRead     func()                  // the engine has dropped its references to the pixels
	threads        func(src string, n int) // the encoder threads a file is given
}
