// Command imageconverter is the desktop app: a window where people drop
// photos or folders and get WebP or AVIF copies. main only wires the parts.
package main

import (
	"embed"
	"fmt"
	"imageconverter/account"
	"imageconverter/e2ehooks"
	"imageconverter/platform"
	"imageconverter/settings"
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
	prefs, err := settings.Open("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageconverter:", err)
		os.Exit(1)
	}
	app := NewApp(prefs, account.New())

	err = wails.Run(&options.App{
		Title:            windowTitle(),
		Width:            1080,
		Height:           720,
		MinWidth:         860,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets},
		OnStartup:        app.startup,
		OnShutdown:       app.shutdown,
		Bind:             append([]any{app}, e2ehooks.Bind(app.testSeams())...),
		ErrorFormatter:   bridgeError,
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

// windowTitle is the app's name in the system's language; the UI sets it
// again when the user picks another language.
func windowTitle() string {
	switch platform.Language() {
	case "en":
		return "ImageConverter"
	case "ja":
		return "画像コンバーター"
	}
	return "이미지 변환기"
}
