; Inno Setup script for the Windows installer (per user, no administrator rights needed).
; The build passes the values from [tool.desktop]:
;   iscc /DAppName=Inkwell /DAppVersion=0.1.0 /DAppId=io.github.inkwell /DSourceDir=dist\Inkwell ^
;        /DIconFile=.pyinstaller\icons\app.ico /DOutputDir=dist <kit>\builder\resources\installer.iss
; The app keeps its data in %LOCALAPPDATA%\<AppName> (platformdirs), never in the install folder,
; so uninstalling removes the program and leaves the user's notes alone.

#ifndef AppName
  #define AppName "Inkwell"
#endif
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppId
  #define AppId "io.github.inkwell"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\" + AppName
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher={#AppName} developers
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per user only: an "install for all users" override would run elevated and write the shortcuts,
; the file association and the folder into the elevating administrator's profile, not the user's.
PrivilegesRequired=lowest
; Explorer re-reads the "Open with" entries below at once.
ChangesAssociations=yes
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\{#AppName}.exe
#ifdef IconFile
SetupIconFile={#IconFile}
#endif

[InstallDelete]
; An update replaces the bundle whole: modules the new version no longer has must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{userprograms}\{#AppName}"; Filename: "{app}\{#AppName}.exe"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
; "Open with > Inkwell" for Markdown notes, for this user only, without taking .md over from
; the user's editor. The app imports a file it is opened with (see [tool.desktop] open_file).
Root: HKCU; Subkey: "Software\Classes\{#AppName}.Note"; ValueType: string; ValueName: ""; ValueData: "Markdown note"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#AppName}.Note\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppName}.exe,0"
Root: HKCU; Subkey: "Software\Classes\{#AppName}.Note\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppName}.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.md\OpenWithProgids"; ValueType: string; ValueName: "{#AppName}.Note"; ValueData: ""; Flags: uninsdeletevalue
#ifdef UrlScheme
; App links ({#UrlScheme}://...): the app is started with the link, or hands it to the running one.
Root: HKCU; Subkey: "Software\Classes\{#UrlScheme}"; ValueType: string; ValueName: ""; ValueData: "URL:{#AppName} link"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#UrlScheme}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\{#UrlScheme}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppName}.exe,0"
Root: HKCU; Subkey: "Software\Classes\{#UrlScheme}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppName}.exe"" ""%1"""
#endif

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Program files only: the user's data lives elsewhere and stays. Signed updates replace the
; install whole (files this uninstaller never saw) and keep the previous version, a staged one
; or a failed one beside it: all of that goes too.
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}"
Type: filesandordirs; Name: "{app}.previous"
Type: filesandordirs; Name: "{app}.next"
Type: filesandordirs; Name: "{app}.next-partial"
Type: filesandordirs; Name: "{app}.incoming"
Type: filesandordirs; Name: "{app}.failed"
Type: files; Name: "{app}.next.json"

[Code]
// The window is drawn by Microsoft Edge WebView2, which Windows 10 and 11 normally include.
// If it is missing, say so plainly and how to get it, instead of installing an app that
// can't open its window.
const
  WebView2Key = 'SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}';
  WebView2UserKey = 'Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}';

function WebView2Installed(): Boolean;
var
  Version: String;
begin
  Result := (RegQueryStringValue(HKLM, WebView2Key, 'pv', Version) and (Version <> '') and (Version <> '0.0.0.0'))
    or (RegQueryStringValue(HKCU, WebView2UserKey, 'pv', Version) and (Version <> '') and (Version <> '0.0.0.0'));
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if not WebView2Installed() then
  begin
    MsgBox('{#AppName} needs the Microsoft Edge WebView2 Runtime to show its window, and it is not installed.' + #13#10 + #13#10 +
           'Install the "Evergreen" runtime from Microsoft (search for "WebView2 Runtime download"), then run this setup again.',
           mbError, MB_OK);
    Result := False;
  end;
end;

// A per-user install updates itself (signed updates, when the app has an update URL): the app
// reads this file to know it was installed here by this installer, for this user.
procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    SaveStringToFile(ExpandConstant('{app}\desktop-install-format'), 'user', False);
end;
