package lifecycle

import "testing"

func TestOnClose(t *testing.T) {
	for _, c := range []struct {
		watching int
		running  bool
		choice   string
		want     string
	}{
		{0, false, Ask, Quit},
		{0, false, Background, Quit},
		{1, false, Ask, Ask},
		{0, true, Ask, Ask},
		{2, true, Background, Background},
		{1, false, Quit, Quit},
		{1, false, "", Ask},
	} {
		if got := OnClose(c.watching, c.running, c.choice); got != c.want {
			t.Errorf("OnClose(%d, %v, %q) = %q, want %q", c.watching, c.running, c.choice, got, c.want)
		}
	}
}
