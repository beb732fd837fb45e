//go:build !(unix || windows) || nodynamic

package encode

import (
	"errors"
	"image"
	"io"
)

var errNoNative = errors.New("native libwebp disabled in this build (nodynamic)")

func encodeWebPNative(io.Writer, image.Image, Options) error { return errNoNative }

func webpNativeStatus() (bool, string) { return false, errNoNative.Error() }

func webpNativeAvailable() bool { return false }
