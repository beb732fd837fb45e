package converter

// isHiddenFlags reports whether BSD file flags (st_flags) carry UF_HIDDEN. It is built everywhere so
// the rule is tested on every OS; only macOS reads the flags from the file.
func isHiddenFlags(flags uint32) bool { return flags&ufHidden != 0 }

// ufHidden is UF_HIDDEN from <sys/stat.h>.
const ufHidden = 0x8000
