package encode

import "fmt"

// Preset is a choice a person can make without knowing codecs. The numbers behind each preset live
// here and nowhere else; the app and cmd/convert show the names and call PresetOptions.
type Preset string

// Presets, from smallest files to best looking.
const (
	PresetSmallest Preset = "smallest"
	PresetBalanced Preset = "balanced"
	PresetBest     Preset = "best"
)

// Presets lists the presets in the order the UI shows them.
var Presets = []Preset{PresetSmallest, PresetBalanced, PresetBest}

// PresetOptions returns the encoder settings of preset p for format f (Threads and Meta left zero:
// the batch engine decides those).
//
// Why these numbers:
//   - WebP Balanced is quality 80, method 4: the product's default and exactly `cwebp -q 80 -m 4`, so
//     our files can be checked byte for byte against the reference encoder (they match).
//   - WebP Smallest drops to quality 60 and spends more effort (method 6, the slowest) because
//     every byte counts; blocking starts to show in skies and gradients when zoomed in.
//   - WebP Best quality is 92 with method 5: near-transparent quality at about 2.5x the bytes of
//     Balanced.
//   - AVIF compresses better at the same look, so its numbers are lower. Quality is mapped to the
//     AV1 quantizer as libavif 1.x does (see avifQuantizer). Balanced is 70 (quantizer 19), the
//     middle of the product's 60–80 range and the batch engine's default, at libaom speed 8: a
//     third of the CPU of speed 6 (avifenc's default) for 3.5 % more bytes and 0.002 less SSIM on
//     photos (about 12 % more bytes on flat artwork). Speed 7 is nearer in bytes (+3 %, same SSIM)
//     but saves only a quarter of the time; rav1e and SVT-AV1, the other encoders of Debian's
//     libavif, are slower than libaom speed 6 at equal SSIM (docs/native-libraries.md, Measured).
//     Smallest is 50 (quantizer 32) at speed 6, where the bytes count more than the time; Best
//     quality is 85 (quantizer 9) at speed 5, a little slower for a little more detail in fine
//     textures.
//   - Measured on the test photo (TestPresetsRoundTrip, 640x400): WebP 9.0 / 23.5 / 58.4 KB at
//     32.5 / 33.7 / 38.0 dB PSNR; AVIF 4.8 / 17.8 / 52.4 KB at 34.9 / 36.3 / 38.6 dB — AVIF
//     Balanced is both smaller and closer to the original than WebP Balanced.
//
// Lossless is not a preset: it is a separate switch (WebP only), because its files are often
// larger than the originals for photos.
func PresetOptions(f Format, p Preset) (Options, error) {
	type knobs struct{ quality, effort int }
	var table map[Preset]knobs
	switch f {
	case WebP:
		table = map[Preset]knobs{
			PresetSmallest: {60, 6},
			PresetBalanced: {80, 4},
			PresetBest:     {92, 5},
		}
	case AVIF:
		table = map[Preset]knobs{
			PresetSmallest: {50, 6},
			PresetBalanced: {70, 8},
			PresetBest:     {85, 5},
		}
	default:
		return Options{}, fmt.Errorf("%w: output format %q is not supported (use webp or avif)", ErrInvalidOptions, f)
	}
	k, ok := table[p]
	if !ok {
		return Options{}, fmt.Errorf("%w: unknown preset %q (use smallest, balanced or best)", ErrInvalidOptions, p)
	}
	return Options{Format: f, Quality: k.quality, Effort: k.effort}, nil
}

// DefaultOptions returns the Balanced preset for f (WebP quality 80 method 4; AVIF quality 70
// speed 8).
func DefaultOptions(f Format) Options {
	o, err := PresetOptions(f, PresetBalanced)
	if err != nil {
		return Options{Format: f}
	}
	return o
}
