/**
 * Imported by index.ts before any dependency loads: Node's process warnings (a dependency's
 * DEP0111 as it loads, the AWS SDK's Node-version notice) are held from the very start and written
 * by the JSON logger once it exists, instead of as Node's plain-text lines on stderr. Where the
 * operator turned warnings off (NODE_NO_WARNINGS=1, --no-warnings: Node then installs no printer of
 * its own) they stay off.
 */

// Node's own printer is the only 'warning' listener at this point, present unless warnings are off.
const warningsOn = process.listenerCount('warning') > 0;
// Enough for every start-up warning; a flood before the logger exists is not kept.
const MAX_HELD = 50;
const held: Error[] = [];
let write: ((warning: Error) => void) | undefined;

if (warningsOn) {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (write) write(warning);
    else if (held.length < MAX_HELD) held.push(warning);
  });
}

/** From now on warnings go to `writer`, the ones held since start-up first. */
export function writeNodeWarningsWith(writer: (warning: Error) => void): void {
  if (!warningsOn) return;
  write = writer;
  for (const warning of held.splice(0)) writer(warning);
}
