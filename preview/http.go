package preview

import (
	"fmt"
	"image"
	"image/png"
	"net/http"
	"regexp"
	"strconv"

	"imageconverter/converter"
	"imageconverter/converter/decode"
)

// Prefix is where ServeHTTP answers; the app's asset server sends it every request under it.
const Prefix = "/preview/"

// The pictures of an open photo: the original, and each kept encode decoded back.
const (
	nameOriginal = "original"
	nameFull     = "full"
	nameDraft    = "draft"
)

// picturePath is the only shape of URL served: a token of 32 hex digits and a fixed name. Nothing in
// a URL ever names a file: the photo's path was checked when it was opened and stays on the Go side.
var picturePath = regexp.MustCompile(`^/preview/([0-9a-f]{32})/(original|(full|draft)-([1-9][0-9]{0,8}))\.png$`)

func urlOf(token, name string, gen int) string {
	if name == nameOriginal {
		return Prefix + token + "/original.png"
	}
	return fmt.Sprintf("%s%s/%s-%d.png", Prefix, token, name, gen)
}

func kindOf(draft bool) string {
	if draft {
		return nameDraft
	}
	return nameFull
}

// ServeHTTP answers GET /preview/<token>/original.png, full-<n>.png and draft-<n>.png with PNG
// pictures (stored, not compressed: a 12 MP picture is ready in about 0.1 s instead of 1 s, and it
// only travels inside the process). Anything else, an unknown or expired token, or an encode no
// longer kept is 404; the answer is never cached (a photo is several tens of megabytes).
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	m := picturePath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	ss, err := s.get(m[1])
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var img image.Image
	if m[2] == nameOriginal {
		img, err = ss.original()
	} else {
		gen, _ := strconv.Atoi(m[4])
		o, ok := ss.output(m[3] == nameDraft, gen)
		if !ok {
			http.NotFound(w, r)
			return
		}
		// What the encoder really produced: its bytes decoded again (to sRGB, as a viewer shows them).
		var d *decode.Image
		if d, err = decode.DecodeBytes(o.data, decode.Options{}); err == nil {
			img = d.Pixels
		}
	}
	if err != nil {
		http.Error(w, "the picture could not be made", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	_ = enc.Encode(w, displayable(img)) // a window closed mid-answer is not an error worth a log
}

// original is the picture the encoder reads, in sRGB: when the pixels keep a colour profile (metadata
// kept), the photo is decoded once more without it.
func (ss *session) original() (image.Image, error) {
	ss.mu.Lock()
	prep, display := ss.prep, ss.display
	ss.mu.Unlock()
	if len(prep.Encoder.Meta.ICC) == 0 {
		return prep.Pixels, nil
	}
	if display != nil {
		return display, nil
	}
	opts := ss.opts
	opts.KeepMetadata = false
	p, err := converter.Prepare(ss.path, opts)
	if err != nil {
		return nil, err
	}
	ss.mu.Lock()
	ss.display = p.Pixels
	ss.mu.Unlock()
	return p.Pixels, nil
}
