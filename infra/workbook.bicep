// An Azure Monitor workbook for knowledge owners and operators: answers by outcome, ratings, the
// no-answer rate per knowledge scope, answer time, sign-in failures and Ask an expert. Its queries
// live in workbook/workbook.json (checked by Microsoft's Kusto language service in npm test,
// test/deploy/kql.test.ts) and read only the metrics the bot emits (src/telemetry/signals.ts).

param resourceBaseName string
param location string
@description('Resource id of the Log Analytics workspace the bot\'s telemetry lands in.')
param workspaceId string

var content = loadJsonContent('workbook/workbook.json')

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID: stable per resource group and base name, so provisioning again updates it.
  name: guid(resourceGroup().id, resourceBaseName, 'qteams-workbook')
  location: location
  kind: 'shared'
  properties: {
    displayName: '${resourceBaseName}: answers, ratings and experts'
    category: 'workbook'
    sourceId: workspaceId
    version: 'Notebook/1.0'
    serializedData: string(union(content, { fallbackResourceIds: [workspaceId] }))
  }
}

output workbookId string = workbook.id
