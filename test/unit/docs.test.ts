/**
 * The documentation a newcomer reads (issue 29): the README stays short, and no link, anchor,
 * image or npm command in the README or the guides in docs/ points at nothing. The checker is
 * first shown to catch each kind of break, planted in a small tree of its own.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenLinks, npmCommandsIn, unknownNpmCommands } from '../helpers/docsCheck';

const ROOT = resolve(__dirname, '../../..');
const README_MAX_LINES = 250;
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

describe('documentation', () => {
  describe('the checker (on a planted tree)', () => {
    let tree: string;
    before(() => {
      tree = mkdtempSync(join(tmpdir(), 'docs-check-'));
      mkdirSync(join(tree, 'docs/images'), { recursive: true });
      writeFileSync(join(tree, 'docs/images/there.png'), '');
      writeFileSync(join(tree, 'package.json'), JSON.stringify({ scripts: { playground: 'x', test: 'y' } }));
      writeFileSync(join(tree, 'docs/guide.md'), '# Guide\n\n## Real heading\n\n![ok](images/there.png) [back](../README.md#try-it)\n');
    });
    after(() => rmSync(tree, { recursive: true, force: true }));

    it('finds nothing wrong in a tree whose links, anchors, images and commands all resolve', async () => {
      writeFileSync(
        join(tree, 'README.md'),
        '# Project\n\n## Try it\n\n`npm run playground` then `npm cit`; `npm test`.\n\n```bash\nnpm ci && npm run playground -- --durable\n```\n\n[guide](docs/guide.md#real-heading) [here](#try-it) ![pic](docs/images/there.png)\n',
      );
      assert.deepEqual(await brokenLinks(tree, ['README.md', 'docs/guide.md']), []);
      assert.deepEqual(unknownNpmCommands(tree, ['README.md', 'docs/guide.md']), []);
    });

    it('reports a missing file, a missing anchor here and in another file, a missing image, and commands that do not exist', async () => {
      writeFileSync(
        join(tree, 'README.md'),
        '# Project\n\n## Try it\n\n[gone](docs/gone.md) [nowhere](#nowhere) [elsewhere](docs/guide.md#no-such-heading) ![pic](docs/images/missing.png)\n\n`npm run playgrund` and `npm frobnicate`; `npm start` (no start script). Prose about the npm process is not a command.\n',
      );
      const links = (await brokenLinks(tree, ['README.md', 'docs/guide.md'])).map((problem) => `${problem.file}: ${problem.problem}`);
      assert.equal(links.length, 4, links.join('\n'));
      assert.ok(links.some((line) => /README\.md: .*docs\/gone\.md/.test(line)), 'missing file');
      assert.ok(links.some((line) => /README\.md: .*#nowhere/.test(line)), 'missing anchor in the same file');
      assert.ok(links.some((line) => /README\.md: .*#no-such-heading.*docs\/guide\.md/.test(line)), 'missing anchor in another file');
      assert.ok(links.some((line) => /README\.md: .*docs\/images\/missing\.png/.test(line)), 'missing image');
      const commands = unknownNpmCommands(tree, ['README.md']).map((problem) => problem.problem);
      assert.deepEqual(commands.sort(), ['`npm frobnicate` is neither an npm command nor run through `npm run`', '`npm run playgrund` names a script package.json does not have', '`npm start` names a script package.json does not have'].sort());
    });

    it('reads commands from code only, with their scripts', () => {
      assert.deepEqual(npmCommandsIn('Run `npm run bench:refusal` or:\n\n```bash\nnpm_config_yes=true npm ci\nnpm run build && npm run doctor -- --env dev\n```\n\nnpm passes signals on.'), [
        { command: 'run', script: 'bench:refusal' },
        { command: 'ci' },
        { command: 'run', script: 'build' },
        { command: 'run', script: 'doctor' },
      ]);
    });
  });

  describe('the README and the guides in docs/', () => {
    it(`README.md is at most ${README_MAX_LINES} lines`, () => {
      const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
      assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move the detail into a guide in docs/`);
    });

    it('every guide says who it is for', () => {
      for (const file of DOCS.filter((name) => name.startsWith('docs/'))) {
        assert.match(readFileSync(join(ROOT, file), 'utf8'), /^# .+\n\nWho this is for: /, `${file} starts with its title and "Who this is for: …"`);
      }
    });

    it('every relative link, anchor and image resolves', async () => {
      const problems = await brokenLinks(ROOT, DOCS);
      assert.deepEqual(problems.map((problem) => `${problem.file}:${problem.line ?? '?'} ${problem.problem}`), []);
    });

    it('every npm command they name exists (a package.json script or npm’s own)', () => {
      assert.deepEqual(unknownNpmCommands(ROOT, DOCS), []);
      assert.ok(npmCommandsIn(readFileSync(join(ROOT, 'README.md'), 'utf8')).some((found) => found.script === 'playground'), 'the README names npm run playground');
    });
  });
});
