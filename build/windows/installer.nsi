; The Windows installer of ImageConverter (NSIS 3, `makensis`), built by scripts/dist/windows.sh.
;
; Per-user: installs into %LOCALAPPDATA%\Programs\ImageConverter without asking for administrator
; rights, registers itself in the user's "Apps & features" (HKCU), adds a Start menu shortcut and, by
; default, a desktop shortcut. Texts in English, Korean and Japanese, picked from the Windows display
; language. The uninstaller removes exactly the files this installer wrote and asks whether to delete
; the user's settings too (photos and converted files are never touched). The app's updater runs it
; with /S /RELAUNCH: silent, over the running app once it has quit, then starting the new version.
;
; Defines from scripts/dist/windows-installer.sh: VERSION (1.2.3, shown to users), VERSION4 (1.2.3.0, for Windows),
; PUBLISHER, SRCDIR (the staged program folder), ICON, OUTFILE, FILES_NSH / UNFILES_NSH (generated
; lists of what to install and remove), and optionally WEBVIEW2_BOOTSTRAPPER (a path to Microsoft's
; MicrosoftEdgeWebview2Setup.exe, bundled when given), UNINSTALLER_SIGN (a command that signs
; the uninstaller in place; %1 is the file) and TARGET (the installer's own architecture).

; A 64-bit installer by default: the app is x64-only, and Wine without its 32-bit half (the tests)
; can run it. NSIS builds that lack the 64-bit stubs (the official Windows release) pass x86-unicode.
!ifndef TARGET
  !define TARGET amd64-unicode
!endif
Target ${TARGET}
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define APP "ImageConverter"
!define EXE "ImageConverter.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; The WebView2 Runtime's client id; "pv" holds its version once installed, per machine or per user.
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

!ifdef UNINSTALLER_SIGN
  !uninstfinalize '${UNINSTALLER_SIGN} "%1"'
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the one used when Windows shows a language we do not have.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Korean"
!insertmacro MUI_LANGUAGE "Japanese"

LangString SecProgram ${LANG_ENGLISH} "ImageConverter"
LangString SecProgram ${LANG_KOREAN} "ImageConverter"
LangString SecProgram ${LANG_JAPANESE} "ImageConverter"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktop ${LANG_KOREAN} "바탕 화면 바로 가기"
LangString SecDesktop ${LANG_JAPANESE} "デスクトップのショートカット"
LangString AppRunning ${LANG_ENGLISH} "ImageConverter is open: close it, then click Retry."
LangString AppRunning ${LANG_KOREAN} "ImageConverter가 열려 있습니다. 창을 닫은 뒤 다시 시도를 누르세요."
LangString AppRunning ${LANG_JAPANESE} "ImageConverter が開いています。閉じてから「再試行」を押してください。"
LangString WebView2Installing ${LANG_ENGLISH} "Installing Microsoft Edge WebView2 Runtime..."
LangString WebView2Installing ${LANG_KOREAN} "Microsoft Edge WebView2 런타임을 설치하는 중..."
LangString WebView2Installing ${LANG_JAPANESE} "Microsoft Edge WebView2 ランタイムをインストールしています..."
LangString WebView2Missing ${LANG_ENGLISH} "ImageConverter needs Microsoft's free WebView2 Runtime to open: click OK to open its download page, install it, then start ImageConverter."
LangString WebView2Missing ${LANG_KOREAN} "ImageConverter를 열려면 Microsoft의 무료 WebView2 런타임이 필요하니, 확인을 눌러 다운로드 페이지에서 설치한 뒤 ImageConverter를 실행하세요."
LangString WebView2Missing ${LANG_JAPANESE} "ImageConverter を開くには Microsoft の無料の WebView2 ランタイムが必要なので、OK を押してダウンロードページからインストールしてから ImageConverter を起動してください。"
LangString AskSettings ${LANG_ENGLISH} "Also delete your ImageConverter settings on this computer? Your photos and converted files are not touched either way."
LangString AskSettings ${LANG_KOREAN} "이 컴퓨터의 ImageConverter 설정도 삭제할까요? 어느 쪽을 선택해도 사진과 변환된 파일은 그대로 남습니다."
LangString AskSettings ${LANG_JAPANESE} "このコンピューターの ImageConverter の設定も削除しますか?どちらを選んでも写真と変換したファイルはそのまま残ります。"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP} Setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

; Waits while the app is open (its files cannot be replaced or removed then). The window's title is
; the app's name in the user's language (main.go windowTitle), so each is looked for. Run silently by
; the app's own updater (/S /RELAUNCH), it gives the app that started it up to 30 seconds to quit
; before giving up; interactively it asks. ID makes the labels unique; $0 and $R9 are clobbered.
!macro WaitForAppClosed ID
  StrCpy $R9 0
  app_running_${ID}:
  FindWindow $0 "wailsWindow" "${APP}"
  ${If} $0 = 0
    FindWindow $0 "wailsWindow" "이미지 변환기"
  ${EndIf}
  ${If} $0 = 0
    FindWindow $0 "wailsWindow" "画像コンバーター"
  ${EndIf}
  ${If} $0 <> 0
    ${If} ${Silent}
    ${AndIf} $R9 < 60
      IntOp $R9 $R9 + 1
      Sleep 500
      Goto app_running_${ID}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(AppRunning)" /SD IDCANCEL IDRETRY app_running_${ID}
    Abort
  ${EndIf}
!macroend

Section "$(SecProgram)" SecProgram
  SectionIn RO
  !insertmacro WaitForAppClosed install

  ; Over an earlier version: its own uninstaller removes what it installed (and keeps the settings:
  ; silent means "No"), so files a newer version no longer ships do not stay behind.
  ${If} ${FileExists} "$INSTDIR\${UNINSTALLER}"
    ExecWait '"$INSTDIR\${UNINSTALLER}" /S _?=$INSTDIR'
  ${EndIf}

  !include "${FILES_NSH}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}"

  ; "Apps & features", for this user only.
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0

  Call EnsureWebView2

  ; The app's updater ran this installer silently and quit: start the new version for the user.
  ClearErrors
  ${GetOptions} $CMDLINE "/RELAUNCH" $0
  ${IfNot} ${Errors}
    Exec '"$INSTDIR\${EXE}"'
  ${EndIf}
SectionEnd

Section "$(SecDesktop)" SecDesktop
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${EXE}"
SectionEnd

; The window is drawn by Microsoft Edge WebView2. Windows 11 and current Windows 10 have it; when it
; is missing, run Microsoft's bootstrapper if this build bundled it, otherwise say what to do.
Function EnsureWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 != ""
  ${AndIf} $0 != "0.0.0.0"
    DetailPrint "WebView2 Runtime $0"
    Return
  ${EndIf}
!ifdef WEBVIEW2_BOOTSTRAPPER
  DetailPrint "$(WebView2Installing)"
  InitPluginsDir
  File "/oname=$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2_BOOTSTRAPPER}"
  ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
  DetailPrint "WebView2 bootstrapper exit code: $1"
  ${If} $1 == 0
    Return
  ${EndIf}
!endif
  DetailPrint "$(WebView2Missing)"
  MessageBox MB_OKCANCEL|MB_ICONINFORMATION "$(WebView2Missing)" /SD IDCANCEL IDCANCEL +2
    ExecShell "open" "https://developer.microsoft.com/microsoft-edge/webview2/"
FunctionEnd

Section "Uninstall"
  !insertmacro WaitForAppClosed uninstall
  !include "${UNFILES_NSH}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR" ; only when empty: anything the user put there stays
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"

  ; Settings, sign-in and the window's web data; the silent uninstall (an upgrade) keeps them.
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "$(AskSettings)" /SD IDNO IDNO keep_settings
    RMDir /r "$APPDATA\${APP}"
    RMDir /r "$APPDATA\${EXE}"
  keep_settings:
SectionEnd
