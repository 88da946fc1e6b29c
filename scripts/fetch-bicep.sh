#!/usr/bin/env bash
# Fetches Microsoft's Bicep CLI (the self-contained `bicep` packed in the NuGet package
# Azure.Bicep.CommandLine.linux-x64) into .tools/bicep/, once, and prints the executable's path.
# A throwaway project's `dotnet restore` of a PackageDownload does the download: NuGet keeps the
# executable bit, which a hand unzip of the .nupkg would lose. Needs the .NET SDK and NuGet.
set -euo pipefail
VERSION="${BICEP_VERSION:-0.49.2}"
cd "$(dirname "$0")/.."
DIR="$PWD/.tools/bicep"
BIN="$DIR/packages/azure.bicep.commandline.linux-x64/$VERSION/tools/bicep"
if [ ! -x "$BIN" ]; then
  command -v dotnet >/dev/null 2>&1 || { echo "fetch-bicep: dotnet is not installed (the .NET SDK restores the Bicep CLI from NuGet)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cat >"$work/fetch-bicep.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net$(dotnet --version | cut -d. -f1).0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$VERSION]" /></ItemGroup>
</Project>
PROJECT
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet restore "$work/fetch-bicep.csproj" --packages "$DIR/packages" >&2
  [ -x "$BIN" ] || { echo "fetch-bicep: the restore did not produce an executable $BIN" >&2; exit 1; }
fi
echo "$BIN"
