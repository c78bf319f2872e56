; Inno Setup script for Placement Desk (Inno Setup 6.3 or newer).
;
; Build the one-folder bundle first (dist\placement-desk and dist\version.iss, see
; README.md), then:   iscc installer\placement_desk.iss
; The installer is written to dist\installer\PlacementDesk-<version>-setup.exe.
;
; Per-user by default, with no administrator rights (for pilots): the program goes in
; %LOCALAPPDATA%\Programs\Placement Desk. IT installs it for every user of a machine
; with /ALLUSERS (it then needs administrator rights and goes in Program Files).
; The uninstaller removes the program and keeps the user's data (database, backups,
; logs, settings) unless the user ticks the box, or /REMOVEDATA is given.

#include "..\dist\version.iss"   ; AppVersion and AppPublisher from pyproject.toml

#define AppName "Placement Desk"
#define AppExe "Placement Desk.exe"
#define CliExe "placement-desk.exe"
; The user's data folder: platformdirs' user_data_dir("placement-desk") on Windows.
#define DataDir "{localappdata}\placement-desk"
; The user's settings file: QSettings' IniFormat, user scope.
#define SettingsDir "{userappdata}\placement-desk"

[Setup]
AppId={{6E0C3A52-8F7B-4D3B-9B0B-5B0C1D2F7A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoCompany={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; No administrator rights needed; /ALLUSERS (or the dialog) installs for everyone.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\installer
OutputBaseFilename=PlacementDesk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The application's icon, written beside the bundle by the PyInstaller step.
SetupIconFile=..\dist\placement-desk.ico
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes
RestartApplications=no
SetupLogging=yes
#ifdef SignTool
; iscc /DSignTool "/Ssigntool=signtool sign /fd sha256 /tr <timestamp URL> /td sha256 /a $f"
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\placement-desk\*"; DestDir: "{app}"; \
    Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A new version replaces the bundled files whole: nothing of an older one lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; \
    Comment: "Commissioning children's placements"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; \
    GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; \
    Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself leaves beside it; the user's data is handled below.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
var
  SmokeTestStatus: Integer;

function HasSwitch(const Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

{ The installed copy must start: open (and create) a throwaway database in the
  temporary folder, draw its window offscreen, write a PDF, exit 0. }
procedure RunSmokeTest;
var
  ResultCode: Integer;
begin
  SmokeTestStatus := 0;
  if not Exec(ExpandConstant('{app}\{#CliExe}'),
              '--db "' + ExpandConstant('{tmp}\smoke-test.db') + '" --smoke-test',
              ExpandConstant('{tmp}'), SW_HIDE, ewWaitUntilTerminated, ResultCode) then
    ResultCode := -1;
  if ResultCode <> 0 then
  begin
    SmokeTestStatus := ResultCode;
    Log(Format('The smoke test of the installed copy failed with status %d.', [ResultCode]));
    if not WizardSilent then
      MsgBox('Placement Desk was installed but did not pass its start-up check '
             + Format('(status %d). ', [ResultCode])
             + 'Its log is in ' + ExpandConstant('{#DataDir}') + '\logs. '
             + 'Please send it to whoever supports Placement Desk.', mbError, MB_OK);
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    RunSmokeTest;
end;

{ A silent install that fails its smoke test exits with 100 + the test's status, so
  deployment tools see it (Inno Setup's own codes are 1 to 8). }
function GetCustomSetupExitCode: Integer;
begin
  if SmokeTestStatus <> 0 then
    Result := 100 + (SmokeTestStatus mod 100)
  else
    Result := 0;
end;

{ Keep the user's database, backups, logs and settings unless asked to remove them:
  a tick box when uninstalling by hand, /REMOVEDATA when silent. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Remove: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  if UninstallSilent then
    Remove := HasSwitch('/REMOVEDATA')
  else
    Remove := MsgBox('Placement Desk has been removed.' + #13#10#13#10
                     + 'Your database, its backups, logs and settings are still in '
                     + ExpandConstant('{#DataDir}') + '.' + #13#10#13#10
                     + 'Do you want to delete them too? This cannot be undone. '
                     + 'Choose No to keep them (for example to install Placement Desk again).',
                     mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if Remove then
  begin
    DelTree(ExpandConstant('{#DataDir}'), True, True, True);
    DelTree(ExpandConstant('{#SettingsDir}'), True, True, True);
  end;
end;
