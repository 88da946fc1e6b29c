#!/usr/bin/env bash
# The two Azure role assignments of the bot, for a deployer who is only Contributor
# (AZURE_ROLE_ASSIGNMENTS=admin in env/.env.<env>): an administrator with Owner, User Access
# Administrator or Role Based Access Control Administrator on the resource group runs this once,
# after the first `teamsapp provision --env <env>` created the identity, the storage account and
# the token-store key; then the deployer runs deploy (the bot unwraps its data key at start). Idempotent: an assignment that
# exists is reported by az and left as it is.
#   scripts/azure-role-assignments.sh <env> [--print]     (--print: show the az commands only)
set -euo pipefail
cd "$(dirname "$0")/.."
ENVIRONMENT="${1:?usage: scripts/azure-role-assignments.sh <env> [--print]}"
PRINT="${2:-}"
FILE="env/.env.$ENVIRONMENT"
[ -f "$FILE" ] || { echo "no $FILE: run teamsapp provision --env $ENVIRONMENT first" >&2; exit 1; }
value() { grep -E "^$1=" "$FILE" | tail -1 | cut -d= -f2- | tr -d '"' ; }
need() {
  local v; v=$(value "$1")
  [ -n "$v" ] || { echo "$1 is empty in $FILE: the first teamsapp provision --env $ENVIRONMENT writes it" >&2; exit 1; }
  printf '%s' "$v"
}
SUBSCRIPTION=$(need AZURE_SUBSCRIPTION_ID)
GROUP=$(need AZURE_RESOURCE_GROUP_NAME)
BOT=$(need BOT_MANAGED_IDENTITY_PRINCIPAL_ID)
STORAGE=$(need BOT_STORAGE_ACCOUNT_NAME)
KEY=$(need BOT_KEY_VAULT_KEY_RESOURCE_ID)
SCOPE="/subscriptions/$SUBSCRIPTION/resourceGroups/$GROUP/providers"

# Built-in roles, the same ids infra/ assigns when AZURE_ROLE_ASSIGNMENTS=template.
STORAGE_BLOB_DATA_CONTRIBUTOR=ba92f5b4-2d11-453d-a403-e96b0029c9fe
KEY_VAULT_CRYPTO_USER=12338af0-0e69-4776-bea7-57ae8d297424

assign() {
  local principal="$1" role="$2" scope="$3"
  local command=(az role assignment create --subscription "$SUBSCRIPTION" --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal --role "$role" --scope "$scope" --only-show-errors -o none)
  if [ "$PRINT" = "--print" ]; then printf '%q ' "${command[@]}"; echo; else "${command[@]}" && echo "✔ $role for $principal on ${scope##*/providers/}"; fi
}
assign "$BOT" "$STORAGE_BLOB_DATA_CONTRIBUTOR" "$SCOPE/Microsoft.Storage/storageAccounts/$STORAGE"
# Scoped to the one key (its resource id), not the vault.
assign "$BOT" "$KEY_VAULT_CRYPTO_USER" "$KEY"
