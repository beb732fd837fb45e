// Command releasetool is the maintainers' tool for releases (docs/release.md):
//
//	releasetool keygen -kind entitlement|update -kid KID -out FILE
//	    makes a signing key: the private half into FILE (for Secret Manager or
//	    the maintainers' safe), the public half printed, with where it goes.
//	releasetool check
//	    says whether this tree can make a release: production keys compiled
//	    in, every build setting given (IC_RELEASE_*). With IC_RELEASE=1 it
//	    fails on the first gap; otherwise it warns (test packages).
//	releasetool ldflags
//	    checks the build settings and prints the -X flags that stamp them.
//	releasetool manifest -version V [-minimum V] -notes DIR -key FILE -base-url URL -out FILE PACKAGE...
//	    writes the signed update manifest for the built packages.
//	releasetool verify FILE
//	    checks a manifest against the keys compiled into the app.
//	releasetool local-manifest -key FILE -out FILE
//	    the local stack's manifest (nothing to install; local builds are up to date).
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "keygen":
		err = keygen(args, os.Stdout)
	case "check":
		err = check(os.Getenv, os.Stderr)
	case "ldflags":
		var flags string
		flags, err = ldflags(os.Getenv, os.Stderr)
		if err == nil {
			fmt.Println(flags)
		}
	case "manifest":
		err = manifest(args, os.Stdout)
	case "verify":
		err = verify(args, os.Stdout)
	case "local-manifest":
		err = localManifest(args, os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "releasetool:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: releasetool keygen|check|ldflags|manifest|verify|local-manifest (see the package comment)")
	os.Exit(2)
}
