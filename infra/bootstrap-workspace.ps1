#Requires -Version 5.1
<#
.SYNOPSIS
    Prepares a fresh Windows WorkSpace for streamkit: OBS Studio, the DistroAV NDI plugin and
    the NDI runtime, obs-websocket enabled with a generated password, OBS started at logon.

.DESCRIPTION
    Run it once, as the WorkSpace user, in an elevated PowerShell (the installers need admin):

        powershell -ExecutionPolicy Bypass -File bootstrap-workspace.ps1

    Safe to run again: installed packages are skipped and an existing websocket password is
    kept unless -RotatePassword is given.

    The websocket password is never written to the console, so it cannot end up in a kept
    transcript. It is stored where you ask (-PasswordTo): the clipboard (default), an SSM
    SecureString parameter (needs the AWS CLI and credentials on the WorkSpace), or nowhere.
    OBS itself always shows it under Tools > WebSocket Server Settings > Show Connect Info.

    obs-websocket has no TLS: port 4455 is opened in the Windows firewall only with
    -OpenFirewall, and only for -FirewallRemoteAddress (default: the local subnet). Never
    open it to the internet; reach it over a VPN or an SSH tunnel.

.PARAMETER Port
    obs-websocket port (default 4455).

.PARAMETER PasswordTo
    Clipboard (default), Ssm, or None.

.PARAMETER SsmParameterName
    With -PasswordTo Ssm: the parameter, e.g. /streamkit/obs-websocket-password (then use
    `password: ssm:/streamkit/obs-websocket-password` in streamkit.yaml).

.PARAMETER RotatePassword
    Generate a new password even if OBS already has one.

.PARAMETER OpenFirewall
    Allow inbound TCP on -Port from -FirewallRemoteAddress.

.PARAMETER StopObs
    Close a running OBS first (OBS rewrites its config when it exits, losing the new one).

.PARAMETER NdiRuntimeId
    winget id of the NDI runtime DistroAV needs (check with `winget search NDI`).
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 65535)] [int] $Port = 4455,
    [ValidateSet('Clipboard', 'Ssm', 'None')] [string] $PasswordTo = 'Clipboard',
    [ValidatePattern('^/[A-Za-z0-9_.\-/]+$')] [string] $SsmParameterName = '/streamkit/obs-websocket-password',
    [switch] $RotatePassword,
    [switch] $OpenFirewall,
    [string] $FirewallRemoteAddress = 'LocalSubnet',
    [switch] $StopObs,
    [string] $NdiRuntimeId = 'NDI.NDIRuntime'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Packages = @(
    @{ Id = 'OBSProject.OBSStudio'; Name = 'OBS Studio' },
    @{ Id = $NdiRuntimeId; Name = 'NDI runtime' },
    @{ Id = 'DistroAV.DistroAV'; Name = 'DistroAV (NDI plugin for OBS)' }
)
$ObsExe = Join-Path $env:ProgramFiles 'obs-studio\bin\64bit\obs64.exe'
$WebsocketDir = Join-Path $env:APPDATA 'obs-studio\plugin_config\obs-websocket'
$WebsocketConfig = Join-Path $WebsocketDir 'config.json'

function Install-Package([hashtable] $Package) {
    $listed = winget list --exact --id $Package.Id --accept-source-agreements 2>$null | Out-String
    if ($LASTEXITCODE -eq 0 -and $listed -match [regex]::Escape($Package.Id)) {
        Write-Host "ok    $($Package.Name) is already installed"
        return
    }
    Write-Host "setup installing $($Package.Name) ($($Package.Id))"
    winget install --exact --id $Package.Id --silent --disable-interactivity `
        --accept-package-agreements --accept-source-agreements
    if ($LASTEXITCODE -ne 0) {
        throw "winget could not install $($Package.Id) (exit code $LASTEXITCODE)"
    }
}

function New-Password {
    $alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'.ToCharArray()
    $bytes = New-Object byte[] 32
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    try { $rng.GetBytes($bytes) } finally { $rng.Dispose() }
    -join ($bytes | ForEach-Object { $alphabet[$_ % $alphabet.Length] })
}

function Get-ExistingPassword {
    if (-not (Test-Path $WebsocketConfig)) { return $null }
    try {
        $current = Get-Content -Raw -Path $WebsocketConfig | ConvertFrom-Json
        $field = $current.PSObject.Properties['server_password']
        if ($field -and $field.Value) { return [string] $field.Value }
    } catch {
        Write-Warning "ignoring unreadable $WebsocketConfig"
    }
    return $null
}

function Write-WebsocketConfig([string] $Password) {
    New-Item -ItemType Directory -Force -Path $WebsocketDir | Out-Null
    $config = [ordered]@{
        server_enabled  = $true
        server_port     = $Port
        auth_required   = $true
        server_password = $Password
        alerts_enabled  = $false
        first_load      = $false
    }
    $json = $config | ConvertTo-Json
    # OBS reads UTF-8 without a byte order mark; Set-Content in PowerShell 5.1 would add one.
    [System.IO.File]::WriteAllText($WebsocketConfig, $json, (New-Object System.Text.UTF8Encoding $false))
    Write-Host "ok    obs-websocket enabled on port $Port with authentication ($WebsocketConfig)"
}

function Save-Password([string] $Password) {
    switch ($PasswordTo) {
        'Clipboard' {
            Set-Clipboard -Value $Password
            Write-Host 'ok    websocket password copied to the clipboard (it is not shown here)'
        }
        'Ssm' {
            # The value goes through a private temporary file, never on a command line.
            $request = Join-Path $env:TEMP ("ssm-" + [guid]::NewGuid() + '.json')
            try {
                @{ Name = $SsmParameterName; Type = 'SecureString'; Overwrite = $true; Value = $Password } |
                    ConvertTo-Json | Set-Content -Path $request -Encoding ASCII
                aws ssm put-parameter --cli-input-json "file://$request" --output text | Out-Null
                if ($LASTEXITCODE -ne 0) { throw "aws ssm put-parameter failed (exit code $LASTEXITCODE)" }
            } finally {
                Remove-Item -Force -ErrorAction SilentlyContinue $request
            }
            Write-Host "ok    websocket password stored in SSM as SecureString $SsmParameterName"
        }
        'None' {
            Write-Host 'ok    websocket password kept only in OBS (Tools > WebSocket Server Settings)'
        }
    }
}

# OBS is a desktop program: it needs a logged-on session. After a scheduled start nobody is
# logged on, so OBS (and its websocket) comes up when the first co-organizer connects; streamkit
# doctor and import_at_start say "waiting for the first logon" until then. Windows autologon
# would start it unattended, but keeps the user's password in the registry and logs a console
# session on that anyone reaching the machine gets: not done here (README, "Between a scheduled
# start and the first co-organizer").
function Set-StartAtLogon {
    $startup = [Environment]::GetFolderPath('Startup')
    $shell = New-Object -ComObject WScript.Shell
    $link = $shell.CreateShortcut((Join-Path $startup 'OBS Studio (streamkit).lnk'))
    $link.TargetPath = $ObsExe
    $link.Arguments = '--minimize-to-tray --disable-shutdown-check'
    $link.WorkingDirectory = Split-Path $ObsExe  # OBS finds its data relative to this folder
    $link.WindowStyle = 7  # minimized
    $link.Save()
    Write-Host 'ok    OBS starts at logon, minimized to the tray'
}

function Open-WebsocketPort {
    $rule = 'OBS WebSocket (streamkit)'
    Get-NetFirewallRule -DisplayName $rule -ErrorAction SilentlyContinue | Remove-NetFirewallRule
    New-NetFirewallRule -DisplayName $rule -Direction Inbound -Action Allow -Protocol TCP `
        -LocalPort $Port -RemoteAddress $FirewallRemoteAddress -Profile Domain, Private | Out-Null
    Write-Host "ok    firewall allows TCP $Port from $FirewallRemoteAddress (no TLS: keep it private)"
}

if (Get-Process -Name obs64 -ErrorAction SilentlyContinue) {
    if (-not $StopObs) {
        throw 'OBS is running and would overwrite the new settings when it exits: close it or pass -StopObs'
    }
    Get-Process -Name obs64 | Stop-Process
    Start-Sleep -Seconds 3
}

if (-not (Get-Command winget -ErrorAction SilentlyContinue)) {
    throw 'winget is missing (Windows Server based bundles may ship without it): install App Installer from https://aka.ms/getwinget, then run this script again'
}
foreach ($package in $Packages) { Install-Package $package }
if (-not (Test-Path $ObsExe)) { throw "OBS is not where expected: $ObsExe" }

$password = if ($RotatePassword) { $null } else { Get-ExistingPassword }
$isNew = -not $password
if ($isNew) { $password = New-Password }
Write-WebsocketConfig $password
if ($isNew -or $PasswordTo -eq 'Ssm') { Save-Password $password } else {
    Write-Host 'ok    kept the existing websocket password (-RotatePassword makes a new one)'
}
Remove-Variable password

Set-StartAtLogon
if ($OpenFirewall) { Open-WebsocketPort } else { Write-Host 'ok    firewall unchanged (-OpenFirewall opens the websocket port)' }

Write-Host 'done  sign out and in again (or start OBS) to bring OBS up with the websocket enabled'
