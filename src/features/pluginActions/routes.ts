/** Plugin actions' routes: the review form's Submit and Cancel, and "continue" after a plugin sign-in. */
import { VERBS } from '../../cards/verbs';
import type { FeatureRoutes } from '../routes';
import type { PluginActions } from './pluginActions';

export function registerPluginActions(routes: FeatureRoutes, plugins: PluginActions): void {
  routes.cardExecute<Record<string, unknown>>(VERBS.pluginExecute, (turn, data) => plugins.onExecute(turn, data));
  routes.cardExecute<Record<string, unknown>>(VERBS.pluginCancel, (turn, data) => plugins.onCancel(turn, data));
  routes.cardExecute<Record<string, unknown>>(VERBS.pluginResume, (turn, data) => plugins.onResume(turn, data));
  routes.cardExecute<Record<string, unknown>>(VERBS.pluginShow, (turn, data) => plugins.onShow(turn, data));
}
