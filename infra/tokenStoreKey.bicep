// The token-store key without a deployment script: a Key Vault (Azure RBAC, purge protection) with
// one RSA key that never leaves the vault. The bot's managed identity wraps and unwraps its
// token-store data key with it (envelope encryption, src/identity/tokenStoreEnvelope.ts), with the
// role Key Vault Crypto User on this key only. No container, no temporary storage account, no
// second identity, no secret; provisioning again changes nothing (ARM's key PUT does not make a
// new version of an existing key). Rotation: Key Vault makes a new key version yearly (rotation
// policy) or on demand (portal: New version); the bot re-wraps its data key at its next start.

param location string
param keyVaultName string
@description('Object id of the bot\'s managed identity.')
param botPrincipalId string
@description('Resource id of the bot\'s managed identity (known before deployment: names the role assignment).')
param botIdentityId string
@description('false: an administrator creates the role assignments (scripts/azure-role-assignments.sh).')
param assignRoles bool = true
@allowed(['default', 'recover'])
param createMode string = 'default'

var keyName = 'token-store'
// Built-in role definition id: Key Vault Crypto User (keys: read, wrapKey, unwrapKey, encrypt, decrypt…).
var keyVaultCryptoUser = '12338af0-0e69-4776-bea7-57ae8d297424'

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: keyVaultName
  location: location
  properties: {
    // recover: the soft-deleted vault of this name comes back with its key (stored sign-ins stay
    // readable); a deleted vault's name is taken until purge protection ends.
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
    publicNetworkAccess: 'Enabled'
  }
}

resource tokenStoreKey 'Microsoft.KeyVault/vaults/keys@2026-02-01' = {
  parent: vault
  name: keyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: ['wrapKey', 'unwrapKey']
    rotationPolicy: {
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P1Y'
          }
          action: {
            type: 'rotate'
          }
        }
      ]
    }
  }
}

// Scoped to the key, not the vault: the bot can use this key and nothing else in the vault.
resource botUsesKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignRoles) {
  scope: tokenStoreKey
  name: guid(tokenStoreKey.id, botIdentityId, keyVaultCryptoUser)
  properties: {
    principalId: botPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCryptoUser)
  }
}

output keyVaultName string = vault.name
// The key without a version (https://<vault>.vault.azure.net/keys/token-store): the bot wraps with the current version.
output keyUrl string = tokenStoreKey.properties.keyUri
output keyResourceId string = tokenStoreKey.id
