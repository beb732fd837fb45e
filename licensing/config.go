package licensing

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"imageconverter/release"
	"imageconverter/version"
)

// Config says where the licensing client finds its services. Defaults are the
// production settings stamped into a release build (package release), or the
// local stack (docs/ARCHITECTURE.md); a config file or the environment
// overrides them.
type Config struct {
	APIBase          string `json:"apiBase"`          // functions base URL, without /v1
	FirebaseAPIKey   string `json:"firebaseApiKey"`   // web API key: configuration, not a secret
	ProjectID        string `json:"projectId"`        // Firebase project id
	AuthEmulatorHost string `json:"authEmulatorHost"` // host:port of the Auth emulator; "" = real Firebase Auth
	AppName          string `json:"appName"`          // keychain service name and config folder name
	AppVersion       string `json:"appVersion"`       // sent with the device registration
}

// Environment variables that override the config file.
const (
	EnvAPIBase        = "IC_API_BASE"
	EnvFirebaseAPIKey = "IC_FIREBASE_API_KEY"
	EnvProjectID      = "IC_PROJECT_ID"
	EnvAuthEmulator   = "FIREBASE_AUTH_EMULATOR_HOST"
	EnvConfigFile     = "IC_LICENSING_CONFIG"
)

// DefaultConfig is the production service in a build stamped with the
// release settings (package release), else the local stack: functions server
// on 127.0.0.1:8081, Auth emulator on 127.0.0.1:9190, project
// demo-imageconverter.
func DefaultConfig() Config {
	if release.Stamped() {
		return Config{
			APIBase:        release.APIBase,
			FirebaseAPIKey: release.FirebaseAPIKey,
			ProjectID:      release.ProjectID,
			AppName:        "ImageConverter",
			AppVersion:     version.Version,
		}
	}
	return Config{
		APIBase:          "http://127.0.0.1:8081",
		FirebaseAPIKey:   "fake-api-key", // the emulator accepts any key
		ProjectID:        "demo-imageconverter",
		AuthEmulatorHost: "127.0.0.1:9190",
		AppName:          "ImageConverter",
		AppVersion:       version.Version, // stamped from the git tag at build time
	}
}

// DefaultConfigPath is <user config dir>/ImageConverter/licensing.json.
func DefaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "ImageConverter", "licensing.json")
}

// LoadConfig starts from DefaultConfig, applies the JSON file at path (the
// file named by IC_LICENSING_CONFIG when path is ""; a missing file is fine;
// keys present in it replace the defaults, so "authEmulatorHost": "" turns
// the emulator off), then the environment variables.
func LoadConfig(path string) (Config, error) {
	c := DefaultConfig()
	if path == "" {
		path = os.Getenv(EnvConfigFile)
	}
	if path == "" {
		path = DefaultConfigPath()
	}
	if path != "" {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return c, fmt.Errorf("read licensing config: %w", err)
		default:
			if err := json.Unmarshal(b, &c); err != nil {
				return c, fmt.Errorf("read licensing config %s: %w", path, err)
			}
		}
	}
	for env, field := range map[string]*string{
		EnvAPIBase: &c.APIBase, EnvFirebaseAPIKey: &c.FirebaseAPIKey, EnvProjectID: &c.ProjectID, EnvAuthEmulator: &c.AuthEmulatorHost,
	} {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			*field = v
		}
	}
	if _, err := url.Parse(c.APIBase); err != nil || c.APIBase == "" {
		return c, fmt.Errorf("licensing config: bad API base URL %q", c.APIBase)
	}
	return c, nil
}

// LocalAPI reports whether the API is on this computer (the local stack).
// Only then does the app learn entitlement keys from the server (GET
// /v1/keys): the dev key is generated per checkout and cannot be built in.
func (c Config) LocalAPI() bool {
	u, err := url.Parse(c.APIBase)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
