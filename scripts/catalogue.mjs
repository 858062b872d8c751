// Writes the metric catalogue (computed by the telemetry relay's own code) into README.md.
// Run `npm run build` first; `npm run catalogue` does both.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const { buildCatalogue } = require(path.join(root, 'dist/apps/telemetry-relay/src/catalogue/metric-catalogue.js'));
const { catalogueMarkdown, withCatalogue } = require(
  path.join(root, 'dist/apps/telemetry-relay/src/catalogue/catalogue-markdown.js'),
);
const readmePath = path.join(root, 'README.md');
const catalogue = buildCatalogue();
fs.writeFileSync(readmePath, withCatalogue(fs.readFileSync(readmePath, 'utf8'), catalogueMarkdown(catalogue)));
execFileSync(path.join(root, 'node_modules/.bin/prettier'), ['--write', readmePath], { stdio: 'ignore' });
console.log(
  `README.md: metric catalogue ${catalogue.version}, ${catalogue.leaving.length} leaving, ${catalogue.stayingHome.length} staying home`,
);
