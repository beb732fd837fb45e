#!/bin/sh
# Runs the keychain test against a real Secret Service: a private D-Bus session
# with gnome-keyring (Debian package gnome-keyring) unlocked by a throwaway
# password. Usage: licensing/secrets/run_keychain_test.sh (from the repo root).
set -eu
exec dbus-run-session -- sh -c '
  printf "test-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  IC_REQUIRE_KEYCHAIN=1 go test -count=1 -run TestKeychain -v ./licensing/secrets/
'
