package platform

import "testing"

func TestLanguage(t *testing.T) {
	cases := []struct {
		name                      string
		language, all, msgs, lang string
		want                      string
	}{
		{"nothing set", "", "", "", "", ""},
		{"LANG korean", "", "", "", "ko_KR.UTF-8", "ko"},
		{"LANG japanese", "", "", "", "ja_JP.UTF-8", "ja"},
		{"LC_ALL wins over LANG", "", "en_US.UTF-8", "", "ko_KR.UTF-8", "en"},
		{"LC_MESSAGES wins over LANG", "", "", "ja_JP", "en_GB", "ja"},
		{"LANGUAGE list, first known", "fr:ja:en", "", "", "fr_FR.UTF-8", "ja"},
		{"LANGUAGE with nothing known falls to LANG", "fr:de", "", "", "ko_KR", "ko"},
		{"C locale", "", "", "", "C.UTF-8", ""},
		{"unknown locale", "", "", "", "fr_FR.UTF-8", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LANGUAGE", c.language)
			t.Setenv("LC_ALL", c.all)
			t.Setenv("LC_MESSAGES", c.msgs)
			t.Setenv("LANG", c.lang)
			if got := Language(); got != c.want {
				t.Errorf("Language() = %q, want %q", got, c.want)
			}
		})
	}
}
