// Command imageconverter is the desktop app: a window where people drop
// photos or folders and get WebP or AVIF copies. main only wires the parts.
package main

import (
	"embed"
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	settings, err := newSettingsFile("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter:", err)
		os.Exit(1)
	}
	app := NewApp(settings, newAccount())

	err = wails.Run(&options.App{
		Title:            "ImageConverter",
		Width:            1080,
		Height:           720,
		MinWidth:         860,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets},
		OnStartup:        app.startup,
		OnShutdown:       app.shutdown,
		Bind:             []any{app},
		// Native drops give absolute paths of files and folders (runtime.OnFileDrop
		// in the UI). The webview's own drop stays on: on Linux, turning it off
		// also stops the native drop events.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true, DisableWebViewDrop: false},
		Linux:       &linux.Options{ProgramName: "imageconverter", Icon: icon},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter:", err)
		os.Exit(1)
	}
}
