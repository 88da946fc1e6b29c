/**
 * The SSO app against Entra's identifier-URI restrictions (the tenant default app management
 * policy, enforced from 2025): `api://botid-<bot id>` is not one of the always-allowed forms
 * (api://<own appId>, api://<tenant id>/…, verified domains); it is allowed because the app asks
 * for v2 access tokens, which the default policy exempts (excludeAppsReceivingV2Tokens). So the
 * token version must be 2 no later than the URI is added: aadApp/create makes an app without any
 * identifier URI, and aadApp/update (teamsapp-cli 3.1: one PATCH of the whole manifest — first
 * without pre-authorised clients, then complete) carries requestedAccessTokenVersion 2 in the same
 * request as the URI, every time. What only a tenant can verify: a tenant policy that removes the
 * v2 exemption refuses the URI (docs/operating.md says what to do).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');

interface Step {
  uses: string;
  with?: Record<string, unknown>;
}

function steps(file: string): Step[] {
  const lifecycle = parse(readFileSync(join(ROOT, file), 'utf8')) as { provision?: Step[] };
  return lifecycle.provision ?? [];
}

describe('aad.manifest.json and the identifier-URI policy', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'aad.manifest.json'), 'utf8')) as { identifierUris: string[]; api: { requestedAccessTokenVersion: number }; signInAudience: string };

  it('asks for v2 access tokens in the same document (one PATCH) that adds the identifier URI', () => {
    assert.equal(manifest.api.requestedAccessTokenVersion, 2, 'v2 tokens: the default policy exempts the app, and Identity Center needs the v2 issuer');
    assert.deepEqual(manifest.identifierUris, ['api://botid-${{BOT_ID}}'], 'the Teams bot SSO form');
    assert.equal(manifest.signInAudience, 'AzureADMyOrg');
  });

  for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
    it(`${file}: aadApp/create adds no identifier URI; the first step that does is aadApp/update with this manifest`, () => {
      const provision = steps(file);
      const creates = provision.filter((step) => step.uses === 'aadApp/create');
      assert.ok(creates.length >= 1);
      for (const create of creates) {
        assert.ok(!Object.keys(create.with ?? {}).some((option) => /identifier|uri/i.test(option)), `aadApp/create sets no URI: ${JSON.stringify(create.with)}`);
      }
      const update = provision.findIndex((step) => step.uses === 'aadApp/update');
      assert.ok(update > provision.findIndex((step) => step.uses === 'aadApp/create'), 'create, then update');
      assert.equal(provision[update]?.with?.manifestPath, './aad.manifest.json');
      assert.ok(!provision.slice(0, update).some((step) => /identifierUri/i.test(JSON.stringify(step))), 'nothing before aadApp/update sets an identifier URI');
    });
  }
});
