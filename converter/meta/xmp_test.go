package meta

import "testing"

func TestResetXMPOrientation(t *testing.T) {
	cases := map[string]string{
		`<rdf:Description tiff:Orientation="6" tiff:Make="X"/>`:            `<rdf:Description tiff:Orientation="1" tiff:Make="X"/>`,
		`<rdf:Description tiff:Orientation='8'/>`:                          `<rdf:Description tiff:Orientation='1'/>`,
		"<tiff:Orientation>3</tiff:Orientation>":                           "<tiff:Orientation>1</tiff:Orientation>",
		`<x:xmpmeta><dc:title>Orientation="6"</dc:title></x:xmpmeta>`:      `<x:xmpmeta><dc:title>Orientation="6"</dc:title></x:xmpmeta>`,
		`<rdf:Description exif:PixelXDimension="6" tiff:Orientation="9"/>`: `<rdf:Description exif:PixelXDimension="6" tiff:Orientation="9"/>`,
	}
	for in, want := range cases {
		if got := string(ResetXMPOrientation([]byte(in))); got != want {
			t.Errorf("ResetXMPOrientation(%s) = %s, want %s", in, got, want)
		}
	}
	in := []byte(`tiff:Orientation="6"`)
	ResetXMPOrientation(in)
	if string(in) != `tiff:Orientation="6"` {
		t.Error("input was modified")
	}
}
