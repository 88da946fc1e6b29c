// Azure resources of the Amazon Q Business bot: a user-assigned managed identity (the bot's
// identity towards Bot Framework, and towards AWS through AssumeRoleWithWebIdentity), a Linux App
// Service plan and web app on Node 22, the Azure Bot with the Teams channel, a storage account for
// bot state, a Key Vault with the key that wraps the token-store data key (tokenStoreKey.bicep: no
// deployment script, no container, no shared key), and monitoring:
// Log Analytics, Application Insights, diagnostic settings and alert rules (monitoring.bicep).
// App settings that need the AWS ARNs are applied by botSettings.bicep during `deploy`; both
// templates merge into the site's current settings instead of replacing them.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@description('App Service plan SKU (B1 or higher: the bot needs Always On).')
param webAppSku string = 'B1'

@maxLength(42)
param botDisplayName string

@minValue(1)
@maxValue(30)
@description('Instances of the web app. Two or more need shared bot state (the blob container) and let App Service take an unhealthy instance (/readyz) out of rotation.')
param instanceCount int = 2

@description('E-mail address that receives the alerts; empty: alerts fire in the portal only.')
param alertEmail string = ''

@allowed(['template', 'admin'])
@description('Who creates the two Azure role assignments (bot → state storage: Storage Blob Data Contributor; bot → the token-store key: Key Vault Crypto User). template: this deployment (the deployer needs Owner, User Access Administrator or Role Based Access Control Administrator); admin: an administrator runs scripts/azure-role-assignments.sh once after the first provision, and a Contributor can provision (README, Before you provision).')
param roleAssignments string = 'template'

@allowed(['default', 'recover'])
@description('recover: bring back the soft-deleted Key Vault of an earlier deployment with the same names (purge protection keeps it 90 days), its token-store key included (README, Before you provision).')
param keyVaultCreateMode string = 'default'

param location string = resourceGroup().location

var templateAssignsRoles = roleAssignments == 'template'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: resourceBaseName
  location: location
}

// Storage account and Key Vault names are global and short (3-24 lowercase letters and digits;
// vaults 3-24 letters, digits, hyphens): a fixed prefix plus a 13-character hash of the resource
// group and base name, always within bounds whatever resourceBaseName is.
var nameHash = uniqueString(resourceGroup().id, resourceBaseName)
var storageAccountName = 'qst${nameHash}'
var keyVaultName = 'qkv${nameHash}'

// Linux plan: `reserved: true` is what makes a plan Linux in the API (kind alone does not).
resource serverfarm 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    // The portal and tools use Entra ID for data access, like the bot.
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: 'bot-state'
}

// Bot state older than the bot's own retention (30 days for answers and conversations) is removed.
resource stateRetention 'Microsoft.Storage/storageAccounts/managementPolicies@2025-06-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-bot-state'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['bot-state/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 31
                }
              }
            }
          }
        }
      ]
    }
  }
}

// Storage Blob Data Contributor for the bot's identity, on its state account only.
resource stateAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (templateAssignsRoles) {
  scope: storage
  name: guid(storage.id, identity.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  }
}

resource webApp 'Microsoft.Web/sites@2025-03-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    // Key Vault references in app settings are resolved with the bot's user-assigned identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      remoteDebuggingEnabled: false
      http20Enabled: true
      // node itself, not npm: App Service's SIGTERM reaches the bot, which closes gracefully.
      appCommandLine: 'node lib/src/index.js'
      // Readiness (config, state store, AWS endpoints): an instance failing it leaves rotation.
      healthCheckPath: '/readyz'
    }
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
}

// FTP publishing with basic credentials off (Azure Policy: "App Service apps should have local
// authentication methods disabled for FTP deployments"). SCM basic credentials stay as the site
// default: the toolkit's zip deploy is not verified without them here.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

module tokenStoreKey './tokenStoreKey.bicep' = {
  name: 'Token-store-key'
  params: {
    location: location
    keyVaultName: keyVaultName
    botPrincipalId: identity.properties.principalId
    botIdentityId: identity.id
    assignRoles: templateAssignsRoles
    createMode: keyVaultCreateMode
  }
}

module monitoring './monitoring.bicep' = {
  name: 'Monitoring'
  dependsOn: [tokenStoreKey]
  params: {
    resourceBaseName: resourceBaseName
    location: location
    webAppName: webApp.name
    // The name is known before deployment; the vault must exist first.
    keyVaultName: keyVaultName
    storageAccountName: storage.name
    alertEmail: alertEmail
  }
}

// The workbook for knowledge owners and operators (Azure portal → Monitor → Workbooks).
module workbook './workbook.bicep' = {
  name: 'Workbook'
  params: {
    resourceBaseName: resourceBaseName
    location: location
    workspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// Settings that come from this template, merged into what the site already has (see appSettings.bicep).
module provisionedSettings './appSettings.bicep' = {
  name: 'Merge-provisioned-settings'
  params: {
    webAppName: webApp.name
    currentAppSettings: list('${webApp.id}/config/appsettings', '2025-03-01').properties
    appSettings: {
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
      // The key that wraps the token-store data key; its material never leaves Key Vault. A deployment
      // from before keeps its TOKEN_STORE_KEY setting until the bot has adopted it (operating guide).
      TOKEN_STORE_KEY_VAULT_KEY_URL: tokenStoreKey.outputs.keyUrl
    }
  }
}

module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
    botDisplayName: botDisplayName
  }
}

// Persisted by the toolkit in env/.env.<env> (https://aka.ms/teamsfx-actions/arm-deploy).
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
// The managed identity's object (principal) id: the `sub` of its tokens, trusted by the AWS bot role.
output BOT_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output BOT_STORAGE_ACCOUNT_NAME string = storage.name
output BOT_KEY_VAULT_NAME string = tokenStoreKey.outputs.keyVaultName
output BOT_KEY_VAULT_KEY_RESOURCE_ID string = tokenStoreKey.outputs.keyResourceId
output BOT_LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.logAnalyticsWorkspaceId
