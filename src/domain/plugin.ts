/** Q Business plugin turns (Jira, ServiceNow, custom…), in plain data for cards and handlers. */

export type PluginFieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'ARRAY';

export interface PluginField {
  name: string;
  displayName: string;
  description?: string;
  order: number;
  type: PluginFieldType;
  value?: unknown;
  allowedValues?: Array<{ value: string; label: string }>;
  allowedFormat?: string;
  required: boolean;
}

/** Q wants to run a plugin action and shows its payload for review first. */
export interface PluginActionReview {
  pluginId: string;
  pluginType: string;
  fields: PluginField[];
  separator: string;
}

export interface PluginActionExecution {
  pluginId: string;
  payload: Record<string, unknown>;
  separator: string;
}
