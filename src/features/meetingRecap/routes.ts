/** The meeting recap feature's route: "recap" (after the @mention) in a chat; see ./meetingRecap. */
import type { FeatureRoutes } from '../routes';
import type { MeetingRecap } from './meetingRecap';

export const RECAP_COMMANDS = ['recap', '/recap', 'recap this meeting', 'recap the meeting', 'meeting recap'];

export function registerMeetingRecap(routes: FeatureRoutes, recap: MeetingRecap): void {
  routes.command(RECAP_COMMANDS, (turn) => recap.recap(turn));
}
