; The Windows installer of Vernetzt, built by scripts/package-windows.sh with makensis
; (docs/decisions.md, "Windows installer": why not the Tauri bundler).
;
; Installs for all users into Program Files: vernetzt-app.exe (the app), WebView2Loader.dll
; beside it, vernetzt.exe (the CLI); a Start menu entry; "Open with" for .vcf and .ics and the
; webcal:/webcals: link handler; an uninstaller listed in "Apps & features". `/S` installs
; silently (what an IT department's software distribution uses).
;
; makensis -DVERSION=0.1.0 -DSRCDIR=<folder with the three files and icon.ico> -DOUTFILE=<.exe>

; A 64-bit installer: the app is 64-bit only, and it runs under wine64 without 32-bit Wine.
Target amd64-unicode
!include "MUI2.nsh"

!ifndef VERSION
  !error "pass -DVERSION=..."
!endif
!ifndef SRCDIR
  !error "pass -DSRCDIR=..."
!endif
!ifndef OUTFILE
  !define OUTFILE "Vernetzt_${VERSION}_x64-setup.exe"
!endif

!define APP "Vernetzt"
!define EXE "vernetzt-app.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
Icon "${SRCDIR}\icon.ico"
UninstallIcon "${SRCDIR}\icon.ico"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "EUPL-1.2"

!define MUI_ICON "${SRCDIR}\icon.ico"
!define MUI_UNICON "${SRCDIR}\icon.ico"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "German"
!insertmacro MUI_LANGUAGE "English"

; A file type: a ProgID of our own and "Open with" for the extension. The extension's default
; is only taken when no program has it: Windows keeps the user's choice (UserChoice) anyway.
!macro FileType EXT PROGID DESC
  WriteRegStr HKLM "Software\Classes\${PROGID}" "" "${DESC}"
  WriteRegStr HKLM "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKLM "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  ReadRegStr $0 HKLM "Software\Classes\${EXT}" ""
  StrCmp $0 "" 0 +2
    WriteRegStr HKLM "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr HKLM "Software\Classes\Applications\${EXE}\SupportedTypes" "${EXT}" ""
!macroend

!macro UnFileType EXT PROGID
  DeleteRegKey HKLM "Software\Classes\${PROGID}"
  DeleteRegValue HKLM "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  ReadRegStr $0 HKLM "Software\Classes\${EXT}" ""
  StrCmp $0 "${PROGID}" 0 +2
    DeleteRegValue HKLM "Software\Classes\${EXT}" ""
!macroend

; A URL scheme (webcal:, webcals:): the link is passed to the app, which opens the
; "subscribe to feed" form with it.
!macro Scheme SCHEME
  WriteRegStr HKLM "Software\Classes\${SCHEME}" "" "URL:${SCHEME}"
  WriteRegStr HKLM "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr HKLM "Software\Classes\${SCHEME}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
!macroend

; Removes the scheme only while it still opens our app (another program may have taken it).
!macro UnScheme SCHEME
  ReadRegStr $0 HKLM "Software\Classes\${SCHEME}\shell\open\command" ""
  StrCmp $0 '"$INSTDIR\${EXE}" "%1"' 0 +2
    DeleteRegKey HKLM "Software\Classes\${SCHEME}"
!macroend

Function .onInit
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Vernetzt"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\${EXE}"
  File "${SRCDIR}\WebView2Loader.dll"
  File "${SRCDIR}\vernetzt.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  !insertmacro FileType ".vcf" "Vernetzt.vcf" "vCard"
  !insertmacro FileType ".ics" "Vernetzt.ics" "iCalendar"
  !insertmacro Scheme "webcal"
  !insertmacro Scheme "webcals"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ; Tell Explorer that file associations changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\vernetzt.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  !insertmacro UnFileType ".vcf" "Vernetzt.vcf"
  !insertmacro UnFileType ".ics" "Vernetzt.ics"
  !insertmacro UnScheme "webcal"
  !insertmacro UnScheme "webcals"
  DeleteRegKey HKLM "Software\Classes\Applications\${EXE}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
