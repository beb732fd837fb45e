#!/usr/bin/env bash
# Tests the Linux package on this machine, as a user would meet it:
#
#  1. `apt-get install ./build/dist/imageconverter_…deb` installs it with every package it depends on;
#  2. its .desktop entry passes desktop-file-validate and its AppStream file appstreamcli validate;
#     the hicolor icons are there;
#  3. the installed /usr/bin/imageconverter opens its window under Xvfb (screenshot kept in
#     tests/dist/test-results/) and converts a photo dropped on it with a real X11 drag and drop
#     (tests/gui/dragsource.c + xdotool): a signed-out Free user may convert a photo, so no account
#     or server is involved;
#  4. `apt-get purge` removes every file the package installed.
#
# Changes the system (installs and purges the package): meant for CI and for developers' test
# machines. Refuses to run when imageconverter is already installed. Needs root or sudo, xvfb,
# xdotool, imagemagick, desktop-file-utils, appstream, libgtk-3-dev (for the drag source), webp.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
shots=${IC_DIST_SHOTS:-$ROOT/tests/dist/test-results}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

deb=$(ls -t build/dist/imageconverter_*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || { echo "no .deb in build/dist: run 'make dist-deb' first"; exit 1; }
if dpkg-query -W -f='${Status}' imageconverter 2>/dev/null | grep -q "install ok installed"; then
  echo "imageconverter is already installed here; this test installs and purges it: remove it first"
  exit 1
fi

work=$(mktemp -d /tmp/ic-deb.XXXXXX)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
mkdir -p "$shots"

echo "== apt-get install $deb"
depends=$(dpkg-deb -f "$deb" Depends)
echo "     Depends: $depends"
check "apt-get install ./$(basename "$deb")" as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb"
missing=()
for dep in $(echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g'); do
  dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" || missing+=("$dep")
done
check "every dependency is installed (${missing[*]:-none missing})" test ${#missing[@]} -eq 0
dpkg -L imageconverter | sort >"$work/files.txt"
desktop=$(grep '^/usr/share/applications/.*\.desktop$' "$work/files.txt" || true)
metainfo=$(grep '^/usr/share/metainfo/.*\.xml$' "$work/files.txt" || true)
check "desktop-file-validate $desktop" desktop-file-validate "$desktop"
check "appstreamcli validate $metainfo" appstreamcli validate --no-net "$metainfo"
icons=$(grep -c '^/usr/share/icons/hicolor/[0-9]*x[0-9]*/apps/.*\.png$' "$work/files.txt" || true)
check "hicolor icons ($icons sizes)" test "$icons" -ge 6
check "the .desktop entry's icon is installed" grep -q "/apps/$(sed -n 's/^Icon=//p' "$desktop").png$" "$work/files.txt"
check "the .desktop entry starts /usr/bin/imageconverter" test -x "/usr/bin/$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")"

echo "== the installed app under Xvfb"
# shellcheck disable=SC2046 # pkg-config prints several flags
gcc -O1 -o "$work/dragsource" tests/gui/dragsource.c $(pkg-config --cflags --libs gtk+-3.0)
mkdir -p "$work/home" "$work/photos"
convert -size 1600x1000 -seed 7 plasma:fractal -blur 0x1 -quality 92 "$work/photos/holiday.jpg"
cp "$work/photos/holiday.jpg" "$work/original.jpg"
export DISPLAY=:$((300 + RANDOM % 100))
Xvfb "$DISPLAY" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 1
# A new user: empty home and config, no keychain (the app falls back to a file), signed out.
env -u DBUS_SESSION_BUS_ADDRESS HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
  XDG_DATA_HOME="$work/home/.local/share" XDG_CACHE_HOME="$work/home/.cache" \
  /usr/bin/imageconverter >"$work/app.log" 2>&1 &
pids+=($!)
# By its X class (the program name): the title is in the user's language.
win=$(timeout 30 xdotool search --sync --onlyvisible --classname '^imageconverter$' | head -1) || true
check "the window opens" test -n "$win"
if [[ -n $win ]]; then
  sleep 4 # the page loads and subscribes to drops
  eval "$(xdotool getwindowgeometry --shell "$win")" # X Y WIDTH HEIGHT
  check "it is the main window (${WIDTH}x$HEIGHT)" test "$WIDTH" -ge 800
  import -window root "$shots/deb-start.png"
  colours=$(convert "$shots/deb-start.png" -crop "${WIDTH}x$HEIGHT+$X+$Y" +repage -colors 64 -format '%k' info:)
  check "the window shows a page, not a blank surface ($colours colours): $shots/deb-start.png" test "$colours" -ge 8

  # A real drag from the drag source onto the middle of the window, released there.
  "$work/dragsource" 10 10 "$work/photos/holiday.jpg" >"$work/drag.log" 2>&1 &
  pids+=($!)
  timeout 10 xdotool search --sync --onlyvisible --name '^ic-drag-source$' >/dev/null
  sleep 2
  tx=$((X + WIDTH / 2)) ty=$((Y + HEIGHT / 3))
  xdotool mousemove 90 60
  sleep 0.2
  xdotool mousedown 1
  for i in $(seq 1 20); do
    xdotool mousemove $((90 + (tx - 90) * i / 20)) $((60 + (ty - 60) * i / 20))
    sleep 0.05
  done
  sleep 0.5
  xdotool mouseup 1
  out=$work/photos/holiday.webp
  for _ in $(seq 1 120); do [[ -s $out ]] && break; sleep 0.5; done
  sleep 1
  import -window root "$shots/deb-after-drop.png"
  check "the dropped photo was converted: holiday.webp appeared next to it" test -s "$out"
  check "holiday.webp is a WebP that dwebp decodes at 1600x1000" bash -c \
    "dwebp -quiet '$out' -o '$work/out.png' && test \"\$(identify -format %wx%h '$work/out.png')\" = 1600x1000"
  check "the original was not modified" cmp -s "$work/original.jpg" "$work/photos/holiday.jpg"
fi
[[ $fail -gt 0 ]] && { echo "     app log:"; tail -20 "$work/app.log" | sed 's/^/     /'; }
for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
pids=()

echo "== apt-get purge"
check "apt-get purge imageconverter" as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq imageconverter
check "the package is gone from dpkg" bash -c "! dpkg-query -W -f='\${Status}' imageconverter 2>/dev/null | grep -q 'ok installed'"
left=()
while read -r f; do [[ -f $f || -L $f ]] && left+=("$f"); done <"$work/files.txt"
check "every file it installed is gone (${#left[@]} left)" test ${#left[@]} -eq 0
((${#left[@]})) && printf '     left: %s\n' "${left[@]}"

echo "package $(du -h "$deb" | cut -f1), installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
printf '\ndeb: %d passed, %d failed\n' "$pass" "$fail"
((fail == 0))
