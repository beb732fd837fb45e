#!/usr/bin/env bash
# Writes the Windows resources of ImageConverter.exe into DIR and compiles them into DIR/app.syso,
# which Go links when it sits in the main package's folder: the icon (id 3, where Wails looks for
# the window icon), the manifest (build/windows/ImageConverter.exe.manifest) and the version
# information Explorer shows. Also leaves DIR/icon.ico for the installer.
#
#   windows-resources.sh DIR VERSION VERSION4 PUBLISHER
#
# WINDRES names the resource compiler (default: x86_64-w64-mingw32-windres, or windres in MSYS2).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:?usage: windows-resources.sh DIR VERSION VERSION4 PUBLISHER} version=${2:?} version4=${3:?} publisher=${4:?}
windres=${WINDRES:-$(command -v x86_64-w64-mingw32-windres || command -v windres)}
mkdir -p "$dir"
magick=$(command -v magick || command -v convert) # ImageMagick 7 (MSYS2) or 6 (Debian)
"$magick" "$ROOT/build/appicon.png" -define icon:auto-resize=256,128,64,48,32,16 "$dir/icon.ico"
sed "s/@VERSION4@/$version4/" "$ROOT/build/windows/ImageConverter.exe.manifest" >"$dir/app.manifest"
cat >"$dir/app.rc" <<RC
#include <winver.h>
3 ICON "icon.ico"
1 24 "app.manifest"
1 VERSIONINFO
FILEVERSION ${version4//./,}
PRODUCTVERSION ${version4//./,}
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "$publisher"
      VALUE "FileDescription", "ImageConverter"
      VALUE "FileVersion", "$version"
      VALUE "InternalName", "ImageConverter"
      VALUE "OriginalFilename", "ImageConverter.exe"
      VALUE "ProductName", "ImageConverter"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
(cd "$dir" && "$windres" -O coff -o app.syso app.rc)
