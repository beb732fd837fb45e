package encode

// avifQuantizer maps quality 0–100 to the AV1 quantizer 0–63 (0 = best) exactly as libavif 1.x does
// for `avifenc -q` (avifQualityToQuantizer: ((100-q)*63+50)/100). libavif 0.11 (Debian 12) only has
// min/max quantizers and encodes at their midpoint, so we set both to this value; the benchmark runs
// `avifenc --min Q --max Q` with the same number, which is the same quality setting.
//
// A few values: quality 50 → 32, 70 → 19, 80 → 13, 85 → 9, 100 → 0.
func avifQuantizer(quality int) int {
	if quality < 0 {
		quality = 0
	}
	if quality > 100 {
		quality = 100
	}
	return ((100-quality)*63 + 50) / 100
}

// avifThreads is the encoder thread count for o (0 means 1, as the contract says).
func avifThreads(o Options) int {
	if o.Threads <= 0 {
		return 1
	}
	return o.Threads
}
