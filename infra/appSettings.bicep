// Writes a web app's settings as a merge: every setting already on the site (set in the portal,
// by the other template, or by a previous deploy) stays unless `appSettings` names it. The caller
// reads the current settings with list() because a module cannot list a site it is writing.

param webAppName string

@description('App settings: names to string values.')
type settings = {
  *: string
}

@secure()
type secureSettings = {
  *: string
}

@description('The site\'s current settings: list(\'<site id>/config/appsettings\', <api>).properties. Secure, so they stay out of deployment history.')
param currentAppSettings secureSettings

@description('Settings to add or change; these win over the current ones.')
param appSettings settings

resource webApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: webAppName
}

resource mergedSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: webApp
  name: 'appsettings'
  properties: union(currentAppSettings, appSettings)
}
