package licensing

import (
	"imageconverter/release"
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

// A release build stamped with the production settings talks to production
// Firebase Auth, never to the local emulator.
func TestStampedBuildUsesProductionSettings(t *testing.T) {
	saved := [...]string{release.APIBase, release.FirebaseAPIKey, release.ProjectID}
	t.Cleanup(func() { release.APIBase, release.FirebaseAPIKey, release.ProjectID = saved[0], saved[1], saved[2] })
	release.APIBase, release.FirebaseAPIKey, release.ProjectID = "https://asia-northeast3-ic-prod.cloudfunctions.net/api", "AIzaProdKey", "ic-prod"

	c := DefaultConfig()
	if c.APIBase != release.APIBase || c.FirebaseAPIKey != "AIzaProdKey" || c.ProjectID != "ic-prod" || c.AuthEmulatorHost != "" {
		t.Fatalf("stamped DefaultConfig = %+v", c)
	}
	if c.LocalAPI() {
		t.Fatal("the production API counts as local: the app would learn signing keys from it")
	}
}
