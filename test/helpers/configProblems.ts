/** The problems `loadConfig` reports for an environment, for tests of settings validation. */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}
