// Monitoring of the bot: a Log Analytics workspace, workspace-based Application Insights (the bot
// exports OpenTelemetry to it through APPLICATIONINSIGHTS_CONNECTION_STRING), diagnostic settings
// of the web app, Key Vault and state storage into the workspace, and alert rules for what an
// operator must act on. Custom metric names are the bot's (README, "Operating it"); OpenTelemetry
// metric attributes arrive as AppMetrics.Properties.

param resourceBaseName string
param location string
param webAppName string
param keyVaultName string
param storageAccountName string
@description('E-mail address that receives the alerts; empty: alerts fire in the portal only.')
param alertEmail string = ''
param logRetentionDays int = 30

resource webApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: webAppName
}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: keyVaultName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' existing = {
  parent: storage
  name: 'default'
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

// App Service's own logs: every HTTP request with its status (AppServiceHTTPLogs), the bot's
// stdout JSON lines (AppServiceConsoleLogs), platform events (restarts, health check evictions).
#disable-next-line use-recent-api-versions // diagnosticSettings has no GA version with categories (2016-09-01 is the classic one)
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
      { category: 'AppServiceAuditLogs', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

// Who read or changed the token-store key.
#disable-next-line use-recent-api-versions // diagnosticSettings has no GA version with categories (2016-09-01 is the classic one)
resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspace.id
    logs: [
      { categoryGroup: 'audit', enabled: true }
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

#disable-next-line use-recent-api-versions // diagnosticSettings has no GA version with categories (2016-09-01 is the classic one)
resource stateDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
    metrics: [
      { category: 'Transaction', enabled: true }
    ]
  }
}

resource alertReceivers 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${resourceBaseName}-alerts'
  location: 'global'
  properties: {
    groupShortName: 'qbot-alerts'
    enabled: true
    emailReceivers: [
      { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var alertActions = empty(alertEmail) ? [] : [alertReceivers.id]

// 5xx from the bot (App Service's Http5xx metric counts every 5xx the front end saw).
resource serverErrorsAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${resourceBaseName}-http-5xx'
  location: 'global'
  properties: {
    description: 'The bot answered more than 5 requests with a 5xx in 5 minutes. Start with AppServiceHTTPLogs and the bot\'s error lines in AppServiceConsoleLogs (README, Operating it).'
    severity: 1
    enabled: true
    scopes: [webApp.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'http5xx'
          metricNamespace: 'Microsoft.Web/sites'
          metricName: 'Http5xx'
          operator: 'GreaterThan'
          threshold: 5
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [for id in alertActions: { actionGroupId: id }]
  }
}

// Log alerts on the bot's own OpenTelemetry metrics (AppMetrics in the workspace). Each query
// returns a row only when the condition holds; the rule fires when there is a row.
var logAlerts = [
  {
    name: 'signin-failures'
    severity: 2
    description: 'More than 20% of sign-ins failed in 15 minutes (at least 10 attempts): Identity Center, the trusted token issuer or the Q user role (README, Troubleshooting).'
    query: 'AppMetrics | where Name == "qteams.signins" | summarize total = sum(Sum), failed = sumif(Sum, tostring(Properties.outcome) != "signedIn") | where total >= 10 and failed > 0.2 * total'
  }
  {
    name: 'q-throttling'
    severity: 2
    description: 'Amazon Q Business throttled more than 10 requests in 15 minutes (after the SDK\'s retries): ask AWS for a higher quota or spread load.'
    query: 'AppMetrics | where Name == "qteams.q.throttled" | summarize throttled = sum(Sum) | where throttled > 10'
  }
  {
    name: 'votes-failing'
    severity: 3
    description: 'More than 10% of votes (thumbs up or down) could not be recorded with Q PutFeedback in 15 minutes (at least 5 votes).'
    query: 'AppMetrics | where Name == "qteams.votes" | summarize total = sum(Sum), failed = sumif(Sum, tostring(Properties.state) == "failed") | where total >= 5 and failed > 0.1 * total'
  }
]

// AppMetrics exists only once the bot has sent a metric (after deploy), and Azure Monitor checks a
// rule's query when the rule is created ("Failed to resolve table"): skipQueryValidation (in this
// API version) creates the rules anyway, and they start working when data arrives. They wait for
// Application Insights, whose workspace-based resource is what writes AppMetrics.
resource botAlerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [for alert in logAlerts: {
  name: '${resourceBaseName}-${alert.name}'
  location: location
  dependsOn: [appInsights]
  properties: {
    skipQueryValidation: true
    displayName: '${resourceBaseName}: ${alert.name}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [workspace.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: alertActions
    }
  }
}]

output applicationInsightsConnectionString string = appInsights.properties.ConnectionString
output logAnalyticsWorkspaceId string = workspace.id
