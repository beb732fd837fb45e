package main

import (
	"imageconverter/about"
	"imageconverter/release"
	"imageconverter/update"
	"imageconverter/version"
)

// The update side of App: the banner's state, "check now", starting the
// downloaded update, and the About box.

// EventUpdate carries UpdateInfo after every change (a check, download progress).
const EventUpdate = "update:changed"

// UpdateInfo is the update's state for the banner and the About box.
type UpdateInfo struct {
	Current  string            `json:"current"`
	Latest   string            `json:"latest"`
	Newer    bool              `json:"newer"`
	Required bool              `json:"required"` // this version may not convert until updated
	Notes    map[string]string `json:"notes"`    // by language
	Phase    string            `json:"phase"`    // current, available, downloading, ready, failed
	Percent  int               `json:"percent"`  // of the download
	How      string            `json:"how"`      // restart (Windows), open (macOS), command (Linux)
	File     string            `json:"file"`     // the verified package
	Problem  string            `json:"problem"`  // an error code: the last check or download went wrong
	Checked  string            `json:"checked"`  // RFC 3339 time of the last successful check, "" never
	Seq      uint64            `json:"seq"`      // grows with every change: the newest wins
}

// AboutInfo is the About box.
type AboutInfo struct {
	Version    string            `json:"version"`
	Support    string            `json:"support"`    // https or mailto link; "" in a development build
	Components []about.Component `json:"components"` // open-source parts and their licences
	LicenseDir string            `json:"licenseDir"` // the licence texts the package installed, "" none
}

func mapUpdate(s update.Status) UpdateInfo {
	u := UpdateInfo{Current: s.Current, Latest: s.Latest, Newer: s.Newer, Required: s.Required, Notes: s.Notes,
		Phase: string(s.Phase), How: string(s.How), File: s.File, Problem: s.Problem, Seq: s.Seq}
	if s.Total > 0 {
		u.Percent = int(s.Done * 100 / s.Total)
	}
	if !s.Checked.IsZero() {
		u.Checked = s.Checked.Format("2006-01-02T15:04:05Z07:00")
	}
	return u
}

// UpdateStatus is the update's state now.
func (a *App) UpdateStatus() UpdateInfo { return mapUpdate(a.updates.Status()) }

// CheckForUpdates checks now (the About box's button, and Retry); the answer
// also arrives as EventUpdate.
func (a *App) CheckForUpdates() UpdateInfo {
	_ = a.updates.Check(a.lifetime()) // the status carries the problem
	return mapUpdate(a.updates.Status())
}

// InstallUpdate starts the downloaded update. On Windows the installer waits
// for the app to quit, installs and starts the new version, so the app quits
// now (a run in progress stops like on any quit: no half-written files).
func (a *App) InstallUpdate() error {
	if err := a.updates.Install(); err != nil {
		return err
	}
	if a.updates.Status().How == update.HowRestart {
		a.quitting.Store(true)
		if rt := a.runtime(); rt != nil {
			rt.Quit()
		}
	}
	return nil
}

// About is the About box: version, support link, open-source licences.
func (a *App) About() AboutInfo {
	return AboutInfo{Version: version.Version, Support: release.SupportURL, Components: about.Components(), LicenseDir: about.LicenseDir()}
}

// newUpdater checks the manifest this build trusts and tells the UI.
func (a *App) newUpdater() *update.Updater {
	return update.New(update.Config{Source: update.DefaultSource(), Current: version.Version, Dir: update.DefaultDir(),
		Changed: func(s update.Status) { a.emit(EventUpdate, mapUpdate(s)) }})
}
