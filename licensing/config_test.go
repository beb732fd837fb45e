package licensing

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	for _, env := range []string{EnvAPIBase, EnvFirebaseAPIKey, EnvProjectID, EnvAuthEmulator} {
		t.Setenv(env, "")
	}
	missing := filepath.Join(t.TempDir(), "none.json")
	c, err := LoadConfig(missing)
	if err != nil || c != DefaultConfig() {
		t.Fatalf("no file: %+v %v", c, err)
	}
	if !c.LocalAPI() {
		t.Error("default API is not local")
	}
	file := filepath.Join(t.TempDir(), "licensing.json")
	os.WriteFile(file, []byte(`{"apiBase":"https://asia-northeast3-prod.cloudfunctions.net/api","firebaseApiKey":"AIza-x","authEmulatorHost":""}`), 0o600)
	c, err = LoadConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthEmulatorHost != "" || c.FirebaseAPIKey != "AIza-x" || c.ProjectID != "demo-imageconverter" || c.LocalAPI() {
		t.Errorf("file: %+v local=%v", c, c.LocalAPI())
	}
	t.Setenv(EnvAPIBase, "http://localhost:9999")
	t.Setenv(EnvAuthEmulator, "127.0.0.1:9390")
	c, _ = LoadConfig(file)
	if c.APIBase != "http://localhost:9999" || c.AuthEmulatorHost != "127.0.0.1:9390" || !c.LocalAPI() {
		t.Errorf("env over file: %+v", c)
	}
	os.WriteFile(file, []byte(`{not json`), 0o600)
	if _, err := LoadConfig(file); err == nil {
		t.Error("broken config file accepted")
	}
	for url, local := range map[string]bool{"http://127.0.0.1:8081": true, "http://[::1]:8081": true,
		"https://example.com": false, "http://127.0.0.1.evil.com": false} {
		if got := (Config{APIBase: url}).LocalAPI(); got != local {
			t.Errorf("LocalAPI(%s) = %v", url, got)
		}
	}
}
