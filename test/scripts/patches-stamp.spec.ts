import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const STAMP_MODULE = path.join(__dirname, '..', '..', 'scripts', 'lib', 'patches-stamp.mjs');

/** Runs one of the module's functions on `root` in a node of its own (the scripts are ES modules). */
function call(name: 'patchesApplied' | 'writePatchesStamp', root: string): unknown {
  const code = `import * as stamp from ${JSON.stringify(STAMP_MODULE)};
    process.stdout.write(JSON.stringify(stamp.${name}(${JSON.stringify(root)}) ?? null));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

/** The stamp that lets the start and test commands skip `npm ci` only while node_modules holds patches/ as it is. */
describe('the patches stamp', () => {
  let root: string;
  const patch = (name: string) => path.join(root, 'patches', name);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'patches-stamp-'));
    fs.mkdirSync(path.join(root, 'patches'));
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.writeFileSync(patch('kafkajs+2.2.4.patch'), '--- a\n+++ b\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is missing until the postinstall wrote it (a patch that failed to apply)', () => {
    expect(call('patchesApplied', root)).toBe(false);
    call('writePatchesStamp', root);
    expect(call('patchesApplied', root)).toBe(true);
  });

  it('no longer matches once a patch is changed, added or removed', () => {
    call('writePatchesStamp', root);
    fs.appendFileSync(patch('kafkajs+2.2.4.patch'), ' ');
    expect(call('patchesApplied', root)).toBe(false);

    call('writePatchesStamp', root);
    fs.writeFileSync(patch('pg+8.0.0.patch'), '--- a\n+++ b\n');
    expect(call('patchesApplied', root)).toBe(false);

    call('writePatchesStamp', root);
    fs.rmSync(patch('pg+8.0.0.patch'));
    expect(call('patchesApplied', root)).toBe(false);
  });

  it('tells a renamed patch from the one before', () => {
    call('writePatchesStamp', root);
    fs.renameSync(patch('kafkajs+2.2.4.patch'), patch('kafkajs+2.2.5.patch'));
    expect(call('patchesApplied', root)).toBe(false);
  });
});
