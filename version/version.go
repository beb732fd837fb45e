// Package version holds the version this binary was built as, so the app, its installers and its
// update check agree on one number.
package version

// Version is set at build time from the git tag (scripts/dist/version.sh):
//
//	go build -ldflags "-X imageconverter/version.Version=1.2.3" .
//
// Forms: "1.2.3" on a tag v1.2.3; "1.2.3+4.gabc1234" for 4 commits after that tag (build metadata,
// so it never compares older than the release it came from); "0.0.0-dev+gabc1234" without any tag;
// ".dirty" is added for an uncommitted tree. A plain `go build` leaves the default below.
var Version = "0.0.0-dev"
