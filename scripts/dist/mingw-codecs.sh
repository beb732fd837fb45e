#!/usr/bin/env bash
# Cross-builds the Windows x64 app's codec libraries on Debian with MinGW-w64, from Debian's own source
# packages (scripts/dist/mingw-codecs.versions), into a cached prefix:
#
#   ~/.cache/imageconverter/mingw-<hash of the versions, this script and the toolchain>/
#     include/ lib/ lib/pkgconfig/   headers, static libraries, import libraries
#     bin/*.dll                      the DLLs the installer ships next to ImageConverter.exe
#     share/licenses/<package>/      each library's copyright file, shipped with the app
#     VERSIONS                       what was built
#
# Prints the prefix on stdout (last line); everything else goes to stderr. A second run with the same
# inputs finds the prefix and returns at once.
#
# Linking, by licence:
# - libjpeg-turbo (IJG/BSD/zlib), lcms2 (MIT), libavif (BSD-2), aom (BSD-2 + AOM patent licence), dav1d
#   (BSD-2), libyuv (BSD-3): static, inside ImageConverter.exe.
# - libwebp (BSD-3): a DLL, libwebp.dll. The WebP encoder loads it at run time by path (purego, no
#   cgo), and the decoder links the same DLL, so one copy serves both.
# - libheif and libde265 (LGPL-3.0): DLLs, libheif.dll and libde265.dll, so a user can replace them
#   with their own build as the LGPL requires; linked statically they would oblige us to ship our
#   object files for relinking. Both carry the C++ runtime and winpthreads statically, so no other
#   MinGW DLL is needed.
#
# Needs: gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 cmake meson ninja-build nasm pkg-config dpkg-dev
# (scripts/setup.sh installs them). Runs the compilers with `nice`; IC_JOBS sets the parallelism.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSIONS_FILE=$ROOT/scripts/dist/mingw-codecs.versions
CACHE=${IC_CACHE_DIR:-$HOME/.cache/imageconverter}
JOBS=${IC_JOBS:-$(nproc)}
HOST=x86_64-w64-mingw32
log() { printf 'mingw-codecs: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in $HOST-gcc $HOST-g++-posix cmake meson ninja nasm pkg-config dpkg-source; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done

# pins: "package version" lines without comments.
mapfile -t PINS < <(grep -v -e '^#' -e '^[[:space:]]*$' "$VERSIONS_FILE")
pin() { local p; for p in "${PINS[@]}"; do [[ ${p%% *} == "$1" ]] && { echo "${p#* }"; return; }; done; die "no pin for $1"; }

# The cache key: everything that changes the built files.
toolchain_id() {
  $HOST-gcc --version | head -1
  $HOST-g++-posix --version | head -1
  dpkg-query -W -f='${Package} ${Version}\n' mingw-w64-x86-64-dev binutils-mingw-w64-x86-64 2>/dev/null || true
  cmake --version | head -1
  meson --version
  nasm -v
}
# Comments are left out, so editing them does not force a rebuild.
KEY=$( { printf '%s\n' "${PINS[@]}"; grep -v '^[[:space:]]*#' "${BASH_SOURCE[0]}"; toolchain_id; } | sha256sum | cut -c1-16)
PREFIX=$CACHE/mingw-$KEY
if [[ -f $PREFIX/VERSIONS ]]; then
  log "cached: $PREFIX"
  echo "$PREFIX"
  exit 0
fi

# Tell when a pin is not the revision the Linux build links (see the versions file for why).
linux_pkg() { case $1 in libjpeg-turbo) echo libturbojpeg0 ;; lcms2) echo liblcms2-2 ;; libwebp) echo libwebp7 ;;
  libyuv) echo libyuv0 ;; dav1d) echo libdav1d6 ;; aom) echo libaom3 ;; libavif) echo libavif15 ;;
  libde265) echo libde265-0 ;; libheif) echo libheif1 ;; esac; }
for p in "${PINS[@]}"; do
  name=${p%% *} want=${p#* }
  have=$(dpkg-query -W -f='${source:Version}' "$(linux_pkg "$name")" 2>/dev/null || true)
  [[ -n $have && $have != "$want" ]] && log "note: $name: building Debian $want; the Linux build has $have"
done

# Sources: apt-get source through a private apt configuration (deb-src lines for Debian 12 and, for
# libavif, unstable), so the machine's own apt setup is left as it is. apt checks the Release
# signatures and every file's checksum.
APTDIR=$CACHE/apt
mkdir -p "$APTDIR/sources.list.d" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
cat >"$APTDIR/sources.list.d/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
APT=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$APTDIR/sources.list.d"
  -o "Dir::State::lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o Debug::NoLocking=1
  -o APT::Sandbox::User="$(id -un)" -qq)

# Installed straight into the final prefix (the .pc files hold its path); VERSIONS, written last,
# marks it complete, so a half-built prefix from an interrupted run is thrown away here.
WORK=$CACHE/mingw-build-$KEY
STAGE=$PREFIX
rm -rf "$WORK" "$PREFIX"
mkdir -p "$WORK/src" "$PREFIX/bin"
trap 'log "failed; build tree left in $WORK"' ERR

log "fetching Debian sources (${#PINS[@]} packages)"
apt-get "${APT[@]}" update >&2 || die "apt-get update for the deb-src lists failed"
specs=()
for p in "${PINS[@]}"; do specs+=("${p%% *}=${p#* }"); done
(cd "$WORK/src" && apt-get "${APT[@]}" source "${specs[@]}" >"$WORK/apt-source.log" 2>&1) || {
  grep -E '^E:' "$WORK/apt-source.log" >&2 || tail -20 "$WORK/apt-source.log" >&2
  die "apt-get source failed (a pinned version that Debian no longer serves? see $VERSIONS_FILE)"
}
srcdir() { # the unpacked tree of package $1 (apt names it <package>-<upstream version>)
  local v
  v=$(pin "$1"); v=${v#*:}; v=${v%-*}
  [[ -d $WORK/src/$1-$v ]] || die "no unpacked source for $1 ($WORK/src/$1-$v)"
  echo "$WORK/src/$1-$v"
}

# One toolchain description for CMake and one for Meson. C++ (libheif's std::thread, libde265, libyuv)
# uses the posix-threads g++; C uses the default gcc, as cgo does.
cat >"$WORK/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_CXX_COMPILER $HOST-g++-posix)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_ASM_NASM_COMPILER nasm)
set(CMAKE_FIND_ROOT_PATH $STAGE /usr/$HOST)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF
cat >"$WORK/meson-cross.ini" <<EOF
[binaries]
c = '$HOST-gcc'
cpp = '$HOST-g++-posix'
ar = '$HOST-ar'
strip = '$HOST-strip'
windres = '$HOST-windres'
nasm = 'nasm'
pkgconfig = 'pkg-config'
[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
EOF
export PKG_CONFIG_LIBDIR=$STAGE/lib/pkgconfig PKG_CONFIG_PATH=
COMMON_CMAKE=(-G Ninja -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_INSTALL_PREFIX="$STAGE" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_PREFIX_PATH="$STAGE" -Wno-dev)
# A DLL that needs nothing but Windows itself: C++ runtime, libgcc and winpthreads linked in.
SELF_CONTAINED_DLL="-static-libgcc -static-libstdc++ -Wl,--exclude-libs,ALL -Wl,-Bstatic,--whole-archive -lwinpthread -Wl,--no-whole-archive,-Bdynamic"

# cmake_build NAME SOURCEDIR CMAKE-ARGS...: configure, build and install one library. With TARGET set,
# builds only that target and leaves the install to the caller.
cmake_build() {
  local name=$1 src=$2; shift 2
  local t0=$SECONDS build=$WORK/build-$name
  log "building $name"
  { nice -n 10 cmake -S "$src" -B "$build" "${COMMON_CMAKE[@]}" "$@" &&
    nice -n 10 cmake --build "$build" -j "$JOBS" ${TARGET:+--target "$TARGET"} &&
    if [[ -z ${TARGET:-} ]]; then cmake --install "$build"; fi; } >"$WORK/$name.log" 2>&1 ||
    { tail -40 "$WORK/$name.log" >&2; die "$name did not build (log: $WORK/$name.log)"; }
  log "built $name in $((SECONDS - t0)) s"
}

t_start=$SECONDS

# libjpeg-turbo resolves a relative CMAKE_INSTALL_LIBDIR against the working directory: give it whole.
cmake_build libjpeg-turbo "$(srcdir libjpeg-turbo)" -DCMAKE_INSTALL_LIBDIR="$STAGE/lib" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON \
  -DWITH_TURBOJPEG=ON -DWITH_SIMD=ON -DWITH_JPEG8=OFF -DREQUIRE_SIMD=ON

# lcms2 2.14 builds with autotools; static only, no JPEG/TIFF/zlib for its tools.
( src=$(srcdir lcms2) t0=$SECONDS
  log "building lcms2"
  mkdir -p "$WORK/build-lcms2" && cd "$WORK/build-lcms2"
  { nice -n 10 "$src/configure" --host=$HOST --prefix="$STAGE" --disable-shared --enable-static \
      --without-jpeg --without-tiff --without-zlib &&
    nice -n 10 make -j "$JOBS" && make install; } \
    >"$WORK/lcms2.log" 2>&1 || { tail -40 "$WORK/lcms2.log" >&2; die "lcms2 did not build"; }
  log "built lcms2 in $((SECONDS - t0)) s" )

cmake_build libwebp "$(srcdir libwebp)" -DBUILD_SHARED_LIBS=ON \
  -DWEBP_BUILD_ANIM_UTILS=OFF -DWEBP_BUILD_CWEBP=OFF -DWEBP_BUILD_DWEBP=OFF -DWEBP_BUILD_GIF2WEBP=OFF \
  -DWEBP_BUILD_IMG2WEBP=OFF -DWEBP_BUILD_VWEBP=OFF -DWEBP_BUILD_WEBPINFO=OFF -DWEBP_BUILD_WEBPMUX=OFF \
  -DWEBP_BUILD_EXTRAS=OFF -DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc"

# libyuv's install rule expects its tools without ".exe": build the static library alone, install by hand.
TARGET=yuv cmake_build libyuv "$(srcdir libyuv)" -DCMAKE_DISABLE_FIND_PACKAGE_JPEG=ON \
  -DCMAKE_CXX_FLAGS="-fno-exceptions -fno-rtti"
cp "$WORK/build-libyuv/libyuv.a" "$STAGE/lib/"
cp -r "$(srcdir libyuv)/include/." "$STAGE/include/"

( src=$(srcdir dav1d) t0=$SECONDS
  log "building dav1d"
  { nice -n 10 meson setup "$WORK/build-dav1d" "$src" --cross-file "$WORK/meson-cross.ini" \
      --prefix="$STAGE" --libdir=lib --buildtype=release --default-library=static \
      -Denable_tools=false -Denable_tests=false -Denable_examples=false &&
    nice -n 10 ninja -C "$WORK/build-dav1d" -j "$JOBS" && ninja -C "$WORK/build-dav1d" install; } \
    >"$WORK/dav1d.log" 2>&1 || { tail -40 "$WORK/dav1d.log" >&2; die "dav1d did not build"; }
  log "built dav1d in $((SECONDS - t0)) s" )

# aom: the encoder only (libavif decodes with dav1d, as Debian's libavif does).
cmake_build aom "$(srcdir aom)" -DBUILD_SHARED_LIBS=OFF -DCONFIG_AV1_DECODER=0 -DENABLE_DOCS=0 \
  -DENABLE_EXAMPLES=0 -DENABLE_TESTDATA=0 -DENABLE_TESTS=0 -DENABLE_TOOLS=0 -DCONFIG_RUNTIME_CPU_DETECT=1

cmake_build libavif "$(srcdir libavif)" -DBUILD_SHARED_LIBS=OFF -DAVIF_BUILD_APPS=OFF \
  -DAVIF_CODEC_AOM=SYSTEM -DAVIF_CODEC_AOM_DECODE=OFF -DAVIF_CODEC_AOM_ENCODE=ON \
  -DAVIF_CODEC_DAV1D=SYSTEM -DAVIF_LIBYUV=SYSTEM -DAVIF_LIBSHARPYUV=OFF -DAVIF_LIBXML2=OFF \
  -DAVIF_JPEG=OFF -DAVIF_ZLIBPNG=OFF

cmake_build libde265 "$(srcdir libde265)" -DBUILD_SHARED_LIBS=ON -DENABLE_SDL=OFF \
  -DENABLE_DECODER=OFF -DENABLE_ENCODER=OFF -DCMAKE_SHARED_LINKER_FLAGS="$SELF_CONTAINED_DLL"

cmake_build libheif "$(srcdir libheif)" -DBUILD_SHARED_LIBS=ON -DENABLE_PLUGIN_LOADING=OFF \
  -DWITH_LIBDE265=ON -DWITH_X265=OFF -DWITH_DAV1D=OFF -DWITH_AOM_ENCODER=OFF -DWITH_AOM_DECODER=OFF \
  -DWITH_SvtEnc=OFF -DWITH_RAV1E=OFF -DWITH_EXAMPLES=OFF -DWITH_GDK_PIXBUF=OFF -DBUILD_TESTING=OFF \
  -DWITH_FUZZERS=OFF -DCMAKE_SHARED_LINKER_FLAGS="$SELF_CONTAINED_DLL"

# Licences, shipped in the installer: Debian's copyright file (every upstream licence in the tree)
# plus the upstream licence text.
for p in "${PINS[@]}"; do
  name=${p%% *} src=$(srcdir "${p%% *}")
  mkdir -p "$STAGE/share/licenses/$name"
  cp "$src/debian/copyright" "$STAGE/share/licenses/$name/copyright"
  for f in LICENSE LICENSE.md COPYING COPYING.txt README.ijg PATENTS; do
    [[ -f $src/$f ]] && cp "$src/$f" "$STAGE/share/licenses/$name/"
  done
done

{ printf '%s\n' "${PINS[@]}"; echo "toolchain:"; toolchain_id; } >"$STAGE/VERSIONS"
# Keep only the prefix: the sources and build trees are big and rebuilt from the pins when needed.
rm -rf "$WORK"
log "done in $((SECONDS - t_start)) s: $PREFIX"
echo "$PREFIX"
