import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web UI's build: one page and hashed bundles in ../dist/ui-assets, served by the API
 * itself at / and /ui/* (src/web/web-routes.ts). Every dependency is bundled here, so the
 * package needs none of them at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [react()],
  logLevel: 'warn',
  // Development: `npx vite --config libs/interfaces/api/ui/vite.config.ts` serves the page at
  // http://localhost:5173/ui/ with hot reload and forwards the API to a running Tapio.
  server: { proxy: { '/api': process.env['TAPIO_SERVER'] ?? 'http://127.0.0.1:7345' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui-assets', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No source maps shipped: the sources are in the repository.
    sourcemap: false,
    // A CSP without 'unsafe-inline': no inlined module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
