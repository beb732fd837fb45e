package converter

import (
	"sort"
	"time"
)

// Status is the outcome of one source file.
type Status string

const (
	StatusConverted Status = "converted"
	StatusSkipped   Status = "skipped"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled" // the run was cancelled before this file was written
)

// Code is a stable machine-readable reason, for the UI to translate. Reason carries an English sentence.
type Code string

const (
	CodeNone             Code = ""
	CodeAlreadyConverted Code = "already_converted"  // output exists and is not older than the source
	CodeExists           Code = "exists"             // output exists and the policy is skip
	CodeLarger           Code = "larger"             // output would not be smaller; original kept
	CodeSameFormat       Code = "same_format"        // the source already is in the output format
	CodeAnimated         Code = "animated"           // animated GIF/WebP: not flattened
	CodeTooLarge         Code = "too_large"          // declared dimensions above MaxPixels
	CodeUnsupported      Code = "unsupported"        // a picture of a kind or with a feature we cannot read (SVG, PSD…)
	CodeNotImage         Code = "not_image"          // not a picture at all (a text file, a PDF…)
	CodeEmpty            Code = "empty"              // 0 bytes
	CodeCorrupt          Code = "corrupt"            // a picture that is truncated or damaged
	CodeNotFound         Code = "not_found"          // the path does not exist (any more)
	CodeFolderNotAllowed Code = "folder_not_allowed" // a folder was given with Options.Folders false
	CodeCancelled        Code = "cancelled"          // the run was cancelled
	CodeIO               Code = "io"                 // reading or writing failed for another reason
	CodeDiskFull         Code = "io_disk_full"       // the output's disk is full (ENOSPC, EDQUOT)
	CodeReadOnly         Code = "io_read_only"       // the output's disk is read-only (EROFS)
	CodePermission       Code = "io_permission"      // no permission to read the source or write the output
	CodeEncode           Code = "encode"             // the encoder failed
	CodeWebPTooLarge     Code = "webp_too_large"     // wider or higher than WebP's 16383 pixels
	CodeNameTooLong      Code = "name_too_long"      // the name pattern gives a name longer than a disk takes
	// CodeTargetMissed is a converted file above Options.TargetSize: even the lowest quality did not
	// reach it, so the smallest file was written and the reason says so.
	CodeTargetMissed Code = "target_missed"
)

// FileResult is the outcome for one source path. Every skip and failure has a Reason a person understands.
type FileResult struct {
	Src      string `json:"src"`
	Dst      string `json:"dst,omitempty"`
	Status   Status `json:"status"`
	Code     Code   `json:"code,omitempty"`
	Reason   string `json:"reason,omitempty"`
	BytesIn  int64  `json:"bytesIn"`  // size of the source
	BytesOut int64  `json:"bytesOut"` // size written (0 unless converted)
	// Width/Height are the output dimensions (after orientation and resize) when converted.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Quality is the lossy quality the output was encoded with when converted: the fixed one, or the
	// one the automatic quality chose for this photo. 0 for lossless and for files not converted.
	Quality int `json:"quality,omitempty"`
}

// Summary is the outcome of a run. BytesIn/BytesOut count converted files only, so Saved is what the
// user really gained.
type Summary struct {
	Converted int           `json:"converted"`
	Skipped   int           `json:"skipped"`
	Failed    int           `json:"failed"`
	Cancelled int           `json:"cancelled"`
	BytesIn   int64         `json:"bytesIn"`
	BytesOut  int64         `json:"bytesOut"`
	Saved     int64         `json:"saved"`
	Backend   string        `json:"backend"` // "native" or "wasm": the encoder that ran
	Elapsed   time.Duration `json:"elapsed"`
	Files     []FileResult  `json:"files"`
}

// Summarize counts results into a Summary (Backend and Elapsed are left for the caller). Files are sorted
// by source path so output is stable whatever order workers finished in.
func Summarize(results []FileResult) Summary {
	s := Summary{Files: append([]FileResult(nil), results...)}
	sort.SliceStable(s.Files, func(i, j int) bool { return s.Files[i].Src < s.Files[j].Src })
	for _, r := range s.Files {
		switch r.Status {
		case StatusConverted:
			s.Converted++
			s.BytesIn += r.BytesIn
			s.BytesOut += r.BytesOut
		case StatusSkipped:
			s.Skipped++
		case StatusFailed:
			s.Failed++
		case StatusCancelled:
			s.Cancelled++
		}
	}
	s.Saved = s.BytesIn - s.BytesOut
	return s
}

// Merge returns a summary of both a and b (for a plan's pre-decided results plus a run, or several runs).
func Merge(a, b Summary) Summary {
	s := Summarize(append(append([]FileResult(nil), a.Files...), b.Files...))
	s.Backend = a.Backend
	if s.Backend == "" {
		s.Backend = b.Backend
	}
	s.Elapsed = a.Elapsed + b.Elapsed
	return s
}
