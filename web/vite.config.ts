/**
 * The browser bundle: the pipeline page (served at /) and the GraphQL IDE
 * (GraphiQL, at /graphql for browsers), built at `npm run build` into
 * dist/web so the server serves them offline: no CDN, no fonts, no inline
 * script (the server's Content-Security-Policy allows only its own files).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/assets/',
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    // graphql 16 ships index.mjs and index.js: one copy in the bundle.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.mjs' }],
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    assetsDir: '.',
    // The IDE carries React and CodeMirror; a warning for it says nothing useful.
    chunkSizeWarningLimit: 4096,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { pipeline: here('pipeline/index.html'), ide: here('ide/index.html') },
      onwarn(warning, warn) {
        // React libraries mark modules "use client"; a bundle for the browser has no server side.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
