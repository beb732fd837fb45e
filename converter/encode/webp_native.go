//go:build (unix || windows) && !nodynamic

package encode

import (
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ebitengine/purego"
)

// This file binds the few libwebp encoder functions we need through purego (dlopen + dlsym at run
// time), so the app starts and still converts, through WASM, on a machine without libwebp. The
// struct layouts follow webp/encode.h for WEBP_ENCODER_ABI_VERSION 0x020f (libwebp 1.1 up to the
// current 1.x releases), the same layout gen2brain/webp v0.5.5 uses; webp_native_test.go checks the
// sizes and the default config against the installed library.

// webpEncoderABI is passed to the *Internal init functions, which refuse an incompatible library.
const webpEncoderABI = 0x020f

type webpLib struct {
	path string // the file that was loaded, for BackendDetail

	pictureInit      func(pic *webpPicture, version int32) int32
	pictureFree      func(pic *webpPicture)
	pictureImport    func(pic *webpPicture, rgba *uint8, stride int32) int32
	pictureImportRGB func(pic *webpPicture, rgb *uint8, stride int32) int32
	validateConfig   func(cfg *webpConfig) int32
	encode           func(cfg *webpConfig, pic *webpPicture) int32
	encoderVersion   func() int32
	configInitInner  func(cfg *webpConfig, preset int32, quality float32, version int32) int32 // tests only
	decodeRGBA       func(data *uint8, size uintptr, w, h *int32) *uint8                       // tests only
	free             func(p *uint8)                                                            // tests only
}

var (
	webpOnce    sync.Once
	webpNative  *webpLib
	webpLoadErr error
)

// loadWebP opens libwebp once per process. See webplib_*.go for where each platform looks.
func loadWebP() (*webpLib, error) {
	webpOnce.Do(func() {
		var tried []string
		for _, cand := range webpLibCandidates() {
			h, err := openLib(cand)
			if err != nil {
				tried = append(tried, err.Error())
				continue
			}
			lib, err := bindWebP(h, cand)
			if err != nil {
				tried = append(tried, fmt.Sprintf("%s: %v", cand, err))
				continue
			}
			webpNative = lib
			return
		}
		webpLoadErr = fmt.Errorf("libwebp not found or unusable (%d places tried): %v", len(tried), tried)
	})
	return webpNative, webpLoadErr
}

func bindWebP(h uintptr, path string) (lib *webpLib, err error) {
	// purego.RegisterFunc panics on signatures it cannot bind; never let that take the app down.
	defer func() {
		if r := recover(); r != nil {
			lib, err = nil, fmt.Errorf("binding libwebp: %v", r)
		}
	}()
	lib = &webpLib{path: path}
	bind := func(fn any, name string) error {
		addr, err := libSym(h, name)
		if err != nil {
			return fmt.Errorf("missing symbol %s: %w", name, err)
		}
		purego.RegisterFunc(fn, addr)
		return nil
	}
	for _, b := range []struct {
		fn   any
		name string
	}{
		{&lib.pictureInit, "WebPPictureInitInternal"},
		{&lib.pictureFree, "WebPPictureFree"},
		{&lib.pictureImport, "WebPPictureImportRGBA"},
		{&lib.pictureImportRGB, "WebPPictureImportRGB"},
		{&lib.validateConfig, "WebPValidateConfig"},
		{&lib.encode, "WebPEncode"},
		{&lib.encoderVersion, "WebPGetEncoderVersion"},
	} {
		if err := bind(b.fn, b.name); err != nil {
			return nil, err
		}
	}
	// Float arguments are not supported by purego on every platform (Windows); this one is only
	// used by tests on Linux to check defaultWebPConfig, so a failure here is not fatal.
	_ = bind(&lib.configInitInner, "WebPConfigInitInternal")
	// The decoder is only used by tests to read our output back; optional as well.
	_ = bind(&lib.decodeRGBA, "WebPDecodeRGBA")
	_ = bind(&lib.free, "WebPFree")
	var probe webpPicture
	if lib.pictureInit(&probe, webpEncoderABI) == 0 {
		v := lib.encoderVersion()
		return nil, fmt.Errorf("libwebp %d.%d.%d has an incompatible encoder ABI", v>>16, (v>>8)&0xff, v&0xff)
	}
	return lib, nil
}

func (l *webpLib) version() string {
	v := l.encoderVersion()
	return fmt.Sprintf("%d.%d.%d", v>>16, (v>>8)&0xff, v&0xff)
}

// defaultWebPConfig is what WebPConfigInit (WebPConfigPreset(WEBP_PRESET_DEFAULT, 75)) sets, i.e.
// what cwebp starts from. We fill it here instead of calling the library because that function
// takes a float argument (see bindWebP); TestDefaultWebPConfigMatchesLibrary keeps it honest.
func defaultWebPConfig() webpConfig {
	return webpConfig{
		Quality:          75,
		Method:           4,
		SnsStrength:      50,
		FilterStrength:   60,
		FilterType:       1,
		Segments:         4,
		Pass:             1,
		Qmax:             100,
		AlphaCompression: 1,
		AlphaFiltering:   1,
		AlphaQuality:     100,
		NearLossless:     100,
	}
}

// Writers reached from the C write callback. The callback gets an integer key (stored in
// picture.custom_ptr), never a Go pointer, so nothing Go-managed is kept by C code.
var (
	webpWriters   sync.Map // uintptr -> *webpSink
	webpWriterSeq atomic.Uintptr
	webpWriteCB   = sync.OnceValue(func() uintptr { return purego.NewCallback(webpWrite) })
)

type webpSink struct {
	w      io.Writer
	err    error
	cancel <-chan struct{} // Options.Cancel; polled by the progress hook
}

// The progress hook is how a caller interrupts libwebp mid-file: WebPEncode calls it as it goes
// (every macroblock row for lossy, between the lossless stages), and a 0 return makes it stop with
// VP8_ENC_ERROR_USER_ABORT. purego callbacks are a small fixed pool that is never freed, so there is
// one hook for the process; it finds the encode's cancel channel through picture.custom_ptr, the
// same key the writer uses. Installed only when Options.Cancel is set: without it the encode is
// byte-for-byte what cwebp does, with no calls back into Go.
var (
	webpProgressCB    = sync.OnceValue(func() uintptr { return purego.NewCallback(webpProgress) })
	webpProgressCalls atomic.Int64 // how often the hook ran; tests check that cancellation went through it
)

// Both callbacks return uintptr although C declares int: Windows callbacks (syscall.NewCallback,
// under purego) must return one uintptr-sized value, and C reads the low 32 bits of it on every
// platform we build for.
func webpProgress(percent int32, pic *webpPicture) uintptr {
	webpProgressCalls.Add(1)
	v, ok := webpWriters.Load(pic.CustomPtr)
	if !ok {
		return 0
	}
	select {
	case <-v.(*webpSink).cancel:
		return 0
	default:
		return 1
	}
}

func webpWrite(data *uint8, size uintptr, pic *webpPicture) uintptr {
	v, ok := webpWriters.Load(pic.CustomPtr)
	if !ok {
		return 0
	}
	s := v.(*webpSink)
	if size == 0 {
		return 1
	}
	if _, err := s.w.Write(unsafe.Slice(data, size)); err != nil {
		s.err = err
		return 0
	}
	return 1
}

var errNoNative = errors.New("native libwebp not loaded")

// webpNativeAvailable reports whether libwebp is loaded (loading it on first use).
func webpNativeAvailable() bool {
	_, err := loadWebP()
	return err == nil
}

// encodeWebPNative encodes img with libwebp exactly as cwebp does for the same settings: the
// default config with quality and method set, and pixels imported with WebPPictureImportRGB(A)
// straight into YUV for lossy (ARGB for lossless), so output bytes match `cwebp -q Q -m M` for the
// same input pixels. With Threads above 1 it is `cwebp -mt`: thread_level 1 splits the analysis pass
// in two and encodes the alpha plane beside the colour, and the bytes stay the same (tested).
func encodeWebPNative(w io.Writer, img image.Image, o Options) error {
	lib, err := loadWebP()
	if err != nil {
		return errNoNative
	}
	cfg := defaultWebPConfig()
	cfg.Quality = float32(o.Quality)
	cfg.Method = int32(o.Effort)
	if o.Lossless {
		cfg.Lossless = 1
	}
	if o.Threads > 1 {
		cfg.ThreadLevel = 1 // libwebp has one level of threading; any value above 0 is "on"
	}
	if lib.validateConfig(&cfg) == 0 {
		return fmt.Errorf("%w: libwebp refused the settings (quality %d, method %d)", ErrInvalidOptions, o.Quality, o.Effort)
	}

	pic := new(webpPicture)
	if lib.pictureInit(pic, webpEncoderABI) == 0 {
		return fmt.Errorf("%w: libwebp picture init failed (ABI mismatch)", ErrEncode)
	}
	defer lib.pictureFree(pic)
	// Lossy: import straight to YUV420 as cwebp does (use_argb=0); this skips a 4-byte-per-pixel
	// ARGB copy. Lossless needs ARGB.
	pic.UseArgb = cfg.Lossless
	pic.Width = int32(img.Bounds().Dx())
	pic.Height = int32(img.Bounds().Dy())
	if !importWebP(lib, pic, img) {
		return fmt.Errorf("%w: libwebp could not import %dx%d pixels (out of memory?)", ErrEncode, pic.Width, pic.Height)
	}
	o.pixelsRead()

	sink := &webpSink{w: w, cancel: o.Cancel}
	key := webpWriterSeq.Add(1)
	webpWriters.Store(key, sink)
	defer webpWriters.Delete(key)
	pic.Writer = webpWriteCB()
	pic.CustomPtr = key
	if o.Cancel != nil {
		pic.ProgressHook = webpProgressCB()
	}

	if lib.encode(&cfg, pic) == 0 {
		if pic.ErrorCode == webpErrUserAbort {
			return errCanceled
		}
		if sink.err != nil {
			return fmt.Errorf("writing WebP output: %w", sink.err)
		}
		return fmt.Errorf("%w: libwebp: %s", ErrEncode, webpErrorText(pic.ErrorCode))
	}
	return nil
}

// importWebP copies img into pic: 3-byte RGB as cwebp imports a JPEG (WebPPictureImportRGB), anything
// else as RGBA. Opaque RGB and RGBA of the same picture give the same YUV, hence the same file.
func importWebP(lib *webpLib, pic *webpPicture, img image.Image) bool {
	if rgb, ok := img.(rgbImage); ok {
		pix, stride := rgb.RGBPixels()
		return lib.pictureImportRGB(pic, unsafe.SliceData(pix), int32(stride)) != 0
	}
	px := toNRGBA(img)
	return lib.pictureImport(pic, unsafe.SliceData(px.Pix), int32(px.Stride)) != 0
}

// webpErrUserAbort is VP8_ENC_ERROR_USER_ABORT: the progress hook returned 0.
const webpErrUserAbort = 10

func webpErrorText(code uint32) string {
	texts := []string{
		"ok",
		"out of memory",
		"out of memory while flushing bits",
		"internal error (null parameter)",
		"invalid configuration",
		"picture has invalid width or height",
		"partition 0 is too big to fit 512k (try a lower quality)",
		"partition is too big to fit 16M",
		"error while writing the output",
		"file is bigger than 4G",
		"aborted",
	}
	if int(code) < len(texts) {
		return texts[code]
	}
	return fmt.Sprintf("error code %d", code)
}

func webpNativeStatus() (ok bool, detail string) {
	lib, err := loadWebP()
	if err != nil {
		return false, err.Error()
	}
	return true, fmt.Sprintf("libwebp %s loaded from %s", lib.version(), lib.path)
}

// webpConfig mirrors struct WebPConfig (116 bytes).
type webpConfig struct {
	Lossless         int32
	Quality          float32
	Method           int32
	ImageHint        uint32
	TargetSize       int32
	TargetPsnr       float32
	Segments         int32
	SnsStrength      int32
	FilterStrength   int32
	FilterSharpness  int32
	FilterType       int32
	Autofilter       int32
	AlphaCompression int32
	AlphaFiltering   int32
	AlphaQuality     int32
	Pass             int32
	ShowCompressed   int32
	Preprocessing    int32
	Partitions       int32
	PartitionLimit   int32
	EmulateJpegSize  int32
	ThreadLevel      int32
	LowMemory        int32
	NearLossless     int32
	Exact            int32
	UseDeltaPalette  int32
	UseSharpYuv      int32
	Qmin             int32
	Qmax             int32
}

// webpPicture mirrors struct WebPPicture (256 bytes on 64-bit).
type webpPicture struct {
	UseArgb       int32
	Colorspace    uint32
	Width         int32
	Height        int32
	Y             *uint8
	U             *uint8
	V             *uint8
	YStride       int32
	UvStride      int32
	A             *uint8
	AStride       int32
	_             [2]uint32
	Argb          *uint32
	ArgbStride    int32
	_             [3]uint32
	Writer        uintptr
	CustomPtr     uintptr
	ExtraInfoType int32
	ExtraInfo     *uint8
	Stats         uintptr
	ErrorCode     uint32
	ProgressHook  uintptr
	UserData      uintptr
	_             [3]uint32
	_             uintptr
	_             uintptr
	_             [8]uint32
	Memory        uintptr
	MemoryArgb    uintptr
	_             [2]uintptr
}
