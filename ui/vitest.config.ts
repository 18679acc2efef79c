import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Component tests mount Svelte 5 components in jsdom: resolve Svelte's browser build.
export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // A component test that walks a whole screen takes about 2 s here and over 5 s (Vitest's
    // default limit) while a build shares the two cores; the limit is for hangs, not for speed.
    testTimeout: 20_000,
  },
});
