package locale

import (
	"os"
	"testing"
)

func TestTheUIsSentences(t *testing.T) {
	c, err := Load(os.DirFS("../frontend/src/lib/locales"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("ko", "app.title", nil); got != "이미지 변환기" {
		t.Errorf("ko app.title = %q", got)
	}
	if got := c.T("en", "count.photos", map[string]any{"n": 1}); got != "1 photo" {
		t.Errorf("en one = %q", got)
	}
	if got := c.T("en", "count.photos", map[string]any{"n": 3}); got != "3 photos" {
		t.Errorf("en other = %q", got)
	}
	if got := c.T("fr", "count.photos", map[string]any{"n": 3}); got != "사진 3개" {
		t.Errorf("unknown language = %q, want Korean", got)
	}
}
