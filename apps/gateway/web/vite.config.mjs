// The Event Logs page: built into dist/apps/gateway/web (by scripts/build.mjs), served by the
// gateway under /ui/. `npx vite --config apps/gateway/web/vite.config.mjs` serves it for
// development, passing the API through to a gateway on 127.0.0.1:8080.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/ui/',
  publicDir: false,
  build: {
    outDir: path.resolve(here, '../../../dist/apps/gateway/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/ui/config.json': 'http://127.0.0.1:8080' },
  },
});
