package history

import (
	"encoding/csv"
	"io"
	"path/filepath"
	"strconv"
)

// Labels are the CSV's words in the user's language.
type Labels struct {
	Header []string                           // file, folder, before, after, saving, quality, status, reason, output
	Status func(status string) string         // converted → 변환됨
	Reason func(code, fallback string) string // a code → the sentence
}

// WriteCSV writes run as CSV: one row per file, sizes in bytes, the saving
// in percent with one decimal. A UTF-8 byte order mark comes first, which is
// what makes Excel read Korean and Japanese names correctly.
func WriteCSV(w io.Writer, run Run, l Labels) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // Excel's and Windows' line ends; every CSV reader accepts them
	if err := cw.Write(l.Header); err != nil {
		return err
	}
	for _, f := range run.Files {
		saving, quality, after := "", "", ""
		if f.Status == "converted" {
			after = strconv.FormatInt(f.BytesOut, 10)
			if f.BytesIn > 0 {
				saving = strconv.FormatFloat(100*float64(f.BytesIn-f.BytesOut)/float64(f.BytesIn), 'f', 1, 64)
			}
			if f.Quality > 0 {
				quality = strconv.Itoa(f.Quality)
			}
		}
		reason := ""
		if f.Status != "converted" || f.Code != "" { // a converted file above its target size says so
			reason = l.Reason(f.Code, f.Reason)
		}
		row := []string{filepath.Base(f.Src), filepath.Dir(f.Src), strconv.FormatInt(f.BytesIn, 10), after, saving, quality,
			l.Status(f.Status), reason, f.Dst}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
