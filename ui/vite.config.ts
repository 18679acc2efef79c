import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app loads ui/dist from disk inside Tauri: relative asset paths, no dev server, no CDN.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  build: {
    target: 'safari16',
    outDir: 'dist',
    emptyOutDir: true,
    // Fonts are bundled as files, never inlined or fetched.
    assetsInlineLimit: 0,
  },
});
