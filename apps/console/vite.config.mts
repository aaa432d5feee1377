import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The staff console, built into dist/console and served by the allocator at /console/. */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  // JSX with React's automatic runtime, by Vite's own transform (no plugin: fast refresh is for a dev server).
  oxc: { jsx: { runtime: 'automatic' } },
  // The typed client itself; its index also exports the Node-only helpers receivers use to check signatures.
  resolve: { alias: { '@app/client': here('../../libs/client/src/allocator-client.ts') } },
  build: { outDir: here('../../dist/console'), emptyOutDir: true, chunkSizeWarningLimit: 600 },
});
