import fs from 'node:fs';
import path from 'node:path';
import { codeSpans, readmeTable, ROOT } from './readme-table';

type Level = 'info' | 'warn' | 'error';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'web' ? [] : sources(file);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [file] : [];
  });
}

/** Message names the code logs, by level: the capitalised string literals in a logger call's first argument. */
function loggedMessages(): Map<string, Set<Level>> {
  const found = new Map<string, Set<Level>>();
  for (const file of [...sources(path.join(ROOT, 'apps')), ...sources(path.join(ROOT, 'libs'))]) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, level, argument] of text.matchAll(/\.(info|warn|error)\(\s*((?:[^,()]|\([^()]*\))+?)\s*[,)]/g)) {
      for (const [, name] of argument.matchAll(/'([A-Z][^']*)'/g)) {
        found.set(name, (found.get(name) ?? new Set()).add(level as Level));
      }
    }
  }
  return found;
}

describe('the README list of functional log messages', () => {
  const logged = loggedMessages();
  const listed = readmeTable('### Logs').flatMap(([names, , level]) =>
    codeSpans(names).map((name) => ({ name, level: level.toLowerCase() as Level })),
  );

  it('lists every INFO message the services write', () => {
    const info = [...logged].filter(([, levels]) => levels.has('info')).map(([name]) => name);
    expect(info.length).toBeGreaterThan(10);
    expect(info.filter((name) => !listed.some((l) => l.name === name)).sort()).toEqual([]);
  });

  it('lists only messages the code writes, at the level it writes them', () => {
    for (const { name, level } of listed) {
      expect({ name, levels: [...(logged.get(name) ?? [])] }).toEqual({
        name,
        levels: expect.arrayContaining([level]),
      });
    }
  });
});
