// The one long-lived secret, TOKEN_STORE_KEY (encrypts each person's stored Identity Center refresh
// token), in a Key Vault with Azure RBAC. It is generated here, in Azure, by a deployment script
// the first time; later provisions keep it (so provisioning from another machine changes nothing),
// unless `rotate` is true: then the current key joins the previous keys (still read until their
// records expire) and a new key becomes current. The bot only reads (Key Vault Secrets User).

param resourceBaseName string
param location string
param keyVaultName string
@description('Object id of the bot\'s managed identity.')
param botPrincipalId string
param rotate bool = false
param provisionTime string
@description('false: an administrator creates the two role assignments (scripts/azure-role-assignments.sh); until then the script leaves the key absent instead of failing.')
param assignRoles bool = true
@allowed(['default', 'recover'])
param createMode string = 'default'

var currentKeySecretName = 'token-store-key'
var previousKeysSecretName = 'token-store-previous-keys'
// Built-in role definition ids.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    // recover: the soft-deleted vault of this name comes back with its secrets (the same key keeps
    // stored sign-ins readable); a deleted vault's name is taken until purge protection ends.
    createMode: createMode
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted key would strand every stored sign-in: keep it recoverable.
    enablePurgeProtection: true
  }
}

resource botReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignRoles) {
  scope: vault
  name: guid(vault.id, botPrincipalId, keyVaultSecretsUser)
  properties: {
    principalId: botPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// A separate identity that may write the secrets: only the provisioning script runs as it.
resource keyWriter 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-keywriter'
  location: location
}

resource keyWriterWritesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignRoles) {
  scope: vault
  name: guid(vault.id, keyWriter.id, keyVaultSecretsOfficer)
  properties: {
    principalId: keyWriter.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
  }
}

resource generateKey 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: '${resourceBaseName}-token-store-key'
  location: location
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${keyWriter.id}': {}
    }
  }
  dependsOn: [keyWriterWritesSecrets]
  properties: {
    azCliVersion: '2.61.0'
    forceUpdateTag: provisionTime
    retentionInterval: 'PT1H'
    cleanupPreference: 'Always'
    timeout: 'PT15M'
    environmentVariables: [
      { name: 'VAULT', value: vault.name }
      { name: 'KEY_SECRET', value: currentKeySecretName }
      { name: 'PREVIOUS_SECRET', value: previousKeysSecretName }
      { name: 'ROTATE', value: string(rotate) }
      { name: 'ROLES_BY_ADMIN', value: string(!assignRoles) }
    ]
    // Never prints a key. "Absent" is only concluded from a successful listing, so a role
    // assignment still propagating cannot make the script overwrite an existing key.
    scriptContent: '''
set -eu
new_key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
attempts=30
# Roles by an admin: on the first provision they do not exist yet; the next provision makes the key.
if [ "$ROLES_BY_ADMIN" = "True" ] || [ "$ROLES_BY_ADMIN" = "true" ]; then attempts=3; fi
for attempt in $(seq 1 "$attempts"); do
  if names=$(az keyvault secret list --vault-name "$VAULT" --query "[].name" -o tsv 2>/dev/null); then break; fi
  if [ "$attempt" = "$attempts" ]; then
    if [ "$attempts" = 3 ]; then echo "no access to $VAULT yet: run scripts/azure-role-assignments.sh (an administrator), then provision again"; exit 0; fi
    echo "cannot list secrets in $VAULT" >&2; exit 1
  fi
  sleep "${RETRY_SECONDS:-10}"
done
has() { printf '%s\n' "$names" | grep -qx "$1"; }
if ! has "$PREVIOUS_SECRET"; then
  az keyvault secret set --vault-name "$VAULT" --name "$PREVIOUS_SECRET" --value none -o none
fi
if ! has "$KEY_SECRET"; then
  az keyvault secret set --vault-name "$VAULT" --name "$KEY_SECRET" --value "$(new_key)" -o none
  echo "generated $KEY_SECRET"
elif [ "$ROTATE" = "True" ] || [ "$ROTATE" = "true" ]; then
  current=$(az keyvault secret show --vault-name "$VAULT" --name "$KEY_SECRET" --query value -o tsv)
  previous=$(az keyvault secret show --vault-name "$VAULT" --name "$PREVIOUS_SECRET" --query value -o tsv)
  if [ "$previous" = "none" ]; then previous=""; fi
  az keyvault secret set --vault-name "$VAULT" --name "$PREVIOUS_SECRET" --value "$current${previous:+,$previous}" -o none
  az keyvault secret set --vault-name "$VAULT" --name "$KEY_SECRET" --value "$(new_key)" -o none
  echo "rotated $KEY_SECRET"
else
  echo "kept $KEY_SECRET"
fi
'''
  }
}

output keyVaultName string = vault.name
// Module outputs exist only once the whole module (the script included) has run, so settings
// that reference these names are written after the secrets exist.
output currentKeySecretName string = currentKeySecretName
output keyWriterPrincipalId string = keyWriter.properties.principalId
output previousKeysSecretName string = previousKeysSecretName
