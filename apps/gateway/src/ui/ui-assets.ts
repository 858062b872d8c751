import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One built file of the page, held in memory (the whole page is a few dozen kilobytes). */
export interface UiAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Vite names these by their content hash: they never change under that name. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Where the build puts the page, seen from this compiled file (dist/apps/gateway/src/ui → dist/apps/gateway/web). */
export const DEFAULT_UI_DIRECTORY = path.resolve(__dirname, '../../web');

/**
 * The built page by its path under /ui/ ("index.html", "assets/index-1a2b3c.js"). Files of an
 * unknown type are left out, so nothing is ever served with a guessed content type.
 */
export function loadUiAssets(directory: string): Map<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  if (!fs.existsSync(path.join(directory, 'index.html'))) return assets;
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(name);
      const contentType = CONTENT_TYPES[path.extname(entry.name)];
      if (!entry.isFile() || !contentType) continue;
      const body = fs.readFileSync(path.join(directory, name));
      assets.set(name, {
        body,
        contentType,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        immutable: name.startsWith('assets/'),
      });
    }
  };
  walk('');
  return assets;
}
