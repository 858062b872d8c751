import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface BuildInfo {
  package: string;
  git: string;
  branch: string;
}

function findRepoRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'nest-cli.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Package version, git commit and branch. Sources, first match wins per field: GIT_COMMIT /
 * GIT_BRANCH (image build arguments, where there is no .git), the checkout itself, then the
 * build-info.json written at build time.
 */
export function readBuildInfo(env: NodeJS.ProcessEnv = process.env, start: string = __dirname): BuildInfo {
  const root = findRepoRoot(start);
  const pkg = root
    ? (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
    : undefined;
  let recorded: Partial<BuildInfo> = {};
  if (root && fs.existsSync(path.join(root, 'dist/build-info.json'))) {
    recorded = JSON.parse(fs.readFileSync(path.join(root, 'dist/build-info.json'), 'utf8')) as Partial<BuildInfo>;
  }
  const hasGit = root !== undefined && fs.existsSync(path.join(root, '.git'));
  return {
    package: pkg?.version ?? recorded.package ?? 'unknown',
    git: env.GIT_COMMIT || (hasGit ? git(root, ['rev-parse', 'HEAD']) : undefined) || recorded.git || 'unknown',
    branch:
      env.GIT_BRANCH ||
      (hasGit ? git(root, ['rev-parse', '--abbrev-ref', 'HEAD']) : undefined) ||
      recorded.branch ||
      'unknown',
  };
}
