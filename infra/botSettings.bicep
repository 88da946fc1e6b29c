// Applied during `teamsapp deploy`: the bot settings that need the AWS ARNs the provision-time
// setup script created (README, "runtime contract"). Merged into the site's current settings, so
// what provision set (Application Insights, the Key Vault references) and anything added in the
// portal survive every deploy.

param webAppName string
param identityClientId string
param tenantId string
param botDomain string
param storageAccountName string

param amazonQAppId string
param amazonQRegion string
param awsIdcRegion string
param idcApplicationArn string
param qUserRoleArn string
param botAwsRoleArn string
param botAwsTokenAudience string = 'api://AzureADTokenExchange'
param ssoClientId string
param ssoTenantId string
// The cloud's Entra sign-in host (https://login.microsoftonline.com/ in the public cloud).
param ssoAuthorityHost string = environment().authentication.loginEndpoint
param ssoResourceUri string

resource webApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: webAppName
}

module botSettings 'appSettings.bicep' = {
  name: 'merge-bot-settings'
  params: {
    webAppName: webApp.name
    currentAppSettings: list('${webApp.id}/config/appsettings', '2025-03-01').properties
    appSettings: {
      SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
      LOG_LEVEL: 'info'
      BOT_ID: identityClientId
      BOT_TYPE: 'UserAssignedMsi'
      BOT_TENANT_ID: tenantId
      BOT_ENDPOINT: 'https://${botDomain}'
      BOT_STATE_BLOB_URL: 'https://${storageAccountName}.blob.${environment().suffixes.storage}/bot-state'
      AMAZON_Q_APP_ID: amazonQAppId
      AMAZON_Q_REGION: amazonQRegion
      AWS_IDC_REGION: awsIdcRegion
      IDC_APPLICATION_ARN: idcApplicationArn
      Q_USER_ROLE_ARN: qUserRoleArn
      BOT_AWS_ROLE_ARN: botAwsRoleArn
      BOT_AWS_TOKEN_AUDIENCE: botAwsTokenAudience
      AAD_APP_CLIENT_ID: ssoClientId
      AAD_APP_TENANT_ID: ssoTenantId
      AAD_APP_OAUTH_AUTHORITY_HOST: ssoAuthorityHost
      SSO_RESOURCE_URI: ssoResourceUri
    }
  }
}
