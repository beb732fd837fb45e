//go:build (unix || windows) && !nodynamic

package encode

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"unsafe"
)

// webpNativeBuild: this build has the runtime-loaded libwebp binding.
const webpNativeBuild = true

func TestWebPStructLayout(t *testing.T) {
	// sizeof/offsetof from webp/encode.h (ABI 0x020f) on 64-bit platforms.
	var p webpPicture
	checks := []struct {
		name      string
		got, want uintptr
	}{
		{"sizeof(WebPPicture)", unsafe.Sizeof(p), 256},
		{"sizeof(WebPConfig)", unsafe.Sizeof(webpConfig{}), 116},
		{"offsetof(argb)", unsafe.Offsetof(p.Argb), 72},
		{"offsetof(writer)", unsafe.Offsetof(p.Writer), 96},
		{"offsetof(custom_ptr)", unsafe.Offsetof(p.CustomPtr), 104},
		{"offsetof(stats)", unsafe.Offsetof(p.Stats), 128},
		{"offsetof(error_code)", unsafe.Offsetof(p.ErrorCode), 136},
		{"offsetof(progress_hook)", unsafe.Offsetof(p.ProgressHook), 144},
		{"offsetof(user_data)", unsafe.Offsetof(p.UserData), 152},
		{"offsetof(memory_)", unsafe.Offsetof(p.Memory), 224},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestDefaultWebPConfigMatchesLibrary(t *testing.T) {
	lib, err := loadWebP()
	if err != nil {
		t.Fatal(err)
	}
	if lib.configInitInner == nil {
		t.Skip("WebPConfigInitInternal not bound on this platform")
	}
	var fromLib webpConfig
	if lib.configInitInner(&fromLib, 0, 75, webpEncoderABI) == 0 {
		t.Fatal("WebPConfigInitInternal failed")
	}
	if ours := defaultWebPConfig(); ours != fromLib {
		t.Errorf("defaultWebPConfig() = %+v\nlibwebp's WebPConfigInit = %+v", ours, fromLib)
	}
}

func TestWebPLibraryCandidates(t *testing.T) {
	// The versioned soname must come before the -dev symlink, so end users without libwebp-dev get
	// native speed.
	c := webpLibCandidates()
	iv, ip := -1, -1
	for i, s := range c {
		switch s {
		case "libwebp.so.7":
			iv = i
		case "libwebp.so":
			ip = i
		}
	}
	if iv < 0 || ip < 0 || iv > ip {
		t.Errorf("candidates %q: want libwebp.so.7 before libwebp.so", c)
	}
}

// TestWebPBytesMatchCwebp: the same RGBA through `cwebp -q 80 -m 4` and through Encode gives the
// same file, byte for byte (cwebp imports PNG pixels with WebPPictureImportRGB/RGBA into YUV, as we
// do). Opaque and transparent inputs, and two other quality/method pairs.
func TestWebPBytesMatchCwebp(t *testing.T) {
	cwebp, err := exec.LookPath("cwebp")
	if err != nil {
		if os.Getenv("IC_REQUIRE_SERVICES") == "1" {
			t.Fatal("cwebp not installed (apt-get install webp)")
		}
		t.Skip("cwebp not installed")
	}
	dir := t.TempDir()
	cases := []struct {
		name      string
		img       *image.NRGBA
		q, m      int
		lossless  bool
		extraArgs []string
	}{
		{"photo_q80_m4", photo(t, 333, 211), 80, 4, false, nil},
		{"photo_q60_m6", photo(t, 333, 211), 60, 6, false, nil},
		{"alpha_q80_m4", gradientAlpha(150, 90), 80, 4, false, nil},
		{"corpus_rgba_q92_m5", loadTestImage(t, "png_rgba.png"), 92, 5, false, nil},
		{"photo_lossless", photo(t, 200, 120), 75, 4, true, []string{"-lossless"}},
	}
	for _, c := range cases {
		in := filepath.Join(dir, c.name+".png")
		var pngBuf bytes.Buffer
		if err := png.Encode(&pngBuf, c.img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(in, pngBuf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, c.name+".webp")
		args := append([]string{"-quiet", "-q", itoa(c.q), "-m", itoa(c.m)}, c.extraArgs...)
		args = append(args, in, "-o", out)
		if b, err := exec.Command(cwebp, args...).CombinedOutput(); err != nil {
			t.Fatalf("cwebp: %v\n%s", err, b)
		}
		want, _ := os.ReadFile(out)
		// One thread is plain cwebp; more turn on libwebp's threads (cwebp -mt), which must not change
		// a byte: the one-photo drop relies on it.
		for _, threads := range []int{1, 2} {
			o := Options{Format: WebP, Quality: c.q, Effort: c.m, Lossless: c.lossless, Threads: threads}
			if got := encodeBytes(t, c.img, o); !bytes.Equal(got, want) {
				t.Errorf("%s, %d threads: %d bytes from Encode, %d from cwebp, contents differ", c.name, threads, len(got), len(want))
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func decodeWebPNative(data []byte) (*image.NRGBA, error) {
	lib, err := loadWebP()
	if err != nil {
		return nil, err
	}
	var w, h int32
	p := lib.decodeRGBA(unsafe.SliceData(data), uintptr(len(data)), &w, &h)
	if p == nil {
		return nil, fmt.Errorf("libwebp cannot decode our output")
	}
	defer lib.free(p)
	img := image.NewNRGBA(image.Rect(0, 0, int(w), int(h)))
	copy(img.Pix, unsafe.Slice(p, len(img.Pix)))
	return img, nil
}
