import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

// The check-in packet's page: one HTML file with its script and style inlined (vite-plugin-singlefile),
// opened from disk on the participant's own device, offline. `finish.mjs` adds its CSP and writes it
// to src/packet/page.html, where the core fills in each packet.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  clearScreen: false,
  plugins: [viteSingleFile({ removeViteModuleLoader: true })],
  build: {
    // Phones a few years old: Safari 15 and Chrome 100 run what this targets.
    target: ['safari15', 'chrome100', 'firefox100'],
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: false,
    reportCompressedSize: false,
  },
});
