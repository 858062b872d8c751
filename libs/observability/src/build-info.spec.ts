import { readBuildInfo } from './build-info';

describe('readBuildInfo', () => {
  it('prefers the build arguments GIT_COMMIT and GIT_BRANCH, for images built without .git', () => {
    const info = readBuildInfo({ GIT_COMMIT: 'abc123', GIT_BRANCH: 'release/1.2' });
    expect(info).toEqual({ package: expect.stringMatching(/^\d+\.\d+\.\d+/), git: 'abc123', branch: 'release/1.2' });
  });

  it('reads the package version from package.json', () => {
    const pkg = require('../../../package.json') as { version: string };
    expect(readBuildInfo({}).package).toBe(pkg.version);
  });
});
