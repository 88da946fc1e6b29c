/** Ask an expert's routes: the dialogs (Teams task modules), the private delivery's view, the rating. */
import { VERBS } from '../../cards/verbs';
import type { FeatureRoutes } from '../routes';
import type { AskExpert, DialogResponse } from './askExpert';

export function registerExperts(routes: FeatureRoutes, experts: AskExpert): void {
  const dialogs = (open: boolean) => async (turn: Parameters<Parameters<FeatureRoutes['invoke']>[1]>[0]) => {
    const value = (turn.activity.value ?? {}) as { data?: Record<string, unknown> };
    const data = value.data && typeof value.data === 'object' ? value.data : {};
    let response: DialogResponse;
    if (data.verb === VERBS.expertAsk) response = open ? await experts.askDialog(turn, data) : await experts.ask(turn, data);
    else if (data.verb === VERBS.expertAnswer) response = open ? await experts.answerDialog(turn, data) : await experts.answer(turn, data);
    else response = { task: { type: 'message', value: 'This dialog is not available.' } };
    await turn.send({ type: 'invokeResponse', value: { status: 200, body: response } });
  };
  routes.invoke('task/fetch', dialogs(true));
  routes.invoke('task/submit', dialogs(false));
  routes.cardExecute<Record<string, unknown>>(VERBS.expertShow, (turn, data) => experts.show(turn, data));
  routes.cardExecute<Record<string, unknown>>(VERBS.expertRate, (turn, data) => experts.rate(turn, data));
  // Clients without Universal Actions: the same, the result as a message.
  routes.cardSubmit<Record<string, unknown>>([VERBS.expertShow, VERBS.expertRate], async (turn, data) => {
    const result = data.verb === VERBS.expertRate ? await experts.rate(turn, data) : await experts.show(turn, data);
    if (typeof result === 'string') await turn.send(result);
    else await turn.send({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result }] });
  });
}
