/**
 * The layout rules of issue 14 hold for src/, and the checker catches each kind of violation in a
 * small planted tree (so a green run means the rules were really checked).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkLayout, type LayoutRules } from '../helpers/dependencyRules';

const REPO = join(__dirname, '..', '..', '..');

export const SRC_RULES: LayoutRules = {
  sdkLayers: ['teams', 'frontDoor'],
  sdkPackages: ['botbuilder', 'botframework-*', '@microsoft/teams-ai'],
  sdkExceptions: {
    // Named exception, to be deleted by the storage change (issue 14): the state layer still
    // extends botbuilder's Storage and writes through botbuilder-azure-blobs.
    state: 'StateStorage extends botbuilder Storage; BlobStateStorage uses botbuilder-azure-blobs',
  },
  forbiddenOutside: ['localdev', 'test'],
};

describe('layout dependency rules', () => {
  it('src/ has no import circle, keeps the Teams SDKs in src/teams and src/frontDoor, and never imports localdev/ or test/', () => {
    assert.deepEqual(checkLayout(join(REPO, 'src'), SRC_RULES), []);
  });

  describe('on a planted tree', () => {
    let root: string;
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'layout-rules-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('passes a tree that keeps the rules', () => {
      write('teams/app.ts', "import { Application } from '@microsoft/teams-ai';\nimport type { Turn } from '../domain/turn';\n");
      write('domain/turn.ts', 'export interface Turn { id: string }\n');
      write('features/a.ts', "import type { Turn } from '../domain/turn';\n");
      write('main.ts', "import './teams/app';\nimport './features/a';\n");
      assert.deepEqual(checkLayout(root, SRC_RULES), []);
    });

    it('finds a circle of files, type-only imports included', () => {
      write('features/a.ts', "import type { B } from './b';\nexport type A = B;\n");
      write('features/b.ts', "import type { A } from './a';\nexport type B = A;\n");
      const found = checkLayout(root, SRC_RULES);
      assert.deepEqual(found.map((v) => v.rule), ['fileCycle']);
      assert.match(found[0]?.detail ?? '', /features\/a\.ts → features\/b\.ts/);
    });

    it('finds a circle of folders made of files that do not form one', () => {
      write('features/a.ts', "import '../qbusiness/b';\n");
      write('qbusiness/b.ts', 'export const b = 1;\n');
      write('qbusiness/c.ts', "export { a } from '../features/d';\n");
      write('features/d.ts', 'export const a = 1;\n');
      assert.deepEqual(checkLayout(root, SRC_RULES).map((v) => v.rule), ['folderCycle']);
    });

    it('finds a circle of sub-folders inside one folder', () => {
      write('features/a/x.ts', "import '../b/y';\n");
      write('features/b/y.ts', 'export const y = 1;\n');
      write('features/b/z.ts', "import '../a/w';\n");
      write('features/a/w.ts', 'export const w = 1;\n');
      assert.deepEqual(checkLayout(root, SRC_RULES).map((v) => v.detail), ['features/a → features/b']);
    });

    it('finds the Teams SDKs imported outside the Teams layer, and allows the named exception', () => {
      write('features/a.ts', "import type { TurnContext } from 'botbuilder';\n");
      write('cards/b.ts', "import * as m from 'botframework-connector/lib/x';\n");
      write('domain/c.ts', "export { Application } from '@microsoft/teams-ai';\n");
      write('state/d.ts', "import type { Storage } from 'botbuilder';\n");
      write('features/e.ts', "import 'botbuilder-like-but-not';\n");
      const found = checkLayout(root, SRC_RULES);
      assert.deepEqual(found.map((v) => v.detail).sort(), [
        'cards/b.ts imports botframework-connector/lib/x',
        'domain/c.ts imports @microsoft/teams-ai',
        'features/a.ts imports botbuilder',
      ]);
    });

    it('finds imports of localdev/ and test/', () => {
      write('features/a.ts', "import '../../localdev/qbusiness';\nimport '../../test/helpers/x';\n");
      assert.deepEqual(checkLayout(root, SRC_RULES).map((v) => v.rule), ['forbiddenImport', 'forbiddenImport']);
    });
  });
});
