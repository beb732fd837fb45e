package converter

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"imageconverter/converter/autoquality"
	"imageconverter/converter/decode"
	"imageconverter/converter/encode"
	"imageconverter/internal/ssim"
)

// scene is a synthetic photo: smooth shading, a texture of the given strength (leaves, fabric),
// sensor grain of the given strength, and a hard-edged shape. Written as PNG, so the source
// itself carries no compression artefacts.
type scene struct {
	name           string
	texture, grain float64
}

// autoCorpus is small on purpose (a few seconds for both formats) but spans what the search must
// tell apart: a clean sky wants a low quality, heavy grain more than balanced gives.
var autoCorpus = []scene{
	{"sky.png", 0, 0.5},
	{"portrait.png", 2, 0.5},
	{"meadow.png", 12, 1},
	{"street.png", 5, 1.5},
	{"night.png", 3, 8},
}

func writeScene(t testing.TB, path string, sc scene, w, h int, seed int64) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			tex := sc.texture * math.Sin(float64(x)*0.35+3*math.Sin(float64(y)*0.13)) * math.Cos(float64(y)*0.27)
			base := [3]float64{120 + 80*math.Sin(3*fx+fy), 140 + 60*math.Cos(4*fy-fx), 170 - 70*fy}
			var px [3]uint8
			for c := range 3 {
				v := base[c] + tex + sc.grain*rng.NormFloat64()
				if dx, dy := fx-0.3, fy-0.55; dx*dx+dy*dy < 0.04 {
					v *= 0.5 // a dark, hard-edged shape against the sky
				}
				px[c] = uint8(min(max(v, 0), 255))
			}
			img.SetNRGBA(x, y, color.NRGBA{px[0], px[1], px[2], 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lookOf scores the file at dst against the pixels the encoder was given for src: the written output
// decoded by the converter's decoder, not any number the search kept.
func lookOf(t testing.TB, src, dst string, opts Options) float64 {
	t.Helper()
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return scoreAgainstPrepared(t, src, opts, data)
}

// lookAt encodes src's prepared pixels at quality q and scores the result as lookOf does.
func lookAt(t testing.TB, src string, opts Options, q int) float64 {
	t.Helper()
	prep, err := Prepare(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	eo := prep.Encoder
	eo.Quality = q
	var buf bytes.Buffer
	if err := encode.Encode(&buf, prep.Pixels, eo); err != nil {
		t.Fatal(err)
	}
	return scoreAgainstPrepared(t, src, opts, buf.Bytes())
}

// scoreAgainstPrepared decodes encoded and scores its mean SSIM against src's prepared pixels.
func scoreAgainstPrepared(t testing.TB, src string, opts Options, encoded []byte) float64 {
	t.Helper()
	prep, err := Prepare(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decode.DecodeBytes(encoded, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssim.Mean(ssim.FromImage(prep.Pixels), ssim.FromImage(out.Pixels))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAutoQualityKeepsTheLookAndStaysNearBalanced(t *testing.T) {
	for _, format := range []string{"webp", "avif"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for i, sc := range autoCorpus {
				p := filepath.Join(dir, "src", sc.name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				writeScene(t, p, sc, 400, 272, int64(i+1))
				paths = append(paths, p)
			}
			auto := testOptions()
			auto.Format, auto.Preset, auto.OutputDir = format, PresetAuto, filepath.Join(dir, "auto")
			fixed := testOptions()
			fixed.Format, fixed.OutputDir = format, filepath.Join(dir, "fixed")
			as, fs := convertAll(t, auto, paths...), convertAll(t, fixed, paths...)

			r := autoquality.For(encode.Format(format))
			balanced, _ := encode.PresetOptions(encode.Format(format), encode.PresetBalanced)
			qualities := map[int]bool{}
			larger := 0
			for _, sc := range autoCorpus {
				a, f := result(t, as, sc.name), result(t, fs, sc.name)
				if a.Status != StatusConverted || f.Status != StatusConverted {
					t.Fatalf("%s: not converted: %+v / %+v", sc.name, a, f)
				}
				if f.Quality != balanced.Quality {
					t.Errorf("%s: fixed run reports quality %d, want the balanced %d", sc.name, f.Quality, balanced.Quality)
				}
				if a.Quality < r.Min || a.Quality > r.Max {
					t.Errorf("%s: automatic quality %d outside %d–%d", sc.name, a.Quality, r.Min, r.Max)
				}
				qualities[a.Quality] = true
				look := lookOf(t, a.Src, a.Dst, auto)
				t.Logf("%s: auto q%d %d B SSIM %.4f; balanced q%d %d B SSIM %.4f", sc.name, a.Quality, a.BytesOut, look,
					f.Quality, f.BytesOut, lookOf(t, f.Src, f.Dst, fixed))
				// These photos are below the sample size, so the search saw exactly these pixels: the
				// result keeps the look unless even the cap could not.
				if look < autoquality.Threshold && a.Quality != r.Max {
					t.Errorf("%s: SSIM %.4f of the written file is below the threshold %.3f at quality %d", sc.name, look, autoquality.Threshold, a.Quality)
				}
				// And it is the lowest such quality: one step down loses the look.
				if a.Quality > r.Min {
					if below := lookAt(t, a.Src, auto, a.Quality-1); below >= autoquality.Threshold {
						t.Errorf("%s: quality %d already scores %.4f, yet %d was chosen", sc.name, a.Quality-1, below, a.Quality)
					}
				}
				if a.BytesOut > f.BytesOut {
					larger++
					if float64(a.BytesOut) > autoquality.MaxGrowth*float64(f.BytesOut) {
						t.Errorf("%s: auto %d B is more than %.1f× balanced %d B", sc.name, a.BytesOut, autoquality.MaxGrowth, f.BytesOut)
					}
				}
			}
			if len(qualities) < 2 {
				t.Errorf("every photo got the same quality %v: nothing was chosen per photo", qualities)
			}
			if allowed := int(math.Ceil(autoquality.LargerShare * float64(len(autoCorpus)))); larger > allowed {
				t.Errorf("%d of %d photos are larger than balanced, more than the stated share %.0f %%", larger, len(autoCorpus), 100*autoquality.LargerShare)
			}
		})
	}
}

func TestResultQuality(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src", "street.png")
	os.MkdirAll(filepath.Dir(src), 0o755)
	writeScene(t, src, autoCorpus[3], 160, 120, 3)
	cases := []struct {
		name string
		set  func(o *Options)
		want int
	}{
		{"smallest", func(o *Options) { o.Preset = "smallest" }, 60},
		{"explicit quality wins over auto", func(o *Options) { o.Preset, o.Quality = PresetAuto, 67 }, 67},
		{"lossless has none", func(o *Options) { o.Preset, o.Lossless = PresetAuto, true }, 0},
		{"avif best", func(o *Options) { o.Format, o.Preset = "avif", "best" }, 85},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOptions()
			o.OutputDir = filepath.Join(dir, "out", string(rune('a'+i)))
			o.SkipIfLarger = false
			c.set(&o)
			s := convertAll(t, o, src)
			if r := result(t, s, "street.png"); r.Status != StatusConverted || r.Quality != c.want {
				t.Fatalf("quality %d (%s), want %d", r.Quality, r.Status, c.want)
			}
		})
	}
	// A picture too small to score (6×4), one with transparency and a rotated one convert
	// automatically too.
	tiny := image.NewNRGBA(image.Rect(0, 0, 6, 4))
	for i := range tiny.Pix {
		tiny.Pix[i] = uint8(i * 37)
	}
	var buf bytes.Buffer
	png.Encode(&buf, tiny)
	os.WriteFile(filepath.Join(dir, "src", "tiny.png"), buf.Bytes(), 0o644)
	for _, name := range []string{"tiny.png", "png_rgba.png", "jpeg_orient6.jpg"} {
		o := testOptions()
		o.OutputDir = filepath.Join(dir, "out", "other")
		o.Preset, o.SkipIfLarger = PresetAuto, false
		src := filepath.Join(dir, "src", name)
		if name != "tiny.png" {
			copyFile(t, filepath.Join("testdata", name), src)
		}
		r := result(t, convertAll(t, o, src), name)
		if rg := autoquality.For(encode.WebP); r.Status != StatusConverted || r.Quality < rg.Min || r.Quality > rg.Max {
			t.Fatalf("%s: %+v", name, r)
		}
	}
	// Not converted: no quality.
	o := testOptions()
	o.OutputDir = filepath.Join(dir, "out", "a")
	o.Preset = "smallest"
	if r := result(t, convertAll(t, o, src), "street.png"); r.Status != StatusSkipped || r.Quality != 0 {
		t.Fatalf("skipped file reports quality %d (%s)", r.Quality, r.Status)
	}
}

func TestAutoPresetIsValidAndOthersAreNot(t *testing.T) {
	o := DefaultOptions()
	o.Preset = "Auto"
	n, err := o.normalized()
	if err != nil || !n.autoQuality || n.Quality != 80 || n.Effort != 4 {
		t.Fatalf("auto: %+v, %v", n, err)
	}
	o.Preset = "automatic"
	if _, err := o.normalized(); err == nil {
		t.Fatal("an unknown preset was accepted")
	}
}
