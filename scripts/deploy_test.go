// Tests of scripts/deploy.sh. The script runs for real (bash) on a copy of
// the files its preflight reads, with stand-ins for the CLIs it calls (gcloud,
// firebase, go, node, curl) that log every call: Google's services cannot be
// reached from here, and a dry run must touch nothing anyway.
package scripts_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const project = "ic-prod-test"

const completeConfig = `REGION=asia-northeast3
MIN_INSTANCES=0
MAX_INSTANCES=20
ENTITLEMENT_KEY_ID=2026-11
SECRET_ENTITLEMENT_SIGNING_KEY=entitlement-signing-key
TOSS_KEY_MODE=live
TOSS_CLIENT_KEY=live_ck_onetime123
SECRET_TOSS_SECRET_KEY=toss-secret-key
TOSS_BILLING_CLIENT_KEY=live_ck_billing456
SECRET_TOSS_BILLING_SECRET_KEY=toss-billing-secret-key
TOSS_BILLING_UPGRADES=0
OPERATOR_EMAIL=ops@example.com
`

// repo is a copy of the files deploy.sh reads, ready for project unless changed.
type repo struct {
	config, webConfig, keys string
}

func completeRepo() repo {
	return repo{
		config:    completeConfig,
		webConfig: "window.IC_CONFIG = {\n  apiBase: \"https://asia-northeast3-" + project + ".cloudfunctions.net/api\",\n};\n",
		keys:      "package licensing\n\nvar builtinKeys = map[string]string{\n\t\"2026-11\": \"Zm9v\",\n}\n",
	}
}

// cli says how the stand-ins answer.
type cli struct {
	gcloudAccount, firebaseUser string // "" = not logged in
	adc                         bool   // application default credentials present
	releaseExit, rulesExit      int    // exit codes of the two go test checks
	noFirebase                  bool
}

func loggedIn() cli {
	return cli{gcloudAccount: "deployer@example.com", firebaseUser: "deployer@example.com", adc: true}
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// runDeploy runs deploy.sh in a fresh copy and returns stdout, stderr, the
// exit code, the copy's root and the CLI call log.
func runDeploy(t *testing.T, r repo, c cli, args ...string) (stdout, stderr string, code int, root, calls string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "repo")
	script, err := os.ReadFile("deploy.sh")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "scripts", "deploy.sh"), string(script), 0o755)
	for _, f := range []string{"firebase.json", "firestore.rules", "firestore.indexes.json"} {
		write(t, filepath.Join(root, f), "{}\n", 0o644)
	}
	write(t, filepath.Join(root, "functions", "go.mod"), "module imageconverter/functions\n", 0o644)
	write(t, filepath.Join(root, "web", "config.js"), r.webConfig, 0o644)
	write(t, filepath.Join(root, "licensing", "keys.go"), r.keys, 0o644)
	if r.config != "" {
		write(t, filepath.Join(root, "deploy", project+".env"), r.config, 0o644)
	}
	bin, log := filepath.Join(dir, "bin"), filepath.Join(dir, "calls.log")
	stub := func(name, body string) {
		write(t, filepath.Join(bin, name), "#!/bin/sh\necho \""+name+" $*\" >> \""+log+"\"\n"+body+"\nexit 0\n", 0o755)
	}
	stub("gcloud", fmt.Sprintf(`case "$1 $2" in "auth list") [ -n "%s" ] && echo "%s";; esac`, c.gcloudAccount, c.gcloudAccount))
	if !c.noFirebase {
		stub("firebase", fmt.Sprintf(`[ "$1" = login:list ] && [ -n "%s" ] && echo "Logged in as %s"`, c.firebaseUser, c.firebaseUser))
	}
	stub("go", fmt.Sprintf(`case "$*" in *releasecheck*) [ %d = 0 ] || { echo "no production entitlement key is compiled in"; exit %d; };;
*TestFirestoreRules*) [ %d = 0 ] || { echo "--- FAIL: TestFirestoreRules"; exit %d; };; esac`, c.releaseExit, c.releaseExit, c.rulesExit, c.rulesExit))
	stub("node", "")
	stub("curl", "")
	home := filepath.Join(dir, "home")
	if c.adc {
		write(t, filepath.Join(home, ".config", "gcloud", "application_default_credentials.json"), "{}", 0o600)
	}
	cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", "deploy.sh")}, args...)...)
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + home,
		// The rules tests run on emulators that are "running" (the go stand-in answers).
		"FIRESTORE_EMULATOR_HOST=127.0.0.1:1", "FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:2"}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	return out.String(), errb.String(), code, root, string(b)
}

// A dry run on a complete configuration passes the preflight, prints every
// command of the deployment and the webhook URLs, and calls nothing but the
// offline checks.
func TestDeployDryRunPrintsTheCommands(t *testing.T) {
	stdout, stderr, code, root, calls := runDeploy(t, completeRepo(), loggedIn(), "--project", project, "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	bin := filepath.Join(filepath.Dir(root), "bin")
	url := "https://asia-northeast3-" + project + ".cloudfunctions.net/api"
	sa, rsa := "api@"+project+".iam.gserviceaccount.com", "renewals@"+project+".iam.gserviceaccount.com"
	p := "--project=" + project
	job := "--location=asia-northeast3 --schedule=0 * * * * --time-zone=Asia/Seoul --uri=" + url + "/v1/renewals/run --http-method=POST " +
		"--oidc-service-account-email=" + rsa + " --oidc-token-audience=" + url + "/v1/renewals/run --attempt-deadline=300s"
	want := []string{
		"deploy: preflight passed for project " + project + " (asia-northeast3)",
		"+ gcloud secrets describe entitlement-signing-key " + p + " --format=value(name)",
		"+ gcloud secrets describe toss-secret-key " + p + " --format=value(name)",
		"+ gcloud secrets describe toss-billing-secret-key " + p + " --format=value(name)",
		"+ gcloud iam service-accounts describe " + sa + " " + p + " || gcloud iam service-accounts create api " + p + " --display-name=ImageConverter api function",
		"+ gcloud projects add-iam-policy-binding " + project + " --member=serviceAccount:" + sa + " --role=roles/datastore.user --condition=None --quiet",
		"+ gcloud projects add-iam-policy-binding " + project + " --member=serviceAccount:" + sa + " --role=roles/firebaseauth.admin --condition=None --quiet",
		"+ gcloud secrets add-iam-policy-binding entitlement-signing-key " + p + " --member=serviceAccount:" + sa + " --role=roles/secretmanager.secretAccessor --quiet",
		"+ gcloud secrets add-iam-policy-binding toss-secret-key " + p + " --member=serviceAccount:" + sa + " --role=roles/secretmanager.secretAccessor --quiet",
		"+ gcloud secrets add-iam-policy-binding toss-billing-secret-key " + p + " --member=serviceAccount:" + sa + " --role=roles/secretmanager.secretAccessor --quiet",
		"+ gcloud iam service-accounts describe " + rsa + " " + p + " || gcloud iam service-accounts create renewals " + p + " --display-name=ImageConverter renewal run",
		"+ gcloud functions deploy api --gen2 " + p + " --region=asia-northeast3 --runtime=go126 --source=" + root + "/functions --entry-point=api " +
			"--trigger-http --allow-unauthenticated --service-account=" + sa + " --memory=256Mi --timeout=300s --min-instances=0 --max-instances=20 " +
			"--set-env-vars=^;^GOOGLE_CLOUD_PROJECT=" + project + ";ENTITLEMENT_KEY_ID=2026-11;TOSS_CLIENT_KEY=live_ck_onetime123;" +
			"TOSS_BILLING_CLIENT_KEY=live_ck_billing456;TOSS_BILLING_UPGRADES=0;WEB_BASE_URL=https://" + project + ".web.app;" +
			"CORS_ORIGINS=https://" + project + ".web.app;OPERATOR_EMAIL=ops@example.com;SCHEDULER_OIDC_AUDIENCE=" + url + "/v1/renewals/run;" +
			"SCHEDULER_SERVICE_ACCOUNT=" + rsa + " --set-secrets=ENTITLEMENT_SIGNING_KEY=entitlement-signing-key:latest," +
			"TOSS_SECRET_KEY=toss-secret-key:latest,TOSS_BILLING_SECRET_KEY=toss-billing-secret-key:latest",
		"+ " + bin + "/firebase deploy --only firestore:rules,firestore:indexes,hosting " + p + " --non-interactive --config=" + root + "/firebase.json",
		"+ env GOOGLE_CLOUD_PROJECT=" + project + " go -C " + root + "/functions run ./cmd/admin seed-plans",
		"+ gcloud scheduler jobs describe renewals " + p + " --location=asia-northeast3 && gcloud scheduler jobs update http renewals " + p + " " + job +
			" || gcloud scheduler jobs create http renewals " + p + " " + job,
		"+ curl -fsS --retry 5 --retry-delay 3 " + url + "/v1/health?deep=1",
		"",
		"Register in the Toss developer center (개발자센터 → 웹훅), event PAYMENT_STATUS_CHANGED, one URL per MID:",
		"  one-time payments MID:     " + url + "/v1/webhooks/toss?merchant=once",
		"  automatic payments MID:    " + url + "/v1/webhooks/toss?merchant=billing",
		"Once per project: firebase ext:install firebase/firestore-send-email --project=" + project + " (collection \"mail\").",
		"deploy: dry run: nothing was changed",
	}
	got := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got  %q\n want %q", i+1, g, w)
		}
	}
	// Touched nothing: only the offline checks were called.
	for _, line := range strings.Split(strings.TrimSpace(calls), "\n") {
		ok := strings.HasPrefix(line, "gcloud auth list ") || line == "firebase login:list" ||
			strings.HasPrefix(line, "go test -count=1 -tags releasecheck -run ^TestReleaseHasBuiltinKeys$ ./licensing/") ||
			strings.HasPrefix(line, "go test -count=1 -run ^TestFirestoreRules$ .")
		if !ok {
			t.Errorf("the dry run called %q", line)
		}
	}
	for _, check := range []string{"releasecheck", "TestFirestoreRules", "gcloud auth list", "firebase login:list"} {
		if !strings.Contains(calls, check) {
			t.Errorf("the preflight did not run %q", check)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", stdout)
	}
}

// An incomplete configuration stops before anything is deployed and names
// every missing or wrong item in one go.
func TestDeployPreflightNamesEverythingMissing(t *testing.T) {
	r := completeRepo()
	r.config = strings.NewReplacer(
		"TOSS_BILLING_CLIENT_KEY=live_ck_billing456\n", "",
		"OPERATOR_EMAIL=ops@example.com\n", "",
		"TOSS_CLIENT_KEY=live_ck_onetime123", "TOSS_CLIENT_KEY=live_gck_widget789",
		"SECRET_TOSS_SECRET_KEY=toss-secret-key", "SECRET_TOSS_SECRET_KEY=",
	).Replace(r.config)
	r.webConfig = "window.IC_CONFIG = { apiBase: \"https://example.com/api\" };\n"
	r.keys = "package licensing\n\nvar builtinKeys = map[string]string{}\n"
	stdout, stderr, code, _, calls := runDeploy(t, r, cli{releaseExit: 1, rulesExit: 1, noFirebase: true}, "--project", project)
	if code == 0 {
		t.Fatalf("an incomplete configuration passed:\n%s", stdout)
	}
	want := []string{
		"SECRET_TOSS_SECRET_KEY is not set",
		"TOSS_BILLING_CLIENT_KEY is not set",
		"OPERATOR_EMAIL is not set",
		"TOSS_CLIENT_KEY is a 결제위젯 (payment widget) key",
		"the firebase CLI is not installed",
		"gcloud is not logged in",
		"no application default credentials",
		"web/config.js: the checkout pages' production API base is not https://asia-northeast3-" + project + ".cloudfunctions.net/api",
		"licensing/keys.go: the desktop app does not trust entitlement key \"2026-11\"",
		"release check failed",
		"the Firestore rules tests fail",
	}
	for _, w := range want {
		if !strings.Contains(stderr, "  - "+w) {
			t.Errorf("stderr does not name %q:\n%s", w, stderr)
		}
	}
	if !strings.Contains(stderr, fmt.Sprintf("found %d problem(s)", len(want))) {
		t.Errorf("stderr does not count %d problems:\n%s", len(want), stderr)
	}
	if strings.Contains(stdout, "+ ") || strings.Contains(calls, "functions deploy") || strings.Contains(calls, "secrets describe") {
		t.Errorf("something ran after a failed preflight:\nstdout %s\ncalls %s", stdout, calls)
	}
}

func TestDeployWithoutAProjectOrItsSettings(t *testing.T) {
	_, stderr, code, _, _ := runDeploy(t, completeRepo(), loggedIn(), "--dry-run")
	if code == 0 || !strings.Contains(stderr, "--project is missing") {
		t.Fatalf("no --project: exit %d, %s", code, stderr)
	}
	r := completeRepo()
	r.config = ""
	_, stderr, code, _, _ = runDeploy(t, r, loggedIn(), "--project", project, "--dry-run")
	if code == 0 || !strings.Contains(stderr, "deploy/"+project+".env is missing") {
		t.Fatalf("no settings file: exit %d, %s", code, stderr)
	}
	_, stderr, code, _, _ = runDeploy(t, completeRepo(), loggedIn(), "--project", "Bad_Project", "--dry-run")
	if code == 0 || !strings.Contains(stderr, "is not a valid project id") {
		t.Fatalf("bad project id: exit %d, %s", code, stderr)
	}
}
