package settings

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"imageconverter/converter"
	"imageconverter/uierr"
)

func TestSaveLoadAndDamagedFile(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Load(); got != Defaults() {
		t.Errorf("first start: %+v, want the defaults", got)
	}
	s := Defaults()
	s.Format, s.Resize, s.MaxWidth, s.MaxHeight, s.Language = "avif", true, 800, 600, "ja"
	if err := f.Save(s); err != nil {
		t.Fatal(err)
	}
	again, _ := Open(dir)
	if got := again.Load(); got != s {
		t.Errorf("after a restart: %+v, want %+v", got, s)
	}
	// A damaged file must not lock the user out.
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := again.Load(); got != Defaults() {
		t.Errorf("damaged file: %+v, want the defaults", got)
	}
}

// Save reports a save that did not happen: a rename that fails for any
// reason — a missing temporary file included — is an error, and the old
// settings stay.
func TestSaveReportsAFailedRename(t *testing.T) {
	for _, cause := range []error{fs.ErrNotExist, fs.ErrPermission} {
		f, _ := Open(t.TempDir())
		f.rename = func(string, string) error { return &os.LinkError{Op: "rename", Err: cause} }
		s := Defaults()
		s.Format = "avif"
		if err := f.Save(s); err == nil {
			t.Errorf("rename failing with %v: Save reported success", cause)
		}
		if got := f.Load(); got.Format != "webp" {
			t.Errorf("after a failed save the settings say %q", got.Format)
		}
	}
}

func TestValidateSaysWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Settings)
		code uierr.Code
	}{
		{"output folder not chosen", func(s *Settings) { s.OutputMode, s.OutputDir = "folder", "" }, codeOutputFolderMissing},
		{"relative output folder", func(s *Settings) { s.OutputMode, s.OutputDir = "folder", "out" }, codeOutputFolderMissing},
		{"tiny resize", func(s *Settings) { s.Resize, s.MaxWidth = true, 8 }, codeResizeOutOfRange},
		{"huge resize", func(s *Settings) { s.Resize, s.MaxHeight = true, 70000 }, codeResizeOutOfRange},
		{"unknown format", func(s *Settings) { s.Format = "gif" }, codeSettingInvalid},
		{"unknown language", func(s *Settings) { s.Language = "fr" }, codeSettingInvalid},
	} {
		s := Defaults()
		c.edit(&s)
		if got := uierr.CodeOf(s.Validate()); got != c.code {
			t.Errorf("%s: code %q, want %q", c.name, got, c.code)
		}
	}
	if err := Defaults().Validate(); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
	auto := Defaults()
	auto.Preset = "auto"
	if err := auto.Validate(); err != nil || auto.Options().Preset != converter.PresetAuto {
		t.Errorf("the automatic quality: %v, options preset %q", err, auto.Options().Preset)
	}
	auto.Preset = "automatic"
	if got := uierr.CodeOf(auto.Validate()); got != codeSettingInvalid {
		t.Errorf("unknown preset: code %q", got)
	}
}

func TestOptionsFollowTheSettings(t *testing.T) {
	s := Defaults()
	s.Resize, s.MaxWidth, s.MaxHeight, s.KeepDates = true, 40, 30, false
	s.OutputMode, s.OutputDir = "folder", "/out"
	o := s.Options()
	if o.MaxWidth != 40 || o.MaxHeight != 30 || o.KeepModTime || o.OutputDir != "/out" || o.Reconvert {
		t.Errorf("options %+v", o)
	}
	s.Resize, s.Existing = false, "overwrite"
	// "Replace" converts again: changed settings must take effect on outputs that look up to date.
	if o := s.Options(); o.MaxWidth != 0 || o.Existing != converter.ExistingOverwrite || !o.Reconvert {
		t.Errorf("options %+v", o)
	}
	dir := t.TempDir()
	s.OutputMode = "beside"
	if got := s.OpenFolder([]string{dir}); got != dir {
		t.Errorf("one dropped folder opens %q, want it", got)
	}
	if got := s.OpenFolder([]string{dir, dir + "/x.jpg"}); got != "" {
		t.Errorf("two paths open %q, want the run to choose", got)
	}
}

// Fine control: the custom preset's number and lossless reach the converter, a target size in KB
// becomes bytes, the name pattern passes through, and an old settings file (none of these fields)
// loads with the defaults for them.
func TestFineControlSettings(t *testing.T) {
	s := Defaults()
	if s.Fine() || s.Options().FineControl() {
		t.Errorf("the defaults ask for fine control: %+v", s)
	}
	s.Preset, s.Quality, s.Lossless, s.NamePattern = PresetCustom, 63, true, "{name}-web"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if o.Quality != losslessEffort || !o.Lossless || o.Preset != converter.DefaultPreset || o.NamePattern != "{name}-web" || !o.FineControl() || !s.Fine() {
		t.Errorf("custom: %+v", o)
	}
	s.Lossless = false
	if o := s.Options(); o.Quality != 63 || o.Lossless {
		t.Errorf("custom 63: %+v", o)
	}
	s.Lossless = true
	// Lossless belongs to the custom preset: another preset ignores the switch.
	s.Preset = "best"
	if o := s.Options(); o.Lossless || o.Quality != -1 || o.FineControl() {
		t.Errorf("best with lossless left on: %+v", o)
	}
	s.TargetKB = 500
	if o := s.Options(); o.TargetSize != 500_000 || !o.FineControl() || !s.Fine() {
		t.Errorf("target: %+v", o)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte(`{"format":"webp","preset":"best","outputMode":"beside","existing":"skip","maxWidth":1920,"maxHeight":1920,"keepDates":true,"closeAction":"ask"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ := Open(dir)
	if got := f.Load(); got.Preset != "best" || got.Quality != 80 || got.NamePattern != "{name}" || got.TargetKB != 0 {
		t.Errorf("old settings file: %+v", got)
	}
}

func TestFineControlRefusals(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*Settings)
		code string
	}{
		{"quality 0", func(s *Settings) { s.Preset, s.Quality = PresetCustom, 0 }, "quality_out_of_range"},
		{"quality 101", func(s *Settings) { s.Quality = 101 }, "quality_out_of_range"},
		{"lossless avif", func(s *Settings) { s.Format, s.Preset, s.Lossless = "avif", PresetCustom, true }, "lossless_webp_only"},
		{"target 5 KB", func(s *Settings) { s.TargetKB = 5 }, "target_out_of_range"},
		{"target negative", func(s *Settings) { s.TargetKB = -1 }, "target_out_of_range"},
		{"target and lossless", func(s *Settings) { s.Preset, s.Lossless, s.TargetKB = PresetCustom, true, 300 }, "target_lossless"},
		{"pattern without name", func(s *Settings) { s.NamePattern = "photo" }, "name_pattern_needs_name"},
		{"pattern with a folder", func(s *Settings) { s.NamePattern = "web/{name}" }, "name_pattern_separator"},
		{"pattern with a colon", func(s *Settings) { s.NamePattern = "{name}:{date}" }, "name_pattern_forbidden"},
	} {
		s := Defaults()
		c.set(&s)
		err := s.Validate()
		if string(uierr.CodeOf(err)) != c.code {
			t.Errorf("%s: %v (code %q), want %s", c.name, err, uierr.CodeOf(err), c.code)
		}
	}
}
