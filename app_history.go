package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"imageconverter/converter"
	"imageconverter/history"
	"imageconverter/platform"
	"imageconverter/runs"
	"imageconverter/uierr"
)

// The results side of App: every finished run is kept (package history), the
// UI lists the last ones, shows a run's files, exports them as CSV and shows
// a file in its folder.

var (
	codeNoSuchRun    = uierr.Declare("no_such_run")
	codeExportFailed = uierr.Declare("export_failed")
	codeShowFailed   = uierr.Declare("show_failed")
)

// Results lists the kept runs, newest first, without their files.
func (a *App) Results() []history.Run {
	out := a.results.List()
	if out == nil {
		out = []history.Run{}
	}
	return out
}

// ResultRun is one kept run with its files.
func (a *App) ResultRun(id string) (history.Run, error) {
	r, err := a.results.Get(id)
	if err != nil {
		return history.Run{}, uierr.With(codeNoSuchRun, "These results are no longer kept.", "", err)
	}
	return r, nil
}

// ChooseCSVFile asks where to save a CSV file (title in the UI's language,
// name suggested); no choice gives "".
func (a *App) ChooseCSVFile(title, name string) (string, error) {
	rt := a.runtime()
	if rt == nil {
		return "", errNotReady
	}
	return rt.SaveFile(orDefault(title, "Export results"), name, []platform.FileFilter{{DisplayName: "CSV", Pattern: "*.csv"}})
}

// ExportResults writes run id as CSV to path (from ChooseCSVFile; ".csv" is
// added when missing) in the user's language and returns the file written.
func (a *App) ExportResults(id, path string) (string, error) {
	r, err := a.ResultRun(id)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(path) {
		return "", uierr.With(codeExportFailed, "The results could not be saved.", path, nil)
	}
	if !strings.EqualFold(filepath.Ext(path), ".csv") {
		path += ".csv"
	}
	if err := writeCSVFile(path, r, a.csvLabels()); err != nil {
		return "", uierr.With(codeExportFailed, "The results could not be saved.", path, err)
	}
	return path, nil
}

// ShowInFolder opens the file manager with path selected (a result's output,
// or its source when the output is gone).
func (a *App) ShowInFolder(path string) error {
	rt := a.runtime()
	if rt == nil {
		return errNotReady
	}
	if !filepath.IsAbs(path) {
		return uierr.With(codeShowFailed, "This file cannot be shown.", path, nil)
	}
	if _, err := os.Stat(path); err != nil {
		return uierr.With(codeShowFailed, "The file is no longer there.", path, err)
	}
	if err := rt.ShowInFolder(path); err != nil {
		return uierr.With(codeShowFailed, "The folder could not be opened.", filepath.Dir(path), err)
	}
	return nil
}

// keepResults records a finished run for the results table; a failure is
// logged, never in the way of the run.
func (a *App) keepResults(r runs.Result) {
	if r.RunID == "" {
		return
	}
	if err := a.results.Save(resultRecord(r, time.Now())); err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter: results:", err)
	}
}

// resultRecord is what the results table keeps of a run.
func resultRecord(r runs.Result, ended time.Time) history.Run {
	s := r.Summary
	out := history.Run{ID: r.RunID, Started: ended.Add(-s.Elapsed), Ended: ended, Origin: r.Origin.Kind, Folder: r.Origin.Folder,
		OutputDir: r.OutputDir, Converted: s.Converted, Skipped: s.Skipped, Failed: s.Failed, BytesIn: s.BytesIn, BytesOut: s.BytesOut,
		Canceled: r.Canceled}
	for _, f := range s.Files {
		out.Files = append(out.Files, history.File{Src: f.Src, Dst: f.Dst, Status: string(f.Status), Code: string(f.Code), Reason: f.Reason,
			BytesIn: f.BytesIn, BytesOut: f.BytesOut, Quality: f.Quality})
		if out.Format == "" && f.Status == converter.StatusConverted {
			out.Format = strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Dst)), ".")
		}
	}
	return out
}

// csvLabels are the CSV's words in the user's language.
func (a *App) csvLabels() history.Labels {
	lang := a.language()
	t := func(key string) string {
		if a.texts == nil {
			return key
		}
		return a.texts.T(lang, key, nil)
	}
	l := history.Labels{Status: func(s string) string { return t("status." + s) }}
	for _, k := range []string{"file", "folder", "before", "after", "saving", "quality", "status", "reason", "output"} {
		l.Header = append(l.Header, t("csv."+k))
	}
	l.Reason = func(code, fallback string) string {
		if code == "" {
			return fallback
		}
		if s := t("reason." + code); s != "reason."+code {
			return s
		}
		return fallback
	}
	return l
}

func writeCSVFile(path string, r history.Run, l history.Labels) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := history.WriteCSV(tmp, r, l); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
